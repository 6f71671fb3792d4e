"""Bad input in the reports gets a clear message, never a 500: a period with an impossible day or one
at the ends of the calendar (0000-00-00, 0001-01-01, 9999-12-31) falls back to the default period and
says so, on each report, its statistics and its .xlsx."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERIODS = [{"from": "0000-00-00"}, {"from": "2026-02-30"}, {"from": "0001-01-01"}, {"to": "9999-12-31"},
           {"from": "0001-01-01", "to": "9999-12-31"}]


def director(org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user("director"))
    return client


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("report, extra", [("reports:sales", {}), ("reports:contracts", {}),
                                           ("reports:contracts", {"part": "statistics"}),
                                           ("reports:collection", {})])
def test_an_impossible_or_far_away_day_in_a_report_period_falls_back_with_a_message(finance, report, extra, period):
    response = director(finance).get(reverse(report), {**period, **extra})

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("date" in message or "must lie between" in message for message in messages), messages


@pytest.mark.parametrize("report", ["reports:sales", "reports:collection"])
def test_the_xlsx_of_a_report_with_a_far_away_period_is_the_default_periods(finance, report):
    response = director(finance).get(reverse(report), {"from": "0001-01-01", "to": "9999-12-31", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
