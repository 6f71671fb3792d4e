"""Report pages: sales by period, contract execution (合同履行), collection analysis (回款分析).
Every figure is read through the user's data scope; each page downloads as .xlsx."""

from __future__ import annotations

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.dates import parse_day
from salesdesk.core.downloads import xlsx_response
from salesdesk.core.paging import list_page
from salesdesk.finance import receivables
from salesdesk.jobs.views import progress_context
from salesdesk.sales.models import Contract

from . import collection as collecting
from . import execution as executing
from . import jobs, summaries
from .tables import MEASURE_LABELS, ROWS, UNITS, report_workbook, sales_report

MAX_COLUMNS = 60
# A company's report per owner or customer runs to thousands of rows; the page shows the largest
# (the totals and the chart count them all, the .xlsx holds every row).
ROWS_SHOWN = 200


def _period(request, *, default_from: datetime.date, default_to: datetime.date):
    """(from, to) of the query string; a bad or reversed period says so and falls back to the default."""
    try:
        date_from = parse_day(request.GET.get("from"), what=_("The start")) or default_from
        date_to = parse_day(request.GET.get("to"), what=_("The end")) or default_to
    except ValidationError as error:  # not a day, or outside 1900–2999
        messages.error(request, " ".join(error.messages))
        return default_from, default_to
    if date_from > date_to:
        messages.error(request, _("The period ends before it starts."))
        return default_from, default_to
    return date_from, date_to


def _this_year():
    today = timezone.localdate()
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def _choice(request, name: str, choices, default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in choices else default


@login_required
def sales(request):
    start, end = _this_year()
    date_from, date_to = _period(request, default_from=start, default_to=end)
    measure = _choice(request, "measure", MEASURE_LABELS, "orders")
    rows_by = _choice(request, "rows", ROWS, "owner")
    unit = _choice(request, "unit", UNITS, "month")
    if measure == "collections" and rows_by == "product":
        messages.info(request, _("Payments are not per product; they are shown per owner."))
        rows_by = "owner"
    months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
    columns = {"month": months, "quarter": months / 3, "year": months / 12}
    if columns[unit] > MAX_COLUMNS:
        messages.info(request, _("That is too many columns for one table; the report is shown per year."))
        unit = "year"
    # By default departments and territories as booked; the box "by current organisation" (org=current)
    # puts past documents where their owners and customers are now.
    org = "current" if request.GET.get("org") == "current" else "booked"
    xlsx = request.GET.get("format") == "xlsx"  # every row; the page shows the largest
    report = sales_report(request.user, measure=measure, rows_by=rows_by, unit=unit, date_from=date_from,
                          date_to=date_to, org=org, largest=None if xlsx else ROWS_SHOWN)
    if xlsx:
        return xlsx_response(report_workbook(report),
                             f"sales-{measure}-{date_from.isoformat()}-{date_to.isoformat()}.xlsx")
    top = report.rows[:10]
    chart = {"periods": report.labels, "totals": [float(value) for value in report.totals.cells],
             "rows": [row.name for row in top], "rowTotals": [float(row.total) for row in top],
             "measure": str(MEASURE_LABELS[measure])}
    return render(request, "reports/sales.html", {
        "report": report, "rows": report.rows[:ROWS_SHOWN], "rows_shown": ROWS_SHOWN,
        "measures": MEASURE_LABELS, "rows_choices": ROWS, "units": UNITS, "chart": chart,
        "tab": "sales", "rows_label": ROWS[rows_by],
    })


def _contracts(request):
    return contracts_for(request.user, request.GET)


def contracts_for(user, query):
    """(contracts, status, q) for the page's query string (the statistics job rebuilds the list with it)."""
    status = query.get("status", "signed")
    contracts = executing.contracts_in_scope(user).select_related("customer", "owner")
    if status == "signed":
        contracts = contracts.filter(status__in=executing.SIGNED)
    elif status in Contract.Status.values:
        contracts = contracts.filter(status=status)
    q = query.get("q", "").strip()
    if q:
        contracts = contracts.filter(Q(number__icontains=q) | Q(title__icontains=q) | Q(customer__name__icontains=q))
    return contracts.order_by("-signed_on", "-id"), status, q


# Adding up every contract's figures costs a pass over all their orders, shipments, invoices and
# payments (seconds for a company with hundreds of thousands of contracts): the total line is shown
# up to this many contracts, beyond it the list asks to be narrowed (the .xlsx holds every row).
TOTALS_UP_TO = 5000


@login_required
def contracts(request):
    """合同履行一览表. The statistics per period come with a second request (the part=statistics
    fragment, loaded by the page), so the list shows at once however much there is to add up."""
    contracts_queryset, status, q = _contracts(request)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_contracts_workbook(list(contracts_queryset)), "contract-execution.xlsx")
    if request.GET.get("part") == "statistics":
        return _statistics(request, contracts_queryset, every_signed=status == "signed" and not q)
    page = list_page(contracts_queryset, request, cap=TOTALS_UP_TO)
    executing.annotate_page(page.object_list, executing.execution(
        contracts_queryset.filter(pk__in=[contract.pk for contract in page.object_list])))
    start, end = _this_year()
    date_from, date_to = _period(request, default_from=start, default_to=end)
    unit = _choice(request, "unit", executing.UNITS, "month")
    totals = executing.totals(contracts_queryset) if page.paginator.count <= TOTALS_UP_TO else None
    return render(request, "reports/contracts.html", {
        "page": page, "status": status, "q": q, "statuses": Contract.Status.choices, "totals": totals,
        "totals_up_to": TOTALS_UP_TO, "unit": unit, "units": {key: UNITS[key] for key in executing.UNITS},
        "date_from": date_from, "date_to": date_to, "tab": "contracts",
        "statistics_query": request.GET.urlencode(),
    })


