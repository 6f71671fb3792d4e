"""Importing past sales orders (历史订单导入) from .xlsx or .csv: the orders a company brings along
from the system it used before, with their lines and, where they were shipped, their shipments.

One row per order line; the rows of one order share its former number, which the order keeps
(`SalesOrder.external_number`), so that a file imported twice is refused. The steps are those of
the customers import (customers/imports.py), whose reading and column matching this reuses:

1. `read_table(name, content)` -> headers and rows (.xlsx, or .csv in UTF-8 or GB18030);
2. `guess_mapping(headers)` -> column -> field, by the field's label in any of the three languages;
3. `check(...)` -> one `OrderRow` per row with its errors in the user's language; writes nothing;
4. `commit(...)` -> every order or none, in one transaction. Orders are numbered from the company's
   order series as of their order date and inserted in bulk with their lines, so a few thousand
   lines take seconds. A row with a shipped date makes its whole order shipped: one delivered
   shipment for all its lines. Without one the order is confirmed (and the order clerk follows it).

What came before the company used Salesdesk (`live_from`: the day its record was made) is history:
an order shipped before then is closed — paid and done elsewhere, no stock moves, no credit counts.
Anything later is today's business and is not let through by an import: an open order meets the
credit gate of a confirmation, an order shipped since `live_from` is counted as shipped and not yet
invoiced, meets the gate of a release and takes its goods from the warehouse's stock (refused when
the stock is short) — the same as a shipment released on the page.

Only someone whose sales scope covers an order's owner (or an organisation administrator) may
import orders for that owner, and only for customers the importer sees.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesdesk.audit.changes import ChangeLog
from salesdesk.audit.registry import record_bulk_update
from salesdesk.core.numbering import next_number
from salesdesk.core.scope import ALL, scope_for
from salesdesk.customers import matching
from salesdesk.customers.imports import (
    ImportField,
    RowResult,
    UnreadableFile,
    fields_workbook,
    match_columns,
    read_table,
)
from salesdesk.customers.models import Customer
from salesdesk.documents import bookings
from salesdesk.org.models import Company, Employee
from salesdesk.org.selectors import booked_departments

from . import gates
from .lines import money
from .models import Product, SalesOrder, SalesOrderLine, Shipment, ShipmentLine, StockLevel, Warehouse

__all__ = ["FIELDS", "KIND", "OrderRow", "Outcome", "OrdersNotImported", "UnreadableFile", "check", "commit",
           "guess_mapping", "read_table", "template_workbook", "totals"]

KIND = "orders"  # the kind of an ImportJob that carries past orders
CHUNK = 500  # orders written per round of bulk inserts
LOOKUP_CHUNK = 1000
HUNDRED = Decimal(100)

FIELDS = [
    ImportField("number", gettext_lazy("Former order number"), required=True),
    ImportField("ordered_on", gettext_lazy("Order date"), required=True),
    ImportField("customer", gettext_lazy("Customer"), required=True),
    ImportField("owner", gettext_lazy("Owner"), required=True),
    ImportField("product", gettext_lazy("Product code"), required=True),
    ImportField("quantity", gettext_lazy("Quantity"), required=True),
    ImportField("unit_price", gettext_lazy("Unit price"), required=True),
    ImportField("discount", gettext_lazy("Discount (%)")),
    ImportField("delivery_on", gettext_lazy("Delivery date")),
    ImportField("shipped_on", gettext_lazy("Shipped on")),
    ImportField("warehouse", gettext_lazy("Warehouse")),
    ImportField("ship_to", gettext_lazy("Ship to")),
    ImportField("notes", gettext_lazy("Notes")),
]
LABELS = {spec.key: spec.label for spec in FIELDS}
# What every row of one order must agree on.
ORDER_LEVEL = ("ordered_on", "customer", "owner", "delivery_on", "shipped_on", "warehouse")
LIMITS = {"quantity": (3, Decimal("1e11")), "unit_price": (4, Decimal("1e12")), "discount": (2, Decimal("1e3"))}


def guess_mapping(headers: list[str]) -> dict[int, str]:
    return match_columns(FIELDS, headers)


def template_workbook() -> bytes:
    return fields_workbook(str(_("Past orders")), FIELDS)


@dataclass
class OrderRow(RowResult):
    """A row as read (`values`, shown in the preview) and as understood (`parsed`)."""

    parsed: dict = field(default_factory=dict)


# --- reading the values ----------------------------------------------------------------------

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def _date(text: str) -> datetime.date | None:
    """2024-03-05, 2024/3/5, 2024.3.5 or 2024年3月5日 (a time after it, as Excel writes it, is ignored)."""
    found = _DATE.match(text)
    if found is None:
        return None
    try:
        return datetime.date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _number(text: str, key: str, result: OrderRow) -> Decimal | None:
    cleaned = text.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "").strip()
    if key == "discount":
        cleaned = cleaned.rstrip("%％").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        result.errors.append(_("%(field)s must be a number, not “%(value)s”.") % {"field": LABELS[key], "value": text})
        return None
    places, ceiling = LIMITS[key]
    if value.normalize().as_tuple().exponent < -places:
        result.errors.append(_("%(field)s has more than %(places)d decimal places: “%(value)s”.") % {
            "field": LABELS[key], "places": places, "value": text})
        return None
    if abs(value) >= ceiling:
        result.errors.append(_("%(field)s is too large: “%(value)s”.") % {"field": LABELS[key], "value": text})
        return None
    return value


@dataclass
class References:
    """What the rows name, looked up once for the whole file."""

    customers_by_code: dict
    customers_by_name: dict  # name key -> [customer ids]
    people: dict  # lowercased name / employee number / username -> [employees]
    products: dict  # code -> Product
    warehouses: dict  # lowercased code / name -> Warehouse
    default_warehouse: Warehouse | None
    allowed_owners: object  # ALL or the employee ids whose orders the importer may bring in
    imported: dict  # former numbers already in the company -> our number


def _chunks(items, size: int = LOOKUP_CHUNK):
    items = sorted(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _may_import_for(user):
    from salesdesk.org.versions import is_org_admin

    if is_org_admin(user):
        return ALL
    return scope_for(user).owners("sales", writing=True)


def _references(company: Company, user, raw: list[dict]) -> References:
    texts = {key: {values.get(key, "").strip() for values in raw} - {""} for key in ("customer", "product", "number")}
    codes = {matching.normalise_credit_code(text) for text in texts["customer"]}
    names = {matching.name_key(text) for text in texts["customer"]} - {""}
    # Customers outside the importer's scope are as unknown as customers that do not exist (an
    # organisation administrator, who may import for anyone, finds every customer of the company).
    allowed_owners = _may_import_for(user)
    customers = Customer.objects.filter(company=company)
    if allowed_owners is not ALL:
        customers = customers.restrict(user)
    by_code, by_name = {}, {}
    for chunk in _chunks(codes):
        by_code.update(customers.filter(credit_code__in=chunk).exclude(credit_code="").values_list("credit_code", "pk"))
    for chunk in _chunks(names):
        for key, pk in customers.filter(name_key__in=chunk).values_list("name_key", "pk"):
            by_name.setdefault(key, []).append(pk)
    people = {}
    # People who have left are found too: past orders were often taken by them.
    for employee in Employee.objects.filter(company=company).select_related("user").order_by("pk"):
        keys = {employee.name, employee.employee_no, employee.user.get_username() if employee.user else ""}
        for key in {key.strip().lower() for key in keys if key}:
            people.setdefault(key, []).append(employee)
    products = {}
    for chunk in _chunks(texts["product"]):
        products.update({product.code: product for product in Product.objects.filter(company=company, code__in=chunk)})
    warehouses, default = {}, None
    for warehouse in Warehouse.objects.filter(company=company).order_by("-is_active", "kind", "code"):
        for key in (warehouse.code, warehouse.name):
            warehouses.setdefault(key.strip().lower(), warehouse)
        if default is None and warehouse.is_active:
            default = warehouse
    imported = {}
    for chunk in _chunks(texts["number"]):
        imported.update(SalesOrder.objects.filter(company=company, external_number__in=chunk)
                        .values_list("external_number", "number"))
    return References(customers_by_code=by_code, customers_by_name=by_name, people=people, products=products,
                      warehouses=warehouses, default_warehouse=default, allowed_owners=allowed_owners,
                      imported=imported)


def _parse(values: dict, refs: References, result: OrderRow) -> dict:
    """The strings of one row as order values; problems go to result.errors."""
    parsed = {}
    for spec in FIELDS:
        if spec.required and not values.get(spec.key, "").strip():
            result.errors.append(_("%(field)s is required.") % {"field": spec.label})
    number = values.get("number", "").strip()
    if len(number) > 64:
        result.errors.append(_("%(field)s is longer than %(max)d characters.") % {
            "field": LABELS["number"], "max": 64})
    elif number in refs.imported:
        result.errors.append(_("Order %(number)s has been imported already (as %(ours)s).") % {
            "number": number, "ours": refs.imported[number]})
    parsed["number"] = number
    for key in ("ordered_on", "delivery_on", "shipped_on"):
        text = values.get(key, "").strip()
        parsed[key] = _date(text) if text else None
        if text and parsed[key] is None:
            result.errors.append(_("%(field)s: “%(value)s” is not a date.") % {"field": LABELS[key], "value": text})
    ordered_on = parsed["ordered_on"]
    if ordered_on is not None:
        if ordered_on > timezone.localdate():
            result.errors.append(_("The order date lies in the future."))
        if parsed["delivery_on"] is not None and parsed["delivery_on"] < ordered_on:
            result.errors.append(_("The delivery date is before the order date."))
        if parsed["shipped_on"] is not None and parsed["shipped_on"] < ordered_on:
            result.errors.append(_("The shipped date is before the order date."))
    if parsed["shipped_on"] is not None and parsed["shipped_on"] > timezone.localdate():
        result.errors.append(_("The shipped date lies in the future."))
    customer = values.get("customer", "").strip()
    parsed["customer"] = None
    if customer:
        found = refs.customers_by_code.get(matching.normalise_credit_code(customer))
        candidates = [found] if found else refs.customers_by_name.get(matching.name_key(customer), [])
        if not candidates:
            result.errors.append(_("There is no customer called “%(value)s”.") % {"value": customer})
        elif len(candidates) > 1:
            result.errors.append(_("Several customers are called “%(value)s”; give the credit code instead.")
                                 % {"value": customer})
        else:
            parsed["customer"] = candidates[0]
    owner = values.get("owner", "").strip()
    parsed["owner"] = None
    if owner:
        people = refs.people.get(owner.lower(), [])
        if not people:
            result.errors.append(_("Nobody in the company is called “%(value)s”.") % {"value": owner})
        elif len(people) > 1:
            result.errors.append(_("Several people are called “%(value)s”; give the employee number instead.")
                                 % {"value": owner})
        elif people[0].pk not in refs.allowed_owners:
            result.errors.append(_("You may not import orders of %(name)s: they are outside your sales scope.")
                                 % {"name": people[0].name})
        else:
            parsed["owner"] = people[0]
    code = values.get("product", "").strip()
    parsed["product"] = refs.products.get(code) if code else None
    if code and parsed["product"] is None:
        result.errors.append(_("There is no product with the code “%(value)s”.") % {"value": code})
    for key in ("quantity", "unit_price", "discount"):
        text = values.get(key, "").strip()
        parsed[key] = _number(text, key, result) if text else None
    if parsed["quantity"] is not None and parsed["quantity"] <= 0:
        result.errors.append(_("The quantity must be above zero."))
    if parsed["unit_price"] is not None and parsed["unit_price"] < 0:
        result.errors.append(_("A price cannot be negative."))
    if parsed["discount"] is None and not values.get("discount", "").strip():
        parsed["discount"] = Decimal(0)
    elif parsed["discount"] is not None and not (0 <= parsed["discount"] <= HUNDRED):
        result.errors.append(_("The discount is a percentage between 0 and 100, not “%(value)s”.")
                             % {"value": values["discount"]})
    warehouse = values.get("warehouse", "").strip()
    parsed["warehouse"] = None
    if warehouse:
        parsed["warehouse"] = refs.warehouses.get(warehouse.lower())
        if parsed["warehouse"] is None:
            result.errors.append(_("There is no warehouse called “%(value)s”.") % {"value": warehouse})
    elif parsed["shipped_on"] is not None:
        parsed["warehouse"] = refs.default_warehouse
        if parsed["warehouse"] is None:
            result.errors.append(_("The company has no warehouse to record the shipment from; add one first."))
    parsed["ship_to"] = values.get("ship_to", "").strip()[:255]
    parsed["notes"] = values.get("notes", "").strip()
    return parsed


def _same_order_agrees(results: list[OrderRow]) -> None:
    """Every row of an order repeats its order date, customer, owner and dates: a row that says
    otherwise is an error, rather than a guess which row is right."""
    first: dict[str, OrderRow] = {}
    for result in results:
        number = result.parsed.get("number")
        if not number:
            continue
        if number not in first:
            first[number] = result
            continue
        leader = first[number]
        for key in ORDER_LEVEL:
            mine, theirs = result.parsed.get(key), leader.parsed.get(key)
            if key in ("customer", "owner", "warehouse") and (mine is None or theirs is None):
                continue  # already an error of its own, or an empty warehouse that defaults alike
            if mine != theirs:
                result.errors.append(_("%(field)s differs from row %(row)d of the same order (%(number)s).") % {
                    "field": LABELS[key], "row": leader.number, "number": number})


def check(*, company: Company, user, rows: list[list[str]], mapping: dict[int, str],
          progress=None) -> list[OrderRow]:
    """Validate every row; writes nothing. `progress(done, total)`: rows checked."""
    scope = scope_for(user)
    if not scope.is_admin and scope.company_id != company.pk:
        raise ValidationError(_("You can import orders only into your own company."))
    raw = [{key: row[index] for index, key in mapping.items() if index < len(row)} for row in rows]
    refs = _references(company, user, raw)
    results = []
    for number, values in enumerate(raw, start=2):
        result = OrderRow(number=number, values=values)
        result.parsed = _parse(values, refs, result)
        results.append(result)
        if progress is not None and len(results) % LOOKUP_CHUNK == 0:
            progress(len(results), len(raw))
    _same_order_agrees(results)
    return results


def totals(results: list[OrderRow]) -> tuple[int, Decimal]:
    """(orders, amount) the file's valid rows would bring in, for the preview."""
    numbers, amount = set(), Decimal(0)
    for result in results:
        if result.ok:
            numbers.add(result.parsed["number"])
            amount += _line_amount(result.parsed)
    return len(numbers), amount


