"""Shipping (发货): shipments from an order's open lines (partial shipments welcome), free samples and
gifts as lines of their own, release from a warehouse (出库: stock goes down, the order's shipped
quantities go up), the proof of delivery (回单), and the warehouses themselves (仓库维护).

A shipment never exceeds what was ordered: a draft reserves its quantities against the order line,
and releasing it locks the order lines and checks again, while the database refuses a shipped
quantity above the ordered one whatever happens."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import ChangeLog, record_created
from salesdesk.core.access import actor_of
from salesdesk.core.numbering import next_number
from salesdesk.core.numbers import QUANTITY, checked_decimal, largest
from salesdesk.documents import bookings
from salesdesk.org.selectors import booking_dimensions

from . import gates
from .capabilities import SHIP_GOODS
from .lines import money
from .models import Product, SalesOrder, SalesOrderLine, Shipment, ShipmentLine, StockLevel, Warehouse


@dataclass
class FreeLine:
    product: Product
    quantity: Decimal
    kind: str = ShipmentLine.Kind.SAMPLE


def _qty(value: Decimal) -> str:
    return format(value.normalize(), "f")


def reserved_in_drafts(order_line_ids, *, exclude_shipment: int | None = None) -> dict[int, Decimal]:
    rows = (ShipmentLine.objects.filter(order_line_id__in=order_line_ids, shipment__status=Shipment.Status.DRAFT)
            .exclude(shipment_id=exclude_shipment).values("order_line").annotate(total=Sum("quantity")))
    return {row["order_line"]: row["total"] for row in rows}


def still_to_ship(order: SalesOrder) -> dict[int, Decimal]:
    """Per order line: ordered − shipped − held by draft shipments."""
    lines = list(order.lines.all())
    held = reserved_in_drafts([line.pk for line in lines])
    return {line.pk: line.quantity - line.shipped_quantity - held.get(line.pk, Decimal(0)) for line in lines}


@transaction.atomic
def create_shipment(*, order: SalesOrder, by, warehouse: Warehouse, quantities: dict[int, Decimal],
                    free_lines: list[FreeLine] = (), ship_to: str = "", carrier: str = "",
                    tracking_number: str = "") -> Shipment:
    """A draft shipment of `quantities` (order line id → quantity) of a confirmed order."""
    order = SalesOrder.objects.select_for_update().get(pk=order.pk)
    if order.status not in SalesOrder.TO_FOLLOW:
        raise ValidationError(_("Only a confirmed order ships."))
    if warehouse.company_id != order.company_id or not warehouse.is_active:
        raise ValidationError({"warehouse": _("Choose a warehouse of the company in use.")})
    lines = {line.pk: line for line in SalesOrderLine.objects.select_for_update(of=("self",))
             .select_related("product").filter(order=order)}
    open_now = still_to_ship(order)
    rows = []
    for line_id, quantity in quantities.items():
        quantity = checked_decimal(quantity or 0, QUANTITY, what=_("The quantity"))
        if quantity <= 0:
            continue
        line = lines.get(int(line_id))
        if line is None:
            raise ValidationError(_("A line does not belong to this order."))
        if quantity > open_now[line.pk]:
            raise ValidationError(_("%(product)s: %(wanted)s to ship, but only %(open)s is still to ship.") % {
                "product": line.product.name, "wanted": _qty(quantity), "open": _qty(open_now[line.pk])})
        rows.append(ShipmentLine(order_line=line, kind=ShipmentLine.Kind.ORDERED, product=line.product,
                                 quantity=quantity, unit=line.unit, unit_price=line.unit_price,
                                 amount=money(quantity * line.unit_price)))
    for free in free_lines:
        if free.kind not in (ShipmentLine.Kind.SAMPLE, ShipmentLine.Kind.GIFT):
            raise ValidationError(_("A free line is a sample or a gift."))
        quantity = checked_decimal(free.quantity, QUANTITY, what=_("The quantity")) if free.quantity is not None else None
        if quantity is None or quantity <= 0:
            raise ValidationError(_("The quantity must be above zero."))
        rows.append(ShipmentLine(kind=free.kind, product=free.product, quantity=quantity, unit=free.product.unit))
    if not any(row.kind == ShipmentLine.Kind.ORDERED for row in rows):
        raise ValidationError(_("Ship at least one ordered line."))
    shipment = Shipment.objects.create(
        company_id=order.company_id, order=order, customer_id=order.customer_id, owner_id=order.owner_id,
        warehouse=warehouse, ship_to=ship_to.strip() or order.ship_to, carrier=carrier.strip(),
        tracking_number=tracking_number.strip(), created_by=by,
        number=next_number(company=order.company, document="shipment"))
    for row in rows:
        row.shipment = shipment
    record_created(ShipmentLine.objects.bulk_create(rows))  # bulk_create sends no signals
    return shipment


def _locked(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update().get(pk=shipment.pk)


@transaction.atomic
def release(*, shipment: Shipment, shipped_on: datetime.date | None = None, carrier: str | None = None,
            tracking_number: str | None = None) -> Shipment:
    """出库: stock goes down in the warehouse, the order's lines count the goods as shipped."""
    shipment = _locked(shipment)
    if shipment.status != Shipment.Status.DRAFT:
        raise ValidationError(_("Only a draft shipment is released."))
    order = SalesOrder.objects.select_for_update().get(pk=shipment.order_id)
    if order.status not in SalesOrder.TO_FOLLOW:
        raise ValidationError(_("The order is no longer confirmed; the shipment cannot be released."))
    lines = list(shipment.lines.select_related("product"))
    order_lines = {line.pk: line for line in SalesOrderLine.objects.select_for_update(of=("self",))
                   .select_related("product").filter(order=order)}
    value = sum((line.quantity * order_lines[line.order_line_id].unit_price for line in lines if line.order_line_id),
                Decimal(0)).quantize(Decimal("0.01"))
    # Samples and gifts are paid by nobody but leave on the customer's credit at their list value.
    free = sum((line.quantity * line.product.standard_price for line in lines if not line.order_line_id),
               Decimal(0)).quantize(Decimal("0.01"))
    gates.check(gates.RELEASE, order=order, amount=value, free=free)
    needed: dict[int, Decimal] = {}
    for line in lines:
        needed[line.product_id] = needed.get(line.product_id, Decimal(0)) + line.quantity
        if line.order_line_id:
            order_line = order_lines[line.order_line_id]
            if order_line.shipped_quantity + line.quantity > order_line.quantity:
                raise ValidationError(_("%(product)s: this would ship more than was ordered.") % {
                    "product": line.product.name})
    stock = {level.product_id: level for level in
             StockLevel.objects.select_for_update(of=("self",)).select_related("warehouse", "product")
             .filter(warehouse_id=shipment.warehouse_id, product_id__in=needed)}
    short = [line.product.name for line in lines
             if stock.get(line.product_id) is None or stock[line.product_id].quantity < needed[line.product_id]]
    if short:
        raise ValidationError(_("Not enough stock in %(warehouse)s for: %(products)s.") % {
            "warehouse": shipment.warehouse.name, "products": "、".join(dict.fromkeys(short))})
    log = ChangeLog()  # the stock and the shipped quantities move by UPDATE: the audit log is told
    for product_id, quantity in needed.items():
        StockLevel.objects.filter(pk=stock[product_id].pk).update(quantity=F("quantity") - quantity)
        log.changed(stock[product_id], quantity=stock[product_id].quantity - quantity)
    for line in lines:
        if line.order_line_id:
            SalesOrderLine.objects.filter(pk=line.order_line_id).update(
                shipped_quantity=F("shipped_quantity") + line.quantity)
            order_line = order_lines[line.order_line_id]
            log.changed(order_line, shipped_quantity=order_line.shipped_quantity + line.quantity)
    log.write()
    fully = not SalesOrderLine.objects.filter(order=order, shipped_quantity__lt=F("quantity")).exists()
    order.status = SalesOrder.Status.SHIPPED if fully else SalesOrder.Status.PARTLY_SHIPPED
    order.save(update_fields=["status", "updated_at"])
    shipment.status, shipment.shipped_on = Shipment.Status.RELEASED, shipped_on or timezone.localdate()
    shipment.booked_department_id, shipment.booked_territory_id = booking_dimensions(shipment.owner_id,
                                                                                     shipment.customer)
    if carrier is not None:
        shipment.carrier = carrier.strip()
    if tracking_number is not None:
        shipment.tracking_number = tracking_number.strip()
    shipment.save(update_fields=["status", "shipped_on", "carrier", "tracking_number", "booked_department",
                                 "booked_territory", "updated_at"])
    bookings.changed(shipments=[shipment])
    return shipment


