"""Who does which step of the flow in a company, as its duties and approval chains say: printed by
`demo_setup` so that whoever tries the demo knows whom to log in as for each step (lead → cash)."""

from __future__ import annotations

from salesdesk.approvals import services as approvals
from salesdesk.approvals.registry import Facts
from salesdesk.org.models import Employee

# (step, the queue or capability that makes someone do it)
DUTY_STEPS = [
    ("分配线索", "queue", "leads_unassigned"),
    ("跟进客户、报价、下单", "queue", "followups_today"),
    ("价格复核", "capability", "pricing"),
    ("跟单", "queue", "orders_to_follow"),
    ("发货出库", "capability", "ship_goods"),
    ("开票复核", "capability", "check_invoices"),
    ("回款确认与核销", "capability", "confirm_payments"),
    ("应收催办", "queue", "receivables_overdue"),
    ("客户信用评级", "capability", "credit"),
]
# (step, document type of the chain, what the rep's document is worth)
CHAIN_STEPS = [("合同评审", "contract", "300000"), ("订单评审", "order", "50000"),
               ("信用特批", "credit_override", "300000"), ("信用额度审批", "credit_limit", "1500000")]


def _usernames(employees) -> str:
    names = sorted(employee.user.get_username() for employee in employees if employee.user_id)
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "")


def _holders(company, kind: str, key: str):
    holders = Employee.objects.filter(company=company, status=Employee.Status.ACTIVE, user__isnull=False,
                                      assignments__ended_on__isnull=True).select_related("user")
    field = "assignments__position__duties__queue" if kind == "queue" else "assignments__position__duties__capability"
    return list(holders.filter(**{field: key}).distinct().order_by("user__username"))


def who_does_what(company, *, rep: Employee | None) -> list[tuple[str, str]]:
    """[(step, log-ins)] for the company; the chains as they run for `rep`'s documents."""
    from decimal import Decimal

    rows = [("step", "log in as")]
    for label, kind, key in DUTY_STEPS:
        holders = _holders(company, kind, key)
        if rep is not None and rep in holders:  # the rep the chains below run for comes first
            holders = [rep] + [holder for holder in holders if holder != rep]
            rows.append((label, _usernames(holders[:1]) + (f", … ({len(holders)})" if len(holders) > 1 else "")))
            continue
        if holders:
            rows.append((label, _usernames(holders)))
    if rep is None:
        return rows
    for label, document_type, amount in CHAIN_STEPS:
        facts = Facts(amount=Decimal(amount), owner_id=rep.pk)
        chain = approvals.chain_for(company=company, document_type=document_type, facts=facts)
        if chain is None:
            continue
        for step in approvals.plan_for(chain, facts):
            found = approvals.find_approvers(step=step, submitter=rep, excluded={rep.pk})
            if found.approvers:
                rows.append((f"{label} · {step['name']}", _usernames(found.approvers)))
    return rows
