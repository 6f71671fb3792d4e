"""Sales orders (订单): drafting (directly, or from a contract within what the contract still has to
deliver), the order review (订单评审) through the approval engine, cancelling, and the order clerk's
(跟单员) view of what is confirmed but not yet shipped.

States: draft → in_review → confirmed → partly_shipped → shipped; a returned or withdrawn review
brings it back to draft, a rejected one to rejected; a draft or confirmed order with nothing shipped
may be cancelled. What the review checks (price floor, delivery date) is written into the approval's
facts so that the chains can ask for it; credit is checked by the gates (finance) before the review
starts and again when the order is confirmed."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import record_created, record_update
from salesdesk.core.models import Collaborator
from salesdesk.core.numbering import next_number
from salesdesk.customers import services as customer_services
from salesdesk.documents import bookings
from salesdesk.org.selectors import booking_dimensions

from . import gates
from .lines import LineInput, copied, priced_lines, totals
from .models import Contract, ContractLine, SalesOrder, SalesOrderLine

REVIEW_DOCUMENT = "order"


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")  # 10.000 → "10", not "1E+1"


def _check(*, customer, owner, ordered_on: datetime.date, delivery_on: datetime.date) -> None:
    if owner.company_id != customer.company_id:
        raise ValidationError(_("The owner works for another company."))
    if delivery_on < ordered_on:
        raise ValidationError({"delivery_on": _("Delivery cannot be before the order date.")})


def _write(order: SalesOrder, rows: list[dict]) -> None:
    order.lines.all().delete()
    record_created(SalesOrderLine.objects.bulk_create([SalesOrderLine(order=order, **row) for row in rows]))
    order.amount, order.list_amount = totals(rows)


@transaction.atomic
def create_order(*, by, customer, delivery_on: datetime.date, lines: list[LineInput] | None = None, rows=None,
                 owner=None, contract: Contract | None = None, ship_to: str = "", notes: str = "",
                 ordered_on: datetime.date | None = None) -> SalesOrder:
    # The order belongs to the customer's owner whoever keys it in (a clerk entering the rep's order
    # must not take the sale); a customer without an owner (in the pool) gives it to whoever enters it.
    owner = owner or customer.owner or by
    ordered_on = ordered_on or timezone.localdate()
    _check(customer=customer, owner=owner, ordered_on=ordered_on, delivery_on=delivery_on)
    if rows is None:
        rows = priced_lines(customer=customer, lines=lines or [], on=ordered_on)
    if not rows:
        raise ValidationError(_("Add at least one line."))
    entered_by = by if getattr(by, "pk", None) and by.pk != owner.pk else None
    order = SalesOrder(company_id=customer.company_id, customer=customer, owner=owner, entered_by=entered_by,
                       contract=contract,
                       ordered_on=ordered_on, delivery_on=delivery_on, ship_to=ship_to.strip(), notes=notes.strip(),
                       number=next_number(company=customer.company, document="order", on=ordered_on))
    order.save()
    _write(order, rows)
    order.save(update_fields=["amount", "list_amount"])
    if entered_by is not None:  # the clerk goes on with it: edits the draft, submits it, follows it
        Collaborator.objects.create(content_type=ContentType.objects.get_for_model(SalesOrder), object_id=order.pk,
                                    employee=entered_by, access=Collaborator.Access.WRITE)
    return order


def _locked(order: SalesOrder) -> SalesOrder:
    return SalesOrder.objects.select_for_update(of=("self",)).select_related("customer").get(pk=order.pk)


@transaction.atomic
def update_order(*, order: SalesOrder, lines: list[LineInput], delivery_on: datetime.date, ship_to: str = "",
                 notes: str = "") -> SalesOrder:
    order = _locked(order)
    if order.status != SalesOrder.Status.DRAFT:
        raise ValidationError(_("Only a draft order can be changed."))
    if order.contract_id is not None:
        raise ValidationError(_("The lines of an order from a contract follow the contract; cancel it and order "
                                "again."))
    _check(customer=order.customer, owner=order.owner, ordered_on=order.ordered_on, delivery_on=delivery_on)
    rows = priced_lines(customer=order.customer, lines=lines, on=order.ordered_on)
    order.delivery_on, order.ship_to, order.notes = delivery_on, ship_to.strip(), notes.strip()
    _write(order, rows)
    order.save()
    return order


def ordered_per_contract_line(contract: Contract) -> dict[int, Decimal]:
    """How much of each contract line the contract's live orders (not cancelled or rejected) take."""
    rows = (SalesOrderLine.objects.filter(contract_line__contract=contract)
            .exclude(order__status__in=[SalesOrder.Status.CANCELLED, SalesOrder.Status.REJECTED])
            .values("contract_line").annotate(total=Sum("quantity")))
    return {row["contract_line"]: row["total"] for row in rows}


