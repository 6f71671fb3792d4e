"""The org write services: department tree, reporting lines, assignments, people leaving, and
the audit trail every one of these writes leaves behind."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from salesdesk.audit.models import AuditEntry
from salesdesk.audit.registry import timeline_for
from salesdesk.org import services
from salesdesk.org.models import Assignment, Department, Employee, Position
from salesdesk.org.selectors import direct_superiors_of

pytestmark = pytest.mark.django_db


def stored(model, instance, *fields):
    return model.objects.values_list(*fields).get(pk=instance.pk)


def entries(instance, action=None):
    queryset = timeline_for(instance).order_by("id")
    return list(queryset.filter(action=action) if action else queryset)


@pytest.fixture
def company():
    return services.create_company(name="服务测试公司", code="svc")


@pytest.fixture
def tree(company):
    """销售部 → 华东 → 上海 → 浦东, and 销售部 → 华北."""
    sales = services.create_department(company=company, name="销售部", code="SALES")
    east = services.create_department(company=company, name="华东", code="EAST", parent=sales)
    shanghai = services.create_department(company=company, name="上海", code="SH", parent=east)
    pudong = services.create_department(company=company, name="浦东", code="PD", parent=shanghai)
    north = services.create_department(company=company, name="华北", code="NORTH", parent=sales)
    return {"sales": sales, "east": east, "shanghai": shanghai, "pudong": pudong, "north": north}


@pytest.fixture
def line(tree):
    """总监 → 大区经理 → 城市经理 → 代表 (a reporting line down the east side)."""
    director = services.create_position(department=tree["sales"], title="销售总监", code="DIR")
    regional = services.create_position(department=tree["east"], title="大区经理", code="RM", reports_to=director)
    city = services.create_position(department=tree["shanghai"], title="城市经理", code="CM", reports_to=regional)
    rep = services.create_position(department=tree["pudong"], title="销售代表", code="REP", reports_to=city)
    return {"director": director, "regional": regional, "city": city, "rep": rep}


# --- departments ---------------------------------------------------------------------------


def test_a_new_department_gets_a_path_and_depth_under_its_parent(tree):
    sales, east, shanghai = tree["sales"], tree["east"], tree["shanghai"]
    assert stored(Department, sales, "path", "depth") == (f"/{sales.pk}/", 0)
    assert stored(Department, shanghai, "path", "depth") == (f"/{sales.pk}/{east.pk}/{shanghai.pk}/", 2)


def test_a_department_without_a_code_is_given_one(company):
    department = services.create_department(company=company, name="无编码部门")
    assert department.code == f"D{department.pk}"
    assert stored(Department, department, "code") == (department.code,)


def test_department_codes_are_unique_within_a_company(company, tree):
    with pytest.raises(ValidationError):
        services.create_department(company=company, name="另一个销售部", code="SALES")
    assert Department.objects.filter(company=company, code="SALES").count() == 1


def test_another_company_may_reuse_a_department_code(tree):
    other = services.create_company(name="另一家公司", code="other")
    department = services.create_department(company=other, name="销售部", code="SALES")
    assert department.code == "SALES"


def test_a_parent_from_another_company_is_refused(tree):
    other = services.create_company(name="另一家公司", code="other")
    with pytest.raises(ValidationError):
        services.create_department(company=other, name="外来部门", parent=tree["east"])
    with pytest.raises(ValidationError):
        services.move_department(department=services.create_department(company=other, name="X"),
                                 new_parent=tree["east"])


def test_updating_a_department_renames_it_and_records_before_and_after(tree):
    east = tree["east"]
    services.update_department(department=east, name="华东大区", is_active=False)
    assert stored(Department, east, "name", "is_active") == ("华东大区", False)
    change = entries(east, "update")[-1].changes
    assert change["name"] == ["华东", "华东大区"]
    assert change["is_active"] == [True, False]


def test_a_blank_department_name_is_refused(tree):
    with pytest.raises(ValidationError):
        services.update_department(department=tree["east"], name="")
    assert stored(Department, tree["east"], "name") == ("华东",)


def test_moving_a_department_rewrites_the_path_and_depth_of_its_whole_subtree(tree):
    sales, east, shanghai, pudong, north = (tree[key] for key in ("sales", "east", "shanghai", "pudong", "north"))
    moved = services.move_department(department=shanghai, new_parent=north)
    assert moved.parent_id == north.pk
    base = f"/{sales.pk}/{north.pk}/{shanghai.pk}/"
    assert stored(Department, shanghai, "path", "depth", "parent_id") == (base, 2, north.pk)
    assert stored(Department, pudong, "path", "depth", "parent_id") == (f"{base}{pudong.pk}/", 3, shanghai.pk)
    assert stored(Department, east, "path", "depth") == (f"/{sales.pk}/{east.pk}/", 1)


def test_a_department_can_become_a_root_and_its_subtree_moves_up(tree):
    shanghai, pudong = tree["shanghai"], tree["pudong"]
    services.move_department(department=shanghai, new_parent=None)
    assert stored(Department, shanghai, "path", "depth", "parent_id") == (f"/{shanghai.pk}/", 0, None)
    assert stored(Department, pudong, "path", "depth") == (f"/{shanghai.pk}/{pudong.pk}/", 1)


def test_a_department_cannot_move_under_its_own_descendant_or_itself(tree):
    before = dict(Department.objects.values_list("pk", "path"))
    for target in (tree["pudong"], tree["shanghai"], tree["east"]):
        with pytest.raises(ValidationError) as refused:
            services.move_department(department=tree["east"], new_parent=target)
        assert "不能把节点移到它自己或其下级之下" in " ".join(refused.value.messages)
    assert dict(Department.objects.values_list("pk", "path")) == before


def test_moves_are_judged_by_the_stored_tree_not_by_stale_instances(tree):
    east, shanghai, pudong, north = tree["east"], tree["shanghai"], tree["pudong"], tree["north"]
    services.move_department(department=shanghai, new_parent=None)
    # `east` still holds the path from before; it is no longer an ancestor of 浦东.
    services.move_department(department=east, new_parent=pudong)
    assert stored(Department, east, "path") == (f"/{shanghai.pk}/{pudong.pk}/{east.pk}/",)
    # `pudong` still holds its old path too; moving 华东 (now under 浦东) above it must be refused ...
    with pytest.raises(ValidationError):
        services.move_department(department=pudong, new_parent=east)
    # ... and a department created under a stale parent lands where that parent is now.
    child = services.create_department(company=north.company, name="新区", parent=pudong)
    assert stored(Department, child, "path") == (f"/{shanghai.pk}/{pudong.pk}/{child.pk}/",)


def test_renaming_through_a_stale_instance_does_not_undo_a_move(tree):
    shanghai, pudong, north = tree["shanghai"], tree["pudong"], tree["north"]
    services.move_department(department=shanghai, new_parent=north)
    services.update_department(department=shanghai, name="上海分公司")  # `shanghai` predates the move
    services.update_department(department=pudong, name="浦东新区")
    assert stored(Department, shanghai, "name", "parent_id") == ("上海分公司", north.pk)
    assert stored(Department, pudong, "path") == (f"/{tree['sales'].pk}/{north.pk}/{shanghai.pk}/{pudong.pk}/",)


def test_moving_a_department_is_audited_with_the_old_and_new_parent(tree):
    services.move_department(department=tree["shanghai"], new_parent=tree["north"])
    change = entries(tree["shanghai"], "update")[-1].changes
    assert change["parent"] == [tree["east"].pk, tree["north"].pk]


def test_creating_a_department_is_audited(tree):
    (created,) = entries(tree["east"], "create")
    assert created.changes["name"] == [None, "华东"]
    assert created.changes["parent"] == [None, tree["sales"].pk]


# --- positions and reporting lines ---------------------------------------------------------


def test_a_new_position_hangs_under_its_superior_on_the_reporting_line(line):
    director, regional, city = line["director"], line["regional"], line["city"]
    assert stored(Position, city, "line_path") == (f"/{director.pk}/{regional.pk}/{city.pk}/",)
    assert Position.objects.get(pk=line["rep"].pk).code == "REP"


def test_position_codes_are_unique_within_a_company(tree, line):
    with pytest.raises(ValidationError):
        services.create_position(department=tree["north"], title="又一个总监", code="DIR")
    assert Position.objects.filter(code="DIR").count() == 1


def test_changing_a_reporting_line_rewrites_the_line_path_of_the_whole_chain_below(tree, line):
    director, city, rep = line["director"], line["city"], line["rep"]
    north_rm = services.create_position(department=tree["north"], title="华北经理", code="NRM", reports_to=director)
    services.change_reporting_line(position=city, reports_to=north_rm)
    assert stored(Position, city, "line_path", "reports_to_id") == (
        f"/{director.pk}/{north_rm.pk}/{city.pk}/", north_rm.pk)
    assert stored(Position, rep, "line_path") == (f"/{director.pk}/{north_rm.pk}/{city.pk}/{rep.pk}/",)
    assert stored(Position, line["regional"], "line_path") == (f"/{director.pk}/{line['regional'].pk}/",)


def test_a_position_can_leave_the_line_and_report_to_nobody(line):
    city, rep = line["city"], line["rep"]
    services.change_reporting_line(position=city, reports_to=None)
    assert stored(Position, city, "line_path", "reports_to_id") == (f"/{city.pk}/", None)
    assert stored(Position, rep, "line_path") == (f"/{city.pk}/{rep.pk}/",)


def test_a_reporting_line_that_would_loop_is_refused(line):
    before = dict(Position.objects.values_list("pk", "line_path"))
    for target in (line["rep"], line["city"], line["regional"]):
        with pytest.raises(ValidationError):
            services.change_reporting_line(position=line["regional"], reports_to=target)
    assert dict(Position.objects.values_list("pk", "line_path")) == before
    assert stored(Position, line["regional"], "reports_to_id") == (line["director"].pk,)


def test_retitling_through_a_stale_instance_does_not_undo_a_new_reporting_line(line):
    director, regional, city, rep = line["director"], line["regional"], line["city"], line["rep"]
    services.change_reporting_line(position=city, reports_to=director)
    services.update_position(position=rep, title="资深代表")  # `rep` predates the change above it
    services.update_position(position=regional, title="区域总经理")
    assert stored(Position, rep, "title", "line_path") == ("资深代表", f"/{director.pk}/{city.pk}/{rep.pk}/")
    newcomer = services.create_position(department=city.department, title="助理", reports_to=rep)
    assert stored(Position, newcomer, "line_path") == (f"/{director.pk}/{city.pk}/{rep.pk}/{newcomer.pk}/",)


def test_update_position_changes_the_reporting_line_too(tree, line):
    services.update_position(position=line["rep"], title="高级代表", reports_to=line["regional"])
    rep = Position.objects.get(pk=line["rep"].pk)
    assert (rep.title, rep.reports_to_id) == ("高级代表", line["regional"].pk)
    assert rep.line_path == f"/{line['director'].pk}/{line['regional'].pk}/{rep.pk}/"


def test_changing_a_reporting_line_is_audited_with_the_old_and_new_superior(line):
    services.change_reporting_line(position=line["rep"], reports_to=line["regional"])
    changes = [entry.changes for entry in entries(line["rep"], "update")]
    assert {"reports_to": [line["city"].pk, line["regional"].pk]}.items() <= changes[-1].items()


def test_update_position_records_the_new_superior_in_the_audit_log(line):
    services.update_position(position=line["rep"], title="高级代表", reports_to=line["regional"])
    changed = {}
    for entry in entries(line["rep"], "update"):
        changed.update(entry.changes)
    assert changed["reports_to"] == [line["city"].pk, line["regional"].pk]
    assert changed["title"] == ["销售代表", "高级代表"]


def test_a_position_scope_is_audited_and_unknown_modules_or_levels_are_refused(line):
    scope = services.set_position_scope(position=line["city"], module="org", level="department")
    assert entries(scope, "create")[0].changes["level"] == [None, "department"]
    services.set_position_scope(position=line["city"], module="org", level="all")
    assert entries(scope, "update")[-1].changes["level"] == ["department", "all"]
    with pytest.raises(ValidationError):
        services.set_position_scope(position=line["city"], module="no-such-module", level="all")
    with pytest.raises(ValidationError):
        services.set_position_scope(position=line["city"], module="org", level="galaxy")


# --- people --------------------------------------------------------------------------------


@pytest.fixture
def person(company, django_user_model):
    def make(name, *positions, username=None):
        user = None
        if username:
            user = django_user_model.objects.create_user(username=username, password=f"pass-{username}")
        return services.create_employee(company=company, name=name, user=user, positions=positions)

    return make


def test_the_first_position_someone_takes_is_their_primary_one(line, person):
    zhang = person("张三", line["rep"])
    second = services.assign(employee=zhang, position=line["city"])
    assert second.is_primary is False
    assert Assignment.objects.get(employee=zhang, position=line["rep"]).is_primary is True


def test_taking_a_new_primary_position_demotes_the_old_one_and_is_audited(line, person):
    zhang = person("张三", line["rep"])
    old = Assignment.objects.get(employee=zhang, position=line["rep"])
    services.assign(employee=zhang, position=line["city"], is_primary=True)
    old.refresh_from_db()
    assert old.is_primary is False
    assert entries(old, "update")[-1].changes["is_primary"] == [True, False]


def test_assigning_the_same_position_twice_keeps_one_active_assignment(line, person):
    zhang = person("张三", line["rep"])
    again = services.assign(employee=zhang, position=line["rep"])
    assert Assignment.objects.filter(employee=zhang, ended_on__isnull=True).get() == again


def test_a_position_of_another_company_cannot_be_assigned(line, person):
    other = services.create_company(name="另一家公司", code="other")
    stranger = services.create_employee(company=other, name="外人")
    with pytest.raises(ValidationError):
        services.assign(employee=stranger, position=line["rep"])
    assert not Assignment.objects.filter(employee=stranger).exists()


def test_ending_an_assignment_keeps_it_as_history_and_frees_the_position(line, person):
    zhang = person("张三", line["rep"])
    assignment = zhang.assignments.get()
    services.end_assignment(assignment=assignment, ended_on=datetime.date(2025, 3, 31))
    assert stored(Assignment, assignment, "ended_on") == (datetime.date(2025, 3, 31),)
    assert not zhang.active_assignments().exists()
    assert entries(assignment, "update")[-1].changes["ended_on"] == [None, "2025-03-31"]
    # The same position may be taken again later.
    assert services.assign(employee=zhang, position=line["rep"]).pk != assignment.pk


def log_in(username):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": f"pass-{username}"})
    return client, response.status_code == 302


def test_someone_who_leaves_loses_their_positions_and_their_log_in(line, person, django_user_model):
    zhang = person("张三", line["rep"], line["city"], username="zhang")
    session, logged_in = log_in("zhang")
    assert logged_in
    assert session.get(reverse("accounts:profile")).status_code == 200
    services.deactivate_employee(employee=zhang, left_on=datetime.date(2025, 6, 30))
    zhang = Employee.objects.get(pk=zhang.pk)
    assert (zhang.status, zhang.left_on) == (Employee.Status.LEFT, datetime.date(2025, 6, 30))
    assert set(zhang.assignments.values_list("ended_on", flat=True)) == {datetime.date(2025, 6, 30)}
    assert django_user_model.objects.get(username="zhang").is_active is False
    assert not log_in("zhang")[1]
    # A session opened before leaving no longer gets in either.
    assert session.get(reverse("accounts:profile")).status_code == 302


def test_leaving_is_audited_on_the_person_and_on_each_ended_assignment(line, person):
    zhang = person("张三", line["rep"], line["city"])
    services.deactivate_employee(employee=zhang, left_on=datetime.date(2025, 6, 30))
    assert entries(zhang, "update")[-1].changes["status"] == ["active", "left"]
    for assignment in zhang.assignments.all():
        assert entries(assignment, "update")[-1].changes["ended_on"] == [None, "2025-06-30"]


def test_someone_who_left_cannot_take_a_position(line, person):
    zhang = person("张三", line["rep"])
    services.deactivate_employee(employee=zhang)
    with pytest.raises(ValidationError):
        services.assign(employee=zhang, position=line["city"])


def test_every_org_write_carries_its_model_in_the_audit_log(line, person):
    zhang = person("张三", line["rep"])
    recorded = set(AuditEntry.objects.values_list("content_type", flat=True))
    for model in (Department, Position, Employee, Assignment):
        assert ContentType.objects.get_for_model(model).pk in recorded
    assert entries(zhang, "create")[0].changes["name"] == [None, "张三"]


# --- direct superiors ----------------------------------------------------------------------


def test_the_direct_superior_is_the_holder_of_the_position_above(line, person):
    boss = person("城市经理", line["city"])
    rep = person("代表", line["rep"])
    assert direct_superiors_of(rep) == [boss]


def test_vacant_positions_up_the_line_are_skipped(line, person):
    regional = person("大区经理", line["regional"])
    rep = person("代表", line["rep"])  # the city manager's post is vacant
    assert direct_superiors_of(rep) == [regional]


def test_people_who_left_or_moved_on_do_not_count_as_superiors(line, person):
    director = person("总监", line["director"])
    gone = person("离职经理", line["regional"])
    moved = person("调岗经理", line["city"])
    rep = person("代表", line["rep"])
    services.deactivate_employee(employee=gone)
    services.end_assignment(assignment=moved.assignments.get())
    assert direct_superiors_of(rep) == [director]


def test_several_holders_and_several_positions_give_several_superiors(tree, line, person):
    first = person("经理甲", line["city"])
    second = person("经理乙", line["city"])
    north_rm = services.create_position(department=tree["north"], title="华北经理", code="NRM",
                                        reports_to=line["director"])
    north_boss = person("华北经理", north_rm)
    dotted = services.create_position(department=tree["north"], title="驻京代表", code="BJREP", reports_to=north_rm)
    rep = person("代表", line["rep"], dotted)
    assert {superior.pk for superior in direct_superiors_of(rep)} == {first.pk, second.pk, north_boss.pk}


def test_the_top_of_the_line_has_no_superior(line, person):
    assert direct_superiors_of(person("总监", line["director"])) == []


def test_the_copy_of_scope_levels_on_a_position_follows_every_change_of_its_scope_rows(small_org):
    from salesdesk.org.models import PositionScope

    position = small_org.positions["sh-rep"]
    stale = Position.objects.get(pk=position.pk)
    row = services.set_position_scope(position=position, module="org", level="departments",
                                      departments=[small_org.departments["east"]])
    assert Position.objects.get(pk=position.pk).scope_levels["org"] == ["departments", [small_org.departments["east"].pk], False]

    row.departments.add(small_org.departments["north"])
    stale.title = "高级销售代表"
    stale.save()  # an instance loaded before the change must not write its old copy back

    fresh = Position.objects.get(pk=position.pk)
    assert fresh.title == "高级销售代表"
    assert fresh.scope_department_ids("org") == sorted([small_org.departments["east"].pk,
                                                        small_org.departments["north"].pk])
    PositionScope.objects.filter(pk=row.pk).first().delete()
    assert Position.objects.get(pk=position.pk).scope_level("org") == "self"
