"""/api/v1/employees/: the people a token's user sees follow their org scope, exactly as on the
pages; anyone outside it is a plain 404."""

import pytest
from django.contrib.contenttypes.models import ContentType

from salesdesk.core.models import Collaborator
from salesdesk.org import services
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db

URL = "/api/v1/employees/"


def visible_names(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return sorted(row["name"] for row in response.json()["results"])


def test_an_owner_sees_only_themselves(small_org, api_as):
    assert visible_names(api_as("owner")) == ["李代表"]


def test_a_superior_sees_their_subordinates_and_themselves(small_org, api_as):
    assert visible_names(api_as("superior")) == ["周代表", "孙经理", "李代表"]


def test_a_regional_manager_sees_the_east_china_subtree_only(small_org, api_as):
    assert visible_names(api_as("regional")) == ["周代表", "孙经理", "李代表", "钱经理"]


def test_the_director_sees_the_whole_company_but_not_another_company(small_org, other_company, api_as):
    assert visible_names(api_as("director")) == sorted(person.name for person in small_org.people.values())


def test_a_system_administrator_sees_everyone(small_org, other_company, api_admin):
    assert len(visible_names(api_admin)) == len(small_org.people) + 1


def test_an_outsider_sees_only_themselves_and_gets_404_for_the_owner(small_org, api_as):
    client = api_as("outsider")
    assert visible_names(client) == ["吴代表"]
    response = client.get(f"{URL}{small_org.people['owner'].pk}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message"}


def test_a_superior_opens_the_owners_detail(small_org, api_as):
    owner = small_org.people["owner"]
    response = api_as("superior").get(f"{URL}{owner.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "李代表"


def test_a_detail_out_of_scope_looks_exactly_like_one_that_does_not_exist(small_org, api_as):
    client = api_as("owner")
    hidden = client.get(f"{URL}{small_org.people['outsider'].pk}/")
    missing = client.get(f"{URL}999999/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_collaborating_on_a_person_grants_nothing_because_people_are_not_shared(small_org, api_as):
    owner = small_org.people["owner"]
    Collaborator.objects.create(content_type=ContentType.objects.get_for_model(Employee), object_id=owner.pk,
                                employee=small_org.people["outsider"], access=Collaborator.Access.WRITE)
    assert api_as("outsider").get(f"{URL}{owner.pk}/").status_code == 404


def test_a_person_of_another_company_does_not_see_this_companys_people(small_org, other_company):
    from .conftest import token_client

    client = token_client(other_company.user)
    assert visible_names(client) == ["郑专员"]
    assert client.get(f"{URL}{small_org.people['owner'].pk}/").status_code == 404


def test_the_detail_lists_positions_with_department_and_the_direct_superior(small_org, api_as):
    owner = small_org.people["owner"]
    body = api_as("owner").get(f"{URL}{owner.pk}/").json()
    assert body["id"] == owner.pk
    assert body["status"] == "active"
    assert body["mobile"] == owner.mobile
    assert body["positions"] == [{
        "id": small_org.positions["sh-rep"].pk, "title": "销售代表", "is_primary": True,
        "department": {"id": small_org.departments["shanghai"].pk, "name": "上海办事处"},
    }]
    assert body["superiors"] == [small_org.people["superior"].pk]


def test_a_vacant_post_passes_the_reporting_line_upwards(small_org, api_as):
    superior = small_org.people["superior"]
    services.end_assignment(assignment=superior.assignments.get())
    owner = small_org.people["owner"]
    body = api_as("director").get(f"{URL}{owner.pk}/").json()
    assert body["superiors"] == [small_org.people["regional"].pk]


def test_the_superiors_in_a_list_match_the_org_selector(small_org, api_as):
    rows = api_as("director").get(URL).json()["results"]
    for row in rows:
        expected = sorted(person.pk for person in Employee.objects.get(pk=row["id"]).direct_superiors())
        assert row["superiors"] == expected, row["name"]


def test_no_password_or_user_data_leaves_through_the_api(small_org, api_as):
    body = api_as("director").get(URL).json()
    keys = {key for row in body["results"] for key in row}
    assert keys == {"id", "company", "name", "employee_no", "mobile", "email", "status", "positions",
                    "superiors"}
    assert "pbkdf2" not in str(body) and "md5$" not in str(body)


def test_the_department_filter_covers_the_subtree(small_org, api_as):
    east = small_org.departments["east"]
    assert visible_names(api_as("director"), department=east.pk) == ["周代表", "孙经理", "李代表", "钱经理"]
    assert visible_names(api_as("director"), department=small_org.departments["beijing"].pk) == ["吴代表"]


def test_the_department_filter_never_widens_the_scope(small_org, api_as):
    assert visible_names(api_as("owner"), department=small_org.departments["sales"].pk) == ["李代表"]


def test_a_department_of_another_company_matches_nobody(small_org, other_company, api_as):
    assert visible_names(api_as("director"), department=other_company.department.pk) == []


def test_the_status_and_text_filters(small_org, api_as):
    services.deactivate_employee(employee=small_org.people["teammate"])
    client = api_as("director")
    assert visible_names(client, status="left") == ["周代表"]
    assert "周代表" not in visible_names(client, status="active")
    assert visible_names(client, q="李") == ["李代表"]
    assert visible_names(client, q=small_org.people["outsider"].mobile) == ["吴代表"]


def test_an_unknown_status_is_a_json_422(small_org, api_as):
    response = api_as("director").get(URL, {"status": "sleeping"})
    assert response.status_code == 422
    assert "message" in response.json()