@transaction.atomic
def register_delivery(*, shipment: Shipment, delivered_on: datetime.date, note: str = "") -> Shipment:
    """回单: the customer signed for the goods."""
    shipment = _locked(shipment)
    if shipment.status != Shipment.Status.RELEASED:
        raise ValidationError(_("Only a released shipment can be delivered."))
    if shipment.shipped_on and delivered_on < shipment.shipped_on:
        raise ValidationError({"delivered_on": _("Delivery cannot be before shipping.")})
    shipment.status, shipment.delivered_on, shipment.receipt_note = Shipment.Status.DELIVERED, delivered_on, \
        note.strip()[:200]
    shipment.save(update_fields=["status", "delivered_on", "receipt_note", "updated_at"])
    return shipment


@transaction.atomic
def cancel(*, shipment: Shipment) -> Shipment:
    shipment = _locked(shipment)
    if shipment.status != Shipment.Status.DRAFT:
        raise ValidationError(_("Only a draft shipment can be cancelled."))
    shipment.status = Shipment.Status.CANCELLED
    shipment.save(update_fields=["status", "updated_at"])
    return shipment


@transaction.atomic
def receive_stock(*, by, warehouse: Warehouse, product: Product, quantity: Decimal) -> StockLevel:
    """Goods into a warehouse (补货); a negative quantity corrects a count, never below zero."""
    actor_of(by).require(SHIP_GOODS)
    quantity = checked_decimal(quantity, QUANTITY, what=_("The quantity"))
    level, _created = StockLevel.objects.select_for_update().get_or_create(warehouse=warehouse, product=product)
    if level.quantity + quantity < 0:
        raise ValidationError(_("The stock cannot go below zero."))
    if level.quantity + quantity > largest(QUANTITY):
        raise ValidationError(_("The stock cannot go above %(largest)s.") % {"largest": f"{largest(QUANTITY):,}"})
    level.quantity += quantity
    level.save(update_fields=["quantity"])
    return level


