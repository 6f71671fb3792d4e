"""One allocation model: money allocated to an invoice of a contract's order counts against the
contract's installments too — oldest due first, after what was allocated to each installment directly —
so the payment plan shows per installment what was paid, how, and what is still open."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from salesdesk.finance import payments
from salesdesk.finance.installments import payment_plan
from salesdesk.sales import contracts, orders
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract

from .conftest import issued_invoice

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def contract(finance, deal):
    """50,000 of SBS in force: 15,000 advance now, 25,000 on delivery in 30 days, 10,000 retention in 180."""
    made = contracts.create_contract(
        by=finance.people["owner"], customer=deal["customer"], title="SBS 供货合同",
        lines=[LineInput(deal["sbs"], Decimal("4"))], starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=365),
        installments=[contracts.InstallmentInput("advance", Decimal("15000"), TODAY()),
                      contracts.InstallmentInput("delivery", Decimal("25000"), TODAY() + datetime.timedelta(days=30)),
                      contracts.InstallmentInput("retention", Decimal("10000"), TODAY() + datetime.timedelta(days=180))])
    Contract.objects.filter(pk=made.pk).update(status=Contract.Status.ACTIVE, signed_on=TODAY())
    made.refresh_from_db()
    return made


@pytest.fixture
def order(finance, deal, contract):
    made = orders.create_order(by=finance.people["owner"], customer=deal["customer"], contract=contract,
                               lines=[LineInput(deal["sbs"], Decimal("4"))], delivery_on=TODAY() + datetime.timedelta(days=5))
    orders.submit_for_review(order=made, by=finance.people["owner"])
    made.refresh_from_db()
    return made


def pay(org, customer, amount, *targets):
    payment = payments.register(customer=customer, by=org.people["owner"], amount=Decimal(amount), received_on=TODAY())
    payments.confirm(payment=payment, by=org.people["checker"])
    return payments.allocate(payment=payment, by=org.people["checker"],
                             targets=[payments.Target(amount=Decimal(amount), **target) for amount, target in targets])


def installment(contract, kind):
    return contract.installments.get(kind=kind)


def figures(plan):
    return [(row.installment.kind, row.direct, row.through_invoices, row.open) for row in plan.rows]


def test_invoice_money_pays_the_installments_oldest_due_first(finance, deal, contract, order):
    invoice = issued_invoice(finance, order, SBS="2")  # 25,000
    pay(finance, deal["customer"], "20000", ("20000", {"invoice": invoice}))

    assert figures(payment_plan(contract)) == [
        ("advance", Decimal("0"), Decimal("15000"), Decimal("0")),
        ("delivery", Decimal("0"), Decimal("5000"), Decimal("20000")),
        ("retention", Decimal("0"), Decimal("0"), Decimal("10000"))]


def test_money_allocated_to_an_installment_directly_counts_there_first(finance, deal, contract, order):
    invoice = issued_invoice(finance, order, SBS="2")  # 25,000
    pay(finance, deal["customer"], "35000", ("10000", {"installment": installment(contract, "retention")}),
        ("25000", {"invoice": invoice}))
    plan = payment_plan(contract)

    assert figures(plan) == [
        ("advance", Decimal("0"), Decimal("15000"), Decimal("0")),
        ("delivery", Decimal("0"), Decimal("10000"), Decimal("15000")),
        ("retention", Decimal("10000"), Decimal("0"), Decimal("0"))]
    assert (plan.paid, plan.open, plan.beyond_plan) == (Decimal("35000"), Decimal("15000"), Decimal("0"))


def test_invoice_money_beyond_what_the_installments_have_open_shows_beyond_the_plan(finance, deal, contract, order):
    pay(finance, deal["customer"], "15000", ("15000", {"installment": installment(contract, "advance")}))
    invoice = issued_invoice(finance, order, SBS="4")  # 50,000: the advance is invoiced again
    pay(finance, deal["customer"], "40000", ("40000", {"invoice": invoice}))
    plan = payment_plan(contract)

    assert [row.open for row in plan.rows] == [Decimal("0"), Decimal("0"), Decimal("0")]
    assert (plan.through_invoices, plan.beyond_plan) == (Decimal("35000"), Decimal("5000"))


def test_an_installment_paid_through_invoices_takes_no_more_money_directly(finance, deal, contract, order):
    invoice = issued_invoice(finance, order, SBS="2")
    pay(finance, deal["customer"], "20000", ("20000", {"invoice": invoice}))
    payment = payments.register(customer=deal["customer"], by=finance.people["owner"], amount=Decimal("30000"),
                                received_on=TODAY())
    payments.confirm(payment=payment, by=finance.people["checker"])

    with pytest.raises(ValidationError, match="only 0.00 is open"):
        payments.allocate(payment=payment, by=finance.people["checker"],
                          targets=[payments.Target(amount=Decimal("1"), installment=installment(contract, "advance"))])
    with pytest.raises(ValidationError, match="only 20000.00 is open"):
        payments.allocate(payment=payment, by=finance.people["checker"], targets=[
            payments.Target(amount=Decimal("20000.01"), installment=installment(contract, "delivery"))])
    payments.allocate(payment=payment, by=finance.people["checker"],
                      targets=[payments.Target(amount=Decimal("20000"), installment=installment(contract, "delivery"))])
    assert payment_plan(contract).open == Decimal("10000")


def test_the_payment_page_offers_installments_with_what_the_invoices_left_open(finance, deal, contract, order):
    invoice = issued_invoice(finance, order, SBS="2")
    pay(finance, deal["customer"], "20000", ("20000", {"invoice": invoice}))
    payment = payments.register(customer=deal["customer"], by=finance.people["owner"], amount=Decimal("100"),
                                received_on=TODAY())
    payments.confirm(payment=payment, by=finance.people["checker"])
    clerk = Client(HTTP_ACCEPT_LANGUAGE="en")
    clerk.force_login(finance.user("checker"))
    page = clerk.get(f"/finance/payments/{payment.pk}/").content.decode()

    assert f'name="installment-{installment(contract, "advance").pk}"' not in page  # paid through the invoice
    assert f'name="installment-{installment(contract, "delivery").pk}"' in page and "20,000.00" in page


def test_the_contract_page_shows_per_installment_what_was_paid_and_how(finance, deal, contract, order):
    invoice = issued_invoice(finance, order, SBS="2")
    pay(finance, deal["customer"], "30000", ("10000", {"installment": installment(contract, "retention")}),
        ("20000", {"invoice": invoice}))
    rep = Client(HTTP_ACCEPT_LANGUAGE="en")
    rep.force_login(finance.user("owner"))
    page = rep.get(f"/sales/contracts/{contract.pk}/").content.decode()

    assert "Paid through invoices" in page and "Paid directly" in page
    delivery = page.split('data-installment="delivery"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-paid="invoices">5,000.00</td>' in delivery
    assert '<td class="text-end fw-semibold" data-open>20,000.00</td>' in delivery
    retention = page.split('data-installment="retention"')[1].split("</tr>")[0]
    assert '<td class="text-end" data-paid="direct">10,000.00</td>' in retention
    assert 'id="plan-open">20,000.00<' in page
