"""A test helper: the customers of the Northwind sample database (../shared/data/northwind.sql,
a real trading company's data that nobody here wrote), turned into our import template."""

import io
import re
from pathlib import Path

from django.utils import translation
from openpyxl import Workbook

CANDIDATES = [Path(__file__).resolve().parents[3].parent / "shared" / "data" / "northwind.sql",
              Path("/work/shared/data/northwind.sql")]
COLUMNS = ["customer_id", "company_name", "contact_name", "contact_title", "address", "city", "region",
           "postal_code", "country", "phone", "fax"]
_INSERT = re.compile(r"^INSERT INTO customers VALUES \((.*)\);$", re.MULTILINE)
_VALUE = re.compile(r"'((?:[^']|'')*)'|NULL")


def northwind_sql() -> Path | None:
    return next((path for path in CANDIDATES if path.is_file()), None)


def northwind_customers() -> list[dict]:
    text = northwind_sql().read_text(encoding="utf-8")
    rows = []
    for match in _INSERT.finditer(text):
        values = [m.group(1).replace("''", "'") if m.group(1) is not None else None
                  for m in _VALUE.finditer(match.group(1))]
        rows.append(dict(zip(COLUMNS, values, strict=True)))
    return rows


def northwind_workbook(language: str = "zh-hans") -> bytes:
    """The 91 customers in the import template's columns, headed in `language`."""
    from salesdesk.customers.imports import CUSTOMER_FIELDS

    labels = {}
    with translation.override(language):
        for spec in CUSTOMER_FIELDS:
            labels[spec.key] = str(spec.label)
    fields = {"name": "company_name", "contact_name": "contact_name", "contact_title": "contact_title",
              "address": "address", "city": "city", "province": "region", "postal_code": "postal_code",
              "country": "country", "phone": "phone"}
    book = Workbook()
    sheet = book.active
    sheet.append([labels[key] for key in fields])
    for row in northwind_customers():
        sheet.append([row[column] or "" for column in fields.values()])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()
