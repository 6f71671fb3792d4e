"""The org maintenance pages: only org administrators get in, writes go through the services and
keep the trees right, and bad input comes back with the field's message and the input kept."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services
from salesdesk.org.models import Assignment, Department, Duty, Employee, Position, PositionScope
from tests.scopetest.models import Account

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def person(company, username, name, positions):
    user = get_user_model().objects.create_user(username=username, password="pass-" + username)
    return services.create_employee(company=company, name=name, user=user, positions=positions)


@pytest.fixture
def org_admin(small_org):
    """An employee whose position carries the org_admin capability (人事/组织管理)."""
    position = services.create_position(department=small_org.departments["sales"], title="组织管理员",
                                        code="org-admin", duties=[{"text": "维护组织架构", "capability": "org_admin"}])
    return person(small_org.company, "orgadmin", "郑管理", [position])


@pytest.fixture
def admin_client(org_admin):
    return client_for(org_admin.user)


@pytest.fixture
def elsewhere(db):
    """Another company with a department, a position, an employee and their assignment."""
    company = services.create_company(name="别家公司", code="other")
    department = services.create_department(company=company, name="别家销售部", code="X-SALES")
    position = services.create_position(department=department, title="别家代表", code="x-rep")
    employee = person(company, "stranger", "冯别人", [position])
    return {"company": company, "department": department, "position": position, "employee": employee,
            "assignment": employee.assignments.get()}


def get_urls(small_org):
    owner = small_org.people["owner"]
    return [
        reverse("org:manage"),
        reverse("org:manage_department_create"),
        reverse("org:manage_department_rename", args=[small_org.departments["east"].pk]),
        reverse("org:manage_department_move", args=[small_org.departments["east"].pk]),
        reverse("org:manage_position_create"),
        reverse("org:manage_position_edit", args=[small_org.positions["sh-rep"].pk]),
        reverse("org:manage_people"),
        reverse("org:manage_employee_create"),
        reverse("org:manage_employee", args=[owner.pk]),
        reverse("org:manage_employee_deactivate", args=[owner.pk]),
    ]


def post_urls(small_org):
    owner = small_org.people["owner"]
    return [
        reverse("org:manage_department_create"),
        reverse("org:manage_department_rename", args=[small_org.departments["east"].pk]),
        reverse("org:manage_department_move", args=[small_org.departments["east"].pk]),
        reverse("org:manage_position_create"),
        reverse("org:manage_position_edit", args=[small_org.positions["sh-rep"].pk]),
        reverse("org:manage_employee_create"),
        reverse("org:manage_employee_assign", args=[owner.pk]),
        reverse("org:manage_employee_deactivate", args=[owner.pk]),
        reverse("org:manage_assignment_end", args=[owner.assignments.get().pk]),
    ]


# --- who gets in ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_log_in_page(small_org):
    client = Client()
    for url in get_urls(small_org):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url
    for url in post_urls(small_org):
        response = client.post(url, {})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("key", ["owner", "outsider", "director"])
def test_employees_who_are_not_org_administrators_are_refused(small_org, key):
    client = client_for(small_org.user(key))
    for url in get_urls(small_org):
        assert client.get(url).status_code == 403, url
    for url in post_urls(small_org):
        assert client.post(url, {"name": "X", "left_on": "2030-01-01"}).status_code == 403, url
    assert small_org.people["owner"].is_active
    assert not Department.objects.filter(name="X").exists()


def test_an_org_administrator_opens_every_maintenance_page(small_org, admin_client):
    for url in get_urls(small_org):
        assert admin_client.get(url).status_code == 200, url


def test_a_system_administrator_opens_every_maintenance_page(small_org, admin_user):
    client = client_for(admin_user)
    for url in get_urls(small_org):
        assert client.get(url).status_code == 200, url


def test_the_tree_lists_departments_indented_with_codes_and_positions(small_org, admin_client):
    response = admin_client.get(reverse("org:manage"))
    html = response.content.decode()
    for code in ("SALES", "EAST", "SH", "NORTH", "BJ"):
        assert f'data-department="{code}"' in html
    assert 'data-department="SH" data-depth="2"' in html
    assert 'data-position="sh-rep"' in html
    assert html.index('data-department="EAST"') < html.index('data-department="SH"') < \
        html.index('data-department="NORTH"')


def test_other_companies_records_are_not_found(small_org, admin_client, elsewhere):
    urls = [
        reverse("org:manage_department_rename", args=[elsewhere["department"].pk]),
        reverse("org:manage_department_move", args=[elsewhere["department"].pk]),
        reverse("org:manage_position_edit", args=[elsewhere["position"].pk]),
        reverse("org:manage_employee", args=[elsewhere["employee"].pk]),
        reverse("org:manage_employee_deactivate", args=[elsewhere["employee"].pk]),
    ]
    for url in urls:
        assert admin_client.get(url).status_code == 404, url
        assert admin_client.post(url, {"name": "改名", "left_on": "2030-01-01"}).status_code == 404, url
    assert admin_client.post(reverse("org:manage_employee_assign", args=[elsewhere["employee"].pk]),
                             {"position": small_org.positions["sh-rep"].pk}).status_code == 404
    assert admin_client.post(reverse("org:manage_assignment_end",
                                     args=[elsewhere["assignment"].pk])).status_code == 404
    elsewhere["department"].refresh_from_db()
    assert elsewhere["department"].name == "别家销售部"
    assert Employee.objects.get(pk=elsewhere["employee"].pk).is_active
    assert Assignment.objects.get(pk=elsewhere["assignment"].pk).ended_on is None


def test_another_companys_position_cannot_be_chosen_as_a_parent_or_superior(small_org, admin_client, elsewhere):
    response = admin_client.post(reverse("org:manage_department_create"),
                                 {"name": "新部门", "code": "NEW", "parent": elsewhere["department"].pk})
    assert response.status_code == 400
    assert 'data-error-for="parent"' in response.content.decode()
    assert not Department.objects.filter(code="NEW").exists()


def test_writes_need_the_csrf_token(small_org, org_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org_admin.user)
    response = client.post(reverse("org:manage_department_create"), {"name": "无令牌", "code": "NOTOKEN"})
    assert response.status_code == 403
    assert not Department.objects.filter(code="NOTOKEN").exists()


def test_actions_that_change_things_only_accept_post(small_org, admin_client):
    owner = small_org.people["owner"]
    assert admin_client.get(reverse("org:manage_employee_assign", args=[owner.pk])).status_code == 405
    assert admin_client.get(reverse("org:manage_assignment_end",
                                    args=[owner.assignments.get().pk])).status_code == 405


# --- departments ------------------------------------------------------------------------------


def test_an_org_administrator_creates_a_department_under_a_parent(small_org, admin_client):
    east = small_org.departments["east"]
    response = admin_client.post(reverse("org:manage_department_create"),
                                 {"name": "杭州办事处", "code": "HZ", "parent": east.pk}, follow=True)
    assert response.status_code == 200
    hangzhou = Department.objects.get(company=small_org.company, code="HZ")
    assert hangzhou.parent == east
    assert hangzhou.path == f"{east.path}{hangzhou.pk}/"
    assert hangzhou.depth == east.depth + 1
    assert list(response.context["messages"])


def test_a_system_administrator_creates_a_department_too(small_org, admin_user):
    client = client_for(admin_user)
    response = client.post(reverse("org:manage_department_create"), {"name": "市场部", "code": "MKT", "parent": ""})
    assert response.status_code == 302
    assert Department.objects.get(code="MKT").company == small_org.company


def test_a_taken_code_is_refused_next_to_the_field_and_the_input_is_kept(small_org, admin_client):
    response = admin_client.post(reverse("org:manage_department_create"),
                                 {"name": "第二个华东", "code": "EAST", "parent": small_org.departments["sales"].pk})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="code"' in html
    assert 'value="第二个华东"' in html
    assert Department.objects.filter(code="EAST").count() == 1


def test_a_department_without_a_name_is_refused(small_org, admin_client):
    response = admin_client.post(reverse("org:manage_department_create"), {"name": "  ", "code": "EMPTY"})
    assert response.status_code == 400
    assert 'data-error-for="name"' in response.content.decode()
    assert not Department.objects.filter(code="EMPTY").exists()


def test_an_org_administrator_renames_a_department(small_org, admin_client):
    east = small_org.departments["east"]
    response = admin_client.post(reverse("org:manage_department_rename", args=[east.pk]), {"name": "华东区"})
    assert response.status_code == 302
    east.refresh_from_db()
    assert east.name == "华东区"


def test_the_move_form_offers_neither_the_department_nor_its_subtree(small_org, admin_client):
    east = small_org.departments["east"]
    response = admin_client.get(reverse("org:manage_department_move", args=[east.pk]))
    choices = {str(value) for value, _label in response.context["form"].fields["parent"].choices}
    assert str(small_org.departments["north"].pk) in choices
    assert str(small_org.departments["sales"].pk) in choices
    assert str(east.pk) not in choices
    assert str(small_org.departments["shanghai"].pk) not in choices
    # and posting one anyway is refused
    response = admin_client.post(reverse("org:manage_department_move", args=[east.pk]),
                                 {"parent": small_org.departments["shanghai"].pk})
    assert response.status_code == 400
    east.refresh_from_db()
    assert east.parent == small_org.departments["sales"]


def test_moving_a_subtree_keeps_its_paths_and_moves_its_people_to_the_new_regional_manager(small_org, admin_client):
    shanghai, north = small_org.departments["shanghai"], small_org.departments["north"]
    pudong = services.create_department(company=small_org.company, name="浦东组", code="PD", parent=shanghai)
    pudong_rep = services.create_position(department=pudong, title="销售代表", code="pd-rep",
                                          reports_to=small_org.positions["sh-mgr"])
    pudong_person = person(small_org.company, "pudong", "王代表", [pudong_rep])
    north_manager = person(small_org.company, "northrm", "陈经理", [small_org.positions["north-rm"]])
    owner = small_org.people["owner"]

    def visible_to(user):
        user = get_user_model().objects.get(pk=user.pk)  # a fresh object: scope is cached per request/user
        return set(Employee.objects.restrict(user, "view").values_list("pk", flat=True))

    assert owner.pk in visible_to(small_org.user("regional"))
    assert owner.pk not in visible_to(north_manager.user)

    response = admin_client.post(reverse("org:manage_department_move", args=[shanghai.pk]), {"parent": north.pk})
    assert response.status_code == 302

    shanghai.refresh_from_db()
    pudong.refresh_from_db()
    assert shanghai.parent == north
    assert shanghai.path == f"{north.path}{shanghai.pk}/"
    assert pudong.path == f"{north.path}{shanghai.pk}/{pudong.pk}/"
    assert (shanghai.depth, pudong.depth) == (north.depth + 1, north.depth + 2)
    for item in Department.objects.filter(company=small_org.company):
        expected_parent_path = item.parent.path if item.parent else "/"
        assert item.path == f"{expected_parent_path}{item.pk}/"

    regional_sees, north_sees = visible_to(small_org.user("regional")), visible_to(north_manager.user)
    for moved in (owner, small_org.people["teammate"], small_org.people["superior"], pudong_person):
        assert moved.pk in north_sees
        assert moved.pk not in regional_sees
    assert small_org.people["regional"].pk in regional_sees


# --- positions --------------------------------------------------------------------------------


def position_data(small_org, **overrides):
    data = {
        "title": "大客户经理", "code": "kam", "department": small_org.departments["east"].pk,
        "reports_to": small_org.positions["east-rm"].pk, "headcount": "2", "grade": "middle",
        "is_department_head": "", "main_work": "维护重点客户", "requirements": "五年经验", "authority": "",
        "meetings": "月度销售会",
        "duties": "拜访重点客户\n审批折扣 | approvals\n\n维护组织 | | org_admin",
    }
    for module in ("org", "audit", "testing", "customers", "sales", "finance", "service", "targets",
                   "expenses", "reports"):
        data[f"scope_{module}"] = "self"
    data.update(overrides)
    return data


def test_an_org_administrator_creates_a_position_with_duties_and_scopes(small_org, admin_client):
    data = position_data(small_org, scope_org="department_tree", scope_customers="departments",
                         scope_customers_departments=[small_org.departments["east"].pk,
                                                      small_org.departments["north"].pk])
    response = admin_client.post(reverse("org:manage_position_create"), data)
    assert response.status_code == 302
    position = Position.objects.get(company=small_org.company, code="kam")
    assert (position.title, position.headcount, position.grade) == ("大客户经理", 2, "middle")
    assert position.reports_to == small_org.positions["east-rm"]
    assert position.line_path == f"{small_org.positions['east-rm'].line_path}{position.pk}/"
    duties = list(position.duties.values_list("text", "queue", "capability"))
    assert duties == [("拜访重点客户", "", ""), ("审批折扣", "approvals", ""), ("维护组织", "", "org_admin")]
    assert position.scope_level("org") == ScopeLevel.DEPARTMENT_TREE
    customers = PositionScope.objects.get(position=position, module="customers")
    assert customers.level == ScopeLevel.DEPARTMENTS
    assert set(customers.departments.values_list("code", flat=True)) == {"EAST", "NORTH"}
    assert not PositionScope.objects.filter(position=position, module="sales").exists()


def test_the_specified_departments_level_needs_departments_and_the_input_is_kept(small_org, admin_client):
    data = position_data(small_org, scope_sales="departments")
    response = admin_client.post(reverse("org:manage_position_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="scope_sales_departments"' in html
    assert 'value="大客户经理"' in html
    assert "审批折扣 | approvals" in html
    assert not Position.objects.filter(code="kam").exists()


def test_a_malformed_duty_line_is_refused_with_its_line_number(small_org, admin_client):
    data = position_data(small_org, duties="好的一行\n | approvals\n太多 | a | b | c")
    response = admin_client.post(reverse("org:manage_position_create"), data)
    assert response.status_code == 400
    assert 'data-error-for="duties"' in response.content.decode()
    assert len(response.context["form"].errors["duties"]) == 2
    assert not Position.objects.filter(code="kam").exists()


def test_a_position_code_already_used_is_refused(small_org, admin_client):
    response = admin_client.post(reverse("org:manage_position_create"), position_data(small_org, code="sh-rep"))
    assert response.status_code == 400
    assert 'data-error-for="code"' in response.content.decode()
    assert Position.objects.filter(code="sh-rep").count() == 1


def test_the_edit_form_shows_the_position_as_it_is(small_org, admin_client):
    position = small_org.positions["east-rm"]
    response = admin_client.get(reverse("org:manage_position_edit", args=[position.pk]))
    form = response.context["form"]
    assert form["title"].value() == "大区经理"
    assert form["duties"].value() == "带领团队 | team"
    assert form["scope_org"].value() == ScopeLevel.DEPARTMENT_TREE
    # it cannot report to itself or to anyone below it
    choices = {str(value) for value, _label in form.fields["reports_to"].choices}
    assert str(small_org.positions["director"].pk) in choices
    for code in ("east-rm", "sh-mgr", "sh-rep"):
        assert str(small_org.positions[code].pk) not in choices


def test_editing_a_position_changes_its_line_duties_and_scope(small_org, admin_client):
    manager = small_org.positions["sh-mgr"]
    data = position_data(small_org, title="办事处主任", code="ignored", department=small_org.departments["shanghai"].pk,
                         reports_to=small_org.positions["director"].pk, headcount="1", grade="middle",
                         duties="管理办事处 | team", scope_org="department",
                         scope_testing="departments", scope_testing_departments=[small_org.departments["beijing"].pk])
    response = admin_client.post(reverse("org:manage_position_edit", args=[manager.pk]), data)
    assert response.status_code == 302
    manager.refresh_from_db()
    director = small_org.positions["director"]
    assert (manager.title, manager.code, manager.reports_to) == ("办事处主任", "sh-mgr", director)
    assert manager.line_path == f"{director.line_path}{manager.pk}/"
    rep = Position.objects.get(pk=small_org.positions["sh-rep"].pk)
    assert rep.line_path == f"{manager.line_path}{rep.pk}/"
    assert list(Duty.objects.filter(position=manager).values_list("text", "queue")) == [("管理办事处", "team")]
    assert manager.scope_level("org") == ScopeLevel.DEPARTMENT
    testing = PositionScope.objects.get(position=manager, module="testing")
    assert (testing.level, list(testing.departments.values_list("code", flat=True))) == ("departments", ["BJ"])


def test_a_scope_can_be_made_read_only_and_the_position_page_says_so(small_org, admin_client):
    rep = small_org.positions["sh-rep"]
    data = position_data(small_org, title="销售代表", department=small_org.departments["shanghai"].pk,
                         reports_to=small_org.positions["sh-mgr"].pk, headcount="3", grade="junior",
                         duties="", scope_testing="all", scope_testing_read_only="on", scope_org="self",
                         scope_org_read_only="on")
    response = admin_client.post(reverse("org:manage_position_edit", args=[rep.pk]), data)
    assert response.status_code == 302

    testing = PositionScope.objects.get(position=rep, module="testing")
    assert (testing.level, testing.read_only) == ("all", True)
    assert not PositionScope.objects.filter(position=rep, module="org").exists()  # read only means nothing at 仅本人
    assert Position.objects.get(pk=rep.pk).scope_levels["testing"] == ["all", [], True]
    form = admin_client.get(reverse("org:manage_position_edit", args=[rep.pk])).context["form"]
    assert form["scope_testing_read_only"].value() is True
    page = admin_client.get(reverse("org:position", args=[rep.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("data-read-only") == 1


def test_a_position_cannot_be_put_under_its_own_subordinate(small_org, admin_client):
    manager = small_org.positions["sh-mgr"]
    data = position_data(small_org, title="办事处经理", department=small_org.departments["shanghai"].pk,
                         reports_to=small_org.positions["sh-rep"].pk)
    response = admin_client.post(reverse("org:manage_position_edit", args=[manager.pk]), data)
    assert response.status_code == 400
    assert 'data-error-for="reports_to"' in response.content.decode()
    manager.refresh_from_db()
    assert manager.reports_to == small_org.positions["east-rm"]


# --- people -----------------------------------------------------------------------------------


def employee_data(small_org, **overrides):
    data = {"name": "新同事", "employee_no": "E100", "username": "newbie", "password": "Xq7-long-passphrase",
            "mobile": "13900001111", "email": "newbie@example.cn", "position": small_org.positions["bj-rep"].pk}
    data.update(overrides)
    return data


def test_an_org_administrator_creates_an_employee_who_can_log_in(small_org, admin_client):
    response = admin_client.post(reverse("org:manage_employee_create"), employee_data(small_org))
    assert response.status_code == 302
    employee = Employee.objects.get(company=small_org.company, name="新同事")
    assert (employee.employee_no, employee.mobile, employee.email) == ("E100", "13900001111", "newbie@example.cn")
    assert employee.user.username == "newbie"
    assert list(employee.active_assignments().values_list("position__code", flat=True)) == ["bj-rep"]
    response = Client().post(reverse("accounts:login"), {"username": "newbie", "password": "Xq7-long-passphrase"})
    assert response.status_code == 302  # logged in and sent on


def test_a_taken_username_and_a_weak_password_are_refused_and_the_rest_is_kept(small_org, admin_client):
    response = admin_client.post(reverse("org:manage_employee_create"),
                                 employee_data(small_org, username="owner", password="123"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="username"' in html
    assert 'data-error-for="password"' in html
    assert 'value="新同事"' in html and 'value="13900001111"' in html
    assert not Employee.objects.filter(name="新同事").exists()


def test_an_org_administrator_assigns_and_ends_a_position(small_org, admin_client):
    owner = small_org.people["owner"]
    response = admin_client.post(reverse("org:manage_employee_assign", args=[owner.pk]),
                                 {"position": small_org.positions["bj-rep"].pk})
    assert response.status_code == 302
    assignment = Assignment.objects.get(employee=owner, position=small_org.positions["bj-rep"], ended_on=None)
    assert not assignment.is_primary
    response = admin_client.post(reverse("org:manage_assignment_end", args=[assignment.pk]))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on is not None
    assert owner.active_assignments().count() == 1


def test_assigning_without_a_position_shows_the_error_on_the_employee_page(small_org, admin_client):
    owner = small_org.people["owner"]
    response = admin_client.post(reverse("org:manage_employee_assign", args=[owner.pk]), {"position": ""})
    assert response.status_code == 400
    assert 'data-error-for="position"' in response.content.decode()


def test_the_deactivation_page_lists_what_they_still_own_and_their_positions(small_org, admin_client):
    owner = small_org.people["owner"]
    Account.objects.create(name="上海客户甲", owner=owner)
    Account.objects.create(name="上海客户乙", owner=owner)
    response = admin_client.get(reverse("org:manage_employee_deactivate", args=[owner.pk]))
    assert response.status_code == 200
    assert sum(response.context["owned"].values()) == 2
    html = response.content.decode()
    assert 'id="sd-owned-records"' in html
    assert f'data-assignment="{owner.assignments.get().pk}"' in html

    response = admin_client.post(reverse("org:manage_employee_deactivate", args=[owner.pk]), {"left_on": "2030-06-30"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.status == Employee.Status.LEFT and str(owner.left_on) == "2030-06-30"
    assert owner.active_assignments().count() == 0
    assert not owner.user.is_active
    assert Account.objects.filter(owner=owner).count() == 2  # nothing they owned is lost


def test_deactivation_without_a_date_is_refused(small_org, admin_client):
    owner = small_org.people["owner"]
    response = admin_client.post(reverse("org:manage_employee_deactivate", args=[owner.pk]), {"left_on": "soon"})
    assert response.status_code == 400
    assert 'data-error-for="left_on"' in response.content.decode()
    assert Employee.objects.get(pk=owner.pk).is_active


def test_an_org_administrator_cannot_deactivate_themselves(small_org, org_admin, admin_client):
    response = admin_client.post(reverse("org:manage_employee_deactivate", args=[org_admin.pk]),
                                 {"left_on": "2030-06-30"})
    assert response.status_code == 409
    assert Employee.objects.get(pk=org_admin.pk).is_active


def test_the_people_list_searches_and_filters_by_status(small_org, admin_client):
    services.deactivate_employee(employee=small_org.people["outsider"])
    response = admin_client.get(reverse("org:manage_people"), {"q": "李"})
    assert [item.name for item in response.context["employees"]] == ["李代表"]
    response = admin_client.get(reverse("org:manage_people"), {"status": "left"})
    assert [item.name for item in response.context["employees"]] == ["吴代表"]
