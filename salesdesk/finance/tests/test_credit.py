"""Credit control at the three money moments, whatever way the document got there."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.finance import credit, invoicing
from salesdesk.finance.models import CreditOverride, CreditProfile, FinanceSettings, Invoice
from salesdesk.sales import contracts, orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import SalesOrder, Shipment

from .conftest import issued_invoice, ship
from .test_payments import received

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def rate(org, customer, level="B", limit="100000", policy="credit", days=30):
    return credit.set_profile(customer=customer, by=org.people["checker"], level=level, limit=Decimal(limit),
                              policy=policy, payment_days=days)


def new_order(org, deal, quantity="10", submit=True):
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["sbs"], Decimal(quantity))],
                                delivery_on=TODAY() + datetime.timedelta(days=3))
    if submit:
        orders.submit_for_review(order=order, by=org.people["owner"])
        order.refresh_from_db()
    return order


def ship_from(org, deal):
    from salesdesk.core.access import Actor
    from salesdesk.sales.models import Warehouse

    warehouse, _created = Warehouse.objects.get_or_create(company=org.company, code="WH", defaults={"name": "总库"})
    shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=deal["sbs"], quantity=Decimal("100"))
    return warehouse


def override_chain(org):
    chain = ApprovalChain.objects.create(company=org.company, document_type="credit_override", name="信用特批")
    step = ApprovalStep.objects.create(chain=chain, order=1, name="总监审批", approver="positions")
    step.positions.set([org.positions["director"]])


def company_defaults(org, **values):
    FinanceSettings.objects.filter(company=org.company).delete()
    if values:
        FinanceSettings.objects.create(company=org.company, **values)


def test_an_unrated_customer_of_a_company_that_set_nothing_pays_cash_before_delivery(finance, deal):
    org = finance
    company_defaults(org)  # no finance settings at all
    order = new_order(org, deal, quantity="52")  # 650,000 for a customer nobody has rated
    assert order.status == SalesOrder.Status.CONFIRMED  # cash customers may order …
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=ship_from(org, deal),
                                        quantities={order.lines.get().pk: Decimal("52")})
    with pytest.raises(credit.CreditBlocked, match="not rated yet.*cash before delivery: 650000.00 more"):
        shipping.release(shipment=shipment)  # … but no goods leave before the money is in
    received(org, deal["customer"], "650000")
    shipping.release(shipment=shipment)
    assert Shipment.objects.get(pk=shipment.pk).status == Shipment.Status.RELEASED


def test_an_unrated_customer_gets_the_companys_default_credit_limit(finance, deal):
    org = finance
    company_defaults(org, default_credit_policy="credit", default_credit_limit=Decimal("100000"))
    new_order(org, deal, quantity="8")  # 100,000: the whole default limit
    with pytest.raises(credit.CreditBlocked, match=r"not rated yet.*would use 112500\.00 of its credit limit of "
                                                    r"100000\.00"):
        new_order(org, deal, quantity="1")


def test_rating_the_customer_replaces_the_companys_defaults(finance, deal):
    org = finance
    company_defaults(org)
    rate(org, deal["customer"], limit="1000000")
    order = new_order(org, deal, quantity="52")
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=ship_from(org, deal),
                                        quantities={order.lines.get().pk: Decimal("52")})
    shipping.release(shipment=shipment)  # on credit within its own limit


def test_the_order_page_says_an_unrated_customer_is_not_rated_and_what_blocks_it(finance, deal):
    from django.test import Client

    org = finance
    company_defaults(org)
    order = new_order(org, deal, quantity="1")
    client = Client()
    client.force_login(org.user("owner"))
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-credit"' in page and 'id="credit-blocked"' in page
    assert 'data-credit-level=""' in page


def test_an_order_over_the_credit_limit_is_blocked_with_the_figures(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="100000")
    new_order(org, deal, quantity="6")  # 75,000 within the limit
    order = new_order(org, deal, quantity="2", submit=False)  # 25,000 more: 100,000 exactly
    orders.submit_for_review(order=order, by=org.people["owner"])
    third = new_order(org, deal, quantity="1", submit=False)
    with pytest.raises(credit.CreditBlocked, match=r"would use 112500\.00 of its credit limit of 100000\.00 "
                                                    r"\(12500\.00 over\)"):
        orders.submit_for_review(order=third, by=org.people["owner"])
    third.refresh_from_db()
    assert third.status == SalesOrder.Status.DRAFT


def test_money_received_frees_credit(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="100000")
    new_order(org, deal, quantity="8")  # 100,000: the whole limit
    order = new_order(org, deal, quantity="1", submit=False)
    with pytest.raises(credit.CreditBlocked):
        orders.submit_for_review(order=order, by=org.people["owner"])
    received(org, deal["customer"], "12500")  # unapplied money counts against what is used
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CONFIRMED


def test_an_approved_override_lets_the_blocked_order_through_once(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="10000")
    override_chain(org)
    order = new_order(org, deal, quantity="1", submit=False)
    with pytest.raises(credit.CreditBlocked):
        orders.submit_for_review(order=order, by=org.people["owner"])
    request = credit.request_override(order=order, action="confirm", by=org.people["owner"], reason="老客户，春节备货")
    with pytest.raises(ValidationError, match="already asked"):
        credit.request_override(order=order, action="confirm", by=org.people["owner"], reason="again")
    with pytest.raises(credit.CreditBlocked):
        orders.submit_for_review(order=order, by=org.people["owner"])  # not approved yet
    approvals.decide(request=request, actor=org.people["director"], decision="approve")
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CONFIRMED
    assert CreditOverride.objects.get().status == CreditOverride.Status.USED


def test_the_owner_cannot_approve_his_own_override(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="0")
    chain = ApprovalChain.objects.create(company=org.company, document_type="credit_override", name="信用特批")
    ApprovalStep.objects.create(chain=chain, order=1, name="上级", approver="superior")
    order = new_order(org, deal, quantity="1", submit=False)
    request = credit.request_override(order=order, action="confirm", by=org.people["owner"], reason="x")
    with pytest.raises(Exception):  # noqa: B017 - the engine refuses the submitter whatever its message
        approvals.decide(request=request, actor=org.people["owner"], decision="approve")


def test_orders_from_a_contract_and_reopened_orders_meet_the_same_gate(finance, deal):
    org = finance
    contract = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="框架", lines=[LineInput(deal["sbs"], Decimal("4"))],
        starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=365),
        installments=[contracts.InstallmentInput("retention", Decimal("50000"), TODAY())])
    type(contract).objects.filter(pk=contract.pk).update(status="active")
    rate(org, deal["customer"], limit="1000")
    order = orders.order_from_contract(contract=contract, by=org.people["owner"],
                                       delivery_on=TODAY() + datetime.timedelta(days=3))
    with pytest.raises(credit.CreditBlocked):
        orders.submit_for_review(order=order, by=org.people["owner"])
    SalesOrder.objects.filter(pk=order.pk).update(status=SalesOrder.Status.REJECTED)
    orders.reopen(order=order)
    with pytest.raises(credit.CreditBlocked):
        orders.submit_for_review(order=order, by=org.people["owner"])


def test_credit_that_ran_out_during_the_review_blocks_the_confirmation(finance, deal):
    """Checked again at the end of the review, not only when it started."""
    org = finance
    rate(org, deal["customer"], limit="30000")
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="订单评审")
    step = ApprovalStep.objects.create(chain=chain, order=1, name="总监", approver="positions")
    step.positions.set([org.positions["director"]])
    first = new_order(org, deal, quantity="2", submit=False)
    second = new_order(org, deal, quantity="2", submit=False)
    one = orders.submit_for_review(order=first, by=org.people["owner"])
    two = orders.submit_for_review(order=second, by=org.people["owner"])  # both fit alone: 25,000 each
    approvals.decide(request=one, actor=org.people["director"], decision="approve")
    with pytest.raises(credit.CreditBlocked):
        approvals.decide(request=two, actor=org.people["director"], decision="approve")
    second.refresh_from_db()
    assert second.status == SalesOrder.Status.IN_REVIEW


def test_cash_before_delivery_ships_only_what_was_paid_for(finance, deal):
    org = finance
    rate(org, deal["customer"], level="D", policy="cash", limit="0")
    order = new_order(org, deal, quantity="2")  # may be confirmed
    assert order.status == SalesOrder.Status.CONFIRMED
    with pytest.raises(credit.CreditBlocked, match="25000.00 more must be received"):
        ship(org, order, SBS="2")
    received(org, deal["customer"], "25000")
    shipping.release(shipment=Shipment.objects.get(order=order))
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.SHIPPED


def test_an_overdue_invoice_blocks_the_next_shipment(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="1000000")
    order = new_order(org, deal, quantity="10")
    invoice = issued_invoice(org, order, SBS="2")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(credit.CreditBlocked, match="overdue"):
        ship(org, order, SBS="3")
    assert order.lines.get().shipped_quantity == Decimal("2")
    assert Shipment.objects.filter(order=order, status=Shipment.Status.DRAFT).count() == 1


def test_an_invoice_is_due_after_the_customers_days_of_credit_or_at_once_for_cash(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="1000000", days=45)
    order = new_order(org, deal, quantity="10")
    invoice = issued_invoice(org, order, SBS="1", issued_on=TODAY())
    assert invoice.due_on == TODAY() + datetime.timedelta(days=45)
    CreditProfile.objects.filter(customer=deal["customer"]).update(policy="cash")
    received(org, deal["customer"], "25000")  # the open invoice and the next shipment, paid before
    second = issued_invoice(org, order, SBS="1", issued_on=TODAY())
    assert second.due_on == TODAY()


def test_issuing_an_invoice_is_blocked_while_the_customer_has_something_overdue(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="1000000")
    order = new_order(org, deal, quantity="10")
    first = issued_invoice(org, order, SBS="1")
    ship(org, order, SBS="1")
    Invoice.objects.filter(pk=first.pk).update(due_on=TODAY() - datetime.timedelta(days=5))
    line = order.lines.get()
    invoice = invoicing.request_invoice(order=order, by=org.people["owner"], buyer_tax_id="91430600MA4L000000",
                                        quantities={line.pk: Decimal("1")})
    invoicing.submit(invoice=invoice, by=org.people["owner"])
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    with pytest.raises(credit.CreditBlocked, match="overdue"):
        invoicing.issue(invoice=invoice, by=org.people["clerk"], invoice_number="43009999", issued_on=TODAY())
    invoice.refresh_from_db()
    line.refresh_from_db()
    assert (invoice.status, line.invoiced_quantity) == (Invoice.Status.CHECKED, Decimal("1"))


def test_an_imported_open_order_meets_the_credit_gate_and_nothing_is_imported(finance, deal):
    from salesdesk.sales import history
    from salesdesk.sales.tests.test_history import xlsx

    org = finance
    rate(org, deal["customer"], limit="5000")
    rows = [["B-1", "2026-01-05", "巴陵石化", "李代表", "SBS", "1", "12500", "", "", ""]]
    columns, table = history.read_table("orders.xlsx", xlsx(rows))
    with pytest.raises(ValidationError, match="Order B-1: Credit check: 巴陵石化 would use 12500.00"):
        history.commit(company=org.company, user=org.user("owner"), rows=table,
                       mapping=history.guess_mapping(columns))
    assert not SalesOrder.objects.exists()
    CreditProfile.objects.filter(customer=deal["customer"]).update(limit=Decimal("20000"))
    history.commit(company=org.company, user=org.user("owner"), rows=table, mapping=history.guess_mapping(columns))
    assert SalesOrder.objects.get().status == SalesOrder.Status.CONFIRMED
