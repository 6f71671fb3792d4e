"""Quotations (报价单): drafting with lines priced from the price lists, sending (with an approval
first when a price is below its floor), revising as a new version, won / lost with a reason, and
conversion into a contract or an order (see contracts.py and orders.py)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import record_created
from salesdesk.core.numbering import next_number

from .lines import LineInput, copied, priced_lines, totals
from .models import Quotation, QuotationLine

DISCOUNT_DOCUMENT = "quotation"


def _write_lines(quotation: Quotation, rows: list[dict]) -> None:
    quotation.lines.all().delete()
    record_created(QuotationLine.objects.bulk_create([QuotationLine(quotation=quotation, **row) for row in rows]))
    quotation.amount, quotation.list_amount = totals(rows)


def _check_header(*, customer, owner, contact, valid_until, quoted_on) -> None:
    if owner.company_id != customer.company_id:
        raise ValidationError(_("The owner works for another company."))
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("The contact belongs to another customer.")})
    if valid_until < quoted_on:
        raise ValidationError({"valid_until": _("A quotation cannot expire before its date.")})


@transaction.atomic
def create_quotation(*, by, customer, lines: list[LineInput], valid_until: datetime.date, owner=None,
                     contact=None, title: str = "", terms: str = "", quoted_on: datetime.date | None = None) -> Quotation:
    owner = owner or by
    quoted_on = quoted_on or timezone.localdate()
    _check_header(customer=customer, owner=owner, contact=contact, valid_until=valid_until, quoted_on=quoted_on)
    rows = priced_lines(customer=customer, lines=lines, on=quoted_on)
    quotation = Quotation(company_id=customer.company_id, customer=customer, owner=owner, contact=contact,
                          title=title.strip(), terms=terms.strip(), quoted_on=quoted_on, valid_until=valid_until,
                          number=next_number(company=customer.company, document="quotation", on=quoted_on))
    quotation.save()
    _write_lines(quotation, rows)
    quotation.save(update_fields=["amount", "list_amount"])
    return quotation


def _locked(quotation: Quotation) -> Quotation:
    return Quotation.objects.select_for_update(of=("self",)).select_related("customer").get(pk=quotation.pk)


@transaction.atomic
def update_quotation(*, quotation: Quotation, lines: list[LineInput], valid_until: datetime.date, contact=None,
                     title: str = "", terms: str = "") -> Quotation:
    quotation = _locked(quotation)
    if not quotation.is_editable:
        raise ValidationError(_("Only a draft can be changed; make a new version of a sent quotation."))
    _check_header(customer=quotation.customer, owner=quotation.owner, contact=contact, valid_until=valid_until,
                  quoted_on=quotation.quoted_on)
    rows = priced_lines(customer=quotation.customer, lines=lines, on=quotation.quoted_on)
    quotation.contact, quotation.title, quotation.terms, quotation.valid_until = contact, title.strip(), terms.strip(), valid_until
    _write_lines(quotation, rows)
    quotation.save()
    return quotation


def below_floor(quotation: Quotation) -> bool:
    return any(line.below_floor for line in quotation.lines.all())


@transaction.atomic
def send_quotation(*, quotation: Quotation, by):
    """Send a draft. It goes to approval first, and is sent when approved, when a quotation chain
    applies to it (always, from an amount, for a customer level or channel … as the company set
    them) and in any case when a price is below its floor. Returns the approval request, or None
    when it was sent at once."""
    from salesdesk.approvals import services as approvals

    quotation = _locked(quotation)
    if quotation.status != Quotation.Status.DRAFT:
        raise ValidationError(_("Only a draft can be sent."))
    if not quotation.lines.exists():
        raise ValidationError(_("Add at least one line."))
    if below_floor(quotation) or approvals.chain_applies(document=quotation, document_type=DISCOUNT_DOCUMENT,
                                                         company=quotation.company):
        quotation.status = Quotation.Status.IN_REVIEW
        quotation.save(update_fields=["status", "updated_at"])
        return approvals.submit(document=quotation, document_type=DISCOUNT_DOCUMENT, submitter=by)
    quotation.status = Quotation.Status.SENT
    quotation.save(update_fields=["status", "updated_at"])
    return None


@transaction.atomic
def new_version(*, quotation: Quotation, by) -> Quotation:
    """A revision: a draft copy numbered like the original with the next version; the original is
    superseded."""
    quotation = _locked(quotation)
    if quotation.status not in (Quotation.Status.SENT, Quotation.Status.LOST):
        raise ValidationError(_("Only a sent or lost quotation can be revised."))
    if hasattr(quotation, "next"):
        raise ValidationError(_("This version has already been revised."))
    lines = list(quotation.lines.select_related("product"))
    copy = Quotation.objects.create(
        company_id=quotation.company_id, number=quotation.number, version=quotation.version + 1, previous=quotation,
        customer=quotation.customer, contact=quotation.contact, owner=quotation.owner, title=quotation.title,
        quoted_on=timezone.localdate(), valid_until=max(quotation.valid_until, timezone.localdate()),
        terms=quotation.terms, amount=quotation.amount, list_amount=quotation.list_amount)
    record_created(QuotationLine.objects.bulk_create([QuotationLine(quotation=copy, **copied(line)) for line in lines]))
    quotation.status = Quotation.Status.SUPERSEDED
    quotation.save(update_fields=["status", "updated_at"])
    return copy


@transaction.atomic
def mark_won(*, quotation: Quotation, on: datetime.date | None = None) -> Quotation:
    quotation = _locked(quotation)
    if quotation.status != Quotation.Status.SENT:
        raise ValidationError(_("Only a sent quotation can be won or lost."))
    quotation.status, quotation.decided_on, quotation.lost_reason = Quotation.Status.WON, on or timezone.localdate(), ""
    quotation.save(update_fields=["status", "decided_on", "lost_reason", "updated_at"])
    return quotation


@transaction.atomic
def mark_lost(*, quotation: Quotation, reason: str, on: datetime.date | None = None) -> Quotation:
    quotation = _locked(quotation)
    if quotation.status != Quotation.Status.SENT:
        raise ValidationError(_("Only a sent quotation can be won or lost."))
    if not (reason or "").strip():
        raise ValidationError({"lost_reason": _("Say why the quotation was lost (price, competitor, timing …).")})
    quotation.status, quotation.decided_on = Quotation.Status.LOST, on or timezone.localdate()
    quotation.lost_reason = reason.strip()[:200]
    quotation.save(update_fields=["status", "decided_on", "lost_reason", "updated_at"])
    return quotation


# --- what the approval engine does with a quotation ---------------------------------------------


def register_approvals() -> None:
    from django.utils.translation import gettext_lazy

    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key=DISCOUNT_DOCUMENT, label=gettext_lazy("Quotation approval"), model=Quotation,
        url_name="sales:quotation", title=lambda quotation: f"{quotation.label} · {quotation.customer.name}",
        approved=Quotation.Status.SENT, rejected=Quotation.Status.DRAFT, returned=Quotation.Status.DRAFT,
        withdrawn=Quotation.Status.DRAFT)