def _net_price(values: dict) -> Decimal:
    return values["unit_price"] * (HUNDRED - values["discount"]) / HUNDRED


def _line_amount(values: dict) -> Decimal:
    return money(values["quantity"] * _net_price(values))


# --- writing ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    orders: int = 0
    lines: int = 0
    shipments: int = 0
    amount: Decimal = Decimal(0)


class OrdersNotImported(ValidationError):
    """The file has errors: nothing was imported. The message names the first rows at fault."""

    SHOWN = 10

    def __init__(self, results: list[OrderRow]):
        self.results = results
        bad = [result for result in results if not result.ok]
        messages = [_("Rows with errors: %(count)d. No order was imported; correct the file and import it again.")
                    % {"count": len(bad)}]
        for result in bad[:self.SHOWN]:
            messages.append(_("Row %(row)d: %(errors)s") % {"row": result.number, "errors": " ".join(result.errors)})
        if len(bad) > self.SHOWN:
            messages.append(_("… and %(count)d more.") % {"count": len(bad) - self.SHOWN})
        super().__init__(messages)


def live_from(company: Company):
    """The first day of the company's business in Salesdesk: what shipped before it is history."""
    return timezone.localtime(company.created_at).date()


def _orders_of(results: list[OrderRow]) -> list[list[OrderRow]]:
    """The rows grouped by order, oldest order first, so that numbers follow the calendar."""
    groups: dict[str, list[OrderRow]] = {}
    for result in results:
        groups.setdefault(result.parsed["number"], []).append(result)
    return sorted(groups.values(), key=lambda rows: (rows[0].parsed["ordered_on"], rows[0].number))


