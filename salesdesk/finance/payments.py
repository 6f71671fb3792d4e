"""Payments (回款): registered (by the rep who hears of it, or by finance), confirmed by finance against
the bank (by a second person, never the one who registered it), allocated (核销) to issued invoices or
to contract installments — partly, several at once — and, what is left unapplied, refunded (退款).
A bad debt is written off through the approval chain.

Integrity: a payment never applies more than it is (allocated + refunded ≤ amount), an invoice is
never paid beyond its amount (paid + written off ≤ amount), an installment never beyond its own.
Each allocation locks the payment and then its targets, always in that order, so concurrent
allocations queue up instead of over-allocating; CHECK constraints in the database stand behind it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import ChangeLog
from salesdesk.core.access import Denied, actor_of, person_of
from salesdesk.core.models import Collaborator
from salesdesk.core.numbering import next_number
from salesdesk.core.numbers import MONEY, checked_decimal
from salesdesk.documents import bookings
from salesdesk.org.selectors import booking_dimensions
from salesdesk.sales.models import Installment

from .capabilities import CONFIRM_PAYMENTS
from .installments import open_amounts
from .models import Allocation, Invoice, Payment, Refund, WriteOff

RECEIVABLE = (Invoice.Status.ISSUED, Invoice.Status.MAILED, Invoice.Status.RECEIVED)
WRITE_OFF_DOCUMENT = "write_off"


def may_confirm(user) -> bool:
    """Finance: confirms receipts, allocates and refunds them."""
    return actor_of(user).can(CONFIRM_PAYMENTS)


def _money(value, field: str) -> Decimal:
    try:  # not a number, NaN, Infinity, 1e400, 0.001: refused
        amount = checked_decimal(value or 0, MONEY, what=_("The amount"))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    return amount


def _collaborate(document, employee) -> None:
    Collaborator.objects.get_or_create(content_type=ContentType.objects.get_for_model(type(document)),
                                       object_id=document.pk, employee=employee)


@transaction.atomic
def register(*, customer, by, amount, received_on: datetime.date, method: str = Payment.Method.TRANSFER,
             payer: str = "", reference: str = "", bill_number: str = "", bill_due_on: datetime.date | None = None,
             note: str = "") -> Payment:
    amount = _money(amount, "amount")
    if method not in Payment.Method.values:
        raise ValidationError({"method": _("Choose how the money came.")})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Money cannot be received in the future.")})
    if method == Payment.Method.BILL and (not bill_number.strip() or bill_due_on is None):
        raise ValidationError({"bill_number": _("An acceptance bill needs its number and due date.")})
    if by.company_id != customer.company_id:
        raise ValidationError(_("The customer belongs to another company."))
    payment = Payment.objects.create(
        company_id=customer.company_id, customer=customer, owner_id=customer.owner_id or by.pk, method=method,
        amount=amount, received_on=received_on, payer=(payer.strip() or customer.name)[:200],
        reference=reference.strip()[:64], bill_number=bill_number.strip()[:64],
        bill_due_on=bill_due_on if method == Payment.Method.BILL else None, note=note.strip()[:200],
        registered_by=by, number=next_number(company=customer.company, document="payment", on=received_on))
    if by.pk != payment.owner_id:
        _collaborate(payment, by)  # whoever registered it follows it whatever their scope
    return payment


def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).select_related("customer").get(pk=payment.pk)


def _must_be(payment: Payment, status: str) -> None:
    if payment.status != status:
        raise ValidationError(_("Not possible now: the payment is %(status)s.") % {
            "status": payment.get_status_display()})


def is_registrar(payment: Payment, who) -> bool:
    """Whether `who` (employee, actor or user) is the person who registered the payment."""
    person = person_of(who)
    return person is not None and person.pk == payment.registered_by_id


@transaction.atomic
def confirm(*, payment: Payment, by) -> Payment:
    """Finance has seen the money on the account (or holds the bill). Two people: whoever registered
    the payment — a rep, or finance itself — never confirms it (judged on the locked row, by the
    person whatever positions he holds); he may still mark it not received (reject)."""
    actor_of(by).require(CONFIRM_PAYMENTS)
    by = person_of(by)
    if by is None:
        raise Denied(_("Only employees of the company can do this."))
    payment = _locked(payment)
    _must_be(payment, Payment.Status.REGISTERED)
    if is_registrar(payment, by):
        raise ValidationError(_("A payment is confirmed by a second person, not by the one who registered it."))
    payment.status, payment.confirmed_by, payment.confirmed_at = Payment.Status.CONFIRMED, by, timezone.now()
    payment.booked_department_id, payment.booked_territory_id = booking_dimensions(payment.owner_id, payment.customer)
    payment.save(update_fields=["status", "confirmed_by", "confirmed_at", "booked_department", "booked_territory",
                                "updated_at"])
    bookings.changed(payments=[payment])
    return payment


@transaction.atomic
def reject(*, payment: Payment, by, reason: str) -> Payment:
    """The money is not there: the registration stays as a record, counting for nothing."""
    actor_of(by).require(CONFIRM_PAYMENTS)
    payment = _locked(payment)
    _must_be(payment, Payment.Status.REGISTERED)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the payment is not confirmed.")})
    payment.status, payment.reject_reason = Payment.Status.REJECTED, reason.strip()[:200]
    payment.confirmed_by, payment.confirmed_at = by, timezone.now()
    payment.save(update_fields=["status", "reject_reason", "confirmed_by", "confirmed_at", "updated_at"])
    return payment


@dataclass(frozen=True)
class Target:
    """Where part of a payment goes: an invoice or an installment, and how much."""

    amount: Decimal
    invoice: Invoice | None = None
    installment: Installment | None = None


def installment_paid(installment_ids) -> dict[int, Decimal]:
    """What was allocated to these installments directly (installments.py adds the invoice money)."""
    rows = (Allocation.objects.filter(installment_id__in=installment_ids).values("installment")
            .annotate(total=Sum("amount")))
    return {row["installment"]: row["total"] for row in rows}


MAX_TARGETS = 500  # invoices and installments one allocation may name (the API refuses more as well)


def check_target_count(count: int) -> None:
    if count > MAX_TARGETS:
        raise ValidationError(_("At most %(max)s invoices and installments at a time (%(count)s given): allocate "
                                "the rest in another step.") % {"max": MAX_TARGETS, "count": f"{count:,}"})


@transaction.atomic
def allocate(*, payment: Payment, by, targets: list[Target], on: datetime.date | None = None) -> list[Allocation]:
    """核销: apply the payment to invoices and installments of its customer, all or nothing."""
    actor_of(by).require(CONFIRM_PAYMENTS)
    check_target_count(len(targets))
    payment = _locked(payment)
    _must_be(payment, Payment.Status.CONFIRMED)
    targets = [target for target in targets if target.amount]
    if not targets:
        raise ValidationError(_("Say how much goes to which invoice or installment."))
    total = Decimal(0)
    for target in targets:
        total += _money(target.amount, "amount")
    if total > payment.unapplied:
        raise ValidationError(_("%(total)s to allocate, but only %(left)s of the payment is unapplied.") % {
            "total": total, "left": payment.unapplied})
    # Targets locked in a fixed order (invoices, then installments, by id): no deadlocks between
    # two finance clerks allocating to overlapping invoices.
    invoice_ids = sorted({t.invoice.pk for t in targets if t.invoice is not None})
    installment_ids = sorted({t.installment.pk for t in targets if t.installment is not None})
    invoices = {invoice.pk: invoice for invoice in Invoice.objects.select_for_update().filter(pk__in=invoice_ids)
                .order_by("pk")}
    installments = {item.pk: item for item in Installment.objects.select_for_update(of=("self",))
                    .select_related("contract").filter(pk__in=installment_ids).order_by("pk")}
    wanted_per_invoice: dict[int, Decimal] = {}
    wanted_per_installment: dict[int, Decimal] = {}
    for target in targets:
        if target.invoice is not None:
            wanted_per_invoice[target.invoice.pk] = wanted_per_invoice.get(target.invoice.pk, Decimal(0)) + target.amount
        elif target.installment is not None:
            key = target.installment.pk
            wanted_per_installment[key] = wanted_per_installment.get(key, Decimal(0)) + target.amount
        else:
            raise ValidationError(_("Say which invoice or installment the money is for."))
    for pk, wanted in wanted_per_invoice.items():
        invoice = invoices[pk]
        if invoice.customer_id != payment.customer_id:
            raise ValidationError(_("Invoice %(number)s is another customer's.") % {"number": invoice.number})
        if invoice.status not in RECEIVABLE:
            raise ValidationError(_("Invoice %(number)s has not been issued.") % {"number": invoice.number})
        if wanted > invoice.open_amount:
            raise ValidationError(_("Invoice %(number)s: %(wanted)s to allocate, but only %(open)s is open.") % {
                "number": invoice.number, "wanted": wanted, "open": invoice.open_amount})
    # Open: what neither direct allocations nor the money of the contract's invoices have paid yet
    # (installments.py maps invoice money onto the plan).
    still_open = open_amounts(installments.values())
    for pk, wanted in wanted_per_installment.items():
        installment = installments[pk]
        if installment.contract.customer_id != payment.customer_id:
            raise ValidationError(_("Contract %(number)s is another customer's.") % {
                "number": installment.contract.number})
        open_amount = still_open[pk]
        if wanted > open_amount:
            raise ValidationError(_("%(installment)s: %(wanted)s to allocate, but only %(open)s is open.") % {
                "installment": f"{installment.contract.number} {installment.get_kind_display()}", "wanted": wanted,
                "open": open_amount})
    on = on or timezone.localdate()
    made = Allocation.objects.bulk_create([
        Allocation(payment=payment, invoice=invoices.get(getattr(target.invoice, "pk", None)),
                   installment=installments.get(getattr(target.installment, "pk", None)), amount=target.amount,
                   allocated_by=by, allocated_on=on) for target in targets])
    # Set-based writes send no signals: the audit log is told (one INSERT for all the entries).
    log = ChangeLog()
    log.created(made)
    for pk, wanted in wanted_per_invoice.items():
        Invoice.objects.filter(pk=pk).update(paid_amount=F("paid_amount") + wanted)
        log.changed(invoices[pk], paid_amount=invoices[pk].paid_amount + wanted)
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(allocated_amount=F("allocated_amount") + total, updated_at=now)
    log.changed(payment, allocated_amount=payment.allocated_amount + total, updated_at=now)
    log.write()
    bookings.changed(payments=[payment])
    return made


@transaction.atomic
def unallocate(*, allocation: Allocation, by) -> None:
    """Undo an allocation made by mistake; the money is unapplied again."""
    actor_of(by).require(CONFIRM_PAYMENTS)
    payment = _locked(allocation.payment)
    # Read again under the payment's lock: a parallel undo of the same allocation (a double click, two
    # clerks) may have deleted it while this one waited for the lock.
    allocation = Allocation.objects.select_for_update().filter(pk=allocation.pk, payment=payment).first()
    if allocation is None:
        raise ValidationError(_("This allocation has already been undone."))
    log = ChangeLog()
    if allocation.invoice_id:
        invoice = Invoice.objects.select_for_update().get(pk=allocation.invoice_id)
        Invoice.objects.filter(pk=allocation.invoice_id).update(paid_amount=F("paid_amount") - allocation.amount)
        log.changed(invoice, paid_amount=invoice.paid_amount - allocation.amount)
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(allocated_amount=F("allocated_amount") - allocation.amount,
                                                 updated_at=now)
    log.changed(payment, allocated_amount=payment.allocated_amount - allocation.amount, updated_at=now)
    log.write()
    allocation.delete()  # recorded by the signals
    # The allocation is gone: its invoice, its installment's contract and its day say whose figures move.
    bookings.changed(payments=[payment], invoices=[allocation.invoice_id], days=[allocation.allocated_on],
                     owners=[allocation.installment.contract.owner_id] if allocation.installment_id else [])


@transaction.atomic
def allocate_oldest_first(*, payment: Payment, by) -> list[Allocation]:
    """The usual case: the unapplied money settles the customer's open invoices, oldest due first."""
    actor_of(by).require(CONFIRM_PAYMENTS)
    payment = _locked(payment)
    left = payment.unapplied
    targets = []
    for invoice in (Invoice.objects.filter(customer_id=payment.customer_id, status__in=RECEIVABLE)
                    .order_by("due_on", "issued_on", "pk")):
        if left <= 0 or len(targets) == MAX_TARGETS:  # more open invoices than that: the rest another time
            break
        if invoice.open_amount > 0:
            amount = min(left, invoice.open_amount)
            targets.append(Target(amount=amount, invoice=invoice))
            left -= amount
    if not targets:
        raise ValidationError(_("The customer has no open invoice to allocate to."))
    return allocate(payment=payment, by=by, targets=targets)


