"""Receivables (应收): what issued invoices still have open (amount − paid − written off), aged by
their due date; the statement of account (对账单) per customer for the monthly reconciliation; and
collection tasks (催收) for the owners of customers with something overdue.

All reads start from the data scope: `Invoice.objects.restrict(user)`; one customer's figures and
statement from the account `finance.selectors.customer_account(user, customer)` reads."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DecimalField, F, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from .models import CollectionNote, CollectionTask, Invoice, Payment, WriteOff
from .payments import RECEIVABLE

ZERO = Decimal(0)
CENT = Decimal("0.01")
OPEN = F("amount") - F("paid_amount") - F("written_off_amount")


@dataclass(frozen=True)
class Bucket:
    key: str
    label: object
    low: int | None  # days past due, inclusive; None: not due yet
    high: int | None


BUCKETS = (
    Bucket("not_due", gettext_lazy("Not due"), None, 0),
    Bucket("d1_30", gettext_lazy("1–30 days"), 1, 30),
    Bucket("d31_60", gettext_lazy("31–60 days"), 31, 60),
    Bucket("d61_90", gettext_lazy("61–90 days"), 61, 90),
    Bucket("d91_180", gettext_lazy("91–180 days"), 91, 180),
    Bucket("over_180", gettext_lazy("Over 180 days"), 181, None),
)

GROUPS = {
    "customer": ("customer_id", "customer__name", gettext_lazy("Customer")),
    "owner": ("owner_id", "owner__name", gettext_lazy("Owner")),
    # The department the invoice was booked in: its owner's when it was issued (a transfer since
    # leaves it where it was).
    "department": ("booked_department_id", "booked_department__name", gettext_lazy("Department")),
}


def open_invoices(user):
    """Issued invoices with something still open, within the user's finance scope."""
    return (Invoice.objects.restrict(user).filter(status__in=RECEIVABLE).annotate(open=OPEN).filter(open__gt=0))


def narrow(invoices, *, department: str = "", owner: str = ""):
    """The invoices booked in one department ("none": without one) and/or of one owner, as the
    drill-down links ask (?department=…&owner=…); returns them with the narrowing applied, as
    (name, value) pairs to carry on in the next links."""
    narrowed = []
    if department.isdigit() or department == "none":
        invoices = invoices.filter(booked_department_id=int(department)) if department != "none" else \
            invoices.filter(booked_department__isnull=True)
        narrowed.append(("department", department))
    if owner.isdigit():
        invoices = invoices.filter(owner_id=int(owner))
        narrowed.append(("owner", owner))
    return invoices, narrowed


def _bucket_condition(bucket: Bucket, as_of: datetime.date) -> Q:
    # days past due = as_of − due_on; a bucket [low, high] holds due_on in [as_of − high, as_of − low]
    if bucket.low is None:
        return Q(due_on__gte=as_of)
    condition = Q(due_on__lte=as_of - datetime.timedelta(days=bucket.low))
    if bucket.high is not None:
        condition &= Q(due_on__gte=as_of - datetime.timedelta(days=bucket.high))
    return condition


def _bucket_sums(as_of: datetime.date) -> dict:
    money = DecimalField(max_digits=18, decimal_places=2)
    return {bucket.key: Coalesce(Sum(Case(When(_bucket_condition(bucket, as_of), then=OPEN), default=Value(ZERO),
                                          output_field=money)), Value(ZERO), output_field=money)
            for bucket in BUCKETS}


@dataclass
class AgingRow:
    key: int | None
    name: str
    buckets: dict[str, Decimal]
    total: Decimal = ZERO

    @property
    def overdue(self) -> Decimal:
        return self.total - self.buckets["not_due"]


@dataclass
class Aging:
    group: str
    as_of: datetime.date
    rows: list[AgingRow]
    totals: AgingRow = field(default=None)


