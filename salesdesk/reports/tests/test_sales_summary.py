"""sales_summary: the sales figures, read through the data scope, grouped by the database.

The Northwind tests import the 830 orders of the Northwind sample (../shared/data/northwind.sql)
and compare the report with figures computed from the SQL file alone; the others use the small
organisation and a few orders imported or entered here."""

import datetime
from decimal import Decimal

import pytest

from salesdesk.customers import services as customer_services
from salesdesk.org import services as org_services
from salesdesk.reports.selectors import sales_summary
from salesdesk.sales import history, orders
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import SalesOrder, SalesOrderLine, Shipment
from salesdesk.sales.tests.northwind_orders import (
    build_northwind,
    expected_sales,
    northwind_sql,
    northwind_tables,
    orders_workbook,
)

pytestmark = pytest.mark.django_db
needs_northwind = pytest.mark.skipif(northwind_sql() is None, reason="the Northwind sample is not available here")


def import_northwind(years=()):
    northwind = build_northwind()
    columns, rows = history.read_table("northwind-orders.xlsx", orders_workbook(years=years))
    outcome = history.commit(company=northwind.company, user=northwind.head.user, rows=rows,
                             mapping=history.guess_mapping(columns))
    return northwind, outcome


def per_employee_and_year(northwind, rows):
    """The report's rows as {(Northwind employee id, year): amount}."""
    northwind_id = {employee.pk: employee_id for employee_id, employee in northwind.people.items()}
    return {(northwind_id[row["owner"]], row["year"]): row["amount"] for row in rows}


@needs_northwind
def test_the_830_northwind_orders_import_and_the_report_per_employee_per_year_matches_the_sql(admin_user):
    northwind, outcome = import_northwind()

    assert (outcome.orders, outcome.lines) == (830, 2155)
    assert (SalesOrder.objects.count(), SalesOrderLine.objects.count()) == (830, 2155)
    shipped = sum(1 for row in northwind_tables()["orders"] if row["shipped_date"])
    assert Shipment.objects.count() == SalesOrder.objects.filter(status=SalesOrder.Status.CLOSED).count() == shipped
    rows = sales_summary(admin_user, by=("owner", "year"))
    expected = expected_sales()
    assert len(expected) == 27  # nine people, three years
    assert per_employee_and_year(northwind, rows) == expected
    assert all(type(row["amount"]) is Decimal for row in rows)
    assert sum(row["count"] for row in rows) == 830
    assert {row["owner_name"] for row in rows} == {employee.name for employee in northwind.people.values()}
    # By product, the lines add up to the same total; by department, London and Seattle share it.
    total = sum(expected.values())
    assert sum(row["amount"] for row in sales_summary(admin_user, by=("product",))) == total
    departments = sales_summary(admin_user, by=("department",))
    assert {row["department_name"] for row in departments} == {"Sales USA", "Sales UK"}
    assert sum(row["amount"] for row in departments) == total


@needs_northwind
def test_in_the_northwind_report_a_rep_sees_his_own_sales_his_manager_the_teams_and_a_newcomer_none():
    northwind, _outcome = import_northwind(years=(1996,))
    expected = expected_sales(years=(1996,))
    davolio, buchanan = northwind.people[1], northwind.people[5]  # a rep in Seattle; the London sales manager
    newcomer_position = org_services.create_position(department=northwind.departments["USA"],
                                                     title="Sales Representative", reports_to=northwind.positions[2])
    newcomer = org_services.create_employee(company=northwind.company, name="Anne Newcomer",
                                            user=type(davolio.user).objects.create_user(username="newcomer"),
                                            positions=[newcomer_position])

    def seen_by(employee):
        return per_employee_and_year(northwind, sales_summary(employee.user, by=("owner", "year")))

    assert seen_by(davolio) == {(1, 1996): expected[(1, 1996)]}
    team = {5, 6, 7, 9}  # Buchanan and the three reps who report to him
    assert seen_by(buchanan) == {key: amount for key, amount in expected.items() if key[0] in team}
    assert seen_by(northwind.head) == expected
    assert sales_summary(newcomer.user) == []


ORDERS = [  # number, date, owner, product code, quantity, unit price, discount (%), customer
    ("H-1", "2025-01-15", "李代表", "SBS", "1", "12000", "0", "巴陵石化"),
    ("H-1", "2025-01-15", "李代表", "AGT", "10", "300", "10", "巴陵石化"),
    ("H-2", "2025-05-03", "李代表", "AGT", "4", "250", "", "巴陵石化"),
    ("H-3", "2025-05-20", "周代表", "SBS", "2", "12500", "2.5", "周代表的客户"),
    ("H-4", "2024-12-31", "吴代表", "AGT", "1", "280", "", "吴代表的客户"),
]