@transaction.atomic
def order_from_contract(*, contract: Contract, by, delivery_on: datetime.date,
                        quantities: dict[int, Decimal] | None = None, ship_to: str = "") -> SalesOrder:
    """An order for (part of) what a contract in force still has to deliver, at the contract's prices.
    `quantities`: contract line id → quantity; by default everything still open."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)  # one order at a time per contract
    if contract.status != Contract.Status.ACTIVE:
        raise ValidationError(_("Orders are placed only against a contract in force."))
    taken = ordered_per_contract_line(contract)
    rows = []
    for line in ContractLine.objects.filter(contract=contract).select_related("product").order_by("position", "pk"):
        still_open = line.quantity - taken.get(line.pk, Decimal(0))
        wanted = still_open if quantities is None else Decimal(quantities.get(line.pk, 0) or 0)
        if wanted <= 0:
            continue
        if wanted > still_open:
            raise ValidationError(_("%(product)s: %(wanted)s ordered, but the contract has only %(open)s left.") % {
                "product": line.product.name, "wanted": _quantity(wanted), "open": _quantity(still_open)})
        row = copied(line)
        row.update(quantity=wanted, amount=(wanted * line.unit_price).quantize(Decimal("0.01")), contract_line=line)
        rows.append(row)
    if not rows:
        raise ValidationError(_("Nothing of this contract is left to order."))
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return create_order(by=by, customer=contract.customer, owner=contract.owner, contract=contract, rows=rows,
                        delivery_on=delivery_on, ship_to=ship_to)


@transaction.atomic
def submit_for_review(*, order: SalesOrder, by):
    """订单评审: the order goes through the company's order chain (or is confirmed at once when no chain
    applies); returns the approval request."""
    from salesdesk.approvals import services as approvals

    order = _locked(order)
    if order.status != SalesOrder.Status.DRAFT:
        raise ValidationError(_("Only a draft order goes to review."))
    if order.delivery_on < timezone.localdate():
        raise ValidationError({"delivery_on": _("The delivery date has passed; agree a new one with the customer.")})
    # Credit is looked at before anyone reviews, and checked again (for good) when the order is confirmed.
    gates.check(gates.CONFIRM, order=order, amount=order.amount, consume=False)
    order.status = SalesOrder.Status.IN_REVIEW
    order.save(update_fields=["status", "updated_at"])
    return approvals.submit(document=order, document_type=REVIEW_DOCUMENT, submitter=by)


@transaction.atomic
def cancel(*, order: SalesOrder) -> SalesOrder:
    order = _locked(order)
    if order.status not in (SalesOrder.Status.DRAFT, SalesOrder.Status.CONFIRMED, SalesOrder.Status.REJECTED):
        raise ValidationError(_("Only a draft, rejected or confirmed order can be cancelled."))
    if order.lines.filter(shipped_quantity__gt=0).exists():
        raise ValidationError(_("Something of this order has been shipped; it cannot be cancelled."))
    order.status = SalesOrder.Status.CANCELLED
    order.save(update_fields=["status", "updated_at"])
    bookings.changed(orders=[order])
    return order


@transaction.atomic
def reopen(*, order: SalesOrder) -> SalesOrder:
    order = _locked(order)
    if order.status != SalesOrder.Status.REJECTED:
        raise ValidationError(_("Only a rejected order is reopened as a draft."))
    order.status = SalesOrder.Status.DRAFT
    order.save(update_fields=["status", "updated_at"])
    return order


# --- what the approval engine does with an order --------------------------------------------------


def _confirmed(order, request) -> None:
    """The review passed: the gates (credit) have the last word, then the order is confirmed — and the
    customer has made a deal that day (成交: its last deal, and its class when it was not a deal yet),
    in the same transaction as the confirmation, which runs at once when no review chain applies and
    at the last approval otherwise."""
    order = _locked(order)
    gates.check(gates.CONFIRM, order=order, amount=order.amount)
    department, territory = booking_dimensions(order.owner_id, order.customer)  # booked as it is confirmed
    now = timezone.now()
    values = {"status": SalesOrder.Status.CONFIRMED, "confirmed_at": now, "booked_department_id": department,
              "booked_territory_id": territory, "updated_at": now}
    SalesOrder.objects.filter(pk=order.pk).update(**values)
    record_update(order, values)  # an UPDATE sends no signal
    bookings.changed(orders=[order])
    customer_services.record_deal(customer=order.customer, on=timezone.localdate(now))


def register_approvals() -> None:
    from django.utils.translation import gettext_lazy

    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key=REVIEW_DOCUMENT, label=gettext_lazy("Order review"), model=SalesOrder, url_name="sales:order",
        approved=_confirmed, rejected=SalesOrder.Status.REJECTED, returned=SalesOrder.Status.DRAFT,
        withdrawn=SalesOrder.Status.DRAFT,
        without_chain="approve")  # without a review chain an order is confirmed as it is submitted
