"""One way for a document type to go through the approval engine (审批流).

    register_document_type(
        key="contract", label=gettext_lazy("Contract review"), model=Contract, url_name="sales:contract",
        approved=Contract.Status.ACTIVE, rejected=Contract.Status.REJECTED,
        returned=Contract.Status.DRAFT, withdrawn=Contract.Status.DRAFT)

Each outcome is either the status the document moves to (a plain update of its row inside the
decision's transaction) or a function(document, request) for more (confirm an order through the
credit gate, write off an invoice). What a chain's conditions read (Facts) comes from the priced
lines by default; a document without lines says what instead (`facts=`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from salesdesk.approvals import registry
from salesdesk.approvals.registry import Facts
from salesdesk.audit.changes import record_update
from salesdesk.audit.registry import is_audited


def moved_to(model, status) -> Callable:
    """The outcome that moves the document to `status`."""
    fields = {field.name for field in model._meta.get_fields()}

    def handler(document, request) -> None:
        values = {"status": status}
        if "updated_at" in fields:
            values["updated_at"] = timezone.now()
        model._default_manager.filter(pk=document.pk).update(**values)
        if is_audited(model):
            record_update(document, values)  # an UPDATE sends no signal

    handler.status = status
    return handler


def priced_facts(document) -> Facts:
    """Amount, discount off the list, the customer's level, the product lines and whether a price is
    below its floor: read from a priced document (amount, list_amount, lines)."""
    lines = list(document.lines.select_related("product__product_line"))
    return Facts(amount=document.amount, discount=document.discount_percent, customer_level=document.customer.level,
                 channel=document.customer.channel,
                 product_lines=tuple(sorted({line.product.product_line.name for line in lines
                                             if line.product.product_line_id})),
                 owner_id=document.owner_id, below_floor=any(line.below_floor for line in lines))


def number_and_customer(document) -> str:
    return f"{document.number} · {document.customer.name}"


def _outcome(model, outcome) -> Callable:
    return outcome if callable(outcome) else moved_to(model, outcome)


def register_document_type(*, key: str, label, model, approved, rejected, returned, withdrawn,
                           url_name: str = "", url: Callable | None = None, facts: Callable = priced_facts,
                           title: Callable = number_and_customer, without_chain: str = "stall",
                           own_steps: str = "stall") -> registry.DocumentType:
    """Register `model` with the approval engine under `key` (see the module's docstring)."""
    if url is None and url_name:
        def url(document):
            return reverse(url_name, args=[document.pk])
    document_type = registry.DocumentType(
        key=key, label=label, model=model, facts=facts, title=title, url=url,
        on_approved=_outcome(model, approved), on_rejected=_outcome(model, rejected),
        on_returned=_outcome(model, returned), on_withdrawn=_outcome(model, withdrawn),
        without_chain=without_chain, own_steps=own_steps)
    registry.register(document_type)
    return document_type