def _line(order: SalesOrder, position: int, values: dict) -> SalesOrderLine:
    product, quantity = values["product"], values["quantity"]
    return SalesOrderLine(
        order=order, position=position, product=product, quantity=quantity, unit=product.unit,
        list_price=values["unit_price"], discount=values["discount"],
        # The net price is shown to four places; the amount is computed from the exact one.
        unit_price=_net_price(values).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
        # A past price was not checked against today's floor: none is recorded.
        floor_price=None, tax_rate=product.tax_rate, amount=_line_amount(values),
        shipped_quantity=quantity if values["shipped_on"] else Decimal(0))


@transaction.atomic
def commit(*, company: Company, user, rows: list[list[str]], mapping: dict[int, str], progress=None) -> Outcome:
    """Import every order of the file, or none: raises `OrdersNotImported` when a row has errors."""
    results = check(company=company, user=user, rows=rows, mapping=mapping)
    if any(not result.ok for result in results):
        raise OrdersNotImported(results)
    me = Employee.objects.filter(pk=scope_for(user).employee_id).first()
    groups = _orders_of(results)
    outcome = Outcome()
    for start in range(0, len(groups), CHUNK):
        chunk = groups[start:start + CHUNK]
        _write(company, chunk, me, outcome)
        if progress is not None:
            progress(start + len(chunk), len(groups))
    return outcome


