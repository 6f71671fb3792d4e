"""Contract execution (合同履行一览表): what was ordered, shipped, invoiced and collected against each
contract, and per period."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.core.scope import ScopeLevel
from salesdesk.finance import payments
from salesdesk.finance.tests.conftest import issued_invoice
from salesdesk.org import services as org_services
from salesdesk.reports import execution
from salesdesk.sales import contracts, orders
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def signed_contract(org, deal, *, signed_on=None, quantity="4"):
    """A contract of 4 × SBS (50,000) with a 30 % advance (15,000), in force (its review is not the point
    here)."""
    amount = Decimal("12500") * Decimal(quantity)
    contract = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="年度框架",
        lines=[LineInput(deal["sbs"], Decimal(quantity))], starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=365),
        installments=[contracts.InstallmentInput("advance", amount * Decimal("0.3"), TODAY()),
                      contracts.InstallmentInput("retention", amount * Decimal("0.7"), TODAY() + datetime.timedelta(days=90))])
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE, signed_on=signed_on or TODAY())
    contract.refresh_from_db()
    return contract


def executed(org, deal):
    """Against the contract: an order of 2 (25,000), 1 shipped and invoiced (12,500), a payment of 20,000
    that pays the advance and 5,000 of the invoice."""
    contract = signed_contract(org, deal)
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"], contract=contract,
                                lines=[LineInput(deal["sbs"], Decimal("2"))],
                                delivery_on=TODAY() + datetime.timedelta(days=5))
    orders.submit_for_review(order=order, by=org.people["owner"])
    invoice = issued_invoice(org, order, SBS="1")
    payment = payments.register(customer=deal["customer"], by=org.people["owner"], amount=Decimal("20000"),
                                received_on=TODAY())
    payments.confirm(payment=payment, by=org.people["checker"])
    payments.allocate(payment=payment, by=org.people["checker"], targets=[
        payments.Target(amount=Decimal("15000"), installment=contract.installments.get(kind="advance")),
        payments.Target(amount=Decimal("5000"), invoice=invoice)])
    return contract


def figures_of(execution_row):
    return (execution_row.amount, execution_row.ordered, execution_row.shipped, execution_row.invoiced,
            execution_row.collected, execution_row.outstanding)


def test_it_counts_what_was_ordered_shipped_invoiced_and_collected_against_the_contract(finance, deal):
    contract = executed(finance, deal)
    other = signed_contract(finance, deal, quantity="1")

    found = execution.execution(Contract.objects.all())

    assert figures_of(found[contract.pk]) == (Decimal("50000.00"), Decimal("25000.00"), Decimal("12500.00"),
                                             Decimal("12500.00"), Decimal("20000.00"), Decimal("30000.00"))
    assert figures_of(found[other.pk]) == (Decimal("12500.00"),) + (Decimal("0.00"),) * 4 + (Decimal("12500.00"),)
    assert found[contract.pk].share("collected") == Decimal("40.0")
    assert figures_of(execution.totals(Contract.objects.all())) == (
        Decimal("62500.00"), Decimal("25000.00"), Decimal("12500.00"), Decimal("12500.00"), Decimal("20000.00"),
        Decimal("42500.00"))


def test_orders_not_agreed_and_payments_not_confirmed_do_not_count(finance, deal):
    contract = signed_contract(finance, deal)
    orders.create_order(by=finance.people["owner"], customer=deal["customer"], contract=contract,
                        lines=[LineInput(deal["sbs"], Decimal("1"))], delivery_on=TODAY() + datetime.timedelta(days=5))
    payments.register(customer=deal["customer"], by=finance.people["owner"], amount=Decimal("1000"),
                      received_on=TODAY())

    assert figures_of(execution.execution(Contract.objects.all())[contract.pk])[1:5] == (Decimal("0.00"),) * 4


def test_statistics_put_each_figure_in_the_period_of_its_own_date(finance, deal):
    contract = executed(finance, deal)
    last_year = TODAY().replace(year=TODAY().year - 1, month=6, day=15)
    signed_contract(finance, deal, signed_on=last_year, quantity="1")
    start, end = datetime.date(TODAY().year - 1, 1, 1), datetime.date(TODAY().year, 12, 31)

    by_year = execution.statistics(Contract.objects.all(), date_from=start, date_to=end, unit="year")
    assert [(row.label, row.figures.contracts, row.figures.amount, row.figures.ordered, row.figures.collected)
            for row in by_year] == [
        (str(last_year.year), 1, Decimal("12500.00"), Decimal("0.00"), Decimal("0.00")),
        (str(TODAY().year), 1, Decimal("50000.00"), Decimal("25000.00"), Decimal("20000.00"))]
    by_month = execution.statistics(Contract.objects.filter(pk=contract.pk), date_from=start, date_to=end)
    assert [row.label for row in by_month] == [f"{TODAY().year}-{TODAY().month:02d}"]
    assert by_month[0].figures.shipped == by_month[0].figures.invoiced == Decimal("12500.00")
    by_quarter = execution.statistics(Contract.objects.all(), date_from=start, date_to=end, unit="quarter")
    assert by_quarter[0].label == f"{last_year.year}-Q2"
    with pytest.raises(ValueError):
        execution.statistics(Contract.objects.all(), date_from=start, date_to=end, unit="week")


def test_the_contract_list_given_decides_what_counts_so_the_scope_holds(finance, deal):
    executed(finance, deal)
    for code, level in (("director", ScopeLevel.ALL),):
        org_services.set_position_scope(position=finance.positions[code], module="sales", level=level)

    seen_by_outsider = execution.contracts_in_scope(finance.user("outsider"))
    seen_by_owner = execution.contracts_in_scope(finance.user("owner"))

    assert execution.execution(seen_by_outsider) == {}
    assert execution.totals(seen_by_outsider).ordered == Decimal("0.00")
    assert execution.totals(seen_by_owner).collected == Decimal("20000.00")
