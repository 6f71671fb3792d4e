"""Exporting a customer list to .xlsx within the user's scope: rows streamed from the database in
chunks into openpyxl's write-only workbook (constant memory), then sent as a file.

Every cell goes through core.downloads.cell: values that a spreadsheet would run as a formula (starting
with = + - @, or a tab or carriage return) get a leading apostrophe, so an exported file cannot carry
an injected formula, and control characters a cell cannot hold (an old name with a vertical tab) are
dropped, so one bad record never breaks the export."""

from __future__ import annotations

import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from salesdesk.core.downloads import cell

from .selectors import mask_mobile, sees_full_mobiles

neutralise = cell  # the name the other exports knew it by


def customer_columns():
    return [
        ("id", _("ID")), ("name", _("Name")), ("kind", _("Kind")), ("credit_code", _("Unified social credit code")),
        ("customer_class__name", _("Class")), ("level", _("Level")), ("source__name", _("Source")),
        ("industry", _("Industry")), ("country", _("Country")), ("province", _("Province")), ("city", _("City")),
        ("district", _("District")), ("address", _("Address")), ("phone", _("Phone")), ("mobile", _("Mobile")),
        ("owner__name", _("Owner")), ("department__name", _("Department")), ("last_followup_at", _("Last follow-up")),
        ("next_followup_on", _("Next follow-up")), ("created_at", _("Created")), ("notes", _("Notes")),
    ]


def write_customers(queryset, target, *, full_mobiles: bool, owner_id: int | None, progress=None) -> int:
    columns = customer_columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Customers"))
    sheet.append([cell(str(label)) for _key, label in columns])
    keys = [key for key, _label in columns]
    count = 0
    rows = queryset.order_by("pk").values_list(*keys, "owner_id")
    mobile_index = keys.index("mobile")
    for row in rows.iterator(chunk_size=2000):
        values = list(row[:-1])
        if not full_mobiles and row[-1] != owner_id:
            values[mobile_index] = mask_mobile(values[mobile_index])
        cells = []
        for value in values:
            if hasattr(value, "tzinfo") and value.tzinfo is not None:
                value = timezone.localtime(value).replace(tzinfo=None)
            cells.append(cell(value))
        sheet.append(cells)
        count += 1
        if progress is not None and count % 2000 == 0:
            progress(count)
    workbook.save(target)
    return count


def export_customers(request, queryset) -> FileResponse:
    from salesdesk.core.scope import scope_for

    target = tempfile.TemporaryFile()
    write_customers(queryset, target, full_mobiles=sees_full_mobiles(request.user),
                    owner_id=scope_for(request.user).employee_id)
    target.seek(0)
    name = f"customers-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(target, as_attachment=True, filename=name,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
