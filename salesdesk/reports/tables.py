"""The sales report as a table: one row per owner, department, territory, customer or product, one
column per month, quarter or year of the period (every period shown, empty ones too), totals on
both sides; and the same as an .xlsx workbook."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import summaries
from .selectors import ZERO, sales_summary

ROWS = {
    "owner": gettext_lazy("Owner"), "department": gettext_lazy("Department"), "territory": gettext_lazy("Territory"),
    "customer": gettext_lazy("Customer"), "product": gettext_lazy("Product"),
}
MEASURE_LABELS = {
    "orders": gettext_lazy("Orders"), "shipments": gettext_lazy("Shipments"), "invoices": gettext_lazy("Invoices"),
    "collections": gettext_lazy("Collections"),
}
UNITS = {"month": gettext_lazy("per month"), "quarter": gettext_lazy("per quarter"), "year": gettext_lazy("per year")}
PERIOD_PARTS = {"month": ("year", "month"), "quarter": ("year", "quarter"), "year": ("year",)}


def periods(date_from: datetime.date, date_to: datetime.date, unit: str) -> list[tuple]:
    """The keys of every period from one date to the other: (year, month), (year, quarter) or (year,)."""
    keys = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        key = {"month": (year, month), "quarter": (year, (month - 1) // 3 + 1), "year": (year,)}[unit]
        if key not in keys:
            keys.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


@dataclass
class ReportRow:
    key: object
    name: str
    cells: list[Decimal]
    total: Decimal = ZERO
    count: int = 0


@dataclass
class Report:
    measure: str
    rows_by: str
    unit: str
    date_from: datetime.date
    date_to: datetime.date
    org: str = "booked"  # departments and territories as booked, or "current": as they are now
    columns: list[tuple] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    rows: list[ReportRow] = field(default_factory=list)
    totals: ReportRow | None = None
    row_count: int = 0  # rows in the report (`rows` may hold only the largest of them)


def _label(unit: str, key: tuple) -> str:
    if unit == "year":
        return str(key[0])
    if unit == "quarter":
        return f"{key[0]} Q{key[1]}"
    return f"{key[0]}-{key[1]:02d}"


def _name(row: dict, by: str) -> str:
    if by == "product":
        return f"{row.get('product_code') or ''} {row.get('product_name') or ''}".strip()
    return row.get(f"{by}_name") or _("(none)")


def sales_report(user, *, measure: str = "orders", rows_by: str = "owner", unit: str = "month",
                 date_from: datetime.date, date_to: datetime.date, org: str = "booked",
                 largest: int | None = None) -> Report:
    """The report; `largest`: its rows may be only that many of the largest (the page shows no more),
    the totals still count them all."""
    if rows_by not in ROWS or unit not in UNITS:
        raise ValueError(f"cannot report {rows_by!r} {unit!r}")
    if measure == "collections" and rows_by == "product":
        raise ValueError("collections have no products")
    parts = PERIOD_PARTS[unit]
    report = Report(measure=measure, rows_by=rows_by, unit=unit, date_from=date_from, date_to=date_to, org=org,
                    columns=periods(date_from, date_to, unit))
    report.labels = [_label(unit, key) for key in report.columns]
    if largest is not None and summaries.sales_answers(user, measure=measure, by=(rows_by, *parts),
                                                       date_from=date_from, date_to=date_to, org=org):
        return _largest_rows(user, report, parts, largest)
    found = sales_summary(user, measure=measure, by=(rows_by, *parts), date_from=date_from, date_to=date_to,
                          org=org)
    position = {key: index for index, key in enumerate(report.columns)}
    rows: dict = {}
    for values in found:
        key = values[rows_by]
        row = rows.setdefault(key, ReportRow(key=key, name=_name(values, rows_by), cells=[ZERO] * len(report.columns)))
        row.cells[position[tuple(values[part] for part in parts)]] += values["amount"]
        row.total += values["amount"]
        row.count += values["count"]
    report.rows = sorted(rows.values(), key=lambda row: (-row.total, row.name))
    report.totals = ReportRow(key=None, name=_("Total"), cells=[sum((row.cells[index] for row in report.rows), ZERO)
                                                                  for index in range(len(report.columns))],
                              total=sum((row.total for row in report.rows), ZERO),
                              count=sum(row.count for row in report.rows))
    report.row_count = len(report.rows)
    return report


def _largest_rows(user, report: Report, parts: tuple[str, ...], largest: int) -> Report:
    """From the monthly figures, three small questions instead of every row × period: each row's total
    (to rank them), each period's total, and the cells of the `largest` rows alone."""
    asked = {"measure": report.measure, "date_from": report.date_from, "date_to": report.date_to, "org": report.org}
    by = report.rows_by
    ranked = [ReportRow(key=values[by], name=_name(values, by), cells=[ZERO] * len(report.columns),
                        total=values["amount"], count=values["count"])
              for values in sales_summary(user, by=(by,), **asked)]
    ranked.sort(key=lambda row: (-row.total, row.name))
    report.rows, report.row_count = ranked[:largest], len(ranked)
    position = {key: index for index, key in enumerate(report.columns)}
    shown = {row.key: row for row in report.rows}
    for values in sales_summary(user, by=(by, *parts), among=(by, list(shown)), **asked):
        shown[values[by]].cells[position[tuple(values[part] for part in parts)]] += values["amount"]
    cells = [ZERO] * len(report.columns)
    for values in sales_summary(user, by=parts, **asked):
        cells[position[tuple(values[part] for part in parts)]] += values["amount"]
    report.totals = ReportRow(key=None, name=_("Total"), cells=cells, total=sum((row.total for row in ranked), ZERO),
                              count=sum(row.count for row in ranked))
    return report


def report_workbook(report: Report) -> bytes:
    from openpyxl import Workbook

    from salesdesk.core.downloads import row as sheet_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(MEASURE_LABELS[report.measure])[:31]
    title = f"{MEASURE_LABELS[report.measure]} {report.date_from.isoformat()} – {report.date_to.isoformat()}"
    if report.org == "current":
        title += " (" + _("by current organisation") + ")"
    sheet.append(sheet_row([title]))
    sheet.append(sheet_row([str(ROWS[report.rows_by]), *report.labels, _("Total")]))
    for row in [*report.rows, report.totals]:
        sheet.append(sheet_row([row.name, *row.cells, row.total]))
    for cells in sheet.iter_rows(min_row=3, min_col=2):
        for cell in cells:
            cell.number_format = "#,##0.00"
    sheet.column_dimensions["A"].width = 28
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
