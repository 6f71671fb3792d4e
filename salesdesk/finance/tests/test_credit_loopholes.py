"""Credit control without loopholes (the anchors' known bug, ERPNext #33967 / Odoo #51081, must not
exist here): an approved override is bound to what was approved, its amount is the whole excess,
samples and gifts leave on the customer's credit, an import meets the same gates, and parallel
requests for one customer are checked one after another. Every path to a money moment is tried:
the page, the service, an order from a contract, a reopened order, the import, parallel requests."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalRequest, ApprovalStep
from salesdesk.customers import services as customer_services
from salesdesk.finance import credit
from salesdesk.finance.models import CreditOverride, Invoice
from salesdesk.sales import contracts, history, orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import SalesOrder, Shipment, StockLevel, Warehouse
from salesdesk.sales.tests.test_history import xlsx

from .test_credit import override_chain, rate
from .test_payments import received

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def draft(org, deal, quantity):
    return orders.create_order(by=org.people["owner"], customer=deal["customer"],
                               lines=[LineInput(deal["sbs"], Decimal(quantity))],
                               delivery_on=TODAY() + datetime.timedelta(days=3))


def approved_override(org, order, action="confirm"):
    request = credit.request_override(order=order, action=action, by=org.people["owner"], reason="老客户")
    approvals.decide(request=request, actor=org.people["director"], decision="approve")
    return CreditOverride.objects.get(order=order, action=action, status=CreditOverride.Status.APPROVED)


def stocked(org, product, quantity="1000"):
    from salesdesk.core.access import Actor

    warehouse, _created = Warehouse.objects.get_or_create(company=org.company, code="WH", defaults={"name": "总库"})
    shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=product, quantity=Decimal(quantity))
    return warehouse


# --- an approved override is bound to what was approved ------------------------------------------


def test_an_override_approved_for_a_small_excess_does_not_let_a_raised_draft_through(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="12380")  # 120.00 short of one unit at 12,500
    override_chain(org)
    order = draft(org, deal, "1")
    override = approved_override(org, order)
    assert (override.amount, override.order_amount) == (Decimal("120.00"), Decimal("12500.00"))

    orders.update_order(order=order, lines=[LineInput(deal["sbs"], Decimal("73.6"))],
                        delivery_on=order.delivery_on)  # 920,000.00

    with pytest.raises(credit.CreditBlocked, match="no longer applies"):
        orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.DRAFT
    again = credit.request_override(order=order, action="confirm", by=org.people["owner"], reason="大单")
    assert CreditOverride.objects.get(pk=override.pk).status == CreditOverride.Status.EXPIRED
    assert again.document.amount == Decimal("920000.00") - Decimal("12380")


def test_an_override_is_not_used_for_another_customer_or_once_the_limit_was_lowered(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="10000")
    override_chain(org)
    order = draft(org, deal, "1")
    approved_override(org, order)  # 2,500.00 beyond the limit
    other = customer_services.create_customer(company=org.company, by=org.people["owner"], owner=org.people["owner"],
                                              name="岳阳兴长")
    rate(org, other, limit="10000")

    SalesOrder.objects.filter(pk=order.pk).update(customer=other)
    with pytest.raises(credit.CreditBlocked, match="another customer"):
        orders.submit_for_review(order=SalesOrder.objects.get(pk=order.pk), by=org.people["owner"])

    SalesOrder.objects.filter(pk=order.pk).update(customer=deal["customer"])
    rate(org, deal["customer"], limit="5000")  # lowered after the approval: 7,500.00 beyond it now
    with pytest.raises(credit.CreditBlocked, match="no longer applies"):
        orders.submit_for_review(order=SalesOrder.objects.get(pk=order.pk), by=org.people["owner"])


def test_an_override_that_still_fits_lets_a_reopened_order_through(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="10000")
    override_chain(org)
    order = draft(org, deal, "1")
    approved_override(org, order)
    SalesOrder.objects.filter(pk=order.pk).update(status=SalesOrder.Status.REJECTED)
    orders.reopen(order=order)

    orders.submit_for_review(order=order, by=org.people["owner"])

    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrder.Status.CONFIRMED
    assert CreditOverride.objects.get(order=order).status == CreditOverride.Status.USED


# --- the override's amount is everything beyond the rules -----------------------------------------


def test_the_override_asks_for_the_whole_excess_not_only_the_overdue_part(finance, deal):
    from .conftest import issued_invoice

    org = finance
    rate(org, deal["customer"], limit="500000")
    first = draft(org, deal, "1")
    orders.submit_for_review(order=first, by=org.people["owner"])
    invoice = issued_invoice(org, SalesOrder.objects.get(pk=first.pk), SBS="1")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=TODAY() - datetime.timedelta(days=5))
    chain = ApprovalChain.objects.create(company=org.company, document_type="credit_override", name="信用特批")
    ApprovalStep.objects.create(chain=chain, order=1, name="上级", approver="superior")
    big = draft(org, deal, "105.6")  # 1,320,000.00

    request = credit.request_override(order=big, action="confirm", by=org.people["owner"], reason="年度大单")

    override = request.document
    assert override.amount == Decimal("12500.00") + Decimal("1320000.00") - Decimal("500000")
    assert "overdue" in override.blocked_because and "credit limit" in override.blocked_because


# --- samples and gifts -------------------------------------------------------------------------------


def test_gifts_leave_on_the_customers_credit_at_their_list_value(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="30000")
    order = draft(org, deal, "2")  # 25,000.00, within the limit
    orders.submit_for_review(order=order, by=org.people["owner"])
    warehouse = stocked(org, deal["sbs"])
    stocked(org, deal["agent"])
    line = order.lines.get()
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={line.pk: Decimal("2")},
                                        free_lines=[shipping.FreeLine(deal["agent"], Decimal("500"), "gift")])

    with pytest.raises(credit.CreditBlocked, match="175000.00 of its credit limit"):
        shipping.release(shipment=shipment)  # 500 × 300.00 of gifts on top of the order's 25,000.00

    override_chain(org)
    override = approved_override(org, order, action="release")
    assert override.action_amount == Decimal("175000.00")
    shipping.release(shipment=shipment)
    assert Shipment.objects.get(pk=shipment.pk).status == Shipment.Status.RELEASED
    assert StockLevel.objects.get(warehouse=warehouse, product=deal["agent"]).quantity == Decimal("500")


def test_a_cash_customer_receives_gifts_only_against_money_received(finance, deal):
    org = finance
    rate(org, deal["customer"], level="D", policy="cash", limit="0")
    order = draft(org, deal, "1")
    orders.submit_for_review(order=order, by=org.people["owner"])
    received(org, deal["customer"], "12500")
    warehouse = stocked(org, deal["sbs"])
    stocked(org, deal["agent"])
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={order.lines.get().pk: Decimal("1")},
                                        free_lines=[shipping.FreeLine(deal["agent"], Decimal("10"), "sample")])

    with pytest.raises(credit.CreditBlocked, match="3000.00 more must be received"):
        shipping.release(shipment=shipment)


# --- the page meets the same gate ------------------------------------------------------------------


def test_submitting_an_order_on_its_page_meets_the_gate_and_keeps_the_draft(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="1000")
    order = draft(org, deal, "1")
    client = Client()
    client.force_login(org.user("owner"))

    page = client.post(f"/sales/orders/{order.pk}/submit/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert "Credit check" in page.content.decode()
    assert SalesOrder.objects.get(pk=order.pk).status == SalesOrder.Status.DRAFT


def test_approving_an_order_through_the_api_meets_the_gate_with_a_message(finance, deal):
    from salesdesk.accounts.services import create_api_token

    org = finance
    rate(org, deal["customer"], limit="15000")
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="订单评审")
    step = ApprovalStep.objects.create(chain=chain, order=1, name="总监", approver="positions")
    step.positions.set([org.positions["director"]])
    first, second = draft(org, deal, "1"), draft(org, deal, "1")
    orders.submit_for_review(order=first, by=org.people["owner"])
    review = orders.submit_for_review(order=second, by=org.people["owner"])  # each fits alone
    approvals.decide(request=ApprovalRequest.objects.get(object_id=first.pk, document_type="order"),
                     actor=org.people["director"], decision="approve")
    _token, raw = create_api_token(user=org.user("director"), name="test")

    answer = Client().post(f"/api/v1/approvals/{review.pk}/decide/", {"decision": "approve"},
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"})

    assert answer.status_code == 400 and "Credit check" in answer.json()["message"]
    assert SalesOrder.objects.get(pk=second.pk).status == SalesOrder.Status.IN_REVIEW


def test_an_order_from_a_contract_meets_the_gate_and_an_override_is_bound_to_it(finance, deal):
    org = finance
    contract = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="框架", lines=[LineInput(deal["sbs"], Decimal("4"))],
        starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=365),
        installments=[contracts.InstallmentInput("retention", Decimal("50000"), TODAY())])
    type(contract).objects.filter(pk=contract.pk).update(status="active")
    rate(org, deal["customer"], limit="20000")
    override_chain(org)
    first = orders.order_from_contract(contract=contract, by=org.people["owner"],
                                       delivery_on=TODAY() + datetime.timedelta(days=3),
                                       quantities={contract.lines.get().pk: Decimal("2")})
    approved_override(org, first)  # 5,000.00 beyond the limit, for this order
    second = orders.order_from_contract(contract=contract, by=org.people["owner"],
                                        delivery_on=TODAY() + datetime.timedelta(days=3))

    with pytest.raises(credit.CreditBlocked, match="Ask for a credit override"):
        orders.submit_for_review(order=second, by=org.people["owner"])  # the first order's override is its own
    orders.submit_for_review(order=first, by=org.people["owner"])
    assert SalesOrder.objects.get(pk=first.pk).status == SalesOrder.Status.CONFIRMED


# --- importing -------------------------------------------------------------------------------------


def import_rows(org, rows, by="owner"):
    columns, table = history.read_table("orders.xlsx", xlsx(rows))
    return history.commit(company=org.company, user=org.user(by), rows=table, mapping=history.guess_mapping(columns))


def shipped_row(number, on, quantity="2"):
    return [number, on.isoformat(), "巴陵石化", "李代表", "SBS", quantity, "12500", "", "", on.isoformat()]


def test_an_order_imported_as_shipped_since_the_company_started_meets_the_release_gate(finance, deal):
    org = finance
    rate(org, deal["customer"], level="D", policy="cash", limit="0")
    warehouse = stocked(org, deal["sbs"], "100")

    with pytest.raises(ValidationError, match="Order S-1: Credit check: .*pays cash before delivery"):
        import_rows(org, [shipped_row("S-1", TODAY())])
    assert not SalesOrder.objects.exists()

    received(org, deal["customer"], "25000")
    import_rows(org, [shipped_row("S-1", TODAY())])
    order = SalesOrder.objects.get()
    assert order.status == SalesOrder.Status.SHIPPED  # counted as shipped and not yet invoiced
    assert credit.exposure(deal["customer"]).shipped_not_invoiced == Decimal("25000.00")
    assert StockLevel.objects.get(warehouse=warehouse, product=deal["sbs"]).quantity == Decimal("98")


def test_an_order_imported_as_shipped_needs_the_stock_it_took(finance, deal):
    org = finance
    rate(org, deal["customer"], limit="1000000")
    stocked(org, deal["sbs"], "1")

    with pytest.raises(ValidationError, match="not enough"):
        import_rows(org, [shipped_row("S-2", TODAY())])
    assert not SalesOrder.objects.exists()


def test_an_order_shipped_before_the_company_started_is_closed_history(finance, deal):
    org = finance
    rate(org, deal["customer"], level="D", policy="cash", limit="0")
    warehouse = stocked(org, deal["sbs"], "100")

    import_rows(org, [shipped_row("H-1", datetime.date(2024, 5, 10))])

    assert SalesOrder.objects.get().status == SalesOrder.Status.CLOSED
    assert StockLevel.objects.get(warehouse=warehouse, product=deal["sbs"]).quantity == Decimal("100")
    assert credit.exposure(deal["customer"]).used == Decimal("0.00")


def test_the_import_finds_no_customer_outside_the_importers_scope(finance, deal):
    org = finance
    rows = [["T-1", "2024-05-06", "巴陵石化", "周代表", "SBS", "1", "12500", "", "", ""]]

    with pytest.raises(history.OrdersNotImported) as refused:
        import_rows(org, rows, by="teammate")  # 巴陵石化 is 李代表's customer

    assert refused.value.results[0].errors == ["There is no customer called “巴陵石化”."]


# --- parallel requests for one customer --------------------------------------------------------------


def in_parallel(calls):
    barrier = threading.Barrier(len(calls))
    done, refused, errors = [], [], []

    def run(call):
        try:
            barrier.wait()
            call()
            done.append(call)
        except ValidationError:
            refused.append(call)
        except Exception as error:  # pragma: no cover - reported by the assertion
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


@pytest.mark.django_db(transaction=True)
def test_eight_parallel_confirmations_for_one_customer_stay_within_its_limit(finance, deal):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")
    org = finance
    rate(org, deal["customer"], limit="30000")
    drafts = [draft(org, deal, "1") for _ in range(8)]  # 12,500.00 each: two fit

    done, refused = in_parallel([
        (lambda order=order: orders.submit_for_review(order=order, by=org.people["owner"])) for order in drafts])

    assert (len(done), len(refused)) == (2, 6)
    assert SalesOrder.objects.filter(status=SalesOrder.Status.CONFIRMED).count() == 2
    assert credit.exposure(deal["customer"]).used == Decimal("25000.00")


@pytest.mark.django_db(transaction=True)
def test_four_parallel_releases_for_a_cash_customer_release_only_what_was_paid_for(finance, deal):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")
    org = finance
    rate(org, deal["customer"], level="D", policy="cash", limit="0")
    warehouse = stocked(org, deal["sbs"], "10")
    shipments = []
    for _ in range(4):
        order = draft(org, deal, "1")
        orders.submit_for_review(order=order, by=org.people["owner"])
        shipments.append(shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                                  quantities={order.lines.get().pk: Decimal("1")}))
    received(org, deal["customer"], "25000")  # pays for two

    done, refused = in_parallel([
        (lambda shipment=shipment: shipping.release(shipment=shipment)) for shipment in shipments])

    assert (len(done), len(refused)) == (2, 2)
    assert Shipment.objects.filter(status=Shipment.Status.RELEASED).count() == 2
    assert StockLevel.objects.get(warehouse=warehouse, product=deal["sbs"]).quantity == Decimal("8")
