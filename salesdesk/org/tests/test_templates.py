"""The five organisation templates: each validates and loads into an empty database, draws the
reporting lines and departments of DESIGN.md "Organisation templates", gives every position
duties, a grade, a headcount and valid scopes, names only known work queues, and words its duties
in its own words rather than copying the seeds."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from salesdesk.core.scope import ScopeLevel
from salesdesk.org import orgfile
from salesdesk.org.models import (
    Assignment,
    Department,
    Duty,
    Employee,
    Grade,
    Position,
    PositionScope,
    Territory,
)
from salesdesk.workbench.registry import QUEUES

pytestmark = pytest.mark.django_db

CODES = ["fmcg-brand", "industrial", "real-estate", "sales-company", "standard-sales"]
# The source documents live beside the repository (../shared/seeds), not in it; a clean clone
# elsewhere falls back to the workplace copy, and skips the check where neither exists.
SEEDS_DIR = next((path for path in (Path(__file__).resolve().parents[3].parent / "shared" / "seeds",
                                    Path("/work/shared/seeds")) if path.is_dir()),
                 Path("/work/shared/seeds"))

# (position, its superior) as DESIGN.md draws each chart, in the titles the templates use. A title
# ending in "*" stands for every position whose title starts with it (销售内勤（…） is split by
# product line and customer). Every listed line must exist, and every position with a listed
# title must report to one of the superiors listed for that title.
REPORTING_LINES = {
    # 经理 with 经理助理 and 绩效考核专员; 销售主管 over 大区经理, 省区经理, 招商经理 and 业务员;
    # 售后主管 over 客诉专员 and 跟单员; 文员. Seed 000 has the 销售部 report to the 董事长 and lead the
    # contract review with the departments concerned (法务, 财务 countersign); its chart runs 大区经理 →
    # 省区经理 → 业务员, and its list of duties names a 售后服务信息员.
    "standard-sales": [
        ("董事长", None), ("销售经理", "董事长"),
        ("经理助理", "销售经理"), ("绩效考核专员", "销售经理"), ("文员", "销售经理"),
        ("销售主管", "销售经理"), ("售后主管", "销售经理"),
        ("大区经理", "销售主管"), ("省区经理", "大区经理"), ("业务员", "省区经理"), ("招商经理", "销售主管"),
        ("客诉专员", "售后主管"), ("跟单员", "售后主管"), ("售后服务信息员", "售后主管"),
        ("财务经理", "董事长"), ("会计", "财务经理"), ("法务专员", "董事长"),
    ],
    # 董事会 → 总经理 → 财核部 (财务, 审计), 行政部 (法务, 人事, 仓储, 后勤), 企划部 (策划, 企宣),
    # 营销部 (市场部, 销售部, 技术支持部).
    "sales-company": [
        ("董事长", None), ("总经理", "董事长"),
        ("财核部经理", "总经理"), ("财务会计", "财核部经理"), ("审计专员", "财核部经理"),
        ("行政部经理", "总经理"), ("法务专员", "行政部经理"), ("人事专员", "行政部经理"), ("仓管员", "行政部经理"),
        ("后勤专员", "行政部经理"),
        ("企划部经理", "总经理"), ("策划专员", "企划部经理"), ("企宣专员", "企划部经理"),
        ("营销部经理", "总经理"), ("市场部经理", "营销部经理"), ("销售部经理", "营销部经理"),
        ("技术支持部经理", "营销部经理"),
    ],
    # 营销总监 → 策划部, 销售部 (销售经理 → 销售主管 → 置业顾问; 销售秘书), 客服部; on a sales site
    # 专案经理 → 副专, 女专, 组长 → 销售人员 and 见习销售人员.
    "real-estate": [
        ("营销总监", None),
        ("策划主管", "营销总监"), ("销售经理", "营销总监"), ("客服主管", "营销总监"), ("专案经理", "营销总监"),
        ("销售主管", "销售经理"), ("置业顾问", "销售主管"), ("销售秘书", "销售经理"),
        ("副专", "专案经理"), ("女专", "专案经理"), ("组长（*", "专案经理"),  # one 组长 per team (一组, 二组)
        ("销售人员（*", "组长（*"), ("见习销售人员（*", "组长（*"),
        ("财务专员", "营销总监"),
    ],
    # SLT = 总经理, 销售总监, 销售副总监; SSG = 组长 and two 客户服务代表; FSF = 市场经理 MM → 区域经理 UM →
    # 客户经理 KAM → 销售代表 (one FSF line under each of the two SLT members who own markets).
    "fmcg-brand": [
        ("总经理", None), ("销售总监", "总经理"), ("销售副总监", "销售总监"),
        ("组长", "销售副总监"), ("客户服务代表", "组长"),
        ("市场经理", "销售总监"), ("市场经理", "销售副总监"),
        ("区域经理", "市场经理"), ("客户经理", "区域经理"), ("销售代表", "客户经理"),
        ("财务经理", "总经理"), ("会计", "财务经理"),
    ],
    # 销售总监 → 销售经理 (with 销售经理助理, 销售统计员) → 大区经理 → 办事处经理 → 业务人员; 渠道经理 →
    # 销售代表; 店面经理; 客户服务部经理 → 客户代表; 销售部长 → 副部长 → 销售代表, 销售内勤, 网络销售代表,
    # 外贸销售员. Seed 003 has 销售内勤, 网络销售代表 and 外贸销售员 answer to the 部长 himself
    # ("对本部门部长负责"), the 销售代表 to the 副部长.
    "industrial": [
        ("总经理", None), ("销售总监", "总经理"),
        ("销售经理", "销售总监"), ("销售经理助理", "销售经理"), ("销售统计员", "销售经理"),
        ("大区经理", "销售经理"), ("办事处经理", "大区经理"), ("业务人员", "办事处经理"),
        ("渠道经理", "销售经理"), ("销售代表", "渠道经理"), ("店面经理", "销售经理"),
        ("客户服务部经理", "总经理"), ("客户代表", "客户服务部经理"),
        ("销售部长", "总经理"), ("销售副部长", "销售部长"), ("销售代表", "销售副部长"),
        ("销售内勤*", "销售部长"), ("网络销售代表", "销售部长"), ("外贸销售员", "销售部长"),
        # Seed 001 puts a 市场专员 in each 大区; seed 003 has an 账务部 (经理, 会计, 出纳) beside the 销售部.
        ("市场专员", "大区经理"),
        ("账务部经理", "总经理"), ("会计", "账务部经理"), ("出纳", "账务部经理"), ("法务专员", "总经理"),
    ],
}

# (department, the department it sits in) where DESIGN.md nests departments; names as the
# templates spell them.
DEPARTMENTS = {
    "standard-sales": [("公司", None), ("销售部", "公司"), ("财务部", "公司"),
                       ("市场销售组", "销售部"), ("售后服务组", "销售部"),
                       ("华东大区", "市场销售组"), ("江苏省区", "华东大区"), ("浙江省区", "华东大区"),
                       ("华北大区", "市场销售组"), ("河北省区", "华北大区"), ("山东省区", "华北大区")],
    "sales-company": [
        ("董事会", None), ("总经理室", "董事会"),
        ("财核部", "总经理室"), ("财务部", "财核部"), ("审计部", "财核部"),
        ("行政部", "总经理室"), ("法务室", "行政部"), ("人事部", "行政部"), ("仓储部", "行政部"), ("后勤部", "行政部"),
        ("企划部", "总经理室"), ("策划组", "企划部"), ("企宣组", "企划部"),
        ("营销部", "总经理室"), ("市场部", "营销部"), ("销售部", "营销部"), ("技术支持部", "营销部"),
    ],
    "real-estate": [("营销中心", None), ("策划部", "营销中心"), ("销售部", "营销中心"), ("客服部", "营销中心"),
                    ("江畔项目案场", "营销中心"), ("财务部", "营销中心")],
    "fmcg-brand": [("公司", None), ("销售部", "公司"), ("财务部", "公司"),
                   ("销售领导小组（SLT）", "销售部"), ("销售秘书组（SSG）", "销售部"),
                   ("实地销售队伍（FSF）", "销售部"), ("北方市场", "实地销售队伍（FSF）"),
                   ("南方市场", "实地销售队伍（FSF）")],
    "industrial": [("总经理办公室", None), ("销售中心", "总经理办公室"), ("华东大区", "销售中心"),
                   ("南京办事处", "华东大区"), ("杭州办事处", "华东大区"), ("华北大区", "销售中心"),
                   ("济南办事处", "华北大区"), ("渠道部", "销售中心"), ("直营门店", "销售中心"),
                   ("客户服务部", "总经理办公室"), ("材料销售部", "总经理办公室"), ("账务部", "总经理办公室")],
}

# Which department each listed position sits in, where DESIGN.md places it.
POSITION_DEPARTMENTS = {
    "real-estate": [("策划主管", "策划部"), ("销售经理", "销售部"), ("销售主管", "销售部"), ("置业顾问", "销售部"),
                    ("销售秘书", "销售部"), ("客服主管", "客服部"), ("专案经理", "江畔项目案场"),
                    ("副专", "江畔项目案场"), ("女专", "江畔项目案场"), ("组长（*", "江畔项目案场"),
                    ("销售人员（*", "江畔项目案场"), ("见习销售人员（*", "江畔项目案场"), ("财务专员", "财务部")],
    "fmcg-brand": [("总经理", "销售领导小组（SLT）"), ("销售总监", "销售领导小组（SLT）"),
                   ("销售副总监", "销售领导小组（SLT）"), ("组长", "销售秘书组（SSG）"),
                   ("客户服务代表", "销售秘书组（SSG）"), ("财务经理", "财务部"), ("会计", "财务部")],
    "industrial": [("销售部长", "材料销售部"), ("销售副部长", "材料销售部"), ("销售内勤*", "材料销售部"),
                   ("网络销售代表", "材料销售部"), ("外贸销售员", "材料销售部"), ("客户代表", "客户服务部"),
                   ("账务部经理", "账务部"), ("会计", "账务部"), ("出纳", "账务部"), ("法务专员", "总经理办公室")],
    "standard-sales": [("董事长", "公司"), ("法务专员", "公司"), ("财务经理", "财务部"), ("会计", "财务部"),
                       ("售后服务信息员", "售后服务组"), ("招商经理", "市场销售组")],
}

# Queue keys the templates name that no module has registered yet: the work queues of the
# modules still to come (approvals, customers, sales, finance, service, reports). A key outside
# this list and outside the registry is a typo.
UNREGISTERED_QUEUES = {
    "audit", "complaints", "reports_due",
}
CAPABILITIES = {"credit", "org_admin", "pricing", "ship_goods", "confirm_payments", "check_invoices",
                "organize_reviews", "see_floor_prices", "collect_visitor_registers", "analyse_visitor_registers",
                "receive_visitor_registers", "register_visitors"}


def template(code):
    return json.loads((orgfile.TEMPLATES_DIR / f"{code}.json").read_text(encoding="utf-8"))


def nodes(tree):
    for node in tree:
        yield node
        yield from nodes(node.get("children", []))


def matches(title, pattern):
    return title.startswith(pattern[:-1]) if pattern.endswith("*") else title == pattern


def load(code, demo_people=False):
    return orgfile.load_org(data=template(code), demo_people=demo_people)


# --- the set of templates -------------------------------------------------------------------


def test_there_are_exactly_the_five_templates_of_the_design():
    assert orgfile.template_codes() == CODES
    assert sorted(path.stem for path in orgfile.TEMPLATES_DIR.glob("*.json")) == CODES


@pytest.mark.parametrize("code", CODES)
def test_each_template_is_a_valid_org_file_named_after_its_own_code(code):
    data = template(code)

    assert orgfile.validate(data) == []
    assert data["format"] == "salesdesk-org/1"
    assert data["code"] == code
    assert data["name"] and data["description"]
    assert "people" not in data


def test_the_templates_are_different_companies():
    companies = [template(code)["company"]["code"] for code in CODES]
    assert len(set(companies)) == 5


# --- loading into an empty database ---------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_each_template_loads_into_an_empty_database_without_people(code):
    data = template(code)

    company = load(code)

    assert company.code == data["company"]["code"] and company.name == data["company"]["name"]
    assert Department.objects.filter(company=company).count() == len(list(nodes(data["departments"])))
    assert Territory.objects.filter(company=company).count() == len(list(nodes(data["territories"])))
    assert Position.objects.filter(company=company, is_active=True).count() == len(data["positions"])
    assert Duty.objects.filter(position__company=company).count() == sum(len(p["duties"]) for p in data["positions"])
    assert not Employee.objects.exists()
    assert company.org_versions.count() == 1


@pytest.mark.parametrize("code", CODES)
def test_each_template_loads_with_demo_people_who_fill_every_position_and_can_log_in(code):
    data = template(code)

    company = load(code, demo_people=True)

    expected = sum(min(position["headcount"], 2) for position in data["positions"])
    assert Employee.objects.filter(company=company, status=Employee.Status.ACTIVE).count() == expected
    for position in Position.objects.filter(company=company):
        holders = Assignment.objects.filter(position=position, ended_on__isnull=True)
        assert holders.count() == min(position.headcount, 2), position.title
        for assignment in holders.select_related("employee__user"):
            user = assignment.employee.user
            assert user is not None and user.is_active, position.title
            assert user.check_password(orgfile.DEMO_PASSWORD), user.username


# --- the charts of DESIGN.md ----------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_each_template_draws_the_reporting_lines_of_the_design(code):
    company = load(code)
    positions = list(Position.objects.filter(company=company).select_related("reports_to"))
    lines = {(p.title, p.reports_to.title if p.reports_to else None) for p in positions}

    def above_is(above, superior):
        return above == superior if above is None or superior is None else matches(above, superior)

    missing = [(child, superior) for child, superior in REPORTING_LINES[code]
               if not any(matches(title, child) and above_is(above, superior) for title, above in lines)]
    allowed = {}
    for child, superior in REPORTING_LINES[code]:
        allowed.setdefault(child, set()).add(superior)
    astray = [(p.title, p.reports_to.title if p.reports_to else None) for p in positions for child in allowed
              if matches(p.title, child) and not any(above_is(p.reports_to.title if p.reports_to else None, superior)
                                                     for superior in allowed[child])]

    assert missing == []
    assert astray == []
    assert sum(1 for p in positions if p.reports_to_id is None) == 1  # one top of the reporting line


@pytest.mark.parametrize("code", CODES)
def test_each_template_nests_its_departments_as_the_design_draws_them(code):
    company = load(code)
    departments = {(d.name, d.parent.name if d.parent else None)
                   for d in Department.objects.filter(company=company).select_related("parent")}

    assert [pair for pair in DEPARTMENTS[code] if pair not in departments] == []
    assert sum(1 for _name, parent in departments if parent is None) == 1


@pytest.mark.parametrize("code", sorted(POSITION_DEPARTMENTS))
def test_positions_sit_in_the_departments_the_design_puts_them_in(code):
    company = load(code)
    positions = list(Position.objects.filter(company=company).select_related("department"))

    for pattern, department in POSITION_DEPARTMENTS[code]:
        found = [p for p in positions if matches(p.title, pattern)]
        assert found, pattern
        assert {p.department.name for p in found} == {department}, pattern


def test_the_fmcg_slt_splits_the_eight_markets_between_the_director_and_the_deputy():
    company = load("fmcg-brand")

    def markets(title):
        position = Position.objects.get(company=company, title=title)
        return {territory.name for territory in position.territories.all()}

    director, deputy = markets("销售总监"), markets("销售副总监")
    assert director == {"东北", "华北", "西北", "华中"}
    assert deputy == {"山东", "华东", "华南", "西南"}
    top_markets = set(Territory.objects.filter(company=company, parent__isnull=True).values_list("name", flat=True))
    assert director | deputy == top_markets and len(top_markets) == 8


def test_the_fmcg_field_force_of_each_half_serves_that_halfs_markets():
    company = load("fmcg-brand")
    director_markets = {"东北", "华北", "西北", "华中"}
    deputy_markets = {"山东", "华东", "华南", "西南"}

    for manager in Position.objects.filter(company=company, title="市场经理").select_related("reports_to"):
        served = {territory.name for territory in manager.department.territories.all()}
        expected = director_markets if manager.reports_to.title == "销售总监" else deputy_markets
        assert served == expected
        assert {territory.name for territory in manager.territories.all()} == expected


def test_the_fmcg_ssg_is_a_leader_and_two_customer_service_representatives():
    company = load("fmcg-brand")
    ssg = Department.objects.get(company=company, name__contains="SSG")

    seats = {}
    for position in Position.objects.filter(company=company, department=ssg):
        seats[position.title] = seats.get(position.title, 0) + position.headcount

    assert seats == {"组长": 1, "客户服务代表": 2}


def test_the_fmcg_field_force_runs_mm_um_kam_rep_down_each_line():
    company = load("fmcg-brand")
    chain = ["市场经理", "区域经理", "客户经理", "销售代表"]

    for rep in Position.objects.filter(company=company, title="销售代表"):
        titles, position = [], rep
        while position is not None and position.title in chain:
            titles.append(position.title)
            position = position.reports_to
        assert titles[::-1] == chain
        assert "FSF" in rep.department.parent.name


# --- what every position carries ------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_every_position_has_duties_a_grade_a_headcount_and_valid_scopes(code):
    company = load(code)
    modules = orgfile.known_modules()

    for position in Position.objects.filter(company=company).prefetch_related("duties", "scopes__departments"):
        assert position.duties.exists(), position.title
        assert all(duty.text.strip() for duty in position.duties.all()), position.title
        assert position.grade in Grade.values, position.title
        assert position.headcount >= 1, position.title
        scopes = list(position.scopes.all())
        assert scopes, position.title
        for scope in scopes:
            assert scope.module in modules, (position.title, scope.module)
            assert scope.level in ScopeLevel.values, (position.title, scope.level)
            if scope.level == ScopeLevel.DEPARTMENTS:
                assert scope.departments.exists(), (position.title, scope.module)
            else:
                assert not scope.departments.exists(), (position.title, scope.module)


@pytest.mark.parametrize("code", CODES)
def test_every_template_grants_an_org_scope_to_every_position(code):
    company = load(code)

    without = Position.objects.filter(company=company).exclude(
        pk__in=PositionScope.objects.filter(module="org").values("position"))

    assert list(without.values_list("title", flat=True)) == []


def test_every_duty_queue_is_registered_or_one_of_the_known_future_queues():
    keys = {duty.get("queue") for code in CODES for position in template(code)["positions"]
            for duty in position["duties"] if duty.get("queue")}

    assert keys - set(QUEUES) == UNREGISTERED_QUEUES
    assert not UNREGISTERED_QUEUES & set(QUEUES)


def test_every_duty_capability_is_a_known_capability():
    from salesdesk.core import capabilities as registry

    capabilities = {duty.get("capability") for code in CODES for position in template(code)["positions"]
                    for duty in position["duties"] if duty.get("capability")}

    assert capabilities == CAPABILITIES and not registry.unknown(capabilities)


@pytest.mark.parametrize("code", CODES)
def test_someone_in_each_template_administers_the_organisation(code):
    holders = [p["code"] for p in template(code)["positions"]
               if any(duty.get("capability") == "org_admin" for duty in p["duties"])]

    assert holders


# --- who confirms money, who grants credit, who sees a region -----------------------------

# The departments that keep the books (seed 000 财务部, seed 003 账务部, seed 002 財務部).
FINANCE_DEPARTMENTS = {"财务部", "账务部"}


def holder(company, code):
    """The first demo holder of the position, as a fresh user (the scope is cached per user object)."""
    employee = (Employee.objects.filter(company=company, assignments__position__code=code,
                                        assignments__ended_on__isnull=True).order_by("pk").first())
    user = employee.user
    return employee, type(user).objects.get(pk=user.pk)


def capability_holders(company, capability):
    return Position.objects.filter(company=company, duties__capability=capability).distinct().select_related(
        "department")


@pytest.mark.parametrize("code", CODES)
def test_payments_are_confirmed_by_finance_not_the_sales_line(code):
    company = load(code)

    confirming = list(capability_holders(company, "confirm_payments"))
    queued = set(Position.objects.filter(company=company, duties__queue="payments_to_confirm").distinct())

    assert confirming, "nobody confirms payments"
    assert {p.title: p.department.name for p in confirming if p.department.name not in FINANCE_DEPARTMENTS} == {}
    assert queued == set(confirming)  # whoever has the queue may act on it, and only they


@pytest.mark.parametrize("code", CODES)
def test_no_one_in_the_sales_line_confirms_what_they_sold(code):
    """A position that confirms payments never sits under a department whose positions own customers
    (the reps' departments and everything above them up to, but not including, the company top)."""
    company = load(code)
    selling = Position.objects.filter(company=company, duties__queue="followups_today").select_related("department")
    sales_paths = {p.department.path for p in selling}

    for position in capability_holders(company, "confirm_payments"):
        assert not any(path.startswith(position.department.path) or position.department.path.startswith(path)
                       for path in sales_paths), position.title


def test_standard_sales_regional_manager_sees_his_region():
    from salesdesk.customers import services as customers
    from salesdesk.customers.models import Customer

    company = load("standard-sales", demo_people=True)
    east = Position.objects.select_related("department").get(company=company, code="east-rm")
    assert east.title == "大区经理" and east.department.name == "华东大区" and east.is_department_head
    assert east.scopes.get(module="customers").level == ScopeLevel.DEPARTMENT_TREE
    assert set(east.department.children.values_list("name", flat=True)) == {"江苏省区", "浙江省区"}
    jiangsu_rep, _user = holder(company, "jiangsu-rep")
    hebei_rep, _user = holder(company, "hebei-rep")
    jiangsu = customers.create_customer(company=company, by=jiangsu_rep, owner=jiangsu_rep, name="苏州精工机械有限公司")
    hebei = customers.create_customer(company=company, by=hebei_rep, owner=hebei_rep, name="石家庄恒通贸易有限公司")

    def sees(code):
        _employee, user = holder(company, code)
        return set(Customer.objects.restrict(user).filter(pk__in=[jiangsu.pk, hebei.pk]).values_list("pk", flat=True))

    assert sees("east-rm") == {jiangsu.pk}
    assert sees("north-rm") == {hebei.pk}
    assert sees("jiangsu-pm") == {jiangsu.pk}
    assert sees("zhejiang-pm") == set()
    assert sees("zhejiang-rep") == set()
    assert sees("sales-supervisor") == {jiangsu.pk, hebei.pk}


def test_standard_sales_runs_regional_provincial_rep_down_each_province():
    company = load("standard-sales")

    for rep in Position.objects.filter(company=company, title="业务员").select_related(
            "department__parent", "reports_to__reports_to__reports_to"):
        provincial = rep.reports_to
        regional = provincial.reports_to
        assert (provincial.title, regional.title, regional.reports_to.title) == ("省区经理", "大区经理", "销售主管")
        assert provincial.department == rep.department and provincial.is_department_head
        assert regional.department == rep.department.parent and regional.is_department_head
        assert set(rep.territories.all()) == set(rep.department.territories.all()) != set()


def test_every_levels_up_step_from_the_manager_finds_someone():
    from salesdesk.approvals.services import find_approvers

    company = load("standard-sales", demo_people=True)
    manager = Position.objects.select_related("reports_to").get(company=company, code="manager")
    chairman, _user = holder(company, "chairman")
    assert manager.reports_to.title == "董事长"

    def levels_up(code, levels):
        submitter, _user = holder(company, code)
        return find_approvers(step={"approver": "levels_up", "levels": levels}, submitter=submitter,
                              excluded={submitter.pk}).approvers

    assert levels_up("manager", 1) == [chairman]
    # from a rep the line climbs 省区经理 → 大区经理 → 销售主管 → 销售经理 → 董事长, someone at every step
    found = [levels_up("jiangsu-rep", levels) for levels in range(1, 6)]
    assert [[person.assignments.get().position.title for person in step] for step in found] == [
        ["省区经理"], ["大区经理"], ["销售主管"], ["销售经理"], ["董事长"]]


def test_standard_sales_contract_review_has_legal_and_finance_to_countersign():
    company = load("standard-sales")

    reviewers = {p.title for p in Position.objects.filter(company=company, duties__queue="contracts_review")}
    finance = Position.objects.get(company=company, code="finance-manager")

    assert "法务专员" in reviewers
    assert finance.department.name == "财务部" and finance.reports_to.title == "董事长"
    assert finance.duties.filter(queue="approvals").exists()


def test_fmcg_credit_is_decided_by_the_slt_and_the_ssg_leader_only_keeps_the_list():
    company = load("fmcg-brand")

    deciding = capability_holders(company, "credit")
    leader = Position.objects.get(company=company, code="ssg-leader")

    assert {p.title for p in deciding} == {"总经理", "销售总监", "销售副总监"}
    assert {p.department.name for p in deciding} == {"销售领导小组（SLT）"}
    assert leader.duties.filter(text__startswith="每月更新客户信用等级一览表").exists()
    assert not leader.duties.filter(capability="credit").exists()


def test_industrial_sales_line_checks_invoices_but_the_cashier_confirms_payments():
    company = load("industrial")

    def capabilities_of(code):
        return set(Duty.objects.filter(position__company=company, position__code=code).exclude(capability="")
                   .values_list("capability", flat=True))

    assert "confirm_payments" not in capabilities_of("sales-manager-assistant") | capabilities_of("inside-sales-sbs")
    assert "check_invoices" in capabilities_of("inside-sales-sbs")
    assert "confirm_payments" in capabilities_of("cashier")
    cashier = Position.objects.select_related("department", "reports_to").get(company=company, code="cashier")
    assert (cashier.department.name, cashier.reports_to.title) == ("账务部", "账务部经理")


def test_industrial_each_region_has_its_own_marketing_specialist():
    company = load("industrial")

    for regional in Position.objects.filter(company=company, title="大区经理").select_related("department"):
        specialists = Position.objects.filter(company=company, title="市场专员", reports_to=regional)
        assert [p.department for p in specialists] == [regional.department]
        scopes = dict(specialists.get().scopes.values_list("module", "level"))
        assert scopes["customers"] == scopes["sales"] == ScopeLevel.DEPARTMENT_TREE


# --- written in our own words ---------------------------------------------------------------

WINDOW = 10


def seed_texts():
    if not SEEDS_DIR.is_dir():
        pytest.skip("the seeds are not available here")
    texts = []
    for path in sorted(SEEDS_DIR.iterdir()):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        if shutil.which("opencc"):  # seed 002 is in Traditional Chinese; compare its Simplified form too
            simplified = subprocess.run(["opencc", "-c", "t2s.json"], input=text, capture_output=True, text=True,
                                        check=True).stdout
            texts.append(simplified)
    assert texts, "no seed files"
    return texts


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def copied_texts():
    """Every text of every template (duties, main work, requirements, authority, meetings,
    descriptions) that shares a run of WINDOW characters with a seed."""
    seeds = seed_texts()
    copies = []
    for code in CODES:
        for text in sorted(set(_strings(template(code)))):
            for start in range(len(text) - WINDOW + 1):
                window = text[start:start + WINDOW]
                if any(window in seed for seed in seeds):
                    copies.append(f"{code}: {window!r} in {text!r}")
                    break
    return copies


def test_the_copy_check_recognises_a_sentence_taken_from_a_seed():
    seeds = seed_texts()
    sentence = next(line.strip() for line in seeds[0].splitlines() if len(line.strip()) >= 40)[:30]

    assert any(sentence[start:start + WINDOW] in seed for seed in seeds for start in range(len(sentence) - WINDOW))


def test_no_text_of_a_template_is_copied_from_the_seeds():
    assert copied_texts() == []
