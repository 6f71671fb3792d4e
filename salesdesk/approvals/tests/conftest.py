"""The small organisation (root conftest.py) plus a legal counsel (法务) and a finance manager (财务经理)
in a back office under the director, and a general manager (总经理) above the director.

    总经理 gm
      └ 销售总监 director ─┬ 大区经理 regional ─ 办事处经理 superior ─ 销售代表 owner, teammate
                           ├ 法务 lawyer
                           └ 财务经理 finance
The Memo (tests/scopetest) is the document: its owner submits it."""

from decimal import Decimal

import pytest
from django.utils import translation

from conftest import make_person
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services as org_services
from tests.scopetest.models import Memo


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def org(small_org):
    company = small_org.company
    sales = small_org.departments["sales"]
    gm_office = org_services.create_department(company=company, name="总经理办公室", code="GMO")
    gm = org_services.create_position(department=gm_office, title="总经理", code="gm", grade="senior",
                                      is_department_head=True, scopes={"sales": ScopeLevel.ALL})
    director = small_org.positions["director"]
    org_services.change_reporting_line(position=director, reports_to=gm)
    back = org_services.create_department(company=company, name="商务部", code="BACK", parent=sales)
    lawyer = org_services.create_position(department=back, title="法务", code="legal", reports_to=director)
    finance = org_services.create_position(department=back, title="财务经理", code="finance", reports_to=director)
    small_org.positions.update(gm=gm, legal=lawyer, finance=finance)
    small_org.people["gm"] = make_person(company, "gm", "王总", [gm])
    small_org.people["lawyer"] = make_person(company, "lawyer", "冯法务", [lawyer])
    small_org.people["finance"] = make_person(company, "finance", "陈财务", [finance])
    for code, level in {"director": ScopeLevel.ALL, "east-rm": ScopeLevel.DEPARTMENT_TREE,
                        "sh-mgr": ScopeLevel.SUBORDINATES}.items():
        org_services.set_position_scope(position=small_org.positions[code], module="sales", level=level)
    return small_org


def make_chain(org, name="合同评审", priority=100, steps=(), **conditions):
    chain = ApprovalChain.objects.create(company=org.company, document_type="memo", name=name, priority=priority,
                                         **conditions)
    for order, step in enumerate(steps, start=1):
        positions = step.pop("positions", [])
        row = ApprovalStep.objects.create(chain=chain, order=order, **step)
        row.positions.set([org.positions[code] for code in positions])
    return chain


@pytest.fixture
def review_chain(org):
    """销售经理 (direct superior) → 法务 → 财务经理, plus 总经理 from 100,000."""
    return make_chain(org, steps=[
        {"name": "销售经理审核", "approver": "superior"},
        {"name": "法务审核", "approver": "positions", "positions": ["legal"]},
        {"name": "财务审核", "approver": "positions", "positions": ["finance"]},
        {"name": "总经理审批", "approver": "positions", "positions": ["gm"], "min_amount": Decimal("100000")},
    ])


def memo(org, owner_key="owner", amount="50000", **fields):
    return Memo.objects.create(title=fields.pop("title", f"备忘 {amount}"), owner=org.people[owner_key],
                               amount=Decimal(amount), **fields)