def aging(user, *, as_of: datetime.date | None = None, by: str = "customer", queryset=None) -> Aging:
    """账龄: open receivables per customer, owner or department, in the six buckets — one query."""
    as_of = as_of or timezone.localdate()
    key, name, _label = GROUPS[by]
    queryset = open_invoices(user) if queryset is None else queryset
    sums = _bucket_sums(as_of)
    rows = []
    for row in queryset.values(key, name).annotate(**sums).order_by(name):
        buckets = {bucket.key: Decimal(row[bucket.key]).quantize(CENT) for bucket in BUCKETS}
        rows.append(AgingRow(key=row[key], name=row[name] or _("(none)"), buckets=buckets,
                             total=sum(buckets.values(), ZERO)))
    rows.sort(key=lambda row: -row.total)
    totals = {bucket.key: sum((row.buckets[bucket.key] for row in rows), ZERO).quantize(CENT) for bucket in BUCKETS}
    return Aging(group=by, as_of=as_of, rows=rows,
                 totals=AgingRow(key=None, name=_("Total"), buckets=totals, total=sum(totals.values(), ZERO)))


def customer_receivables(account) -> dict:
    """The open invoices and unapplied money of a customer's account (finance.selectors.customer_account)
    as its reader sees them."""
    invoices = list(account.invoices.filter(status__in=RECEIVABLE).annotate(open=OPEN)
                    .filter(open__gt=0).order_by("due_on", "pk"))
    unapplied = (account.payments.filter(status=Payment.Status.CONFIRMED)
                 .aggregate(total=Sum(F("amount") - F("allocated_amount") - F("refunded_amount")))["total"] or ZERO)
    today = timezone.localdate()
    for invoice in invoices:
        invoice.open = Decimal(invoice.open).quantize(CENT)  # SQLite hands back 25000 for 25000.00
    return {"invoices": invoices, "open": sum((invoice.open for invoice in invoices), ZERO).quantize(CENT),
            "overdue": sum((invoice.open for invoice in invoices if invoice.due_on and invoice.due_on < today),
                           ZERO).quantize(CENT),
            "unapplied": Decimal(unapplied).quantize(CENT)}


# --- statement of account (对账单) -------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRow:
    on: datetime.date
    what: str
    reference: str
    debit: Decimal  # what the customer owes more
    credit: Decimal  # what they paid or we let go
    balance: Decimal = ZERO


@dataclass
class Statement:
    customer: object
    date_from: datetime.date
    date_to: datetime.date
    opening: Decimal
    rows: list[StatementRow]
    closing: Decimal


def _movements(account, *, before: datetime.date | None = None, start: datetime.date | None = None,
               end: datetime.date | None = None) -> list[StatementRow]:
    def dated(lookup):
        q = Q()
        if before is not None:
            q &= Q(**{f"{lookup}__lt": before})
        if start is not None:
            q &= Q(**{f"{lookup}__gte": start})
        if end is not None:
            q &= Q(**{f"{lookup}__lte": end})
        return q

    rows = []
    for invoice in account.invoices.filter(dated("issued_on"), status__in=RECEIVABLE):
        rows.append(StatementRow(invoice.issued_on, _("Invoice"), f"{invoice.invoice_number} ({invoice.number})",
                                 invoice.amount, ZERO))
    for payment in account.payments.filter(dated("received_on"), status=Payment.Status.CONFIRMED):
        rows.append(StatementRow(payment.received_on, _("Payment received") + f" · {payment.get_method_display()}",
                                 payment.number, ZERO, payment.amount))
    for refund in account.refunds.filter(dated("refunded_on")).select_related("payment"):
        rows.append(StatementRow(refund.refunded_on, _("Refund"), refund.payment.number, refund.amount, ZERO))
    for write_off in account.write_offs.filter(dated("written_off_on"),
                                               status=WriteOff.Status.APPROVED).select_related("invoice"):
        rows.append(StatementRow(write_off.written_off_on, _("Written off"), write_off.invoice.number, ZERO,
                                 write_off.amount))
    rows.sort(key=lambda row: (row.on, row.credit > 0, row.reference))
    return rows


def statement(account, *, date_from: datetime.date, date_to: datetime.date) -> Statement:
    """What was invoiced, paid, refunded and written off in the period, with the running balance: of
    a customer's account (finance.selectors.customer_account), as its reader sees it — the page, its
    .xlsx and the API show the same documents as the documents' own pages."""
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."))
    opening = sum((row.debit - row.credit for row in _movements(account, before=date_from)), ZERO)
    balance, rows = opening, []
    for row in _movements(account, start=date_from, end=date_to):
        balance += row.debit - row.credit
        rows.append(StatementRow(row.on, row.what, row.reference, row.debit, row.credit, balance))
    return Statement(customer=account.customer, date_from=date_from, date_to=date_to, opening=opening, rows=rows,
                     closing=balance)