# --- warehouses ---------------------------------------------------------------------------------


def _warehouse_values(*, code: str, name: str, kind: str, address: str) -> dict:
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationError({"code" if not code else "name": _("This field is required.")})
    if kind not in Warehouse.Kind.values:
        raise ValidationError({"kind": _("Choose a warehouse or a transit warehouse.")})
    return {"code": code, "name": name, "kind": kind, "address": (address or "").strip()}


def _code_taken(code: str) -> ValidationError:
    return ValidationError({"code": _("Another warehouse has the code %(code)s.") % {"code": code}})


def _save_warehouse(warehouse: Warehouse) -> Warehouse:
    """Save, turning a code taken meanwhile by a parallel request into the same message."""
    if Warehouse.objects.filter(company_id=warehouse.company_id, code=warehouse.code).exclude(pk=warehouse.pk).exists():
        raise _code_taken(warehouse.code)
    try:
        with transaction.atomic():
            warehouse.save()
    except IntegrityError:
        raise _code_taken(warehouse.code)
    return warehouse


@transaction.atomic
def create_warehouse(*, by, company, code: str, name: str, kind: str = Warehouse.Kind.MAIN, address: str = "",
                     is_active: bool = True) -> Warehouse:
    """A new warehouse of the company; its code is unique in the company."""
    actor_of(by).require(SHIP_GOODS, _("Only the shipping clerks and administrators maintain the warehouses."))
    values = _warehouse_values(code=code, name=name, kind=kind, address=address)
    return _save_warehouse(Warehouse(company=company, is_active=bool(is_active), **values))


@transaction.atomic
def update_warehouse(*, by, warehouse: Warehouse, code: str, name: str, kind: str, address: str = "",
                     is_active: bool = True) -> Warehouse:
    """Change a warehouse; shipments keep pointing at it, and a warehouse not in use takes no new ones."""
    actor_of(by).require(SHIP_GOODS, _("Only the shipping clerks and administrators maintain the warehouses."))
    warehouse = Warehouse.objects.select_for_update().get(pk=warehouse.pk)
    for field, value in _warehouse_values(code=code, name=name, kind=kind, address=address).items():
        setattr(warehouse, field, value)
    warehouse.is_active = bool(is_active)
    return _save_warehouse(warehouse)
