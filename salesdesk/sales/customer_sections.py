"""On the customer page: the quotations, contracts, orders and shipments of the customer that the
viewer may see — how many, what they amount to, the latest few with their status. Each kind is one
query through the data scope (two for shipments), however many documents the customer has; a kind the viewer sees none of is left out, and the whole section
when he sees none at all."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesdesk.customers.registry import LATEST, DocumentKind, DocumentRow

from .models import Contract, Quotation, SalesOrder, Shipment

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    model: type
    counted: tuple  # the statuses whose amounts the sum takes
    amount_label: object  # what the sum is: "won", "confirmed" …
    detail: str  # url name of a document's page
    listed: str  # url name of the list
    dated: tuple[str, ...]  # the date a row shows: the first of these fields that is set
    amount: str = "amount"  # a field, or a sum over the lines (shipments)
    hidden: tuple = ()  # statuses not shown at all (superseded versions of a quotation)


KINDS = (
    Kind("quotations", gettext_lazy("Quotations"), Quotation, counted=(Quotation.Status.WON,),
         amount_label=gettext_lazy("won"), detail="sales:quotation", listed="sales:quotations", dated=("quoted_on",),
         hidden=(Quotation.Status.SUPERSEDED,)),
    Kind("contracts", gettext_lazy("Contracts"), Contract, counted=(Contract.Status.ACTIVE, Contract.Status.COMPLETED),
         amount_label=gettext_lazy("in force or completed"), detail="sales:contract", listed="sales:contracts",
         dated=("signed_on", "starts_on")),
    Kind("orders", gettext_lazy("Orders"), SalesOrder, counted=SalesOrder.SOLD, amount_label=gettext_lazy("confirmed"),
         detail="sales:order", listed="sales:orders", dated=("ordered_on",)),
    Kind("shipments", gettext_lazy("Shipments"), Shipment, counted=(Shipment.Status.RELEASED, Shipment.Status.DELIVERED),
         amount_label=gettext_lazy("released"), detail="sales:shipment", listed="sales:shipments",
         dated=("shipped_on", "created_at"), amount="lines__amount"),
)


def _on(document, fields):
    for name in fields:
        value = getattr(document, name, None)
        if value is not None:
            return timezone.localdate(value) if isinstance(value, datetime.datetime) else value
    return None


def document_kind(kind: Kind, customer, user) -> DocumentKind | None:
    """The customer's documents of one kind that the viewer sees; None when none. One query where
    the amount is a column (the figures over all of them ride along the latest rows as window
    aggregates), two for shipments (their amount is a sum over lines)."""
    documents = kind.model.objects.restrict(user, "view").filter(customer_id=customer.pk)
    if kind.hidden:
        documents = documents.exclude(status__in=kind.hidden)
    latest = documents.order_by(*kind.model._meta.ordering)
    counted = Q(status__in=kind.counted)
    if kind.amount == "amount":
        latest = list(latest.annotate(kind_count=Window(Count("pk")),
                                      kind_amount=Window(Sum("amount", filter=counted)))[:LATEST])
        if not latest:
            return None
        count, amount = latest[0].kind_count, latest[0].kind_amount
    else:
        # A shipment's amount is the sum of its lines: the join repeats the shipment, hence distinct.
        figures = documents.aggregate(count=Count("pk", distinct=True), amount=Sum(kind.amount, filter=counted))
        if not figures["count"]:
            return None
        count, amount = figures["count"], figures["amount"]
        latest = list(latest.annotate(lines_amount=Sum(kind.amount))[:LATEST])
    rows = [DocumentRow(label=str(document), url=reverse(kind.detail, args=[document.pk]),
                        on=_on(document, kind.dated),
                        amount=document.amount if kind.amount == "amount" else document.lines_amount,
                        status=document.status, status_label=document.get_status_display(),
                        tone=document.status_tone)
            for document in latest]
    return DocumentKind(key=kind.key, label=str(kind.label), count=count,
                        amount=Decimal(amount or 0).quantize(CENT), amount_label=str(kind.amount_label),
                        list_url=f"{reverse(kind.listed)}?{urlencode({'scene': 'all', 'q': customer.name})}",
                        rows=rows)


def sales_section(request, customer, user) -> dict | None:
    kinds = [found for found in (document_kind(kind, customer, user) for kind in KINDS) if found is not None]
    if not kinds:
        return None
    return {"key": "sales", "title": _("Sales"), "template": "customers/_business_section.html", "order": 10,
            "kinds": kinds}


def register_sections() -> None:
    from salesdesk.customers.registry import register_section

    register_section(sales_section)
