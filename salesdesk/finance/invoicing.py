"""Invoices (开票) with the two-person review (双人复核).

draft → to_check (submitted by the requester) → checked (by a second person, never the requester) →
issued (invoice number and date, due by the customer's payment policy, after the credit gate; the
order's invoiced quantities go up) → mailed → received. The
checker may send it back to draft with a comment; a draft or a checked one that was not issued may
be cancelled.

What may be invoiced on an order line: shipped − invoiced − held by other open requests (or ordered
instead of shipped when the company invoices against orders). The lines always carry the order's
product and price: an invoice can never say something the order does not."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import ChangeLog, record_created
from salesdesk.core.access import actor_of, person_of
from salesdesk.core.models import Collaborator
from salesdesk.core.numbering import next_number
from salesdesk.core.numbers import QUANTITY, checked_decimal
from salesdesk.customers.models import InvoicingProfile
from salesdesk.documents import bookings
from salesdesk.org.selectors import booking_dimensions
from salesdesk.sales import gates
from salesdesk.sales.models import SalesOrder, SalesOrderLine

from .capabilities import CHECK_INVOICES
from .credit import payment_days_for
from .models import FinanceSettings, Invoice, InvoiceLine

CENT = Decimal("0.01")


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f")


def basis_of(company_id: int) -> str:
    settings = FinanceSettings.objects.filter(company_id=company_id).first()
    return settings.invoice_basis if settings else FinanceSettings.Basis.SHIPPED


def held_by_open_requests(order_line_ids, *, exclude: int | None = None) -> dict[int, Decimal]:
    rows = (InvoiceLine.objects.filter(order_line_id__in=order_line_ids, invoice__status__in=Invoice.RESERVING)
            .exclude(invoice_id=exclude).values("order_line").annotate(total=Sum("quantity")))
    return {row["order_line"]: row["total"] for row in rows}


def invoiceable(order: SalesOrder, *, exclude: int | None = None) -> dict[int, Decimal]:
    """Per order line, what may still be invoiced."""
    lines = list(order.lines.all())
    held = held_by_open_requests([line.pk for line in lines], exclude=exclude)
    shipped_basis = basis_of(order.company_id) == FinanceSettings.Basis.SHIPPED
    return {line.pk: (line.shipped_quantity if shipped_basis else line.quantity) - line.invoiced_quantity
            - held.get(line.pk, Decimal(0)) for line in lines}


def may_check(user) -> bool:
    return actor_of(user).can(CHECK_INVOICES)


def buyer_details(customer) -> dict:
    """What a new invoice request of `customer` starts from: its invoicing profile (开票信息), else its
    name and credit code; `verified_by` / `verified_at` when the profile was verified."""
    profile = InvoicingProfile.objects.filter(customer_id=customer.pk).select_related("verified_by").first()
    if profile is None:
        return {"buyer_name": customer.name, "buyer_tax_id": customer.credit_code, "buyer_address_phone": "",
                "buyer_bank_account": "", "profile": None, "verified_by": None, "verified_at": None}
    return {"buyer_name": profile.title or customer.name, "buyer_tax_id": profile.tax_number or customer.credit_code,
            "buyer_address_phone": profile.address_phone, "buyer_bank_account": profile.bank_account,
            "profile": profile, "verified_by": profile.verified_by, "verified_at": profile.verified_at}


BUYER_FIELDS = ("buyer_name", "buyer_tax_id", "buyer_address_phone", "buyer_bank_account")


@transaction.atomic
def request_invoice(*, order: SalesOrder, by, quantities: dict[int, Decimal], kind: str = Invoice.Kind.SPECIAL,
                    buyer_name: str = "", buyer_tax_id: str = "", buyer_address_phone: str = "",
                    buyer_bank_account: str = "") -> Invoice:
    """A draft invoice request for `quantities` (order line id → quantity) at the order's prices. The
    buyer's details left empty come from the customer's invoicing profile (buyer_details); when they
    all are the ones of a verified profile, the invoice keeps who verified it and when."""
    order = SalesOrder.objects.select_for_update().select_related("customer").get(pk=order.pk)
    known = buyer_details(order.customer)
    buyer = {name: " ".join(value.split()) or known[name] for name, value in (
        ("buyer_name", buyer_name), ("buyer_tax_id", buyer_tax_id), ("buyer_address_phone", buyer_address_phone),
        ("buyer_bank_account", buyer_bank_account))}
    verified = known["verified_at"] is not None and all(buyer[name] == known[name] for name in BUYER_FIELDS)
    if order.status not in (SalesOrder.Status.CONFIRMED, SalesOrder.Status.PARTLY_SHIPPED, SalesOrder.Status.SHIPPED):
        raise ValidationError(_("Only a confirmed order is invoiced."))
    if kind not in Invoice.Kind.values:
        raise ValidationError({"kind": _("Choose the invoice type.")})
    if kind == Invoice.Kind.SPECIAL and not buyer["buyer_tax_id"]:
        raise ValidationError({"buyer_tax_id": _("A VAT special invoice needs the buyer's taxpayer id.")})
    lines = {line.pk: line for line in SalesOrderLine.objects.select_for_update().filter(order=order)
             .select_related("product")}
    allowed = invoiceable(order)
    rows = []
    for line_id, quantity in quantities.items():
        quantity = checked_decimal(quantity or 0, QUANTITY, what=_("The quantity"))
        if quantity <= 0:
            continue
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationError(_("A line does not belong to this order."))
        if quantity > allowed[line.pk]:
            raise ValidationError(_("%(product)s: %(wanted)s to invoice, but only %(open)s may be invoiced.") % {
                "product": line.product.name, "wanted": _qty(quantity), "open": _qty(max(allowed[line.pk], 0))})
        amount = (quantity * line.unit_price).quantize(CENT, rounding=ROUND_HALF_UP)
        tax = (amount * line.tax_rate / (1 + line.tax_rate)).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append(InvoiceLine(order_line=line, product=line.product, quantity=quantity,
                                unit_price=line.unit_price, tax_rate=line.tax_rate, amount=amount, tax_amount=tax))
    if not rows:
        raise ValidationError(_("Invoice at least one line."))
    invoice = Invoice.objects.create(
        company_id=order.company_id, order=order, customer_id=order.customer_id, owner_id=order.owner_id,
        requested_by=by, kind=kind, buyer_name=buyer["buyer_name"][:200], buyer_tax_id=buyer["buyer_tax_id"][:32],
        buyer_address_phone=buyer["buyer_address_phone"][:255], buyer_bank_account=buyer["buyer_bank_account"][:255],
        buyer_verified_by=known["verified_by"] if verified else None,
        buyer_verified_at=known["verified_at"] if verified else None,
        amount=sum((row.amount for row in rows), Decimal(0)),
        tax_amount=sum((row.tax_amount for row in rows), Decimal(0)),
        number=next_number(company=order.company, document="invoice"))
    for row in rows:
        row.invoice = invoice
    record_created(InvoiceLine.objects.bulk_create(rows))  # bulk_create sends no signals
    if by.pk != order.owner_id:
        # The assistant who asked keeps seeing the request whatever their scope.
        Collaborator.objects.get_or_create(content_type=ContentType.objects.get_for_model(Invoice),
                                           object_id=invoice.pk, employee=by)
    return invoice


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def _must_be(invoice: Invoice, *statuses) -> None:
    if invoice.status not in statuses:
        raise ValidationError(_("Not possible now: the invoice is %(status)s.") % {"status": invoice.get_status_display()})


@transaction.atomic
def submit(*, invoice: Invoice, by) -> Invoice:
    invoice = _locked(invoice)
    _must_be(invoice, Invoice.Status.DRAFT)
    invoice.status = Invoice.Status.TO_CHECK
    invoice.save(update_fields=["status", "updated_at"])
    return invoice


def _lines_still_match(invoice: Invoice) -> None:
    """The order may have moved since the request: the lines must still match it and fit."""
    allowed = invoiceable(invoice.order, exclude=invoice.pk)
    for line in invoice.lines.select_related("order_line", "product"):
        order_line = line.order_line
        if order_line.product_id != line.product_id or order_line.unit_price != line.unit_price:
            raise ValidationError(_("%(product)s: product or price differs from the order.") % {
                "product": line.product.name})
        if line.quantity > allowed[order_line.pk]:
            raise ValidationError(_("%(product)s: more than may be invoiced on the order.") % {
                "product": line.product.name})


@transaction.atomic
def check(*, invoice: Invoice, by, approve: bool, comment: str = "") -> Invoice:
    """双人复核: a second person compares the request with the order."""
    actor_of(by).require(CHECK_INVOICES)
    invoice = _locked(invoice)
    _must_be(invoice, Invoice.Status.TO_CHECK)
    person = person_of(by)
    if person is None or person.pk == invoice.requested_by_id:
        raise ValidationError(_("An invoice request is checked by a second person, not by the one who asked for it."))
    if approve:
        _lines_still_match(invoice)
        invoice.status = Invoice.Status.CHECKED
    else:
        if not comment.strip():
            raise ValidationError({"comment": _("Say what is wrong with the request.")})
        invoice.status = Invoice.Status.DRAFT
    invoice.checked_by, invoice.checked_at, invoice.check_comment = person, timezone.now(), comment.strip()[:200]
    invoice.save(update_fields=["status", "checked_by", "checked_at", "check_comment", "updated_at"])
    return invoice


@transaction.atomic
def issue(*, invoice: Invoice, by, invoice_number: str, issued_on: datetime.date) -> Invoice:
    """The invoice is made out: the order's lines count it as invoiced."""
    actor_of(by).require(CHECK_INVOICES)
    invoice = _locked(invoice)
    _must_be(invoice, Invoice.Status.CHECKED)
    person = person_of(by)
    if person is None or person.pk == invoice.requested_by_id:
        raise ValidationError(_("The one who asked for an invoice does not issue it."))
    if not invoice_number.strip():
        raise ValidationError({"invoice_number": _("Give the invoice number.")})
    order_lines = {line.pk: line for line in SalesOrderLine.objects.select_for_update(of=("self",))
                   .select_related("product").filter(pk__in=invoice.lines.values("order_line"))}
    log = ChangeLog()  # the invoiced quantities, raised by UPDATE
    shipped_basis = basis_of(invoice.company_id) == FinanceSettings.Basis.SHIPPED
    for line in invoice.lines.select_related("product"):
        order_line = order_lines[line.order_line_id]
        ceiling = order_line.shipped_quantity if shipped_basis else order_line.quantity
        if order_line.invoiced_quantity + line.quantity > ceiling:
            raise ValidationError(_("%(product)s: more than may be invoiced on the order.") % {
                "product": line.product.name})
        SalesOrderLine.objects.filter(pk=order_line.pk).update(invoiced_quantity=F("invoiced_quantity") + line.quantity)
        log.changed(order_line, invoiced_quantity=order_line.invoiced_quantity + line.quantity)
    log.write()
    gates.check(gates.ISSUE, order=invoice.order, amount=invoice.amount)
    invoice.status, invoice.invoice_number, invoice.issued_on = Invoice.Status.ISSUED, invoice_number.strip(), issued_on
    invoice.due_on = issued_on + datetime.timedelta(days=payment_days_for(invoice.customer_id, invoice.company_id))
    invoice.booked_department_id, invoice.booked_territory_id = booking_dimensions(invoice.owner_id, invoice.customer)
    invoice.save(update_fields=["status", "invoice_number", "issued_on", "due_on", "booked_department",
                                "booked_territory", "updated_at"])
    bookings.changed(invoices=[invoice])
    return invoice


