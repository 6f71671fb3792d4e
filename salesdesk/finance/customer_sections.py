"""On the customer page: the customer's money as the viewer may see it — its invoices (how many, what
was issued, the latest few), what is receivable and overdue on them, its credit (level, payment
policy, limit, what is still available) and the latest collection notes.

Every figure comes from records read through the data scope: the invoice sums from the invoices the
viewer sees, the notes from the notes he sees. The credit is shown to whoever sees the customer's
credit profile (finance scope over the customer's owner; an unrated customer's company terms to the
same people, once there are invoices or collection to show). It is the customer's credit as the
credit check applies it, so what is used of it counts all of the customer's invoices, payments and
orders — the invoices and payments are all within that same finance scope (they are seen through
their customer). A fixed number of queries whatever the number of invoices; the section is left out
when the viewer sees none of it."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, F, Min, Q, Sum, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.customers.registry import LATEST, DocumentKind, DocumentRow

from . import credit
from .models import CollectionNote, CollectionTask, CreditProfile, Invoice
from .payments import RECEIVABLE
from .selectors import sees_credit

OPEN = F("amount") - F("paid_amount") - F("written_off_amount")


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def invoice_figures(customer, user, *, today=None) -> dict | None:
    """The invoices of the customer the viewer sees: the kind (count, issued amount, latest few) and
    what is receivable and overdue on them; None when he sees none."""
    today = today or timezone.localdate()
    invoices = Invoice.objects.restrict(user, "view").filter(customer_id=customer.pk)
    receivable = Q(status__in=RECEIVABLE)
    overdue = receivable & Q(due_on__lt=today)
    # The figures over all of them ride along the latest rows as window aggregates: one query.
    latest = list(invoices.order_by("-created_at", "-id").annotate(
        all_count=Window(Count("pk")), issued=Window(Sum("amount", filter=receivable)),
        open=Window(Sum(OPEN, filter=receivable)), overdue=Window(Sum(OPEN, filter=overdue)),
        oldest=Window(Min("due_on", filter=overdue & Q(amount__gt=F("paid_amount") + F("written_off_amount")))),
    )[:LATEST])
    if not latest:
        return None
    figures = latest[0]
    rows = [DocumentRow(label=invoice.number, url=reverse("finance:invoice", args=[invoice.pk]),
                        on=invoice.issued_on or timezone.localdate(invoice.created_at), amount=invoice.amount,
                        status=invoice.status, status_label=invoice.get_status_display(),
                        tone=invoice.status_tone)
            for invoice in latest]
    kind = DocumentKind(key="invoices", label=_("Invoices"), count=figures.all_count,
                        amount=_cents(figures.issued), amount_label=_("issued"), rows=rows,
                        list_url=f"{reverse('finance:invoices')}?{urlencode({'q': customer.name})}")
    overdue_amount = _cents(figures.overdue)
    return {"kind": kind, "receivable": _cents(figures.open), "overdue": overdue_amount,
            "overdue_since": figures.oldest if overdue_amount else None}


def credit_of(customer, user, *, unrated_too: bool) -> dict | None:
    """The customer's credit for a viewer who may see it: its profile, and on credit what is used and
    still available; None for anyone else. An unrated customer has the company's terms for unrated
    customers, shown when `unrated_too` (next to its invoices: a prospect's page shows no finance)."""
    # A credit profile is seen within the finance scope of the customer's owner (finance/scope_rules.py);
    # the statement of account asks the same (selectors.sees_credit).
    if not sees_credit(customer, user):
        return None
    profile = CreditProfile.objects.restrict(user, "view").filter(customer_id=customer.pk).first()
    rated = profile is not None
    if not rated:
        if not unrated_too:
            return None
        profile = credit.default_profile(customer)
    shown = {"profile": profile, "rated": rated, "used": None, "available": None}
    if profile.policy == CreditProfile.Policy.CREDIT:
        used = credit.exposure(customer).used
        shown.update(used=used, available=profile.limit - used)
    return shown


def collection_of(customer, user) -> dict | None:
    """The customer's open collection task (催收) and the latest notes on it and earlier ones, as the
    viewer may see them; None when he sees neither."""
    task = (CollectionTask.objects.restrict(user, "view")
            .filter(customer_id=customer.pk, status=CollectionTask.Status.OPEN).first())
    notes = list(CollectionNote.objects.restrict(user, "view").filter(task__customer_id=customer.pk)
                 .select_related("written_by").order_by("-created_at", "-id")[:LATEST])
    if task is None and not notes:
        return None
    return {"task": task, "notes": notes}


def finance_section(request, customer, user) -> dict | None:
    invoices = invoice_figures(customer, user)
    collection = collection_of(customer, user)
    credit_shown = credit_of(customer, user, unrated_too=invoices is not None or collection is not None)
    if invoices is None and credit_shown is None and collection is None:
        return None
    return {"key": "finance", "title": _("Finance"), "template": "finance/_customer_section.html",
            "order": 20, "kinds": [invoices["kind"]] if invoices else [], "invoices": invoices, "credit": credit_shown,
            "collection": collection,
            "statement_url": reverse("finance:customer_receivables", args=[customer.pk])}


def register_sections() -> None:
    from salesdesk.customers.registry import register_section

    register_section(finance_section)
