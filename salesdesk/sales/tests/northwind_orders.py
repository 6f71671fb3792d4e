"""A test helper: the orders of the Northwind sample database (../shared/data/northwind.sql, a real
trading company's data that nobody here wrote), with everything they need around them.

* `northwind_tables()` reads the tables employees, products, orders and order_details from the SQL
  file (the customers come from customers/tests/northwind.py);
* `build_northwind()` sets the company up the way Salesdesk would run it: Northwind's nine employees
  placed in an organisation (a sales department per country, a position per title and superior, the
  reporting lines of `reports_to`), its 91 customers through the customers import, its 77 products
  through the product services with their prices checked by a second person, and a warehouse;
* `orders_workbook(...)` turns the 830 orders and their 2,155 lines into our import template;
* `expected_sales(...)` computes the sales per employee and year straight from the SQL file.

Northwind stores prices and discounts as single-precision reals (9.80000019 for 9.80, 0.0500000007
for 5 %); they are read as the cents and whole percentages they stand for.
"""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook

from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import imports as customer_imports
from salesdesk.customers.tests.northwind import northwind_customers, northwind_sql, northwind_workbook
from salesdesk.org import services as org_services
from salesdesk.sales import history, pricing, services
from salesdesk.sales.models import Warehouse

__all__ = ["northwind_sql", "northwind_tables", "build_northwind", "orders_workbook", "expected_sales"]

CENT = Decimal("0.01")
_CREATE = re.compile(r"^CREATE TABLE (\w+) \((.*?)\n\);", re.MULTILINE | re.DOTALL)
_INSERT = re.compile(r"^INSERT INTO (\w+) VALUES \((.*)\);$", re.MULTILINE)
_VALUE = re.compile(r"'((?:[^']|'')*)'|(NULL)|(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)")
TABLES = ("employees", "products", "orders", "order_details")


@cache
def northwind_tables() -> dict[str, list[dict]]:
    """The rows of TABLES as dicts keyed by column name (text, Decimal or None)."""
    text = northwind_sql().read_text(encoding="utf-8")
    columns = {name: [line.split()[0] for line in body.strip().splitlines() if line.strip()]
               for name, body in _CREATE.findall(text) if name in TABLES}
    tables = {name: [] for name in TABLES}
    for name, values in _INSERT.findall(text):
        if name not in tables:
            continue
        row = []
        for quoted, null, number in _VALUE.findall(values):
            row.append(None if null else Decimal(number) if number else quoted.replace("''", "'"))
        tables[name].append(dict(zip(columns[name], row, strict=True)))
    return tables


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def employee_name(row: dict) -> str:
    return f"{row['first_name']} {row['last_name']}"


def product_code(product_id) -> str:
    return f"NW-{int(product_id):03d}"


# --- the company ---------------------------------------------------------------------------------


@dataclass
class Northwind:
    company: object
    people: dict  # Northwind employee id -> Employee
    positions: dict = field(default_factory=dict)  # Northwind employee id -> their Position
    departments: dict = field(default_factory=dict)  # country -> Department
    warehouse: object = None

    def user(self, employee_id: int):
        return self.people[employee_id].user

    @property
    def head(self):
        """The person at the top (Andrew Fuller, Vice President, Sales)."""
        top = next(row for row in northwind_tables()["employees"] if row["reports_to"] is None)
        return self.people[int(top["employee_id"])]


def build_northwind() -> Northwind:
    """The company with its organisation, customers, products and a warehouse (no orders yet)."""
    company = org_services.create_company(name="Northwind Traders", code="northwind")
    northwind = Northwind(company=company, people={})
    _organisation(northwind)
    _customers(northwind)
    _products(northwind)
    northwind.warehouse = Warehouse.objects.create(company=company, code="SEA", name="Seattle")
    return northwind


