"""Sales figures (销售报表): amounts and counts per owner, department, customer, product and period.

Every figure is read through the data scope: a measure's documents start from
`Model.objects.restrict(user)`, so a rep's report holds his own orders, a manager's his team's, and
no one's report holds what their lists would not show. Grouping is done by the database (one
query, plus one per named dimension for the names), with functions that SQLite and PostgreSQL
both have.

A measure says which documents count, by which date they fall into a period and what amount
they add: orders (by order date), shipments released (by shipping date, at the order's prices;
free samples and gifts add nothing), invoices issued (by issue date, tax included) and payments
confirmed by finance (by the date the money came in).

A department or territory is where the document was booked (`booked_department`: its owner's
department when it was confirmed, released or issued; `booked_territory`: its customer's territory
then), so that a transfer or a reorganisation leaves past figures where they were. `org="current"`
reports by the organisation as it is now instead: a document in its owner's present department and
its customer's present territory.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear

from salesdesk.customers.models import Customer
from salesdesk.finance.models import Invoice, InvoiceLine, Payment
from salesdesk.finance.payments import RECEIVABLE
from salesdesk.org.models import Department, Employee, Territory
from salesdesk.org.selectors import booked_departments
from salesdesk.sales.models import Product, SalesOrder, SalesOrderLine, Shipment, ShipmentLine

from .summaries import sales_grouped

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    """A sum the database handed back (Decimal, or int/float on SQLite, or None for nothing) in cents."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Measure:
    documents: Callable[[object], QuerySet]  # user -> the documents that count, through the scope
    date: str  # the document's date that places it in a period
    amount: str  # the document's amount
    lines: Callable[[QuerySet], QuerySet] | None = None  # documents -> their lines (to report by product)
    line_amount: str = "amount"
    document: str = ""  # from a line to its document
    owner: str = "owner"
    customer: str = "customer"


def sold_orders(user) -> QuerySet:
    return SalesOrder.objects.restrict(user).filter(status__in=SalesOrder.SOLD)


def order_lines(orders: QuerySet) -> QuerySet:
    return SalesOrderLine.objects.filter(order__in=orders.values("pk"))


SHIPPED = (Shipment.Status.RELEASED, Shipment.Status.DELIVERED)


def released_shipments(user) -> QuerySet:
    return Shipment.objects.restrict(user).filter(status__in=SHIPPED)


def shipment_lines(shipments: QuerySet) -> QuerySet:
    return ShipmentLine.objects.filter(shipment__in=shipments.values("pk"))


def issued_invoices(user) -> QuerySet:
    return Invoice.objects.restrict(user).filter(status__in=RECEIVABLE)


def invoice_lines(invoices: QuerySet) -> QuerySet:
    return InvoiceLine.objects.filter(invoice__in=invoices.values("pk"))


def confirmed_payments(user) -> QuerySet:
    return Payment.objects.restrict(user).filter(status=Payment.Status.CONFIRMED)


MEASURES: dict[str, Measure] = {
    "orders": Measure(documents=sold_orders, date="ordered_on", amount="amount", lines=order_lines, document="order"),
    # A shipment's value is the sum of its lines: the join to the lines is summed, the shipments counted once.
    "shipments": Measure(documents=released_shipments, date="shipped_on", amount="lines__amount",
                         lines=shipment_lines, document="shipment"),
    "invoices": Measure(documents=issued_invoices, date="issued_on", amount="amount", lines=invoice_lines,
                        document="invoice"),
    "collections": Measure(documents=confirmed_payments, date="received_on", amount="amount"),
}
DIMENSIONS = ("owner", "department", "territory", "customer", "product", "year", "quarter", "month")
ORGANISATIONS = ("booked", "current")  # departments and territories as booked, or as they are now


def _by_department(grouped, aliases: list[str]) -> list[dict]:
    """For org="current": rows grouped by owner (their owner under "by_department") added up per
    owner's present department, for all owners in one query rather than a sub-query per document;
    ordered as the database orders (NULL last or first as it sorts them). A document has one owner,
    so the documents counted per owner add up. The department is the owner's primary one now
    (org.selectors.booked_departments, the rule bookings follow); someone who has left counts in the
    department of their last position."""
    rows = list(grouped)
    departments = booked_departments({row["by_department"] for row in rows})
    merged: dict[tuple, dict] = {}
    for row in rows:
        row["by_department"] = departments.get(row["by_department"])
        key = tuple(row[alias] for alias in aliases)
        if key not in merged:
            merged[key] = row
            continue
        found = merged[key]
        found["documents"] += row["documents"]
        if row["total"] is not None:
            found["total"] = row["total"] if found["total"] is None else found["total"] + row["total"]
    nulls_last = connection.features.nulls_order_largest
    return sorted(merged.values(), key=lambda row: [((row[alias] is None) == nulls_last, row[alias] or 0)
                                                    for alias in aliases])


