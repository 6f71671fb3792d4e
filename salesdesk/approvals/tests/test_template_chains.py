"""Every organisation template ships the reviews its seeds describe: quotations, 合同评审 (the rep's
own line up to the regional manager, 法务 and 财务 countersigning, the director for large ones),
订单评审 (no order is confirmed unreviewed), 信用特批 and 坏账核销 decided by finance and management.
Each route is walked step by step as the engine finds the approvers, for a rep of the template."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalChain, StepMode
from salesdesk.approvals.registry import Facts
from salesdesk.org import orgfile
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db

CODES = ["fmcg-brand", "industrial", "real-estate", "sales-company", "standard-sales"]
REVIEWED = ("quotation", "contract", "order", "credit_override", "credit_limit", "write_off")


def load(code):
    return orgfile.load_org(data=orgfile.load_template(code), demo_people=True)


def holder(company, position_code) -> Employee:
    return Employee.objects.filter(company=company, assignments__position__code=position_code,
                                   assignments__ended_on__isnull=True).order_by("pk").first()


def route(company, document_type, submitter_code, amount, **facts) -> list[tuple[str, object]]:
    """[(step, approvers' position codes, or "skipped")] as the engine would run them."""
    submitter = holder(company, submitter_code)
    facts = Facts(amount=Decimal(amount), owner_id=submitter.pk, **facts)
    chain = services.chain_for(company=company, document_type=document_type, facts=facts)
    assert chain is not None, f"no {document_type} chain applies"
    walked = []
    for step in services.plan_for(chain, facts):
        found = services.find_approvers(step=step, submitter=submitter, excluded={submitter.pk})
        if found.skip:
            walked.append((step["name"], "skipped"))
            continue
        assert found.approvers, f"{step['name']}: {found.detail}"
        codes = sorted({assignment.position.code for employee in found.approvers
                        for assignment in employee.assignments.filter(ended_on__isnull=True)
                        .select_related("position")})
        walked.append((step["name"], codes))
    return walked


REPS = {"fmcg-brand": "rep-north", "industrial": "nanjing-rep", "real-estate": "team-a-sales",
        "sales-company": "sales-rep", "standard-sales": "jiangsu-rep"}
FINANCE = {"finance-manager", "accounts-manager", "finance-audit-head", "finance-specialist"}


# One load per template (loading is the slow part); each assertion names what it checks.
@pytest.mark.parametrize("code", CODES)
def test_every_template_reviews_each_document_finds_someone_at_every_step_and_lets_finance_check_money(code):
    company = load(code)

    shipped = set(ApprovalChain.objects.filter(company=company).values_list("document_type", flat=True))
    assert shipped == set(REVIEWED), "a chain for each reviewed document"

    for document_type in REVIEWED:
        walked = route(company, document_type, REPS[code], "2000000", below_floor=True, discount=Decimal("10"))
        assert any(found != "skipped" for _name, found in walked), f"someone reviews a rep's {document_type}"

    order_chain = services.chain_for(company=company, document_type="order", facts=Facts(amount=Decimal("1")))
    assert order_chain is not None and order_chain.steps.exists(), "no order is confirmed without a review"

    contract = ApprovalChain.objects.get(company=company, document_type="contract")
    named = {position.code for step in contract.steps.all() for position in step.positions.all()}
    assert named & FINANCE, "finance countersigns or checks contracts"

    first = ApprovalChain.objects.get(company=company, document_type="write_off").steps.order_by("order").first()
    assert {position.department.name for position in first.positions.all()} & {"财务部", "账务部", "财核部"}, \
        "bad debts are written off by finance first"


def test_standard_sales_contract_review_runs_up_the_reps_line_then_legal_and_finance_together():
    company = load("standard-sales")

    walked = route(company, "contract", "jiangsu-rep", "1200000")

    assert walked == [("省区经理审核", ["jiangsu-pm"]), ("大区经理审核", ["east-rm"]),
                      ("会签：法务、财务", ["finance-manager", "legal-officer"]), ("销售经理评审", ["manager"]),
                      ("董事长审批", ["chairman"])]
    chain = ApprovalChain.objects.get(company=company, document_type="contract")
    assert chain.steps.get(name="会签：法务、财务").mode == StepMode.ALL


def test_standard_sales_a_provincial_managers_own_contract_skips_his_step():
    company = load("standard-sales")

    walked = route(company, "contract", "shandong-pm", "10000")

    assert walked[:2] == [("省区经理审核", "skipped"), ("大区经理审核", ["north-rm"])]


def test_industrial_an_office_contract_goes_to_its_region_and_the_sales_manager_not_the_materials_head():
    company = load("industrial")

    walked = dict(route(company, "contract", "nanjing-rep", "600000"))

    assert walked["办事处经理审核"] == ["nanjing-om"]
    assert walked["大区经理审核"] == ["east-rm"]
    assert walked["副部长审核"] == "skipped"
    assert walked["销售经理（部长）评审"] == ["sales-manager"]
    assert walked["会签：法务、账务"] == ["accounts-manager", "legal-officer"]
    assert walked["销售总监审批"] == ["sales-director"]


def test_industrial_a_materials_contract_goes_to_the_deputy_and_the_head_not_the_regions():
    company = load("industrial")

    walked = dict(route(company, "contract", "sales-rep", "1500000"))

    assert walked["办事处经理审核"] == walked["大区经理审核"] == walked["销售总监审批"] == "skipped"
    assert walked["副部长审核"] == ["materials-deputy"]
    assert walked["销售经理（部长）评审"] == ["materials-head"]
    assert walked["总经理审批"] == ["general-manager"]


def test_industrial_orders_are_reviewed_by_the_inside_sales_clerks():
    company = load("industrial")

    walked = route(company, "order", "sales-rep", "50000")

    assert walked == [("内勤核对交期、库存与价格", ["inside-sales-cnpc", "inside-sales-sbs"])]


def test_a_quotation_at_list_price_is_sent_at_once_and_a_large_one_is_reviewed():
    company = load("industrial")

    assert services.chain_for(company=company, document_type="quotation", facts=Facts(amount=Decimal("90000"))) is None
    large = services.chain_for(company=company, document_type="quotation", facts=Facts(amount=Decimal("1200000")))
    assert large is not None and large.name == "大额报价"


def test_a_chain_naming_an_unknown_position_or_document_type_is_refused_and_nothing_is_loaded():
    data = orgfile.load_template("standard-sales")
    data["approval_chains"][0]["steps"][0] = {"name": "审核", "approver": "positions", "positions": ["nobody"]}
    data["approval_chains"].append({"document_type": "lunch", "name": "午餐", "steps": [
        {"name": "审核", "approver": "superior", "min_amount": "abc"}]})

    errors = orgfile.validate(data)

    assert any('unknown position "nobody"' in error for error in errors)
    assert any('unknown document type "lunch"' in error for error in errors)
    assert any("min_amount must be a non-negative number" in error for error in errors)
    with pytest.raises(ValidationError):
        orgfile.load_org(data=data)
    assert not ApprovalChain.objects.exists()
