"""The five organisation templates of DESIGN.md load with the reporting lines it describes."""

import pytest

from salesdesk.core.scope import ScopeLevel
from salesdesk.org import orgfile
from salesdesk.org.models import Department, Position

pytestmark = pytest.mark.django_db

# (position, its superior) as DESIGN.md "Organisation templates" draws each chart.
REPORTING_LINES = {
    "standard-sales": [
        ("经理助理", "销售经理"), ("绩效考核专员", "销售经理"), ("销售主管", "销售经理"), ("文员", "销售经理"),
        ("大区经理", "销售主管"), ("省区经理", "销售主管"), ("招商经理", "销售主管"), ("业务员", "销售主管"),
        ("售后主管", "销售经理"), ("客诉专员", "售后主管"), ("跟单员", "售后主管"),
    ],
    "sales-company": [
        ("总经理", "董事长"), ("财核部经理", "总经理"), ("财务会计", "财核部经理"), ("审计专员", "财核部经理"),
        ("行政部经理", "总经理"), ("法务专员", "行政部经理"), ("人事专员", "行政部经理"), ("仓管员", "行政部经理"),
        ("后勤专员", "行政部经理"), ("企划部经理", "总经理"), ("策划专员", "企划部经理"), ("企宣专员", "企划部经理"),
        ("营销部经理", "总经理"), ("市场部经理", "营销部经理"), ("销售部经理", "营销部经理"),
        ("技术支持部经理", "营销部经理"),
    ],
    "real-estate": [
        ("策划主管", "营销总监"), ("销售经理", "营销总监"), ("销售主管", "销售经理"), ("置业顾问", "销售主管"),
        ("销售秘书", "销售经理"), ("客服主管", "营销总监"), ("专案经理", "营销总监"), ("副专", "专案经理"),
        ("女专", "专案经理"), ("组长", "专案经理"), ("销售人员", "组长"), ("见习销售人员", "组长"),
    ],
    "fmcg-brand": [
        ("销售总监", "总经理"), ("销售副总监", "销售总监"), ("组长", "销售副总监"), ("客户服务代表", "组长"),
        ("市场经理", "销售总监"), ("区域经理", "市场经理"), ("客户经理", "区域经理"), ("销售代表", "客户经理"),
    ],
    "industrial": [
        ("销售总监", "总经理"), ("销售经理", "销售总监"), ("销售经理助理", "销售经理"), ("销售统计员", "销售经理"),
        ("大区经理", "销售经理"), ("办事处经理", "大区经理"), ("业务人员", "办事处经理"), ("渠道经理", "销售经理"),
        ("销售代表", "渠道经理"), ("店面经理", "销售经理"), ("客户代表", "客户服务部经理"),
        ("销售副部长", "销售部长"), ("销售代表", "销售副部长"), ("网络销售代表", "销售部长"),
        ("外贸销售员", "销售部长"),
    ],
}

# Departments that DESIGN.md names inside another one.
NESTING = {
    "sales-company": [("财核部", "总经理"), ("行政部", "总经理"), ("企划部", "总经理"), ("营销部", "总经理"),
                      ("市场部", "营销部"), ("销售部", "营销部"), ("技术支持部", "营销部")],
    "real-estate": [("策划部", "营销"), ("销售部", "营销"), ("客服部", "营销")],
}


def loaded(code):
    return orgfile.load_org(data=orgfile.load_template(code), demo_people=True)


def superiors(company):
    pairs = set()
    for position in Position.objects.filter(company=company).select_related("reports_to"):
        pairs.add((position.title, position.reports_to.title if position.reports_to else None))
    return pairs


def test_there_are_exactly_the_five_templates():
    assert sorted(orgfile.template_codes()) == sorted(REPORTING_LINES)


@pytest.mark.parametrize("code", sorted(REPORTING_LINES))
def test_each_template_has_the_reporting_lines_of_the_design(code):
    company = loaded(code)

    pairs = superiors(company)

    missing = [pair for pair in REPORTING_LINES[code] if pair not in pairs]
    assert missing == []
    assert sum(1 for _title, superior in pairs if superior is None) == 1  # one top of the reporting line


@pytest.mark.parametrize("code", sorted(NESTING))
def test_departments_nest_as_the_design_draws_them(code):
    company = loaded(code)
    departments = Department.objects.filter(company=company).select_related("parent")

    for child, parent in NESTING[code]:
        matches = [d for d in departments if d.name.startswith(child) and d.parent and parent in d.parent.name]
        assert matches, f"{child} under {parent}"


@pytest.mark.parametrize("code", sorted(REPORTING_LINES))
def test_every_position_has_duties_a_grade_headcount_and_valid_scopes(code):
    company = loaded(code)

    for position in Position.objects.filter(company=company).prefetch_related("duties", "scopes"):
        assert position.duties.exists(), position.title
        assert position.grade, position.title
        assert position.headcount >= 1, position.title
        for scope in position.scopes.all():
            assert scope.level in ScopeLevel.values


@pytest.mark.parametrize("code", sorted(REPORTING_LINES))
def test_demo_people_fill_every_position_with_a_log_in(code):
    company = loaded(code)

    for position in Position.objects.filter(company=company):
        holders = position.assignments.filter(ended_on__isnull=True, employee__user__isnull=False)
        assert holders.exists(), position.title


def test_the_fmcg_markets_are_split_between_the_director_and_the_deputy():
    company = loaded("fmcg-brand")

    def markets(title):
        position = Position.objects.get(company=company, title=title)
        return {territory.name for territory in position.territories.all()}

    assert markets("销售总监") == {"东北", "华北", "西北", "华中"}
    assert markets("销售副总监") == {"山东", "华东", "华南", "西南"}


@pytest.mark.parametrize("code", sorted(REPORTING_LINES))
def test_export_org_gives_back_the_template_file_byte_for_byte(code, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_org", code, stdout=StringIO())
    out = tmp_path / "org.json"
    call_command("export_org", "--format", "json", "--output", str(out), stdout=StringIO(), stderr=StringIO())

    assert out.read_bytes() == (orgfile.TEMPLATES_DIR / f"{code}.json").read_bytes()


@pytest.mark.parametrize("code", sorted(REPORTING_LINES))
def test_an_exported_org_with_people_loads_back_and_exports_the_same(code):
    import json

    company = loaded(code)
    first = orgfile.dumps(orgfile.export_org(company=company, with_people=True))
    company = orgfile.load_org(data=json.loads(first), replace=True)
    again = orgfile.dumps(orgfile.export_org(company=company, with_people=True))

    assert again == first
    assert '"id"' not in first and '"pk"' not in first
