"""/api/v1/departments/, /positions/, /territories/: the published chart is readable by every
employee of the company, whatever their data scope, and by nobody of another company."""

import pytest

from .conftest import token_client

pytestmark = pytest.mark.django_db

PEOPLE = ["owner", "superior", "regional", "director", "outsider", "teammate"]


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("key", PEOPLE)
def test_every_employee_sees_all_departments_of_their_company(small_org, other_company, api_as, key):
    client = api_as(key)
    assert ids(client.get("/api/v1/departments/")) == {d.pk for d in small_org.departments.values()}
    assert client.get(f"/api/v1/departments/{small_org.departments['beijing'].pk}/").status_code == 200


@pytest.mark.parametrize("key", PEOPLE)
def test_every_employee_sees_all_positions_of_their_company(small_org, other_company, api_as, key):
    client = api_as(key)
    assert ids(client.get("/api/v1/positions/")) == {p.pk for p in small_org.positions.values()}
    assert client.get(f"/api/v1/positions/{small_org.positions['bj-rep'].pk}/").status_code == 200


@pytest.mark.parametrize("key", PEOPLE)
def test_every_employee_sees_all_territories_of_their_company(small_org, territories, other_company, api_as,
                                                              key):
    client = api_as(key)
    assert ids(client.get("/api/v1/territories/")) == {t.pk for t in territories.values()}
    assert client.get(f"/api/v1/territories/{territories['north'].pk}/").status_code == 200


def test_a_person_of_another_company_sees_only_their_own_chart(small_org, territories, other_company):
    client = token_client(other_company.user)
    assert ids(client.get("/api/v1/departments/")) == {other_company.department.pk}
    assert ids(client.get("/api/v1/positions/")) == {other_company.position.pk}
    assert ids(client.get("/api/v1/territories/")) == {other_company.territory.pk}
    assert client.get(f"/api/v1/departments/{small_org.departments['sales'].pk}/").status_code == 404
    assert client.get(f"/api/v1/positions/{small_org.positions['director'].pk}/").status_code == 404
    assert client.get(f"/api/v1/territories/{territories['east'].pk}/").status_code == 404


def test_this_companys_people_do_not_see_the_other_companys_chart(small_org, other_company, api_as):
    client = api_as("director")
    assert client.get(f"/api/v1/departments/{other_company.department.pk}/").status_code == 404
    assert client.get(f"/api/v1/positions/{other_company.position.pk}/").status_code == 404
    assert client.get(f"/api/v1/territories/{other_company.territory.pk}/").status_code == 404


def test_a_user_without_an_employee_record_sees_no_chart(small_org, django_user_model):
    client = token_client(django_user_model.objects.create_user(username="nobody", password="x-pass-123"))
    assert ids(client.get("/api/v1/departments/")) == set()
    assert client.get(f"/api/v1/departments/{small_org.departments['sales'].pk}/").status_code == 404


def test_a_system_administrator_sees_every_company(small_org, other_company, api_admin):
    assert other_company.department.pk in ids(api_admin.get("/api/v1/departments/"))
    assert small_org.departments["sales"].pk in ids(api_admin.get("/api/v1/departments/"))


def test_departments_filter_by_parent_and_text(small_org, api_as):
    client = api_as("owner")
    sales = small_org.departments["sales"]
    assert ids(client.get("/api/v1/departments/", {"parent": sales.pk})) == {
        small_org.departments["east"].pk, small_org.departments["north"].pk}
    assert ids(client.get("/api/v1/departments/", {"q": "上海"})) == {small_org.departments["shanghai"].pk}
    assert ids(client.get("/api/v1/departments/", {"q": "bj"})) == {small_org.departments["beijing"].pk}


def test_a_department_shows_its_place_in_the_tree(small_org, api_as):
    shanghai = small_org.departments["shanghai"]
    body = api_as("owner").get(f"/api/v1/departments/{shanghai.pk}/").json()
    assert body["parent"] == small_org.departments["east"].pk
    assert body["path"] == shanghai.path
    assert body["depth"] == 2
    assert body["company"] == small_org.company.pk


def test_positions_filter_by_department_and_text(small_org, api_as):
    client = api_as("owner")
    shanghai = small_org.departments["shanghai"]
    assert ids(client.get("/api/v1/positions/", {"department": shanghai.pk})) == {
        small_org.positions["sh-mgr"].pk, small_org.positions["sh-rep"].pk}
    assert ids(client.get("/api/v1/positions/", {"q": "大区"})) == {
        small_org.positions["east-rm"].pk, small_org.positions["north-rm"].pk}


def test_a_position_shows_its_department_superior_post_and_duties(small_org, api_as):
    position = small_org.positions["east-rm"]
    body = api_as("owner").get(f"/api/v1/positions/{position.pk}/").json()
    assert body["department"] == {"id": small_org.departments["east"].pk, "name": "华东大区"}
    assert body["reports_to"] == small_org.positions["director"].pk
    assert body["duties"] == [{"text": "带领团队", "queue": "team", "capability": ""}]


def test_territories_filter_by_parent(small_org, territories, api_as):
    body = api_as("owner").get("/api/v1/territories/", {"parent": territories["east"].pk}).json()
    assert [row["name"] for row in body["results"]] == ["上海"]
    assert body["results"][0]["level"] == "city"
