"""File responses the pages hand out, and what goes into their spreadsheet cells."""

import re

from django.http import HttpResponse
from django.utils.functional import Promise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What an .xlsx cell cannot hold (openpyxl raises IllegalCharacterError for it): the control characters
# but tab and line breaks. A record saved before such characters were refused must not break an export.
ILLEGAL_IN_CELLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """`value` as a spreadsheet cell may hold it: text without the control characters a cell cannot
    carry, and with a leading apostrophe where a spreadsheet would run it as a formula (= + - @, a tab
    or a carriage return first), so an exported file cannot carry an injected formula."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        value = ILLEGAL_IN_CELLS.sub("", value)
        if value.startswith(FORMULA_STARTS):
            value = "'" + value
    return value


def row(values) -> list:
    """A row of cells (`sheet.append(row([...]))`): every value through `cell`."""
    return [cell(value) for value in values]


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    """An .xlsx workbook as a download named `name`."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
