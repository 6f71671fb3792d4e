"""{% order_credit order %}: the order page's credit box — the customer's credit, whether the next step
is blocked, and the override requests — without the sales views knowing about finance.
{% contract_payment_plan contract %}: the contract page's payment plan with what each installment was
paid, directly or through the invoices of the contract's orders (installments.py)."""

from django import template

from salesdesk.sales import gates
from salesdesk.sales.models import SalesOrder

from .. import credit
from ..installments import payment_plan
from ..models import CreditOverride, CreditProfile

register = template.Library()

NEXT_ACTION = {
    SalesOrder.Status.DRAFT: gates.CONFIRM,
    SalesOrder.Status.REJECTED: gates.CONFIRM,
    SalesOrder.Status.IN_REVIEW: gates.CONFIRM,
    SalesOrder.Status.CONFIRMED: gates.RELEASE,
    SalesOrder.Status.PARTLY_SHIPPED: gates.RELEASE,
    SalesOrder.Status.SHIPPED: gates.ISSUE,
}


@register.inclusion_tag("finance/_order_credit.html", takes_context=True)
def order_credit(context, order):
    profile = CreditProfile.objects.filter(customer_id=order.customer_id).first()
    rated = profile is not None
    profile = profile or credit.default_profile(order.customer)  # an unrated customer: the company's terms
    action = NEXT_ACTION.get(order.status)
    blocked = None
    if action is not None:
        amount, free = credit.action_amount(order, action)  # to release: what is still to ship, and gifts
        found = credit.problem(action, order=order, amount=amount, free=free)
        blocked = found[0] if found else None
    return {
        "order": order, "profile": profile, "rated": rated, "action": action, "blocked": blocked,
        "exposure": credit.exposure(order.customer),
        "overrides": CreditOverride.objects.filter(order=order).select_related("requested_by"),
        "actions": CreditOverride.Action.choices, "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("finance/_payment_plan.html")
def contract_payment_plan(contract):
    """The contract was read through the data scope by its page; the money comes with it."""
    return {"contract": contract, "plan": payment_plan(contract)}
