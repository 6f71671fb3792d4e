"""Every change of quantity and state in sales reaches the audit log, also where the services write
set-based (UPDATE, bulk_create), which sends no signals: an order's confirmation, a contract put in
force or turned down by its review, the stock and the shipped quantities on release, the lines of a
document — who did it, before and after, the record's company."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.audit.models import AuditEntry
from salesdesk.audit.registry import timeline_for
from salesdesk.core.access import Actor
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.sales import contracts, orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Installment, SalesOrderLine, ShipmentLine, StockLevel, Warehouse

from .test_contracts import contract, review  # noqa: F401 (the contract review chain, a fixture)

pytestmark = pytest.mark.django_db


def acting(org, key):
    """As a request of `key` would: the signed-in person acts."""
    return acting_as(actor_for_user(org.user(key), source="web"))


def change_of(record, field):
    """(who, before, after) of the latest audit entry of `record` that changed `field`."""
    for entry in timeline_for(record).order_by("-id"):
        if field in entry.changes:
            return (entry.actor_name, *entry.changes[field])
    return None


def created(model, record):
    return AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(model), object_id=str(record.pk),
                                  action="create")


@pytest.fixture
def order(org, deal):
    with acting(org, "owner"):
        return orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                   lines=[LineInput(deal["sbs"], Decimal("10")), LineInput(deal["agent"], Decimal("5"))],
                                   delivery_on=timezone.localdate() + datetime.timedelta(days=3))


@pytest.fixture
def warehouse(org, deal):
    main = Warehouse.objects.create(company=org.company, code="WH1", name="总库")
    for product, quantity in ((deal["sbs"], "8"), (deal["agent"], "100")):
        shipping.receive_stock(by=Actor.command("test"), warehouse=main, product=product, quantity=Decimal(quantity))
    return main


def test_an_orders_lines_are_recorded_as_they_are_written(org, order):
    for line in order.lines.all():
        entry = created(SalesOrderLine, line)
        assert (entry.actor_name, entry.company_id) == ("李代表", org.company.pk)
        assert (Decimal(entry.changes["quantity"][1]), Decimal(entry.changes["amount"][1])) == (line.quantity,
                                                                                                line.amount)


def test_confirming_an_order_records_the_confirmation(org, order):
    with acting(org, "owner"):
        orders.submit_for_review(order=order, by=org.people["owner"])  # no chain: confirmed at once

    assert change_of(order, "status") == ("李代表", "in_review", "confirmed")
    assert change_of(order, "confirmed_at")[1] is None
    assert change_of(order, "booked_department") == ("李代表", None, org.departments["shanghai"].pk)
    assert timeline_for(order).latest("id").company_id == org.company.pk


def test_a_contract_put_in_force_by_its_review_records_the_new_state(org, deal, review):  # noqa: F811
    made = contract(org, deal)
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])
    for who in ("superior", "regional"):
        approvals.decide(request=request, actor=org.people[who], decision="approve")

    with acting(org, "director"):
        approvals.decide(request=request, actor=org.people["director"], decision="approve")

    assert change_of(made, "status") == ("赵总监", "in_review", "active")
    assert change_of(made, "signed_on") == ("赵总监", None, timezone.localdate().isoformat())


def test_a_contract_turned_down_by_its_review_records_the_new_state(org, deal, review):  # noqa: F811
    made = contract(org, deal)
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])

    with acting(org, "superior"):
        approvals.decide(request=request, actor=org.people["superior"], decision="reject", comment="付款条件不可接受")

    assert change_of(made, "status") == ("孙经理", "in_review", "rejected")


def test_a_contracts_lines_and_installments_are_recorded_as_they_are_written(org, deal):
    with acting(org, "owner"):
        made = contract(org, deal)

    installment = made.installments.get(kind="delivery")
    assert created(Installment, installment).changes["amount"] == [None, "75000.00"]
    assert created(Installment, installment).company_id == org.company.pk


def test_releasing_a_shipment_records_the_stock_taken_and_the_quantities_shipped(org, deal, order, warehouse):
    with acting(org, "owner"):
        orders.submit_for_review(order=order, by=org.people["owner"])
    lines = {line.product.code: line for line in order.lines.select_related("product")}
    with acting(org, "clerk"):
        shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                            quantities={lines["SBS"].pk: Decimal("6"), lines["AGT"].pk: Decimal("5")})
        with CaptureQueriesContext(connection) as queries:
            shipping.release(shipment=shipment)

    sbs = StockLevel.objects.get(warehouse=warehouse, product=deal["sbs"])
    assert change_of(sbs, "quantity") == ("户内勤", "8.000", "2.000")
    assert change_of(lines["SBS"], "shipped_quantity") == ("户内勤", "0.000", "6.000")
    assert change_of(lines["AGT"], "shipped_quantity") == ("户内勤", "0.000", "5.000")
    assert {entry.company_id for entry in timeline_for(sbs)} == {org.company.pk}
    made = shipment.lines.get(product=deal["sbs"])
    assert created(ShipmentLine, made).changes["quantity"] == [None, "6"]
    inserts = [query for query in queries.captured_queries if query["sql"].startswith('INSERT INTO "audit_auditentry"')]
    assert len(inserts) == 3  # the stock and the order lines together; the order and the shipment by their signals