def import_small(org, deal):
    """Past orders of the reps' own customers, none shipped, imported by the director."""
    for key in ("teammate", "outsider"):
        person = org.people[key]
        customer_services.create_customer(company=org.company, by=person, owner=person, name=f"{person.name}的客户")
    keys = ["number", "ordered_on", "owner", "product", "quantity", "unit_price", "discount", "customer"]
    return history.commit(company=org.company, user=org.user("director"), rows=[list(row) for row in ORDERS],
                          mapping=dict(enumerate(keys)))


def test_the_figures_group_by_product_customer_department_quarter_and_month(org, deal):
    import_small(org, deal)
    director = org.user("director")

    by_product = {row["product_code"]: (row["amount"], row["count"])
                  for row in sales_summary(director, by=("product",))}
    assert by_product == {"SBS": (Decimal("36375.00"), 2), "AGT": (Decimal("3980.00"), 3)}
    by_month = sales_summary(director, by=("year", "quarter", "month"))
    assert [(row["year"], row["quarter"], row["month"], row["amount"], row["count"]) for row in by_month] == [
        (2024, 4, 12, Decimal("280.00"), 1), (2025, 1, 1, Decimal("14700.00"), 1),
        (2025, 2, 5, Decimal("25375.00"), 2)]
    by_department = sales_summary(director, by=("department", "owner"))
    assert [(row["department_name"], row["owner_name"], row["amount"]) for row in by_department] == [
        ("上海办事处", "李代表", Decimal("15700.00")), ("上海办事处", "周代表", Decimal("24375.00")),
        ("北京办事处", "吴代表", Decimal("280.00"))]
    by_customer = sales_summary(director, by=("customer",))
    assert [(row["customer_name"], row["amount"], row["count"]) for row in by_customer] == [
        ("巴陵石化", Decimal("15700.00"), 2), ("周代表的客户", Decimal("24375.00"), 1),
        ("吴代表的客户", Decimal("280.00"), 1)]


def test_only_agreed_orders_count_and_dates_narrow_the_period(org, deal):
    import_small(org, deal)
    owner = org.people["owner"]
    draft = orders.create_order(by=owner, customer=deal["customer"], lines=[LineInput(deal["sbs"], Decimal("1"))],
                                ordered_on=datetime.date(2025, 5, 4), delivery_on=datetime.date(2025, 6, 1))
    cancelled = orders.create_order(by=owner, customer=deal["customer"], lines=[LineInput(deal["sbs"], Decimal("1"))],
                                    ordered_on=datetime.date(2025, 5, 4), delivery_on=datetime.date(2025, 6, 1))
    SalesOrder.objects.filter(pk=cancelled.pk).update(status=SalesOrder.Status.CANCELLED)
    director = org.user("director")

    assert draft.status == SalesOrder.Status.DRAFT
    assert [row["amount"] for row in sales_summary(director, by=())] == [Decimal("40355.00")]
    may = sales_summary(director, by=("owner",), date_from=datetime.date(2025, 5, 1), date_to=datetime.date(2025, 5, 31))
    assert [(row["owner_name"], row["amount"], row["count"]) for row in may] == [
        ("李代表", Decimal("1000.00"), 1), ("周代表", Decimal("24375.00"), 1)]


def test_each_one_sees_the_figures_of_his_scope(org, deal):
    import_small(org, deal)

    def owners(key):
        return {row["owner_name"] for row in sales_summary(org.user(key), by=("owner",))}

    assert owners("owner") == {"李代表"}
    assert owners("teammate") == {"周代表"}
    assert owners("superior") == {"李代表", "周代表"}
    assert owners("outsider") == {"吴代表"}
    assert owners("director") == {"李代表", "周代表", "吴代表"}
    assert owners("clerk") == set()
    # Orders follow their customer too: the teammate's order for 李代表's customer counts for 李代表 to see.
    history.commit(company=org.company, user=org.user("director"), mapping={0: "number", 1: "ordered_on", 2: "owner",
                   3: "product", 4: "quantity", 5: "unit_price", 6: "customer"},
                   rows=[["H-5", "2025-06-01", "周代表", "AGT", "1", "300", "巴陵石化"]])
    assert owners("owner") == {"李代表", "周代表"}


def test_an_unknown_dimension_is_refused(org):
    with pytest.raises(ValueError):
        sales_summary(org.user("director"), by=("owner", "colour"))