@transaction.atomic
def refund(*, payment: Payment, by, amount, refunded_on: datetime.date, reason: str) -> Refund:
    actor_of(by).require(CONFIRM_PAYMENTS)
    payment = _locked(payment)
    _must_be(payment, Payment.Status.CONFIRMED)
    amount = _money(amount, "amount")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the money is paid back.")})
    if amount > payment.unapplied:
        raise ValidationError(_("Only the unapplied %(left)s can be refunded.") % {"left": payment.unapplied})
    made = Refund.objects.create(payment=payment, amount=amount, refunded_on=refunded_on, reason=reason.strip()[:200],
                                 refunded_by=by)
    now = timezone.now()
    Payment.objects.filter(pk=payment.pk).update(refunded_amount=F("refunded_amount") + amount, updated_at=now)
    log = ChangeLog()
    log.changed(payment, refunded_amount=payment.refunded_amount + amount, updated_at=now)
    log.write()
    return made


# --- bad-debt write-off (坏账核销), approved through the chain ----------------------------------------


def _pending_write_offs(invoice: Invoice, *, exclude: int | None = None) -> Decimal:
    return (WriteOff.objects.filter(invoice=invoice, status=WriteOff.Status.PENDING).exclude(pk=exclude)
            .aggregate(total=Sum("amount"))["total"] or Decimal(0))


