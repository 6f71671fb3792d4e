"""The org browsing pages: chart, departments, job descriptions, headcount, people, employee
pages and vacancies. Everyone logs in; people are shown only as far as the data scope goes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.org import services
from salesdesk.org.models import Department, Employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_of(small_org):
    def make(key_or_user):
        client = Client()
        client.force_login(small_org.user(key_or_user) if isinstance(key_or_user, str) else key_or_user)
        return client
    return make


def page_urls(small_org):
    return {
        "chart": reverse("org:chart"),
        "chart_data": reverse("org:chart_data"),
        "department": reverse("org:department", args=[small_org.departments["shanghai"].pk]),
        "position": reverse("org:position", args=[small_org.positions["sh-rep"].pk]),
        "headcount": reverse("org:headcount"),
        "people": reverse("org:people"),
        "employee": reverse("org:employee", args=[small_org.people["owner"].pk]),
        "vacancies": reverse("org:vacancies"),
    }


def ids(response, attribute):
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(rf'{attribute}="(\d+)"', response.content.decode())]


def people_ids(response):
    return set(ids(response, "data-person"))


def departments_in(nodes):
    for node in nodes:
        yield node
        yield from departments_in(node["children"])


def chart_departments(client):
    data = client.get(reverse("org:chart_data")).json()
    return {node["code"]: node for company in data["companies"] for node in departments_in(company["children"])}


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["chart", "chart_data", "department", "position", "headcount", "people",
                                  "employee", "vacancies"])
def test_every_page_sends_anonymous_visitors_to_log_in(small_org, page):
    response = Client().get(page_urls(small_org)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("key", ["owner", "regional"])
@pytest.mark.parametrize("page", ["chart", "chart_data", "department", "position", "headcount", "people",
                                  "employee", "vacancies"])
def test_every_page_renders_for_the_owner_and_the_regional_manager(small_org, client_of, key, page):
    assert client_of(key).get(page_urls(small_org)[page]).status_code == 200


def test_a_log_in_without_an_employee_sees_empty_pages(small_org):
    client = Client()
    client.force_login(get_user_model().objects.create_user(username="nobody", password="pass-nobody-1"))
    assert client.get(reverse("org:chart_data")).json()["companies"] == []
    assert people_ids(client.get(reverse("org:people"))) == set()
    assert ids(client.get(reverse("org:headcount")), "data-department") == []
    assert ids(client.get(reverse("org:vacancies")), "data-position") == []
    assert client.get(page_urls(small_org)["department"]).status_code == 404
    assert client.get(page_urls(small_org)["employee"]).status_code == 404


def test_nobody_sees_another_companys_organisation(small_org, client_of):
    other = services.create_company(name="别家公司", code="other")
    services.create_department(company=other, name="别家销售部", code="OTHER")
    codes = set(chart_departments(client_of("regional")))
    assert "OTHER" not in codes
    other_department = Department.objects.get(code="OTHER")
    assert client_of("regional").get(reverse("org:department", args=[other_department.pk])).status_code == 404


# --- org chart ---------------------------------------------------------------------------------------


def test_the_chart_data_has_every_department_with_planned_filled_and_vacant_seats(small_org, client_of):
    departments = chart_departments(client_of("owner"))
    assert set(departments) == {"SALES", "EAST", "SH", "NORTH", "BJ"}
    # 上海办事处: 办事处经理 1/1, 销售代表 3 planned with 李代表 and 周代表.
    assert departments["SH"]["own"] == {"planned": 4, "filled": 3, "vacant": 1}
    assert departments["EAST"]["own"] == {"planned": 1, "filled": 1, "vacant": 0}
    assert departments["EAST"]["total"] == {"planned": 5, "filled": 4, "vacant": 1}
    # 华北: 大区经理 vacant; 北京 销售代表 2 planned, 吴代表 holds one.
    assert departments["NORTH"]["total"] == {"planned": 3, "filled": 1, "vacant": 2}
    assert departments["SALES"]["total"] == {"planned": 9, "filled": 6, "vacant": 3}
    positions = {position["title"]: position for position in departments["SH"]["positions"]}
    assert positions["销售代表"]["filled"] == 2 and positions["销售代表"]["vacant"] == 1
    assert positions["销售代表"]["url"] == reverse("org:position", args=[small_org.positions["sh-rep"].pk])
    assert departments["SH"]["url"] == reverse("org:department", args=[small_org.departments["shanghai"].pk])


def test_people_who_left_do_not_fill_a_seat(small_org, client_of):
    services.deactivate_employee(employee=small_org.people["teammate"])
    assert chart_departments(client_of("owner"))["SH"]["own"] == {"planned": 4, "filled": 2, "vacant": 2}


def test_an_over_staffed_position_does_not_fill_another_ones_vacancy(small_org, client_of):
    extra = services.create_employee(company=small_org.company, name="郑经理",
                                     positions=[small_org.positions["sh-mgr"]])
    assert extra.pk
    shanghai = chart_departments(client_of("owner"))["SH"]
    assert shanghai["own"] == {"planned": 4, "filled": 4, "vacant": 1}


def test_the_chart_data_takes_the_same_queries_however_big_the_organisation(small_org, client_of):
    client = client_of("regional")
    client.get(reverse("org:chart_data"))  # warm up sessions and content types
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("org:chart_data"))
    parent = small_org.departments["north"]
    for number in range(30):
        department = services.create_department(company=small_org.company, name=f"办事处{number}",
                                                code=f"X{number}", parent=parent)
        services.create_position(department=department, title="代表", code=f"x-rep-{number}", headcount=2)
        parent = department if number % 3 == 0 else parent
    with CaptureQueriesContext(connection) as big:
        data = client.get(reverse("org:chart_data")).json()
    assert data["department_count"] == 35
    assert len(big.captured_queries) == len(small.captured_queries)


def test_the_chart_page_has_an_outline_that_works_without_javascript(small_org, client_of):
    response = client_of("owner").get(reverse("org:chart"))
    outlined = set(ids(response, "data-outline-department"))
    assert outlined == {department.pk for department in small_org.departments.values()}
    assert small_org.positions["bj-rep"].pk in ids(response, "data-outline-position")
    assert 'id="sd-org-chart"' in response.content.decode()
    assert 'data-src="{}"'.format(reverse("org:chart_data")) in response.content.decode()


def test_the_chart_links_to_org_versions_and_to_maintenance_only_for_org_admins(small_org, client_of,
                                                                                 admin_user):
    owner_page = client_of("owner").get(reverse("org:chart")).content.decode()
    assert reverse("org:versions") in owner_page
    assert 'data-link="manage"' not in owner_page
    admin_page = client_of(admin_user).get(reverse("org:chart")).content.decode()
    assert 'data-link="manage"' in admin_page and reverse("org:manage") in admin_page


def test_the_menu_has_the_org_chart_people_and_headcount(small_org, client_of):
    page = client_of("owner").get(reverse("org:chart")).content.decode()
    for key in ("org", "people", "headcount"):
        assert f'data-nav="{key}"' in page


# --- department and position ---------------------------------------------------------------------


def test_a_department_page_shows_its_positions_sub_departments_and_territories(small_org, client_of):
    territory = services.create_territory(company=small_org.company, name="华东", code="east")
    small_org.departments["east"].territories.add(territory)
    response = client_of("owner").get(reverse("org:department", args=[small_org.departments["east"].pk]))
    assert ids(response, "data-position") == [small_org.positions["east-rm"].pk]
    assert ids(response, "data-child") == [small_org.departments["shanghai"].pk]
    assert ids(response, "data-territory") == [territory.pk]


def test_a_department_page_shows_only_the_people_in_scope(small_org, client_of):
    url = reverse("org:department", args=[small_org.departments["shanghai"].pk])
    people = small_org.people
    assert people_ids(client_of("regional").get(url)) == {people["superior"].pk, people["owner"].pk,
                                                         people["teammate"].pk}
    assert people_ids(client_of("owner").get(url)) == {people["owner"].pk}


def test_the_job_description_names_holders_in_scope_and_counts_the_others(small_org, client_of):
    response = client_of("owner").get(reverse("org:position", args=[small_org.positions["sh-rep"].pk]))
    assert ids(response, "data-holder") == [small_org.people["owner"].pk]
    assert ids(response, "data-hidden-holders") == [1]
    content = response.content.decode()
    assert small_org.people["teammate"].name not in content
    assert 'data-planned="3" data-filled="2" data-vacant="1"' in content


def test_the_job_description_names_the_readers_own_superior(small_org, client_of):
    response = client_of("owner").get(reverse("org:position", args=[small_org.positions["sh-rep"].pk]))
    assert ids(response, "data-superior-holder") == [small_org.people["superior"].pk]


def test_the_job_description_has_duties_with_their_queues_and_subordinate_positions(small_org, client_of):
    position = small_org.positions["east-rm"]
    services.update_position(position=position, main_work="带领华东大区完成销售目标", requirements="五年以上销售管理经验",
                             authority="对大区人员有考核建议权", meetings="每月销售例会")
    response = client_of("regional").get(reverse("org:position", args=[position.pk]))
    content = response.content.decode()
    assert 'data-queue="team"' in content
    for text in ("带领华东大区完成销售目标", "五年以上销售管理经验", "对大区人员有考核建议权", "每月销售例会"):
        assert text in content
    assert ids(response, "data-subordinate") == [small_org.positions["sh-mgr"].pk]
    assert "data-print" in content


# --- headcount and vacancies -------------------------------------------------------------------------


def test_the_headcount_table_has_a_row_per_department_in_tree_order_and_correct_totals(small_org, client_of):
    response = client_of("owner").get(reverse("org:headcount"))
    departments = small_org.departments
    assert ids(response, "data-department") == [departments[key].pk for key in
                                                 ("sales", "east", "shanghai", "north", "beijing")]
    content = response.content.decode()
    assert 'data-total data-planned="9" data-filled="6" data-vacant="3"' in content
    grade_planned = [int(value) for value in re.findall(r'data-grade-planned>(\d+)<', content)]
    grade_filled = [int(value) for value in re.findall(r'data-grade-filled>(\d+)<', content)]
    assert grade_planned == [1, 3, 5]  # senior 总监; middle 2×大区经理 + 办事处经理; staff 3 + 2 代表
    assert grade_filled == [1, 2, 3]


def test_the_headcount_takes_a_fixed_number_of_queries(small_org, client_of, django_assert_max_num_queries):
    client = client_of("owner")
    client.get(reverse("org:headcount"))
    with django_assert_max_num_queries(10):
        client.get(reverse("org:headcount"))


def test_the_vacancies_page_lists_the_vacant_positions_a_regional_manager_looks_after(small_org, client_of):
    response = client_of("regional").get(reverse("org:vacancies"))
    assert ids(response, "data-position") == [small_org.positions["sh-rep"].pk]
    assert 'data-seats="1"' in response.content.decode()


# --- people --------------------------------------------------------------------------------------------


def test_the_owner_sees_only_themselves_in_the_people_list(small_org, client_of):
    assert people_ids(client_of("owner").get(reverse("org:people"))) == {small_org.people["owner"].pk}


def test_the_regional_manager_sees_shanghai_people_but_not_beijings_outsider(small_org, client_of):
    shown = people_ids(client_of("regional").get(reverse("org:people")))
    people = small_org.people
    assert {people["superior"].pk, people["owner"].pk, people["teammate"].pk} <= shown
    assert people["outsider"].pk not in shown and people["director"].pk not in shown


def test_people_can_be_found_by_name_employee_number_or_mobile(small_org, client_of):
    owner = small_org.people["owner"]
    Employee.objects.filter(pk=owner.pk).update(employee_no="E-777")
    client = client_of("director")
    for term in ("李代", "e-777", owner.mobile[-6:]):
        assert people_ids(client.get(reverse("org:people"), {"q": term})) == {owner.pk}


def test_the_people_list_filters_by_a_department_subtree_and_by_status(small_org, client_of):
    client, people = client_of("director"), small_org.people
    east = client.get(reverse("org:people"), {"department": small_org.departments["east"].pk})
    assert people_ids(east) == {people["regional"].pk, people["superior"].pk, people["owner"].pk,
                                people["teammate"].pk}
    services.deactivate_employee(employee=people["teammate"])
    assert people["teammate"].pk not in people_ids(client.get(reverse("org:people")))
    assert people_ids(client.get(reverse("org:people"), {"status": "left"})) == {people["teammate"].pk}


def test_a_bad_department_filter_is_reported_next_to_the_field(small_org, client_of):
    response = client_of("director").get(reverse("org:people"), {"department": "999999"})
    assert response.status_code == 200
    assert 'data-filter="department"' in response.content.decode()
    assert response.context["form"].errors["department"]
    assert len(people_ids(response)) == 6


def test_htmx_searches_get_only_the_table(small_org, client_of):
    response = client_of("regional").get(reverse("org:people"), {"q": "李"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert "<html" not in content and 'id="people"' in content
    assert people_ids(response) == {small_org.people["owner"].pk}


def test_the_people_list_shows_every_position_a_person_holds(small_org, client_of):
    owner = small_org.people["owner"]
    second = services.assign(employee=owner, position=small_org.positions["bj-rep"])
    response = client_of("director").get(reverse("org:people"), {"q": owner.name})
    assert second.pk in ids(response, "data-assignment")
    assert len(ids(response, "data-assignment")) == 2


def test_the_people_list_does_not_grow_in_queries_with_more_people(small_org, client_of,
                                                                   django_assert_max_num_queries):
    client = client_of("regional")
    client.get(reverse("org:people"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("org:people"))
    for number in range(60):
        services.create_employee(company=small_org.company, name=f"新人{number:02d}", mobile=f"139{number:08d}",
                                 positions=[small_org.positions["sh-rep"], small_org.positions["sh-mgr"]])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("org:people"))
    assert len(people_ids(response)) == 50  # one page
    assert response.context["page"].paginator.count == 64


# --- employee --------------------------------------------------------------------------------------------


def test_the_outsiders_page_is_not_found_for_the_owner(small_org, client_of):
    url = reverse("org:employee", args=[small_org.people["outsider"].pk])
    assert client_of("owner").get(url).status_code == 404
    assert client_of("director").get(url).status_code == 200


def test_an_employee_page_shows_positions_superiors_and_reports(small_org, client_of):
    superior = small_org.people["superior"]
    response = client_of("regional").get(reverse("org:employee", args=[superior.pk]))
    assert ids(response, "data-superior") == [small_org.people["regional"].pk]
    assert set(ids(response, "data-report")) == {small_org.people["owner"].pk, small_org.people["teammate"].pk}
    assert len(ids(response, "data-assignment")) == 1


def test_reports_skip_a_vacant_position_in_between(small_org, client_of):
    services.deactivate_employee(employee=small_org.people["superior"])
    response = client_of("regional").get(reverse("org:employee", args=[small_org.people["regional"].pk]))
    assert set(ids(response, "data-report")) == {small_org.people["owner"].pk, small_org.people["teammate"].pk}


def test_an_employee_page_shows_the_audit_timeline_with_before_and_after(small_org, client_of):
    owner = small_org.people["owner"]
    with acting_as(actor_for_user(small_org.user("director"), source="web")):
        owner.mobile = "13912345678"
        owner.save()
    response = client_of("owner").get(reverse("org:employee", args=[owner.pk]))
    content = response.content.decode()
    entries = ids(response, "data-timeline-entry")
    assert len(entries) >= 2  # created, then changed (and the assignment)
    assert 'data-action="update"' in content
    assert "13912345678" in content and small_org.people["director"].name in content