def _organisation(northwind: Northwind) -> None:
    """A sales department per country (Seattle and London), under the top person's; one position
    per title and superior, reporting as `reports_to` says. The top position sees all sales and
    customers, a position others report to sees its subordinates', the rest their own."""
    rows = {int(row["employee_id"]): row for row in northwind_tables()["employees"]}

    def superior(employee_id):
        boss = rows[employee_id]["reports_to"]
        return int(boss) if boss is not None else None

    def depth(employee_id):
        return 0 if superior(employee_id) is None else 1 + depth(superior(employee_id))

    has_reports = {superior(employee_id) for employee_id in rows} - {None}
    positions = {}  # (title, superior's position id, country) -> Position
    holders: dict = {}
    for employee_id in sorted(rows, key=lambda pk: (depth(pk), pk)):
        row, boss = rows[employee_id], superior(employee_id)
        country = row["country"]
        if country not in northwind.departments:
            parent = northwind.departments.get(rows[boss]["country"]) if boss else None
            northwind.departments[country] = org_services.create_department(
                company=northwind.company, name=f"Sales {country}", code=f"SALES-{country}", parent=parent)
        reports_to = northwind.positions[boss] if boss else None
        key = (row["title"], reports_to.pk if reports_to else None, country)
        if key not in positions:
            level = (ScopeLevel.ALL if boss is None else ScopeLevel.SUBORDINATES if employee_id in has_reports
                     else ScopeLevel.SELF)
            # The coordinator enters the prices and the head of sales checks them: both hold the duty.
            duties = ([{"text": "Enter and check product prices", "capability": pricing.PRICING}]
                      if "Coordinator" in row["title"] or boss is None else [])
            positions[key] = org_services.create_position(
                department=northwind.departments[country], title=row["title"], reports_to=reports_to,
                is_department_head=boss is None or rows[boss]["country"] != country,
                scopes={"sales": level, "customers": level}, duties=duties)
        holders.setdefault(key, []).append(employee_id)
        northwind.positions[employee_id] = positions[key]
        user = get_user_model().objects.create_user(username=row["first_name"].lower(), password="northwind")
        northwind.people[employee_id] = org_services.create_employee(
            company=northwind.company, name=employee_name(row), user=user, employee_no=str(employee_id),
            joined_on=_day(row["hire_date"]), positions=[positions[key]])
    for key, people in holders.items():
        if len(people) > 1:
            org_services.update_position(position=positions[key], headcount=len(people))


def _customers(northwind: Northwind) -> None:
    """The 91 customers, through the customers import, owned by the head of sales."""
    headers, rows = customer_imports.read_table("customers.xlsx", northwind_workbook())
    customer_imports.commit(company=northwind.company, user=northwind.head.user, kind="customers", rows=rows,
                            mapping=customer_imports.guess_mapping("customers", headers))


def _products(northwind: Northwind) -> None:
    """The 77 products: entered by the inside sales coordinator, checked by the head of sales."""
    clerk = next(northwind.people[int(row["employee_id"])] for row in northwind_tables()["employees"]
                 if "Coordinator" in row["title"])
    for row in northwind_tables()["products"]:
        product = services.create_product(
            company=northwind.company, by=clerk, code=product_code(row["product_id"]), name=row["product_name"],
            spec=row["quantity_per_unit"] or "", standard_price=_cents(row["unit_price"]),
            is_active=not int(row["discontinued"]))
        pricing.confirm_price_change(by=northwind.head, change=product.price_changes.get())


# --- the orders ----------------------------------------------------------------------------------


def _lines():
    """(order row, detail row) for every order line, in the file's order."""
    orders = {int(row["order_id"]): row for row in northwind_tables()["orders"]}
    return [(orders[int(detail["order_id"])], detail) for detail in northwind_tables()["order_details"]]


def orders_workbook(*, language: str = "en", years: tuple[int, ...] = ()) -> bytes:
    """The orders (of `years`, default all) as our import template headed in `language`: one row per
    order line, the customer by name, the owner by name, the product by code."""
    customers = {row["customer_id"]: row["company_name"] for row in northwind_customers()}
    employees = {int(row["employee_id"]): employee_name(row) for row in northwind_tables()["employees"]}
    with translation.override(language):
        labels = {spec.key: str(spec.label) for spec in history.FIELDS}
    keys = ["number", "ordered_on", "customer", "owner", "product", "quantity", "unit_price", "discount",
            "delivery_on", "shipped_on", "ship_to"]
    book = Workbook()
    sheet = book.active
    sheet.append([labels[key] for key in keys])
    for order, detail in _lines():
        ordered_on = _day(order["order_date"])
        if years and ordered_on.year not in years:
            continue
        ship_to = ", ".join(part for part in (order["ship_name"], order["ship_address"], order["ship_city"],
                                              order["ship_country"]) if part)
        sheet.append([str(order["order_id"]), ordered_on, customers[order["customer_id"]],
                      employees[int(order["employee_id"])], product_code(detail["product_id"]), int(detail["quantity"]),
                      _cents(detail["unit_price"]), _percent(detail["discount"]), _day(order["required_date"]),
                      _day(order["shipped_date"]), ship_to])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def expected_sales(*, years: tuple[int, ...] = ()) -> dict[tuple[int, int], Decimal]:
    """(Northwind employee id, year) -> the sum of its lines' unit price × quantity × (1 − discount),
    each rounded half up to the cent, computed from the SQL file alone."""
    totals: dict[tuple[int, int], Decimal] = {}
    for order, detail in _lines():
        year = _day(order["order_date"]).year
        if years and year not in years:
            continue
        discount = _percent(detail["discount"]) / 100
        amount = _cents(_cents(detail["unit_price"]) * int(detail["quantity"]) * (1 - discount))
        key = (int(order["employee_id"]), year)
        totals[key] = totals.get(key, Decimal(0)) + amount
    return totals