def statement_workbook(result: Statement) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from salesdesk.core.downloads import row as sheet_row

    book = Workbook()
    sheet = book.active
    sheet.title = _("Statement")[:31]
    sheet.append(sheet_row([_("Statement of account")]))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(sheet_row([_("Customer"), result.customer.name]))
    sheet.append(sheet_row([_("Period"), f"{result.date_from.isoformat()} – {result.date_to.isoformat()}"]))
    sheet.append(sheet_row([]))
    sheet.append(sheet_row([_("Date"), _("What"), _("Reference"), _("Debit"), pgettext("statement", "Credit"), _("Balance")]))
    for cell in sheet[5]:
        cell.font = Font(bold=True)
    sheet.append(sheet_row([result.date_from, _("Opening balance"), "", None, None, result.opening]))
    for row in result.rows:
        sheet.append(sheet_row([row.on, row.what, row.reference, row.debit or None, row.credit or None, row.balance]))
    sheet.append(sheet_row([result.date_to, _("Closing balance"), "", None, None, result.closing]))
    for column in "DEF":
        for cell in sheet[column][5:]:
            cell.number_format = "#,##0.00"
    for cell in sheet["A"][5:]:
        cell.number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEF", (12, 28, 30, 14, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


# --- collection (催收) -------------------------------------------------------------------------------


@transaction.atomic
def refresh_collection_tasks(*, company, as_of: datetime.date | None = None) -> dict[str, int]:
    """Idempotent: one open task per customer with overdue receivables (owner: the customer's owner,
    or the invoice's for a customer in a pool), its figures brought up to date; tasks of customers
    with nothing overdue any more are closed as settled."""
    as_of = as_of or timezone.localdate()
    overdue = {row["customer_id"]: row for row in
               Invoice.objects.filter(company=company, status__in=RECEIVABLE, due_on__lt=as_of)
               .annotate(open=OPEN).filter(open__gt=0).values("customer_id")
               .annotate(total=Sum("open"), oldest=Min("due_on"), invoice_owner=Min("owner_id"),
                         customer_owner=Min("customer__owner_id"))}
    opened = updated = closed = 0
    tasks = {task.customer_id: task for task in
             CollectionTask.objects.select_for_update().filter(company=company, status=CollectionTask.Status.OPEN)}
    for customer_id, task in tasks.items():
        if customer_id not in overdue:
            task.status, task.closed_on = CollectionTask.Status.DONE, as_of
            task.save(update_fields=["status", "closed_on"])
            closed += 1
    for customer_id, row in overdue.items():
        owner_id = row["customer_owner"] or row["invoice_owner"]
        task = tasks.get(customer_id)
        if task is None:
            CollectionTask.objects.create(company=company, customer_id=customer_id, owner_id=owner_id,
                                          overdue_amount=row["total"], oldest_due_on=row["oldest"], opened_on=as_of)
            opened += 1
        elif (task.overdue_amount, task.oldest_due_on, task.owner_id) != (row["total"], row["oldest"], owner_id):
            task.overdue_amount, task.oldest_due_on, task.owner_id = row["total"], row["oldest"], owner_id
            task.save(update_fields=["overdue_amount", "oldest_due_on", "owner"])
            updated += 1
    return {"opened": opened, "updated": updated, "closed": closed}


@transaction.atomic
def add_collection_note(*, task: CollectionTask, by, text: str, promised_on: datetime.date | None = None,
                        promised_amount: Decimal | None = None) -> CollectionNote:
    if not text.strip():
        raise ValidationError({"text": _("Write what the customer said.")})
    if promised_amount is not None and promised_amount <= 0:
        raise ValidationError({"promised_amount": _("The amount must be more than zero.")})
    return CollectionNote.objects.create(task=task, text=text.strip(), promised_on=promised_on,
                                         promised_amount=promised_amount, written_by=by)
