"""Collection analysis (回款分析): per owner or department, over a period, what was receivable at the
start, what was invoiced, collected and written off, what is receivable at the end — and from these
the collection rate and the days sales outstanding (DSO).

* receivable on a day = invoices issued by that day, less what was allocated to them and written off
  by that day (so the figures of a past period do not move when money comes in later); an invoice's
  paid and written-off amounts are the sums of its allocations and approved write-offs;
* collection rate (回款率) = collected ÷ (receivable at the start + invoiced), the share of what could
  be collected in the period that was;
* DSO (days sales outstanding) = receivable at the end ÷ invoiced in the DSO_WINDOW_DAYS (90) days up
  to the end of the period × 90, whatever the period's length: the receivable counted in days of the
  recent average invoicing (none when nothing was invoiced in those days). Measured over the period
  itself, a period of a few days — the start of a month — would say 0.2 days for money a month old.

The invoices are those of the user's finance scope; everything else is reached through them. A
department is the one the invoice was booked in (its owner's when it was issued), as in the aging
(账龄) report, so one can go from a department to its owners to their customers; money collected
later counts where its invoice was booked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy

from salesdesk.finance.models import Allocation, Invoice, Payment, WriteOff
from salesdesk.finance.payments import RECEIVABLE
from salesdesk.finance.receivables import OPEN

from . import summaries
from .selectors import ZERO, money

GROUPS = {  # key -> (the invoice's field, its name, label)
    "owner": ("owner", "owner__name", gettext_lazy("Owner")),
    "department": ("booked_department", "booked_department__name", gettext_lazy("Department")),
    "customer": ("customer", "customer__name", gettext_lazy("Customer")),
}


DSO_WINDOW_DAYS = 90


@dataclass
class CollectionRow:
    key: int | None
    name: str
    opening: Decimal = ZERO
    invoiced: Decimal = ZERO
    collected: Decimal = ZERO
    written_off: Decimal = ZERO
    days: int = 0
    invoiced_in_window: Decimal = ZERO  # issued in the DSO_WINDOW_DAYS days up to the end of the period

    @property
    def closing(self) -> Decimal:
        return self.opening + self.invoiced - self.collected - self.written_off

    @property
    def rate(self) -> Decimal | None:
        """Collection rate in percent."""
        due = self.opening + self.invoiced
        return (self.collected * 100 / due).quantize(Decimal("0.1")) if due > 0 else None

    @property
    def dso(self) -> Decimal | None:
        """Days sales outstanding: receivable at the end ÷ invoiced in the window × the window's days."""
        if self.invoiced_in_window <= 0:
            return None
        return (self.closing * DSO_WINDOW_DAYS / self.invoiced_in_window).quantize(Decimal("0.1"))

    def add(self, other: CollectionRow) -> None:
        for name in ("opening", "invoiced", "collected", "written_off", "invoiced_in_window"):
            setattr(self, name, getattr(self, name) + getattr(other, name))



def receivable_invoices(user) -> QuerySet:
    return Invoice.objects.restrict(user).filter(status__in=RECEIVABLE)


def collection(user, *, date_from: datetime.date, date_to: datetime.date, by: str = "owner",
               invoices: QuerySet | None = None) -> tuple[list[CollectionRow], CollectionRow]:
    """(rows, total) per `by` (owner, department or customer) for the period; `invoices` narrows the
    invoices (e.g. to one department's customers) and must come from receivable_invoices(user).
    Without `invoices`, a period from the first of a month per owner or department, for someone who
    sees all of the company's invoices, comes from the monthly figures (summaries.py)."""
    if by not in GROUPS:
        raise ValueError(f"cannot group by {by!r}")
    if date_from > date_to:
        raise ValueError("the period ends before it starts")
    key, name, _label = GROUPS[by]
    if invoices is None:  # all the invoices the user sees: for a whole company, from the monthly figures
        answer = summaries.collection(user, date_from=date_from, date_to=date_to, by=by)
        if answer is not None:
            return answer
    invoices = receivable_invoices(user) if invoices is None else invoices
    ids = invoices.values("pk")
    allocations = Allocation.objects.filter(invoice__in=ids, payment__status=Payment.Status.CONFIRMED)
    write_offs = WriteOff.objects.filter(invoice__in=ids, status=WriteOff.Status.APPROVED)
    before = date_from - datetime.timedelta(days=1)
    days = (date_to - date_from).days + 1
    rows: dict = {}

    def add(queryset, prefix: str, field: str, amount="amount", **within):
        for values in (queryset.filter(**within).order_by().values(prefix + key, prefix + name)
                       .annotate(total=Sum(amount))):
            row = rows.setdefault(values[prefix + key], CollectionRow(key=values[prefix + key],
                                                                      name=values[prefix + name] or "", days=days))
            setattr(row, field, getattr(row, field) + money(values["total"]))

    # Receivable at the start = issued before, less allocated and written off before; read the other
    # way round, it is what those invoices have open now plus what was allocated to them or written
    # off since — a few per cent of the invoices and the recent allocations instead of all of them.
    issued_before = invoices.filter(issued_on__lte=before)
    add(issued_before.annotate(open_now=OPEN).filter(open_now__gt=0), "", "opening", amount=OPEN)
    add(allocations, "invoice__", "opening", allocated_on__gt=before, invoice__issued_on__lte=before)
    add(write_offs, "invoice__", "opening", written_off_on__gt=before, invoice__issued_on__lte=before)
    add(invoices, "", "invoiced", issued_on__gte=date_from, issued_on__lte=date_to)
    add(allocations, "invoice__", "collected", allocated_on__gte=date_from, allocated_on__lte=date_to)
    add(write_offs, "invoice__", "written_off", written_off_on__gte=date_from, written_off_on__lte=date_to)
    add(invoices, "", "invoiced_in_window", issued_on__gt=date_to - datetime.timedelta(days=DSO_WINDOW_DAYS),
        issued_on__lte=date_to)
    found = [row for row in rows.values() if row.opening or row.invoiced or row.collected or row.written_off]
    found.sort(key=lambda row: (-row.closing, row.name))
    total = CollectionRow(key=None, name="", days=days)
    for row in rows.values():  # rows with nothing but sales in the window still count for the total's DSO
        total.add(row)
    return found, total