def _statistics(request, contracts_queryset, *, every_signed: bool = False):
    start, end = _this_year()
    date_from, date_to = _period(request, default_from=start, default_to=end)
    unit = _choice(request, "unit", executing.UNITS, "month")
    # All the signed contracts of someone who sees the whole company, for whole months: the monthly
    # figures answer in the request, however many contracts there are.
    statistics = summaries.contract_statistics(request.user, date_from=date_from, date_to=date_to, unit=unit) \
        if every_signed else None
    if statistics is not None:
        return statistics_fragment(request, statistics, date_from=date_from, date_to=date_to)
    if jobs.is_large(contracts_queryset):
        # A whole company's contracts take seconds to add up: a background job does it, the fragment
        # shows its progress and then the figures (kept on the job for a few minutes).
        employee = request.actor.employee
        if employee is not None:
            query = request.GET.copy()
            query.pop("part", None)
            job = jobs.cached_or_started(kind=jobs.STATISTICS, employee=employee, company=employee.company,
                                         params={"query": query.urlencode(), "from": date_from.isoformat(),
                                                 "to": date_to.isoformat(), "unit": unit})
            if job.status == job.Status.DONE:
                return jobs.statistics_response(request, job)
            return render(request, "jobs/_progress.html", progress_context(job))
    statistics = executing.statistics(contracts_queryset, date_from=date_from, date_to=date_to, unit=unit)
    return statistics_fragment(request, statistics, date_from=date_from, date_to=date_to)


def statistics_fragment(request, statistics, *, date_from, date_to, computed_at=None):
    chart = {"periods": [row.label for row in statistics],
             "series": {str(label): [float(getattr(row.figures, name)) for row in statistics]
                        for name, label in executing.labels().items()}}
    return render(request, "reports/_execution_statistics.html", {
        "statistics": statistics, "chart": chart, "date_from": date_from, "date_to": date_to,
        "computed_at": computed_at})