@transaction.atomic
def mail(*, invoice: Invoice, by, tracking: str, mailed_on: datetime.date) -> Invoice:
    actor_of(by).require(CHECK_INVOICES)
    invoice = _locked(invoice)
    _must_be(invoice, Invoice.Status.ISSUED)
    invoice.status, invoice.mail_tracking, invoice.mailed_on = Invoice.Status.MAILED, tracking.strip(), mailed_on
    invoice.save(update_fields=["status", "mail_tracking", "mailed_on", "updated_at"])
    return invoice


@transaction.atomic
def receive(*, invoice: Invoice, by, received_on: datetime.date) -> Invoice:
    actor_of(by).require(CHECK_INVOICES)
    invoice = _locked(invoice)
    _must_be(invoice, Invoice.Status.MAILED, Invoice.Status.ISSUED)
    invoice.status, invoice.received_on = Invoice.Status.RECEIVED, received_on
    invoice.save(update_fields=["status", "received_on", "updated_at"])
    return invoice


@transaction.atomic
def cancel(*, invoice: Invoice) -> Invoice:
    invoice = _locked(invoice)
    _must_be(invoice, *Invoice.RESERVING)
    invoice.status = Invoice.Status.CANCELLED
    invoice.save(update_fields=["status", "updated_at"])
    bookings.changed(invoices=[invoice])
    return invoice
