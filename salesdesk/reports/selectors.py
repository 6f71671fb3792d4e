"""Sales figures (销售报表): amounts and counts per owner, department, customer, product and period.

Every figure is read through the data scope: a measure's documents start from
`Model.objects.restrict(user)`, so a rep's report holds his own orders, a manager's his team's, and
no one's report holds what their lists would not show. Grouping is done by the database (one
query, plus one per named dimension for the names), with functions that SQLite and PostgreSQL
both have.

A measure says which documents count, by which date they fall into a period and what amount
they add; the later measures (shipments, invoices, collections) are entries in MEASURES.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear

from salesdesk.customers.models import Customer
from salesdesk.org.models import Assignment, Department, Employee
from salesdesk.sales.models import Product, SalesOrder, SalesOrderLine


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


MEASURES: dict[str, Measure] = {
    "orders": Measure(documents=sold_orders, date="ordered_on", amount="amount", lines=order_lines, document="order"),
}
DIMENSIONS = ("owner", "department", "customer", "product", "year", "quarter", "month")


def _department_of(owner: str):
    """The owner's primary department now: the department at the time of the order is not kept.
    Someone who has left counts in the department of their last position."""
    return Subquery(Assignment.objects.filter(employee_id=OuterRef(owner))
                    .order_by(F("ended_on").desc(nulls_first=True), "-is_primary", "pk")
                    .values("position__department_id")[:1])


def _expressions(measure: Measure, by: tuple[str, ...], prefix: str) -> dict:
    date = prefix + measure.date
    make = {
        "owner": lambda: F(prefix + measure.owner),
        "department": lambda: _department_of(prefix + measure.owner),
        "customer": lambda: F(prefix + measure.customer),
        "product": lambda: F("product"),
        "year": lambda: ExtractYear(date),
        "quarter": lambda: ExtractQuarter(date),
        "month": lambda: ExtractMonth(date),
    }
    return {f"by_{dimension}": make[dimension]() for dimension in by}


def _names(rows: list[dict], by: tuple[str, ...]) -> None:
    """Add owner_name, department_name, customer_name, product_name and product_code to the rows."""
    sources = {"owner": (Employee, ("name",)), "department": (Department, ("name",)),
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
                  company=None) -> list[dict]:
    """Rows such as {"owner": 7, "owner_name": "…", "year": 1997, "amount": Decimal, "count": 12}, one per
    combination of the `by` dimensions, ordered by them. "orders" sums the amounts of orders confirmed,
    (partly) shipped or closed, or by product the amounts of their lines; `count` counts documents.
    `company` narrows a system administrator's report to one company."""
    spec = MEASURES[measure]
    by = tuple(by)
    unknown = [dimension for dimension in by if dimension not in DIMENSIONS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"cannot report by {by!r}; choose from {DIMENSIONS}")
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
    aliases = _expressions(spec, by, prefix)
    measures = {"total": Sum(amount), "documents": Count(counted, distinct=True)}
    if aliases:
        grouped = queryset.order_by().annotate(**aliases).values(*aliases).annotate(**measures).order_by(*aliases)
    else:  # by nothing: one grand total (none when there is nothing to count)
        grouped = [total for total in [queryset.aggregate(**measures)] if total["documents"]]
    rows = []
    for values in grouped:
        row = {dimension: values[f"by_{dimension}"] for dimension in by}
        row["amount"] = Decimal(values["total"] or 0).quantize(Decimal("0.01"))
        row["count"] = values["documents"]
        rows.append(row)
    _names(rows, by)
    return rows