def _contracts_workbook(contracts: list[Contract]) -> bytes:
    from openpyxl import Workbook

    from salesdesk.core.downloads import row as sheet_row

    figures = {}
    for start in range(0, len(contracts), 500):
        chunk = contracts[start:start + 500]
        figures.update(executing.execution(Contract.objects.filter(pk__in=[contract.pk for contract in chunk])))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Contract execution")[:31]
    sheet.append(sheet_row([_("Number"), _("Customer"), _("Subject"), _("Owner"), _("Signed on"), _("Ends on"), _("Status"),
                  _("Amount"), *executing.labels().values(), _("Outstanding")]))
    for contract in contracts:
        done = figures[contract.pk]
        sheet.append(sheet_row([contract.number, contract.customer.name, contract.title, contract.owner.name,
                      contract.signed_on, contract.ends_on, contract.get_status_display(), done.amount, done.ordered,
                      done.shipped, done.invoiced, done.collected, done.outstanding]))
    for cells in sheet.iter_rows(min_row=2, min_col=8):
        for cell in cells:
            cell.number_format = "#,##0.00"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


@login_required
def collection(request):
    today = timezone.localdate()
    date_from, date_to = _period(request, default_from=today.replace(day=1), default_to=today)
    by = _choice(request, "by", collecting.GROUPS, "department")
    invoices, narrowed = receivables.narrow(collecting.receivable_invoices(request.user),
                                            department=request.GET.get("department", ""),
                                            owner=request.GET.get("owner", ""))
    pending = computed_at = None
    # For someone who sees the whole company the monthly figures answer at once; other questions about
    # many invoices go to a background job.
    answer = summaries.collection(request.user, date_from=date_from, date_to=date_to, by=by,
                                  department=request.GET.get("department", ""), owner=request.GET.get("owner", ""))
    large = answer is None and request.GET.get("format") != "xlsx" and jobs.is_large(invoices)
    employee = request.actor.employee if large else None
    if answer is not None:
        rows, total = answer
    elif employee is not None:
        # Many invoices: the analysis runs as a background job; the page shows its progress, then
        # (loaded again) the cached figures.
        job = jobs.cached_or_started(kind=jobs.COLLECTION, employee=employee, company=employee.company, params={
            "from": date_from.isoformat(), "to": date_to.isoformat(), "by": by,
            "department": request.GET.get("department", ""), "owner": request.GET.get("owner", "")},
            url=request.get_full_path())
        if job.status == job.Status.DONE:
            (rows, total), computed_at = jobs.collection_rows(job), job.finished_at
        else:
            pending, rows, total = progress_context(job), [], collecting.CollectionRow(key=None, name="")
    else:
        rows, total = collecting.collection(request.user, date_from=date_from, date_to=date_to, by=by,
                                            invoices=invoices)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_collection_workbook(rows, total, by), f"collection-{date_from}-{date_to}.xlsx")
    return render(request, "reports/collection.html", {
        "rows": rows, "total": total, "by": by, "groups": collecting.GROUPS, "group_label": collecting.GROUPS[by][2],
        "date_from": date_from, "date_to": date_to, "narrowed": narrowed, "tab": "collection",
        "narrow_query": "".join(f"&{name}={value}" for name, value in narrowed),
        "pending": pending, "computed_at": computed_at, "dso_days": collecting.DSO_WINDOW_DAYS,
    })


def _collection_workbook(rows, total, by) -> bytes:
    from openpyxl import Workbook

    from salesdesk.core.downloads import row as sheet_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Collection")[:31]
    sheet.append(sheet_row([str(collecting.GROUPS[by][2]), _("Receivable at the start"), _("Invoiced"), _("Collected"),
                  _("Written off"), _("Receivable at the end"), _("Collection rate (%)"), _("DSO (days)")]))
    for row in [*rows, total]:
        sheet.append(sheet_row([row.name or (_("Total") if row is total else _("(none)")), row.opening, row.invoiced,
                      row.collected, row.written_off, row.closing, row.rate, row.dso]))
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
