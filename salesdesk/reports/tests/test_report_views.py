"""The report pages through the test client: the figures the selectors give, as tables, charts and
workbooks, within each one's scope; the aging drill-down from departments to owners to customers."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services as org_services
from salesdesk.sales import orders
from salesdesk.sales.lines import LineInput

from .test_execution import executed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def client_of(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.people[key].user)
    return client


@pytest.fixture
def contract(finance, deal):
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)
    return executed(finance, deal)


def chart_of(page: str, element: str) -> dict:
    start = page.index(f'id="{element}"')
    return json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])


def test_the_sales_report_shows_the_figure_asked_for_as_table_chart_and_workbook(finance, contract):
    year = TODAY().year
    query = {"measure": "invoices", "rows": "owner", "unit": "quarter", "from": f"{year}-01-01", "to": f"{year}-12-31"}
    page = client_of(finance, "director").get(reverse("reports:sales"), query).content.decode()

    assert 'data-row="李代表"' in page
    assert chart_of(page, "sd-report-data")["totals"][(TODAY().month - 1) // 3] == 12500.0
    workbook = client_of(finance, "director").get(reverse("reports:sales"), {**query, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Owner", f"{year} Q1", f"{year} Q2", f"{year} Q3", f"{year} Q4", "Total")
    assert rows[2][0] == "李代表" and Decimal(str(rows[2][-1])) == Decimal("12500")
    assert 'data-row="李代表"' not in client_of(finance, "outsider").get(reverse("reports:sales"), query).content.decode()


def test_a_long_report_shows_the_largest_rows_and_the_total_of_all(finance, deal, contract, monkeypatch):
    from salesdesk.reports import views

    order = orders.create_order(by=finance.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["agent"], Decimal("5"))],
                                delivery_on=TODAY() + datetime.timedelta(days=5))
    orders.submit_for_review(order=order, by=finance.people["owner"])
    monkeypatch.setattr(views, "ROWS_SHOWN", 1)
    year = TODAY().year
    query = {"measure": "orders", "rows": "product", "unit": "year", "from": f"{year}-01-01", "to": f"{year}-12-31"}
    page = client_of(finance, "director").get(reverse("reports:sales"), query).content.decode()
    assert page.count('data-row="') == 1 and 'id="report-more"' in page
    assert 'data-row="SBS 产品SBS"' in page  # 25,000 of SBS before 1,500 of AGT
    assert "26,500.00" in page.split('id="report-total"')[1]


def test_a_reversed_period_says_so_and_shows_this_year(finance, contract):
    response = client_of(finance, "director").get(reverse("reports:sales"), {"from": "2026-05-01", "to": "2026-01-01"})
    page = response.content.decode()
    assert "The period ends before it starts." in page
    assert f"{TODAY().year}-01" in page


def test_the_contract_execution_page_lists_each_contract_with_its_figures(finance, contract):
    page = client_of(finance, "owner").get(reverse("reports:contracts")).content.decode()
    row = page[page.index(f'data-contract="{contract.number}"'):]
    row = row[:row.index("</tr>")]
    for figure in ("50,000.00", "25,000.00", "12,500.00", "20,000.00", "30,000.00"):
        assert figure in row
    assert 'hx-get="?part=statistics"' in page  # the statistics come after the list
    statistics = client_of(finance, "owner").get(reverse("reports:contracts"), {"part": "statistics"}).content.decode()
    assert f'data-period="{TODAY().year}-{TODAY().month:02d}"' in statistics
    assert chart_of(statistics, "sd-execution-data")["series"]["Collected"] == [20000.0]
    assert 'id="execution-total"' in page
    workbook = client_of(finance, "owner").get(reverse("reports:contracts"), {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == contract.number and [Decimal(str(value)) for value in rows[1][7:]] == [
        Decimal(value) for value in ("50000", "25000", "12500", "12500", "20000", "30000")]
    assert contract.number not in client_of(finance, "outsider").get(reverse("reports:contracts")).content.decode()


def test_beyond_the_limit_the_list_asks_to_be_narrowed_for_its_total(finance, contract, monkeypatch):
    from salesdesk.reports import views

    monkeypatch.setattr(views, "TOTALS_UP_TO", 0)
    page = client_of(finance, "owner").get(reverse("reports:contracts")).content.decode()
    assert 'id="execution-no-total"' in page and 'id="execution-total"' not in page


def test_the_contract_page_shows_its_execution(finance, contract):
    page = client_of(finance, "owner").get(reverse("sales:contract", args=[contract.pk])).content.decode()
    assert 'id="contract-execution"' in page
    assert 'id="contract-outstanding">30,000.00<' in page


def test_the_collection_page_goes_from_departments_to_owners_to_customers(finance, contract):
    director = client_of(finance, "director")
    page = director.get(reverse("reports:collection")).content.decode()
    department = finance.people["owner"].assignments.first().position.department
    assert f"department={department.pk}" in page
    owners = director.get(reverse("reports:collection"), {"by": "owner", "department": department.pk}).content.decode()
    assert 'data-row="李代表"' in owners
    customers = director.get(reverse("reports:collection"), {"by": "customer", "owner": finance.people["owner"].pk})
    assert reverse("finance:customer_receivables", args=[contract.customer_id]) in customers.content.decode()
    elsewhere = director.get(reverse("reports:collection"), {"by": "owner", "department": department.pk + 999})
    assert 'data-row="李代表"' not in elsewhere.content.decode()
    workbook = director.get(reverse("reports:collection"), {"by": "owner", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "李代表" and Decimal(str(rows[1][5])) == Decimal("7500")  # 12,500 invoiced, 5,000 in


def test_the_aging_drills_down_from_department_to_owner_to_customer(finance, contract):
    director = client_of(finance, "director")
    department = finance.people["owner"].assignments.first().position.department
    page = director.get(reverse("finance:receivables"), {"by": "department"}).content.decode()
    assert f"department={department.pk}" in page
    owners = director.get(reverse("finance:receivables"), {"by": "owner", "department": department.pk}).content.decode()
    assert 'data-row="李代表"' in owners and f"owner={finance.people['owner'].pk}" in owners
    nobody = director.get(reverse("finance:receivables"), {"by": "owner", "department": "none"}).content.decode()
    assert 'data-row="李代表"' not in nobody
    assert director.get(reverse("finance:receivables"), {"by": "owner", "as_of": "2020-01-01"}).status_code == 200
