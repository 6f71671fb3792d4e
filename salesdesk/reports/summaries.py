"""Monthly figures (reports.models.MonthlyFigures): the reports for a year of a whole company read a
few thousand summed rows instead of a million documents.

Kept by the services: every service that books or unbooks a document (sales and finance) sends
`documents.bookings.changed` in its transaction; `on_booked` works out whose figures and which
months that touches and `refresh` adds them up again from the documents — the same grouped queries
that `rebuild` (manage.py rebuild_report_figures) runs for everything. Recomputing rather than adding
differences keeps the figures equal to the documents whatever the service did; the owners' rows are
locked first (their Employee rows, in id order), so two transactions refreshing one owner's months
run one after the other and the second (reading committed data, statement by statement) adds up what
the first committed.

Read only where they are the same thing as the documents: for someone who sees every document of
the module in their company (the data scope gives the module ALL) — a narrower scope also sees
documents through the customer's owner and collaborations, which figures per owner cannot tell, so
it reads the documents (few of them) — and for whole months."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Case, Count, DateField, DecimalField, F, Q, QuerySet, Sum, When
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear, Greatest, TruncMonth

from salesdesk.core.scope import ALL, scope_for
from salesdesk.finance.models import Allocation, Invoice, Payment, WriteOff
from salesdesk.finance.payments import RECEIVABLE
from salesdesk.org.models import Employee
from salesdesk.sales.models import Contract, SalesOrder, Shipment, ShipmentLine

from .models import MonthlyFigures

SHIPPED = (Shipment.Status.RELEASED, Shipment.Status.DELIVERED)
SIGNED = (Contract.Status.ACTIVE, Contract.Status.COMPLETED, Contract.Status.TERMINATED)


@dataclass(frozen=True)
class Source:
    rows: Callable[[], QuerySet]  # the documents (or lines, allocations) that count
    owner: str  # the path to the owner and the department the figure is reported under
    department: str
    date: object  # the path to the date that places it in a month, or an expression
    sums: dict = field(default_factory=dict)  # column -> aggregate
    company: str = "company"


def _sources() -> list[Source]:
    allocations = Allocation.objects.filter(invoice__status__in=RECEIVABLE, payment__status=Payment.Status.CONFIRMED)
    write_offs = WriteOff.objects.filter(status=WriteOff.Status.APPROVED, invoice__status__in=RECEIVABLE)
    entries = Count("pk")
    return [
        Source(lambda: SalesOrder.objects.filter(status__in=SalesOrder.SOLD), "owner", "booked_department",
               "ordered_on", {"orders": Sum("amount"), "orders_count": Count("pk")}),
        # A shipment's value is the sum of its lines; the shipments are counted once each.
        Source(lambda: Shipment.objects.filter(status__in=SHIPPED), "owner", "booked_department", "shipped_on",
               {"shipments": Sum("lines__amount"), "shipments_count": Count("pk", distinct=True)}),
        Source(lambda: Invoice.objects.filter(status__in=RECEIVABLE), "owner", "booked_department", "issued_on",
               {"invoices": Sum("amount"), "invoices_count": Count("pk")}),
        Source(lambda: Payment.objects.filter(status=Payment.Status.CONFIRMED), "owner", "booked_department",
               "received_on", {"collections": Sum("amount"), "collections_count": Count("pk")}),
        Source(lambda: allocations, "invoice__owner", "invoice__booked_department", "allocated_on",
               {"collected": Sum("amount")}, company="invoice__company"),
        Source(lambda: allocations, "invoice__owner", "invoice__booked_department",
               Greatest("allocated_on", "invoice__issued_on"), {"settled": Sum("amount")}, company="invoice__company"),
        Source(lambda: write_offs, "invoice__owner", "invoice__booked_department", "written_off_on",
               {"written_off": Sum("amount")}),
        Source(lambda: write_offs, "invoice__owner", "invoice__booked_department",
               Greatest("written_off_on", "invoice__issued_on"), {"settled": Sum("amount")}),
        Source(lambda: Contract.objects.filter(status__in=SIGNED), "owner", "booked_department", "signed_on",
               {"contracts": Sum("amount"), "contracts_count": Count("pk"), "contract_entries": entries}),
        Source(lambda: SalesOrder.objects.filter(status__in=SalesOrder.SOLD, contract__status__in=SIGNED),
               "contract__owner", "contract__booked_department", "ordered_on",
               {"contract_ordered": Sum("amount"), "contract_entries": entries}),
        Source(lambda: ShipmentLine.objects.filter(kind=ShipmentLine.Kind.ORDERED, shipment__status__in=SHIPPED,
                                                   shipment__order__contract__status__in=SIGNED),
               "shipment__order__contract__owner", "shipment__order__contract__booked_department",
               "shipment__shipped_on", {"contract_shipped": Sum("amount"), "contract_entries": entries},
               company="shipment__company"),
        Source(lambda: Invoice.objects.filter(status__in=RECEIVABLE, order__contract__status__in=SIGNED),
               "order__contract__owner", "order__contract__booked_department", "issued_on",
               {"contract_invoiced": Sum("amount"), "contract_entries": entries}),
        # Money applied to a contract's installment (an advance) or to the invoices of its orders, by
        # the day it came in.
        Source(lambda: Allocation.objects.filter(payment__status=Payment.Status.CONFIRMED,
                                                 installment__contract__status__in=SIGNED),
               "installment__contract__owner", "installment__contract__booked_department", "payment__received_on",
               {"contract_collected": Sum("amount"), "contract_entries": entries}, company="payment__company"),
        Source(lambda: Allocation.objects.filter(payment__status=Payment.Status.CONFIRMED,
                                                 invoice__order__contract__status__in=SIGNED),
               "invoice__order__contract__owner", "invoice__order__contract__booked_department",
               "payment__received_on", {"contract_collected": Sum("amount"), "contract_entries": entries},
               company="payment__company"),
    ]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _cells(*, owners=None, months=None, company_id=None) -> dict[tuple, dict]:
    """{(company, owner, department, month): {column: sum}} from the documents, for the owners and
    months given (None: all)."""
    cells: dict[tuple, dict] = {}
    for source in _sources():
        rows = source.rows().order_by()
        if company_id is not None:
            rows = rows.filter(**{source.company: company_id})
        if owners is not None:
            rows = rows.filter(**{f"{source.owner}__in": owners})
        date = F(source.date) if isinstance(source.date, str) else source.date
        rows = rows.annotate(report_day=date)
        if months is not None:
            rows = rows.filter(report_day__gte=min(months), report_day__lte=month_end(max(months)))
        grouped = rows.values(report_company=F(source.company), report_owner=F(source.owner),
                              report_department=F(source.department),
                              report_month=TruncMonth("report_day", output_field=DateField())).annotate(**source.sums)
        for values in grouped:
            month = values["report_month"]
            if month is None or values["report_owner"] is None or (months is not None and month not in months):
                continue
            key = (values["report_company"], values["report_owner"], values["report_department"], month)
            cell = cells.setdefault(key, {})
            for column in source.sums:
                cell[column] = cell.get(column, 0) + (values[column] or 0)
    return cells


def _figures(cells: dict[tuple, dict]) -> list[MonthlyFigures]:
    return [MonthlyFigures(company_id=company, owner_id=owner, department_id=department, month=month, **sums)
            for (company, owner, department, month), sums in cells.items()]


def refresh(*, owners, months=None) -> None:
    """Add up again the figures of these owners in these months (None: all their months). Called
    inside the transaction that changed the documents."""
    owners = sorted(set(owners))
    if not owners or months is not None and not months:
        return
    # One refresh of an owner at a time (see the module's docstring); in id order, against deadlocks. A
    # no-key lock: rows that merely refer to the employee (a new order of theirs) are not held up.
    list(Employee.objects.select_for_update(no_key=True).filter(pk__in=owners).order_by("pk")
         .values_list("pk", flat=True))
    stale = MonthlyFigures.objects.filter(owner__in=owners)
    if months is not None:
        stale = stale.filter(month__in=sorted(months))
    stale.delete()
    MonthlyFigures.objects.bulk_create(_figures(_cells(owners=owners, months=months)), batch_size=1000)


@transaction.atomic
def rebuild(*, company=None) -> int:
    """All the figures (of one company) from the documents again; returns how many rows there are."""
    stale = MonthlyFigures.objects.all()
    if company is not None:
        stale = stale.filter(company=company)
    stale.delete()
    made = _figures(_cells(company_id=getattr(company, "pk", None)))
    MonthlyFigures.objects.bulk_create(made, batch_size=2000)
    return len(made)


def on_booked(sender, *, orders, shipments, contracts, invoices, payments, owners, days, **kwargs) -> None:
    """documents.bookings.changed: whose figures and which months the documents touch, then refresh."""
    who, when = set(owners), set(days)
    for values in SalesOrder.objects.filter(pk__in=orders).values_list("owner", "contract__owner", "ordered_on"):
        who.update(values[:2])
        when.add(values[2])
    for values in Shipment.objects.filter(pk__in=shipments).values_list("owner", "order__contract__owner",
                                                                        "shipped_on"):
        who.update(values[:2])
        when.add(values[2])
    for values in Invoice.objects.filter(pk__in=invoices).values_list("owner", "order__contract__owner", "issued_on"):
        who.update(values[:2])
        when.add(values[2])
    if invoices:
        when.update(Allocation.objects.filter(invoice__in=invoices).values_list("allocated_on", flat=True))
        when.update(WriteOff.objects.filter(invoice__in=invoices).values_list("written_off_on", flat=True))
    for values in Payment.objects.filter(pk__in=payments).values_list("owner", "received_on"):
        who.add(values[0])
        when.add(values[1])
    for values in Allocation.objects.filter(payment__in=payments).values_list(
            "invoice__owner", "invoice__order__contract__owner", "installment__contract__owner", "allocated_on",
            "invoice__issued_on"):
        who.update(values[:3])
        when.update(values[3:])
    # A contract coming into force brings in whatever already hangs off it: all its owner's months.
    who.update(Contract.objects.filter(pk__in=contracts).values_list("owner", flat=True))
    who.discard(None)
    when.discard(None)
    refresh(owners=who, months=None if contracts else {month_of(day) for day in when})


# --- reading ----------------------------------------------------------------------------------


def whole_months(date_from: datetime.date | None, date_to: datetime.date | None) -> bool:
    return (date_from is None or date_from.day == 1) and (date_to is None or date_to == month_end(date_to))


def readable(user, module: str, company=None) -> QuerySet | None:
    """The figures `user` may read for `module`: their company's when they see all of its documents
    (every company's for a system administrator), else None — they read the documents."""
    scope = scope_for(user)
    if scope.user_id is None or not scope.is_admin and scope.employee_id is None:
        return None
    if scope.owners(module) is not ALL:
        return None
    rows = MonthlyFigures.objects.all()
    if not scope.is_admin:
        rows = rows.filter(company_id=scope.company_id)
    if company is not None:
        rows = rows.filter(company=company)
    return rows


def _invoice_conditions(user, department: str, owner: str) -> list[tuple[str, object]]:
    """The invoices someone who reads the figures sees (all receivable ones of their company, of every
    company for a system administrator), narrowed as receivables.narrow narrows them, as lookups."""
    scope = scope_for(user)
    conditions: list[tuple[str, object]] = [("status__in", RECEIVABLE)]
    if not scope.is_admin:
        conditions.append(("company_id", scope.company_id))
    if department.isdigit():
        conditions.append(("booked_department_id", int(department)))
    elif department == "none":
        conditions.append(("booked_department__isnull", True))
    if owner.isdigit():
        conditions.append(("owner_id", int(owner)))
    return conditions


def within(rows: QuerySet, date_from, date_to) -> QuerySet:
    if date_from is not None:
        rows = rows.filter(month__gte=date_from)
    if date_to is not None:
        rows = rows.filter(month__lte=date_to)
    return rows


SALES_MEASURES = {"orders": "sales", "shipments": "sales", "invoices": "finance", "collections": "finance"}
SALES_DIMENSIONS = {"owner": lambda: F("owner"), "department": lambda: F("department"),
                    "year": lambda: ExtractYear("month"), "quarter": lambda: ExtractQuarter("month"),
                    "month": lambda: ExtractMonth("month")}


def sales_answers(user, *, measure: str, by: tuple[str, ...], date_from, date_to, org: str, company=None) -> bool:
    """Whether the monthly figures answer this sales_summary question."""
    if measure not in SALES_MEASURES or not set(by) <= set(SALES_DIMENSIONS) or not whole_months(date_from, date_to):
        return False
    if org != "booked" and "department" in by:  # by the owners' present departments: from the documents
        return False
    return readable(user, SALES_MEASURES[measure], company) is not None


def sales_grouped(user, *, measure: str, by: tuple[str, ...], date_from, date_to, company, org: str,
                  among: tuple[str, list] | None = None):
    """sales_summary's grouped values ({"by_…": …, "total": …, "documents": …}, ordered by the
    dimensions) from the monthly figures, or None when they cannot answer. `among`: (dimension,
    values) — only the rows of these owners or departments."""
    if not sales_answers(user, measure=measure, by=by, date_from=date_from, date_to=date_to, org=org,
                         company=company):
        return None
    rows = within(readable(user, SALES_MEASURES[measure], company), date_from, date_to)
    rows = rows.filter(**{f"{measure}_count__gt": 0}).order_by()
    if among is not None:
        dimension, values = among
        chosen = Q(**{f"{dimension}__in": [value for value in values if value is not None]})
        if None in values:
            chosen |= Q(**{f"{dimension}__isnull": True})
        rows = rows.filter(chosen)
    measures = {"total": Sum(measure), "documents": Sum(f"{measure}_count")}
    aliases = {f"by_{dimension}": SALES_DIMENSIONS[dimension]() for dimension in by}
    if not aliases:
        return [total for total in [rows.aggregate(**measures)] if total["documents"]]
    return list(rows.annotate(**aliases).values(*aliases).annotate(**measures).order_by(*aliases))


def contract_statistics(user, *, date_from, date_to, unit: str):
    """execution.statistics for all the signed contracts `user` sees, from the monthly figures (None
    when they cannot answer)."""
    from .execution import UNITS, Execution, PeriodRow
    from .selectors import money

    if unit not in UNITS or not whole_months(date_from, date_to):
        return None
    rows = readable(user, "sales")
    if rows is None:
        return None
    parts = {"year": ExtractYear("month")}
    if unit != "year":
        parts["part"] = (ExtractQuarter if unit == "quarter" else ExtractMonth)("month")
    grouped = (within(rows, date_from, date_to).filter(contract_entries__gt=0).order_by().annotate(**parts)
               .values(*parts).annotate(amount=Sum("contracts"), count=Sum("contracts_count"),
                                        ordered=Sum("contract_ordered"), shipped=Sum("contract_shipped"),
                                        invoiced=Sum("contract_invoiced"), collected=Sum("contract_collected")))
    found = []
    for values in grouped:
        key = (values["year"],) if unit == "year" else (values["year"], values["part"])
        found.append(PeriodRow(key=key, unit=unit, figures=Execution(
            amount=money(values["amount"]), contracts=values["count"] or 0, ordered=money(values["ordered"]),
            shipped=money(values["shipped"]), invoiced=money(values["invoiced"]),
            collected=money(values["collected"]))))
    return sorted(found, key=lambda row: row.key)


def collection(user, *, date_from: datetime.date, date_to: datetime.date, by: str, department: str = "",
               owner: str = ""):
    """collection.collection for the invoices `user` sees (narrowed as receivables.narrow narrows them:
    one department, "none", one owner), per owner or department, for a period from the first of a month,
    from the monthly figures; None when they cannot answer. Two corrections come from the documents,
    a few days of them, by date: a period that ends within a month (this month up to today) leaves out
    the invoices, allocations and write-offs of the month dated after it, and the DSO's window of 90
    days, which rarely starts on the first of a month, the invoices of its first month issued before it."""
    from salesdesk.finance.receivables import narrow

    from .collection import DSO_WINDOW_DAYS, CollectionRow, receivable_invoices
    from .selectors import money

    if by not in ("owner", "department") or date_from.day != 1 or date_from > date_to:
        return None
    rows = readable(user, "finance")
    if rows is None:
        return None
    if department.isdigit():
        rows = rows.filter(department_id=int(department))
    elif department == "none":
        rows = rows.filter(department__isnull=True)
    if owner.isdigit():
        rows = rows.filter(owner_id=int(owner))
    invoices = narrow(receivable_invoices(user), department=department, owner=owner)[0]
    before_window = date_to - datetime.timedelta(days=DSO_WINDOW_DAYS)  # the window starts the day after
    window_month = month_of(before_window + datetime.timedelta(days=1))
    amount = DecimalField(max_digits=18, decimal_places=2)

    def summed(expression, **when):
        return Sum(Case(When(then=expression, **when), output_field=amount))

    name = f"{by}__name"
    grouped = (rows.filter(month__lte=date_to).order_by().values(by, name).annotate(
        opening=summed(F("invoices") - F("settled"), month__lt=date_from),
        invoiced=summed(F("invoices"), month__gte=date_from), collected=summed(F("collected"), month__gte=date_from),
        written_off=summed(F("written_off"), month__gte=date_from),
        in_window=summed(F("invoices"), month__gte=window_month)))
    days = (date_to - date_from).days + 1
    found = {}
    for values in grouped:
        found[values[by]] = CollectionRow(
            key=values[by], name=values[name] or "", days=days, opening=money(values["opening"]),
            invoiced=money(values["invoiced"]), collected=money(values["collected"]),
            written_off=money(values["written_off"]), invoiced_in_window=money(values["in_window"]))

    def less(queryset, prefix: str, fields: tuple[str, ...], **within):
        key = prefix + ("booked_department" if by == "department" else "owner")
        for values in queryset.filter(**within).order_by().values(key, f"{key}__name").annotate(total=Sum("amount")):
            row = found.setdefault(values[key], CollectionRow(key=values[key], name=values[f"{key}__name"] or "",
                                                              days=days))
            for figure in fields:
                setattr(row, figure, getattr(row, figure) - money(values["total"]))

    if date_to != month_end(date_to):
        # The last month's figures run to its end: less what is dated after the period (usually nothing
        # yet — this month up to today), found by date. Joined to the invoices, which are those
        # `invoices` holds: whoever reads the figures sees all of the company's, narrowed as asked.
        after, end = date_to + datetime.timedelta(days=1), month_end(date_to)
        seen = {f"invoice__{condition}": value for condition, value in _invoice_conditions(user, department, owner)}
        less(invoices, "", ("invoiced", "invoiced_in_window"), issued_on__gte=after, issued_on__lte=end)
        less(Allocation.objects.filter(payment__status=Payment.Status.CONFIRMED, **seen), "invoice__", ("collected",),
             allocated_on__gte=after, allocated_on__lte=end)
        less(WriteOff.objects.filter(status=WriteOff.Status.APPROVED, **seen), "invoice__", ("written_off",),
             written_off_on__gte=after, written_off_on__lte=end)
    if window_month <= before_window:
        less(invoices, "", ("invoiced_in_window",), issued_on__gte=window_month, issued_on__lte=before_window)
    listed = [row for row in found.values() if row.opening or row.invoiced or row.collected or row.written_off]
    listed.sort(key=lambda row: (-row.closing, row.name))
    total = CollectionRow(key=None, name="", days=days)
    for row in found.values():
        total.add(row)
    return listed, total
