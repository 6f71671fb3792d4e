"""Bad input to the API gets a clear JSON message, never a 500, and every status code an operation
answers is documented: 400 for a refused value (also an out-of-range date in the audit API), 422
naming the fields that do not match the schema, 404 in JSON for an address no route matches, and the
error answers in each operation's OpenAPI description."""

import json

import pytest
from django.test import RequestFactory

from salesdesk.api.api import api as ninja_api
from salesdesk.core.errors import server_error

pytestmark = pytest.mark.django_db


def assert_json_message(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_every_operation_documents_the_errors_it_can_answer():
    schema = ninja_api.get_openapi_schema(path_prefix="/api/v1")
    assert "Message" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            expected = {400, 401, 403}
            if "{" in path:
                expected.add(404)
            if "requestBody" in operation:
                expected.update({404, 413, 422})
            if operation.get("parameters") or "requestBody" in operation:
                expected.add(422)
            assert expected <= documented, (method, path, documented)
    assert 409 in schema["paths"]["/api/v1/customers/"]["post"]["responses"]


def test_a_parameter_that_does_not_match_the_schema_is_a_422_naming_it(small_org, api_as):
    body = assert_json_message(api_as("director").get("/api/v1/employees/", {"page_size": "many"},
                                                      HTTP_ACCEPT_LANGUAGE="en"), 422)
    assert body["message"].startswith("输入无效：page_size: ")  # in the reader's language (the default here)
    assert body["errors"][0]["loc"] == ["query", "page_size"]


@pytest.mark.parametrize("path", ["/api/v1/employees/null,null/", "/api/v1/no-such-resource/", "/api/v1/departments/x/"])
def test_an_address_no_route_matches_is_a_json_404(small_org, api_as, path):
    assert_json_message(api_as("director").get(path), 404)


@pytest.mark.parametrize("params", [{"since": "0000-00-00"}, {"since": "0001-01-01"}, {"until": "9999-12-31"},
                                    {"since": "2026-02-30"}, {"until": "0001-01-01T00:00:00"}])
def test_an_out_of_range_date_in_the_audit_api_is_a_message_never_a_server_error(small_org, api_as, params):
    """The audit API reads its dates itself (audit/api.py): an impossible day, or one the database or the
    time zone cannot convert (SQLite: 0001-01-01), is a 400 with a message through the API's last line of
    defence; PostgreSQL answers 0001-01-01 with an empty page."""
    response = api_as("director").get("/api/v1/audit/", params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert_json_message(response, 400)


def test_a_server_error_under_the_api_is_answered_in_json_not_with_the_html_page():
    response = server_error(RequestFactory().get("/api/v1/employees/"))

    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)["message"]
