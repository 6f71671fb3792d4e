"""The sales report's other figures: shipments released, invoices issued and payments confirmed, by
owner, territory, product and period — read through the data scope like the orders."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.core.scope import ScopeLevel
from salesdesk.customers.models import Customer
from salesdesk.finance import payments
from salesdesk.finance.tests.conftest import issued_invoice, ship
from salesdesk.org import services as org_services
from salesdesk.reports.selectors import sales_summary
from salesdesk.reports.tables import periods, sales_report

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def moved(finance, confirmed):
    """The owner's confirmed order (10 SBS, 5 AGT): 2 SBS shipped, then 1 SBS shipped and invoiced;
    20,000 received and confirmed, 999 registered but not yet confirmed."""
    ship(finance, confirmed, SBS="2")
    issued_invoice(finance, confirmed, SBS="1")
    customer = confirmed.customer
    payment = payments.register(customer=customer, by=finance.people["owner"], amount=Decimal("20000"), received_on=TODAY())
    payments.confirm(payment=payment, by=finance.people["checker"])
    payments.register(customer=customer, by=finance.people["owner"], amount=Decimal("999"), received_on=TODAY())
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)
    return finance


def figures(user, measure, by=(), org="booked"):
    return [(*(row[f"{name}_name"] if f"{name}_name" in row else row[name] for name in by), row["amount"], row["count"])
            for row in sales_summary(user, measure=measure, by=by, org=org)]


def test_shipments_count_once_released_at_the_orders_prices(moved):
    director = moved.user("director")
    assert figures(director, "shipments") == [(Decimal("37500.00"), 2)]
    assert figures(director, "shipments", by=("owner",)) == [("李代表", Decimal("37500.00"), 2)]
    by_product = sales_summary(director, measure="shipments", by=("product",))
    assert [(row["product_code"], row["amount"]) for row in by_product] == [("SBS", Decimal("37500.00"))]


def test_invoices_count_once_issued_and_payments_once_confirmed(moved):
    director = moved.user("director")
    assert figures(director, "invoices") == [(Decimal("12500.00"), 1)]
    assert figures(director, "collections") == [(Decimal("20000.00"), 1)]
    this_month = [(row["year"], row["month"]) for row in sales_summary(director, measure="collections",
                                                                       by=("year", "month"))]
    assert this_month == [(TODAY().year, TODAY().month)]


def test_a_territory_is_the_customers_when_the_order_was_booked_or_by_current_organisation_now(moved, confirmed):
    territory = org_services.create_territory(company=moved.company, code="HN", name="华南片区")
    Customer.objects.filter(pk=confirmed.customer_id).update(territory=territory)  # after the order was confirmed
    assert figures(moved.user("director"), "orders", by=("territory",)) == [("", Decimal("126500.00"), 1)]
    assert figures(moved.user("director"), "orders", by=("territory",), org="current") == [
        ("华南片区", Decimal("126500.00"), 1)]


def test_each_one_sees_the_figures_of_his_finance_and_sales_scope(moved):
    for measure in ("shipments", "invoices", "collections"):
        assert figures(moved.user("outsider"), measure) == []
        assert figures(moved.user("owner"), measure) != []


def test_the_report_table_has_a_column_for_every_period_and_totals_both_ways(moved):
    year = TODAY().year
    report = sales_report(moved.user("director"), measure="shipments", rows_by="product", unit="quarter",
                          date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))
    assert report.labels == [f"{year} Q{quarter}" for quarter in (1, 2, 3, 4)]
    assert [(row.name, row.total) for row in report.rows] == [("SBS 产品SBS", Decimal("37500.00"))]
    quarter = (TODAY().month - 1) // 3
    assert report.totals.cells[quarter] == report.totals.total == Decimal("37500.00")
    assert sum(report.totals.cells) == report.totals.total
    with pytest.raises(ValueError):
        sales_report(moved.user("director"), measure="collections", rows_by="product", unit="month",
                     date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))


def test_periods_run_from_the_first_date_to_the_last():
    assert periods(datetime.date(2025, 11, 20), datetime.date(2026, 2, 1), "month") == [
        (2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert periods(datetime.date(2025, 11, 20), datetime.date(2026, 2, 1), "quarter") == [(2025, 4), (2026, 1)]
    assert periods(datetime.date(2024, 5, 1), datetime.date(2026, 2, 1), "year") == [(2024,), (2025,), (2026,)]
