"""Bad input in the customer pages and API gets a clear message, never a 500: control characters in
names are refused when typed, an old name with one no longer breaks the export, and impossible or
far-away days in the filters fall back to the default with a message."""

import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from salesdesk.accounts.services import create_api_token
from salesdesk.customers.models import Customer

from .conftest import customer

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "Remove the invisible control character U+000B"


def client_for(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user(key))
    return client


def test_a_control_character_in_a_customer_name_is_refused_with_a_message(org):
    response = client_for(org, "owner").post(reverse("customers:create"), {"name": "巴陵\x0b石化", "kind": "company"})

    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    assert not Customer.objects.filter(name__startswith="巴陵").exists()


def test_tabs_and_line_breaks_are_kept_in_multi_line_notes_but_not_in_names(org):
    client = client_for(org, "owner")

    refused = client.post(reverse("customers:create"), {"name": "巴陵\t石化", "kind": "company"})
    made = client.post(reverse("customers:create"), {"name": "巴陵石化", "kind": "company",
                                                     "notes": "第一行\r\n\t第二行"})

    assert refused.status_code == 400 and "U+0009" in refused.content.decode()
    assert made.status_code == 302
    assert Customer.objects.get(name="巴陵石化").notes == "第一行\r\n\t第二行"


def test_a_control_character_in_a_name_sent_to_the_api_is_a_422_naming_the_field(org):
    _token, raw = create_api_token(user=org.user("owner"), name="tests")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")

    response = client.post("/api/v1/customers/", json.dumps({"name": "巴陵\x0b石化"}), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["message"].startswith("Invalid input: name: " + CONTROL_MESSAGE)
    assert not Customer.objects.filter(name__startswith="巴陵").exists()


def test_an_old_name_with_a_vertical_tab_no_longer_breaks_the_customer_export(org, customers):
    bad = customer(org, "owner", "巴陵石化")
    Customer.objects.filter(pk=bad.pk).update(name="巴陵\x0b石化", notes="备注\x01")  # saved before the check
    client = client_for(org, "owner")

    batch = client.post(reverse("customers:batch"), {"action": "export", "ids": [bad.pk, customers["owner"].pk]})
    whole = client.get(reverse("customers:export"))

    for response in (batch, whole):
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
        assert "巴陵石化" in [row[1] for row in rows[1:]]
        assert "备注" in [cell for row in rows for cell in row]


@pytest.mark.parametrize("period", [
    {"from": "0000-00-00"}, {"from": "2026-02-30"}, {"from": "0001-01-01"}, {"to": "9999-12-31"},
    {"days": "12345678901234567890"}, {"days": "0"},
])
def test_an_impossible_or_far_away_day_in_the_analytics_falls_back_with_a_message(org, period):
    response = client_for(org, "director").get(reverse("customers:analytics"), period)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("date" in message or "days" in message for message in messages), messages


@pytest.mark.parametrize("name, url", [("week", "customers:visit_plans"), ("day", "customers:visitors"),
                                       ("from", "customers:visitor_report"), ("to", "customers:visitor_report")])
@pytest.mark.parametrize("day", ["0000-00-00", "0001-01-01", "9999-12-31"])
def test_an_impossible_or_far_away_day_in_a_filter_is_no_server_error(org, name, url, day):
    response = client_for(org, "owner").get(reverse(url), {name: day})

    assert response.status_code in (200, 302, 403, 404)  # the page, or its usual refusal: never a 500


@pytest.mark.parametrize("before", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "2026-02-30T00:00:00"])
def test_a_timeline_page_before_the_ends_of_the_calendar_is_a_bad_request(org, customers, before):
    url = reverse("customers:timeline", args=[customers["owner"].pk])

    assert client_for(org, "owner").get(url, {"before": before}).status_code == 400
