"""API resources under /api/v1/ (all through the data scope):

* `invoices`: the invoice requests the caller may see, with their lines and what is still open;
* `payments`: receipts with their allocations; register one, and (finance) confirm and allocate it;
* `receivables`: aging per customer, owner or department, and one customer's open invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.schemas import Day, Id, Line, Money, Ref
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer

from . import payments as payment_services
from . import receivables as receivable_services
from .capabilities import CONFIRM_PAYMENTS
from .models import Invoice, Payment
from .selectors import customer_account, invoices_for, payments_for


class InvoiceLineOut(Schema):
    product: Ref
    order_line: int
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal
    tax_amount: Decimal

    @staticmethod
    def resolve_product(obj):
        return {"id": obj.product_id, "name": f"{obj.product.code} {obj.product.name}"}

    @staticmethod
    def resolve_order_line(obj):
        return obj.order_line_id


class InvoiceOut(Schema):
    id: int
    number: str
    order: int
    customer: Ref
    kind: str
    status: str
    amount: Decimal
    tax_amount: Decimal
    invoice_number: str
    issued_on: str | None
    due_on: datetime.date | None
    paid_amount: Decimal
    written_off_amount: Decimal
    open_amount: Decimal

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_issued_on(obj):
        return obj.issued_on.isoformat() if obj.issued_on else None


class InvoiceDetail(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product"))


class InvoicePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[InvoiceOut]


invoices = Router(tags=["invoices"])


@invoices.get("/", response=InvoicePage, summary="List invoice requests")
def list_invoices(request, page: Query[PageParams], status: str = "", order: int | None = None, q: str = ""):
    queryset = invoices_for(request.auth, status=status, search=q.strip())
    if order is not None:
        queryset = queryset.filter(order_id=order)
    return paginate(queryset.order_by("-created_at", "-pk"), page)


@invoices.get("/{int:id}/", response=InvoiceDetail, summary="One invoice request with its lines")
def get_invoice(request, id: int):
    return get_scoped_or_404(Invoice.objects.select_related("customer"), request.auth, pk=id)


class AllocationOut(Schema):
    id: int
    invoice: int | None
    installment: int | None
    amount: Decimal
    allocated_on: datetime.date

    @staticmethod
    def resolve_invoice(obj):
        return obj.invoice_id

    @staticmethod
    def resolve_installment(obj):
        return obj.installment_id


class PaymentOut(Schema):
    id: int
    number: str
    customer: Ref
    method: str
    status: str
    amount: Decimal
    received_on: datetime.date
    payer: str
    reference: str
    allocated_amount: Decimal
    refunded_amount: Decimal
    unapplied: Decimal


class PaymentDetail(PaymentOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj):
        return list(obj.allocations.all())


class PaymentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PaymentOut]


class PaymentIn(Schema):
    customer: Id
    amount: Money
    received_on: Day
    method: Line(8) = "transfer"
    payer: Line(200) = ""
    reference: Line(64) = ""
    bill_number: Line(64) = ""
    bill_due_on: Day | None = None
    note: Line(200) = ""


class TargetIn(Schema):
    invoice: Id | None = None
    installment: Id | None = None
    amount: Money


class AllocateIn(Schema):
    targets: list[TargetIn] = Field(..., max_length=payment_services.MAX_TARGETS,
                                    description=f"At most {payment_services.MAX_TARGETS} at a time.")


payments = Router(tags=["payments"])


@payments.get("/", response=PaymentPage, summary="List payments (回款)")
def list_payments(request, page: Query[PageParams], status: str = "", customer: int | None = None, q: str = ""):
    queryset = payments_for(request.auth, status=status, customer=customer, search=q.strip())
    return paginate(queryset.order_by("-received_on", "-pk"), page)


@payments.get("/{int:id}/", response=PaymentDetail, summary="One payment with its allocations")
def get_payment(request, id: int):
    return get_scoped_or_404(Payment.objects.select_related("customer"), request.auth, pk=id)


@payments.post("/", response={201: PaymentDetail}, summary="Register a payment received")
def register_payment(request, payload: PaymentIn):
    customer = get_scoped_or_404(Customer, request.auth, pk=payload.customer)
    payment = payment_services.register(
        customer=customer, by=request.actor.acting_employee(), amount=payload.amount, received_on=payload.received_on,
        method=payload.method, payer=payload.payer, reference=payload.reference, bill_number=payload.bill_number,
        bill_due_on=payload.bill_due_on, note=payload.note)
    return Status(201, payment)


def _finance(request):
    request.actor.require(CONFIRM_PAYMENTS)
    return request.actor.acting_employee()


@payments.post("/{int:id}/confirm/", response=PaymentDetail, summary="Confirm a payment (finance)")
def confirm_payment(request, id: int):
    payment = get_scoped_or_404(Payment, request.auth, pk=id)
    return payment_services.confirm(payment=payment, by=_finance(request))


@payments.post("/{int:id}/allocate/", response=PaymentDetail, summary="Allocate a payment to invoices and installments")
def allocate_payment(request, id: int, payload: AllocateIn):
    from salesdesk.sales.models import Installment

    payment = get_scoped_or_404(Payment, request.auth, pk=id)
    me = _finance(request)
    targets = []
    for target in payload.targets:
        if (target.invoice is None) == (target.installment is None):
            raise ValidationError(_("Say which invoice or installment the money is for."))
        if target.invoice is not None:
            invoice = Invoice.objects.filter(pk=target.invoice, customer_id=payment.customer_id).first()
            if invoice is None:
                raise ValidationError(_("That invoice is not this customer's."))
            targets.append(payment_services.Target(amount=target.amount, invoice=invoice))
        else:
            installment = Installment.objects.filter(pk=target.installment,
                                                     contract__customer_id=payment.customer_id).first()
            if installment is None:
                raise ValidationError(_("That installment is not this customer's."))
            targets.append(payment_services.Target(amount=target.amount, installment=installment))
    payment_services.allocate(payment=payment, by=me, targets=targets)
    return Payment.objects.select_related("customer").get(pk=id)


class AgingRowOut(Schema):
    key: int | None
    name: str
    buckets: dict[str, Decimal]
    total: Decimal


class AgingOut(Schema):
    group: str
    as_of: datetime.date
    rows: list[AgingRowOut]
    totals: AgingRowOut


class CustomerReceivablesOut(Schema):
    customer: Ref
    open: Decimal
    overdue: Decimal
    unapplied: Decimal
    invoices: list[InvoiceOut]


receivables = Router(tags=["receivables"])


@receivables.get("/", response=AgingOut, summary="Receivables aging (账龄) per customer, owner or department")
def get_aging(request, by: str = "customer", as_of: Day | None = None):
    if by not in receivable_services.GROUPS:
        raise ValidationError(_("Group by customer, owner or department."))
    return receivable_services.aging(request.auth, as_of=as_of, by=by)


@receivables.get("/customers/{int:id}/", response=CustomerReceivablesOut, summary="One customer's open invoices")
def get_customer_receivables(request, id: int):
    account = customer_account(request.auth, id)
    figures = receivable_services.customer_receivables(account)
    return {"customer": {"id": account.customer.pk, "name": account.customer.name}, **figures}


RESOURCES = {"invoices": invoices, "payments": payments, "receivables": receivables}