def _expressions(measure: Measure, by: tuple[str, ...], prefix: str, org: str) -> dict:
    date = prefix + measure.date
    current = org == "current"
    make = {
        "owner": lambda: F(prefix + measure.owner),
        # As booked, or (current) the owner's department now, added up in _by_department.
        "department": lambda: F(prefix + (measure.owner if current else "booked_department")),
        "customer": lambda: F(prefix + measure.customer),
        "territory": lambda: F(f"{prefix}{measure.customer}__territory" if current else f"{prefix}booked_territory"),
        "product": lambda: F("product"),
        "year": lambda: ExtractYear(date),
        "quarter": lambda: ExtractQuarter(date),
        "month": lambda: ExtractMonth(date),
    }
    return {f"by_{dimension}": make[dimension]() for dimension in by}


def _names(rows: list[dict], by: tuple[str, ...]) -> None:
    """Add owner_name, department_name, territory_name, customer_name, product_name and product_code to
    the rows."""
    sources = {"owner": (Employee, ("name",)), "department": (Department, ("name",)),
               "territory": (Territory, ("name",)),
               "customer": (Customer, ("name",)), "product": (Product, ("name", "code"))}
    for dimension in by:
        if dimension not in sources:
            continue
        model, fields = sources[dimension]
        ids = {row[dimension] for row in rows} - {None}
        found = {values[0]: values[1:] for values in model.objects.filter(pk__in=ids).values_list("pk", *fields)}
        for row in rows:
            values = found.get(row[dimension], ("",) * len(fields))
            for name, value in zip(fields, values, strict=True):
                row[f"{dimension}_{name}"] = value


def sales_summary(user, *, measure: str = "orders", by: tuple[str, ...] = ("owner", "year"),
                  date_from: datetime.date | None = None, date_to: datetime.date | None = None,
                  company=None, org: str = "booked", among: tuple[str, list] | None = None) -> list[dict]:
    """Rows such as {"owner": 7, "owner_name": "…", "year": 1997, "amount": Decimal, "count": 12}, one per
    combination of the `by` dimensions, ordered by them. "orders" sums the amounts of orders confirmed,
    (partly) shipped or closed, or by product the amounts of their lines; the other MEASURES likewise;
    `count` counts documents. A department is the one the document was booked in (its owner's then), a
    territory its customer's (片区) then; with `org="current"` both are as the organisation is now.
    `company` narrows a system administrator's report to one company. `among` = (dimension, ids): only
    these owners or departments, where the monthly figures answer (summaries.sales_answers)."""
    spec = MEASURES[measure]
    by = tuple(by)
    unknown = [dimension for dimension in by if dimension not in DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"cannot report by {by!r}; choose from {DIMENSIONS}")
    if org not in ORGANISATIONS:
        raise ValueError(f"cannot report by the organisation {org!r}; choose from {ORGANISATIONS}")
    documents = spec.documents(user)
    if company is not None:
        documents = documents.filter(company=company)
    if date_from is not None:
        documents = documents.filter(**{f"{spec.date}__gte": date_from})
    if date_to is not None:
        documents = documents.filter(**{f"{spec.date}__lte": date_to})
    if "product" in by:
        if spec.lines is None:
            raise ValueError(f"the measure {measure!r} has no lines to report by product")
        queryset, prefix, amount, counted = spec.lines(documents), f"{spec.document}__", spec.line_amount, spec.document
    else:
        queryset, prefix, amount, counted = documents, "", spec.amount, "pk"
    aliases = _expressions(spec, by, prefix, org)
    # Whole months of everything the user's company books: the monthly figures add them up.
    grouped = sales_grouped(user, measure=measure, by=by, date_from=date_from, date_to=date_to, company=company,
                            org=org, among=among) if "product" not in by else None
    if grouped is not None:
        return _rows(grouped, by)
    if among is not None:
        raise ValueError("only the monthly figures pick rows among owners or departments")
    # One row per document unless lines are joined (by product, or an amount summed over lines): only
    # then must documents be counted once each (a DISTINCT count also keeps the database from hashing).
    distinct = counted != "pk" or "__" in amount
    measures = {"total": Sum(amount), "documents": Count(counted, distinct=distinct)}
    if aliases:
        grouped = queryset.order_by().annotate(**aliases).values(*aliases).annotate(**measures).order_by(*aliases)
        if "department" in by and org == "current":
            grouped = _by_department(grouped, list(aliases))
    else:  # by nothing: one grand total (none when there is nothing to count)
        grouped = [total for total in [queryset.aggregate(**measures)] if total["documents"]]
    return _rows(grouped, by)


def _rows(grouped, by: tuple[str, ...]) -> list[dict]:
    rows = []
    for values in grouped:
        row = {dimension: values[f"by_{dimension}"] for dimension in by}
        row["amount"] = money(values["total"])
        row["count"] = values["documents"]
        rows.append(row)
    _names(rows, by)
    return rows