def _take_stock(shipped: list[tuple[Warehouse, list[SalesOrderLine]]]) -> None:
    """Goods shipped since the company works in Salesdesk leave the warehouse's stock, as on release."""
    needed: dict[tuple[int, int], Decimal] = {}
    names = {}
    for warehouse, lines in shipped:
        for line in lines:
            key = (warehouse.pk, line.product_id)
            needed[key] = needed.get(key, Decimal(0)) + line.quantity
            names[key] = (warehouse.name, line.product.name)
    if not needed:
        return
    levels = {(level.warehouse_id, level.product_id): level for level in StockLevel.objects.select_for_update().filter(
        warehouse_id__in={key[0] for key in needed}, product_id__in={key[1] for key in needed})}
    short = [names[key] for key, quantity in needed.items() if key not in levels or levels[key].quantity < quantity]
    if short:
        raise ValidationError(_("Orders shipped since the company started with Salesdesk take their goods from "
                                "stock, and there is not enough: %(items)s.") % {
            "items": "、".join(f"{product} ({warehouse})" for warehouse, product in short[:10])})
    log = ChangeLog()
    for key, quantity in needed.items():
        StockLevel.objects.filter(pk=levels[key].pk).update(quantity=F("quantity") - quantity)
        log.changed(levels[key], quantity=levels[key].quantity - quantity)
    log.write()


