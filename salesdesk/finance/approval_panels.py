"""On the approval page of anything sold to a customer (quotation, contract, order, credit override,
write-off, credit change): the customer's credit as it stands — rating, limit, terms, what is used, what is overdue."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import credit
from .models import CreditChange, CreditProfile


def credit_panel(request, document, user) -> dict | None:
    customer_id = getattr(document, "customer_id", None)
    if customer_id is None:
        return None
    profile = CreditProfile.objects.filter(customer_id=customer_id).first()
    figures = credit.exposures([customer_id])[customer_id]
    panel = {"title": _("Credit"), "template": "finance/_approval_credit.html", "profile": profile,
             "figures": figures, "available": None}
    if profile is not None and profile.policy == CreditProfile.Policy.CREDIT:
        panel["available"] = profile.limit - figures.used
    return panel


def credit_history_panel(request, document, user) -> dict | None:
    """For a credit change: what is asked against what stands, on the customer's credit history."""
    if not isinstance(document, CreditChange):
        return None
    return {"title": _("Credit history"), "template": "finance/_approval_credit_history.html", "change": document,
            "changes": list(credit.history(document.customer_id))}


def register_panels() -> None:
    from salesdesk.approvals.registry import register_panel

    register_panel(credit_panel)
    register_panel(credit_history_panel)