@transaction.atomic
def request_write_off(*, invoice: Invoice, by, amount, reason: str):
    """Ask to write off (part of) what an invoice still has open; returns the approval request."""
    from salesdesk.approvals import services as approvals

    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    amount = _money(amount, "amount")
    if invoice.status not in RECEIVABLE:
        raise ValidationError(_("Only an issued invoice is written off."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the debt cannot be collected.")})
    still = invoice.open_amount - _pending_write_offs(invoice)
    if amount > still:
        raise ValidationError(_("Only %(open)s of the invoice is open and not already asked to be written off.") % {
            "open": still})
    write_off = WriteOff.objects.create(company_id=invoice.company_id, invoice=invoice, customer_id=invoice.customer_id,
                                        owner_id=invoice.owner_id, amount=amount, reason=reason.strip()[:500],
                                        requested_by=by)
    if by.pk != write_off.owner_id:
        _collaborate(write_off, by)
    return approvals.submit(document=write_off, document_type=WRITE_OFF_DOCUMENT, submitter=by)


def _write_off_approved(write_off: WriteOff, request) -> None:
    invoice = Invoice.objects.select_for_update().get(pk=write_off.invoice_id)
    if write_off.amount > invoice.open_amount:
        raise ValidationError(_("Invoice %(number)s has only %(open)s open now; the write-off no longer fits.") % {
            "number": invoice.number, "open": invoice.open_amount})
    Invoice.objects.filter(pk=invoice.pk).update(written_off_amount=F("written_off_amount") + write_off.amount)
    values = {"status": WriteOff.Status.APPROVED, "written_off_on": timezone.localdate()}
    WriteOff.objects.filter(pk=write_off.pk).update(**values)
    log = ChangeLog()
    log.changed(invoice, written_off_amount=invoice.written_off_amount + write_off.amount)
    log.changed(write_off, **values)
    log.write()
    bookings.changed(invoices=[invoice])


def _write_off_facts(write_off: WriteOff):
    from salesdesk.approvals.registry import Facts

    return Facts(amount=write_off.amount, customer_level=write_off.customer.level, channel=write_off.customer.channel,
                 owner_id=write_off.owner_id)


def register_approvals() -> None:
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key=WRITE_OFF_DOCUMENT, label=gettext_lazy("Bad-debt write-off"), model=WriteOff, facts=_write_off_facts,
        title=lambda w: f"{w.invoice.number} · {w.customer.name} · {w.amount}",
        url=lambda w: reverse("finance:invoice", args=[w.invoice_id]),
        approved=_write_off_approved, rejected=WriteOff.Status.REJECTED,
        returned=WriteOff.Status.RETURNED,
        withdrawn=WriteOff.Status.WITHDRAWN,
        without_chain="stall",  # money leaves the books only with someone's approval
    )