def _write(company: Company, groups: list[list[OrderRow]], me: Employee | None, outcome: Outcome) -> None:
    orders, lines_of = [], []
    # Booked as they come in (org.selectors.booking_dimensions, two queries for the whole chunk): the
    # owner's department and the customer's territory now — what happened before is not known here.
    departments = booked_departments({rows[0].parsed["owner"].pk for rows in groups})
    territories = dict(Customer.objects.filter(pk__in={rows[0].parsed["customer"] for rows in groups})
                       .values_list("pk", "territory_id"))
    history_before = live_from(company)
    for rows in groups:
        head = rows[0].parsed
        shipped = head["shipped_on"] is not None
        if not shipped:
            status = SalesOrder.Status.CONFIRMED
        elif head["shipped_on"] < history_before:
            status = SalesOrder.Status.CLOSED
        else:
            status = SalesOrder.Status.SHIPPED
        order = SalesOrder(
            company=company, customer_id=head["customer"], owner=head["owner"], external_number=head["number"],
            number=next_number(company=company, document="order", on=head["ordered_on"]),
            ordered_on=head["ordered_on"], delivery_on=head["delivery_on"] or head["ordered_on"],
            ship_to=next((row.parsed["ship_to"] for row in rows if row.parsed["ship_to"]), ""),
            notes="\n".join(dict.fromkeys(row.parsed["notes"] for row in rows if row.parsed["notes"])),
            status=status,
            booked_department_id=departments.get(head["owner"].pk), booked_territory_id=territories[head["customer"]])
        lines = [_line(order, position, row.parsed) for position, row in enumerate(rows, start=1)]
        order.amount = sum((line.amount for line in lines), Decimal(0))
        order.list_amount = sum((money(line.quantity * line.list_price) for line in lines), Decimal(0))
        orders.append(order)
        lines_of.append(lines)
    SalesOrder.objects.bulk_create(orders, batch_size=CHUNK)
    all_lines = []
    for order, lines in zip(orders, lines_of, strict=True):
        for line in lines:
            line.order = order  # the order has its id only now
        all_lines.extend(lines)
    SalesOrderLine.objects.bulk_create(all_lines, batch_size=CHUNK)
    # An open order comes in confirmed and a recent shipped one shipped: each meets the same gate
    # (credit) as one confirmed or released on the page; it is already counted (committed, or shipped
    # and not invoiced), so it adds nothing more. One blocked order stops the whole import.
    for order in orders:
        action = {SalesOrder.Status.CONFIRMED: gates.CONFIRM, SalesOrder.Status.SHIPPED: gates.RELEASE}.get(
            order.status)
        if action is None:
            continue
        try:
            gates.check(action, order=order, amount=Decimal(0))
        except ValidationError as error:
            raise ValidationError(_("Order %(number)s: %(problem)s") % {
                "number": order.external_number, "problem": " ".join(error.messages)}) from error
    _take_stock([(rows[0].parsed["warehouse"], lines) for rows, order, lines in zip(groups, orders, lines_of,
                                                                                    strict=True)
                 if order.status == SalesOrder.Status.SHIPPED])
    shipments, shipment_lines = [], []
    for rows, order, lines in zip(groups, orders, lines_of, strict=True):
        if order.status not in (SalesOrder.Status.CLOSED, SalesOrder.Status.SHIPPED):
            continue
        head = rows[0].parsed
        shipment = Shipment(
            company=company, order=order, customer_id=order.customer_id, owner_id=order.owner_id,
            booked_department_id=order.booked_department_id, booked_territory_id=order.booked_territory_id,
            warehouse=head["warehouse"], status=Shipment.Status.DELIVERED, ship_to=order.ship_to,
            shipped_on=head["shipped_on"], created_by=me or order.owner,
            # When the customer signed for it is not known; the note says where the record came from.
            receipt_note=_("Imported with the past orders."),
            number=next_number(company=company, document="shipment", on=head["shipped_on"]))
        shipments.append(shipment)
        shipment_lines.append([ShipmentLine(order_line=line, kind=ShipmentLine.Kind.ORDERED, product=line.product,
                                            quantity=line.quantity, unit=line.unit, unit_price=line.unit_price,
                                            amount=line.amount) for line in lines])
    Shipment.objects.bulk_create(shipments, batch_size=CHUNK)
    for shipment, lines in zip(shipments, shipment_lines, strict=True):
        for line in lines:
            line.shipment = shipment
    ShipmentLine.objects.bulk_create([line for lines in shipment_lines for line in lines], batch_size=CHUNK)
    record_bulk_update(SalesOrder, [
        (order.pk, order.number, {"number": (None, order.number), "external_number": (None, order.external_number),
                                  "customer": (None, order.customer_id), "owner": (None, order.owner_id),
                                  "ordered_on": (None, order.ordered_on), "status": (None, order.status),
                                  "amount": (None, order.amount)})
        for order in orders], action="create")
    record_bulk_update(Shipment, [
        (shipment.pk, shipment.number, {"number": (None, shipment.number), "order": (None, shipment.order_id),
                                        "status": (None, shipment.status), "shipped_on": (None, shipment.shipped_on)})
        for shipment in shipments], action="create")
    bookings.changed(owners={order.owner_id for order in orders},
                     days={order.ordered_on for order in orders} | {shipment.shipped_on for shipment in shipments})
    outcome.orders += len(orders)
    outcome.lines += len(all_lines)
    outcome.shipments += len(shipments)
    outcome.amount += sum((order.amount for order in orders), Decimal(0))
