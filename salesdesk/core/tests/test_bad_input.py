"""Bad input gets a clear message, never a 500: a NUL character anywhere in a request (path, query
string, form or JSON body) is refused with a 400 before any view runs, a body above the limit with a
413 — JSON `{"message": …}` under /api/, the 400 page with the message elsewhere, in the reader's
language."""

import json

import pytest
from django.db import DataError
from django.test import Client, override_settings

from salesdesk.accounts.services import create_api_token

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "contains a NUL character"


@pytest.fixture
def owner(small_org):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(small_org.user("owner"))
    return client


@pytest.fixture
def api(small_org):
    _token, raw = create_api_token(user=small_org.user("director"), name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def assert_page_says(response, status, words):
    assert response.status_code == status
    page = response.content.decode()
    assert 'id="error-message"' in page and words in page


def assert_json_says(response, status, words):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["message"]


def test_a_nul_byte_in_a_search_is_refused_with_a_message(owner):
    assert_page_says(owner.get("/customers/", {"q": "巴陵\x00石化"}), 400, NUL_MESSAGE)


def test_a_nul_byte_in_a_filter_name_is_refused_too(owner):
    assert_page_says(owner.get("/customers/?sc%00ene=mine"), 400, NUL_MESSAGE)


def test_a_nul_byte_in_the_address_is_refused(owner):
    assert_page_says(owner.get("/customers/%00/"), 400, NUL_MESSAGE)


def test_a_nul_byte_in_a_form_is_refused_before_the_form_is_handled(owner):
    response = owner.post("/customers/new/", {"name": "巴陵\x00石化", "kind": "company"})
    assert_page_says(response, 400, NUL_MESSAGE)


def test_the_refusal_is_in_the_readers_language(small_org):
    client = Client()  # no language asked for: Simplified Chinese
    client.force_login(small_org.user("owner"))
    response = client.get("/customers/", {"q": "\x00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page and "请返回后重试" in page and 'id="error-message"' in page


def test_a_nul_byte_in_an_api_filter_is_refused_in_json(api):
    assert_json_says(api.get("/api/v1/customers/", {"q": "\x00"}), 400, NUL_MESSAGE)


def test_a_nul_byte_in_an_api_body_is_refused_in_json(api):
    body = json.dumps({"name": "巴陵\x00石化"})  # sent as the escape \u0000
    assert "\\u0000" in body
    assert_json_says(api.post("/api/v1/customers/", body, content_type="application/json"), 400, NUL_MESSAGE)


def test_an_escaped_backslash_before_u0000_is_no_nul_byte(api):
    body = json.dumps({"name": "C:\\u0000"})  # the text \u0000, not a NUL
    response = api.post("/api/v1/customers/", body, content_type="application/json")
    assert response.status_code != 400 or NUL_MESSAGE not in response.json()["message"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_request_body_above_the_limit_is_answered_413_with_a_message(owner, api):
    assert_page_says(owner.post("/customers/new/", {"name": "x" * 20_000}), 413, "too large")
    response = api.post("/api/v1/customers/", json.dumps({"name": "x" * 20_000}), content_type="application/json")
    assert_json_says(response, 413, "too large")


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=10)
def test_a_form_with_too_many_fields_is_refused_with_a_message(owner):
    response = owner.post("/customers/new/", {f"field{n}": "x" for n in range(20)})
    assert_page_says(response, 400, "too many fields")


def test_ordinary_requests_pass(owner, api):
    assert owner.get("/customers/", {"q": "巴陵"}).status_code == 200
    assert api.get("/api/v1/customers/", {"q": "巴陵"}).status_code == 200


def test_every_text_field_of_a_form_refuses_control_characters_and_a_textarea_keeps_tabs_and_line_breaks():
    from django import forms
    from django.utils import translation

    from salesdesk.core.forms import BootstrapForm

    class NoteForm(BootstrapForm):
        title = forms.CharField()
        body = forms.CharField(widget=forms.Textarea)

    with translation.override("en"):
        refused = NoteForm({"title": "a\x0bb", "body": "x\x0cy"})
        kept = NoteForm({"title": "标题", "body": "第一行\r\n\t第二行"})
        assert not refused.is_valid()
        assert "U+000B" in refused.errors["title"][0] and "U+000C" in refused.errors["body"][0]
        assert kept.is_valid() and kept.cleaned_data["body"] == "第一行\r\n\t第二行"


@pytest.mark.parametrize("day, valid", [("0001-01-01", False), ("9999-12-31", False), ("1899-12-31", False),
                                        ("1900-01-01", True), ("2999-12-31", True)])
def test_every_date_field_of_a_form_keeps_to_the_years_1900_to_2999(day, valid):
    from django import forms

    from salesdesk.core.forms import BootstrapForm

    class PeriodForm(BootstrapForm):
        day = forms.DateField()

    assert PeriodForm({"day": day}).is_valid() is valid


@pytest.mark.parametrize("url", ["/sales/orders/new/", "/sales/quotations/new/", "/sales/contracts/new/",
                                 "/finance/payments/new/"])
def test_an_id_too_large_for_the_database_is_not_a_500(small_org, url):
    client = Client()
    client.force_login(small_org.user("director"))

    answer = client.get(url, {"customer": "9" * 25}, HTTP_ACCEPT_LANGUAGE="en")

    assert answer.status_code in (200, 400, 404)


@pytest.mark.parametrize("error", [OverflowError("Python int too large to convert to SQLite INTEGER"),
                                   DataError("value out of range for type bigint")])
def test_a_value_the_database_cannot_hold_is_a_400_with_a_message(small_org, error):
    from django.test import RequestFactory
    from django.utils import translation

    from salesdesk.core.middleware import BadInputMiddleware

    request = RequestFactory().get("/customers/")
    with translation.override("en"):
        answer = BadInputMiddleware(lambda request: None).process_exception(request, error)

    assert answer.status_code == 400 and b"out of range" in answer.content
