"""What every resource of /api/v1/ shares: token authentication, JSON errors in the caller's
language, pagination, read-only methods and the OpenAPI description."""

import pytest
from django.test import Client

from salesdesk.accounts.models import ApiToken
from salesdesk.accounts.services import revoke_api_token
from salesdesk.org import services

from .conftest import TokenClient, token_client

pytestmark = pytest.mark.django_db

RESOURCES = ["departments", "positions", "employees", "territories", "audit"]
ENDPOINTS = [f"/api/v1/{name}/" for name in RESOURCES] + [f"/api/v1/{name}/1/" for name in RESOURCES]


def assert_json_message(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_a_token_every_endpoint_answers_401_in_json(small_org, anonymous, path):
    assert_json_message(anonymous.get(path), 401)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_made_up_token_is_refused(small_org, path):
    assert_json_message(TokenClient("sd_not-a-real-token").get(path), 401)


def test_a_session_log_in_is_not_enough_for_the_api(small_org):
    client = Client()
    client.force_login(small_org.user("owner"))
    assert_json_message(client.get("/api/v1/employees/"), 401)


def test_a_revoked_token_stops_working(small_org):
    token, raw = ApiToken.issue(user=small_org.user("owner"), name="laptop")
    client = TokenClient(raw)
    assert client.get("/api/v1/employees/").status_code == 200
    revoke_api_token(token=token)
    response = client.get("/api/v1/employees/")
    assert_json_message(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_the_token_of_someone_who_has_left_stops_working(small_org, api_as):
    client = api_as("teammate")
    services.deactivate_employee(employee=small_org.people["teammate"])
    assert_json_message(client.get("/api/v1/employees/"), 401)


def test_using_a_token_records_when_it_was_last_used(small_org):
    token, raw = ApiToken.issue(user=small_org.user("owner"), name="laptop")
    TokenClient(raw).get("/api/v1/departments/")
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ENDPOINTS)
def test_write_methods_answer_405_in_json(small_org, api_as, method, path):
    response = api_as("director").generic(method, path)
    assert_json_message(response, 405)
    assert response["Allow"] == "GET"


def test_a_write_attempt_changes_nothing(small_org, api_admin):
    department = small_org.departments["east"]
    api_admin.generic("DELETE", f"/api/v1/departments/{department.pk}/")
    department.refresh_from_db()
    assert department.name == "华东大区"


# --- pagination ---------------------------------------------------------------------------------


@pytest.fixture
def many_people(small_org):
    position = small_org.positions["bj-rep"]
    for number in range(230):
        services.create_employee(company=small_org.company, name=f"员工{number:03d}", positions=[position])
    return small_org


def test_a_list_is_paginated_with_count_page_and_page_size(many_people, api_as):
    body = api_as("director").get("/api/v1/employees/").json()
    assert body["count"] == 236
    assert body["page"] == 1
    assert body["page_size"] == 50
    assert len(body["results"]) == 50


def test_pages_do_not_overlap_and_cover_everything(many_people, api_as):
    client = api_as("director")
    seen = []
    for page in (1, 2, 3):
        seen += [row["id"] for row in client.get("/api/v1/employees/", {"page": page, "page_size": 100})
                 .json()["results"]]
    assert len(seen) == len(set(seen)) == 236


def test_the_page_size_is_capped_at_200(many_people, api_as):
    body = api_as("director").get("/api/v1/employees/", {"page_size": 1000}).json()
    assert body["page_size"] == 200
    assert len(body["results"]) == 200


def test_a_page_past_the_end_is_empty_but_keeps_the_count(many_people, api_as):
    body = api_as("director").get("/api/v1/employees/", {"page": 99}).json()
    assert body["results"] == [] and body["count"] == 236


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 0}, {"page": "x"}])
def test_a_bad_page_is_a_json_422(small_org, api_as, params):
    assert_json_message(api_as("owner").get("/api/v1/employees/", params), 422)


def test_the_count_only_counts_what_is_in_scope(many_people, api_as):
    assert api_as("owner").get("/api/v1/employees/").json()["count"] == 1


# --- language -----------------------------------------------------------------------------------


def test_errors_speak_the_token_holders_language(small_org, api_as):
    owner = small_org.people["owner"]
    owner.language = "en"
    owner.save()
    response = api_as("owner").get("/api/v1/employees/999999/", **{"Accept-Language": "zh-hant"})
    assert response.json()["message"] == "Not found."
    assert response["Content-Language"] == "en"


def test_without_a_preference_the_accept_language_header_decides(small_org, api_as):
    response = api_as("owner").get("/api/v1/employees/999999/", **{"Accept-Language": "en"})
    assert response.json()["message"] == "Not found."
    assert response["Content-Language"] == "en"
    response = TokenClient(None).get("/api/v1/employees/", **{"Accept-Language": "en"})
    assert response["Content-Language"] == "en"
    assert response.json()["message"].startswith("Authentication required")


def test_without_preference_or_header_the_answer_is_in_simplified_chinese(small_org, api_as):
    response = api_as("owner").get("/api/v1/employees/999999/")
    assert response["Content-Language"] == "zh-hans"


# --- description ------------------------------------------------------------------------------


def test_the_openapi_schema_lists_all_five_resources_read_only(small_org):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for name in RESOURCES:
        assert f"/api/v1/{name}/" in paths
        assert f"/api/v1/{name}/{{id}}/" in paths
        assert set(paths[f"/api/v1/{name}/"]) == {"get"}
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_uses_the_swagger_files_shipped_with_django_ninja(small_org):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert Client().get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_a_token_created_for_another_user_sees_that_users_scope(small_org):
    assert token_client(small_org.user("superior")).get("/api/v1/employees/").json()["count"] == 3


def test_the_api_root_points_to_the_docs_and_every_resource_without_showing_data(small_org):
    response = Client().get("/api/v1/")

    body = response.json()
    assert response.status_code == 200
    assert (body["docs"], body["openapi"]) == ("/api/v1/docs", "/api/v1/openapi.json")
    assert sorted(body["resources"]) == [
        "approvals", "audit", "contacts", "contracts", "customers", "departments", "employees", "follow-ups", "invoices",
        "leads",
        "notifications", "orders", "payments", "pools", "positions", "price-lists", "products", "quotations",
        "receivables", "shipments",
        "territories", "visit-plans",
        "visitor-registrations"]
    for url in body["resources"].values():
        assert Client().get(url).status_code == 401
    assert "李代表" not in response.content.decode()
