"""Every way a sales document is booked records where: an order confirmed (at once, at the end of its
review, reopened and reviewed again, from a contract, imported as history), a contract coming into
force, a shipment released (or imported delivered) — the owner's department and the customer's
territory at that moment. Drafts and documents in review are not booked yet."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.customers import services as customer_services
from salesdesk.org import services as org_services
from salesdesk.sales import contracts, orders, shipping
from salesdesk.sales.contracts import InstallmentInput
from salesdesk.sales.lines import LineInput
from salesdesk.sales.migrations import _booking
from salesdesk.sales.models import Contract, SalesOrder, Shipment, StockLevel, Warehouse
from salesdesk.sales.tests.test_history import PAST, run, warehouse, xlsx  # noqa: F401

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def placed(org, deal):
    """The customer in 华东片区; a territory 华北片区 to move it to."""
    east = org_services.create_territory(company=org.company, name="华东片区", code="T-EAST")
    north = org_services.create_territory(company=org.company, name="华北片区", code="T-NORTH")
    customer = customer_services.update_customer(customer=deal["customer"], by=org.people["owner"], territory=east)
    return {"customer": customer, "east": east, "north": north}


def booked(document):
    document.refresh_from_db()
    return document.booked_department, document.booked_territory


def transfer(org, key, position):
    """The person leaves his positions and takes `position` (调岗), through the org services."""
    person = org.people[key]
    for assignment in person.assignments.filter(ended_on__isnull=True):
        org_services.end_assignment(assignment=assignment)
    org_services.assign(employee=person, position=org.positions[position], is_primary=True)


def move_customer(org, placed, territory):
    customer_services.update_customer(customer=placed["customer"], by=org.people["owner"], territory=placed[territory])


def order(org, deal, quantity="10"):
    return orders.create_order(by=org.people["owner"], customer=deal["customer"],
                               lines=[LineInput(deal["sbs"], Decimal(quantity))],
                               delivery_on=today() + datetime.timedelta(days=7))


@pytest.fixture
def order_review(org):
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="订单评审")
    ApprovalStep.objects.create(chain=chain, order=1, name="销售经理", approver="superior")
    return chain


def test_it_books_an_order_where_its_owner_and_customer_are_when_it_is_confirmed(org, deal, placed):
    draft = order(org, deal)
    assert booked(draft) == (None, None)
    orders.submit_for_review(order=draft, by=org.people["owner"])  # no review chain: confirmed at once
    assert booked(draft) == (org.departments["shanghai"], placed["east"])


def test_an_order_reviewed_is_booked_when_the_review_confirms_it_not_when_it_was_submitted(
        org, deal, placed, order_review):
    reviewed = order(org, deal)
    request = orders.submit_for_review(order=reviewed, by=org.people["owner"])
    assert booked(reviewed) == (None, None)
    transfer(org, "owner", "bj-rep")
    move_customer(org, placed, "north")
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")
    reviewed.refresh_from_db()
    assert reviewed.status == SalesOrder.Status.CONFIRMED
    assert booked(reviewed) == (org.departments["beijing"], placed["north"])


def test_a_rejected_order_reopened_and_confirmed_is_booked_at_its_confirmation(org, deal, placed, order_review):
    rejected = order(org, deal)
    request = orders.submit_for_review(order=rejected, by=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="reject", comment="价格再谈")
    assert booked(rejected) == (None, None)
    orders.reopen(order=rejected)
    move_customer(org, placed, "north")
    request = orders.submit_for_review(order=rejected, by=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")
    assert booked(rejected) == (org.departments["shanghai"], placed["north"])


def test_a_contract_is_booked_when_it_comes_into_force_and_its_orders_when_they_are_confirmed(org, deal, placed):
    chain = ApprovalChain.objects.create(company=org.company, document_type="contract", name="合同评审")
    ApprovalStep.objects.create(chain=chain, order=1, name="销售经理", approver="superior")
    made = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="年度合同", starts_on=today(),
        ends_on=today() + datetime.timedelta(days=365), lines=[LineInput(deal["sbs"], Decimal("10"))],
        installments=[InstallmentInput("advance", Decimal("125000"), today())])
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])
    assert booked(made) == (None, None)
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")
    made.refresh_from_db()
    assert made.status == Contract.Status.ACTIVE
    assert booked(made) == (org.departments["shanghai"], placed["east"])

    transfer(org, "owner", "bj-rep")
    from_contract = orders.order_from_contract(contract=made, by=org.people["owner"],
                                               delivery_on=today() + datetime.timedelta(days=7))
    orders.submit_for_review(order=from_contract, by=org.people["owner"])
    assert booked(from_contract) == (org.departments["beijing"], placed["east"])
    assert booked(made) == (org.departments["shanghai"], placed["east"])  # the contract stays where it was booked


def test_a_shipment_is_booked_when_it_is_released_and_its_order_stays_where_it_was_confirmed(org, deal, placed):
    confirmed = order(org, deal)
    orders.submit_for_review(order=confirmed, by=org.people["owner"])
    store = Warehouse.objects.create(company=org.company, code="WH", name="总库")
    StockLevel.objects.create(warehouse=store, product=deal["sbs"], quantity=Decimal("10"))  # goods in store
    shipment = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=store,
                                        quantities={confirmed.lines.get().pk: Decimal("10")})
    assert booked(shipment) == (None, None)
    transfer(org, "owner", "bj-rep")
    shipping.release(shipment=shipment)
    assert booked(shipment) == (org.departments["beijing"], placed["east"])
    assert booked(confirmed) == (org.departments["shanghai"], placed["east"])


def test_past_orders_imported_are_booked_with_their_shipments_where_owner_and_customer_are_now(
        org, deal, placed, warehouse):  # noqa: F811
    transfer(org, "owner", "bj-rep")
    outcome = run(org, "director", xlsx(PAST))

    assert (outcome.orders, outcome.shipments) == (2, 1)
    imported = SalesOrder.objects.filter(external_number__in=["A-1", "A-2"])
    assert {(one.status, one.booked_department, one.booked_territory) for one in imported} == {
        (SalesOrder.Status.CLOSED, org.departments["beijing"], placed["east"]),
        (SalesOrder.Status.CONFIRMED, org.departments["beijing"], placed["east"])}
    assert [(one.booked_department, one.booked_territory) for one in Shipment.objects.all()] == [
        (org.departments["beijing"], placed["east"])]


def test_the_migration_backfills_booked_documents_from_the_organisation_as_it_is_and_leaves_the_others(
        org, deal, placed):
    sold, cancelled, draft = order(org, deal), order(org, deal, "1"), order(org, deal, "2")
    for confirmed in (sold, cancelled):
        orders.submit_for_review(order=confirmed, by=org.people["owner"])
    orders.cancel(order=cancelled)  # confirmed, then cancelled: it was booked
    transfer(org, "owner", "bj-rep")
    move_customer(org, placed, "north")
    SalesOrder.objects.update(booked_department=None, booked_territory=None)  # as before the migration

    migration = importlib.import_module("salesdesk.sales.migrations.0009_booking_dimensions")
    with connection.cursor() as cursor:
        for table, condition in migration.BOOKED:
            cursor.execute(_booking.statement(connection.vendor, table, condition))

    assert booked(sold) == booked(cancelled) == (org.departments["beijing"], placed["north"])
    assert booked(draft) == (None, None)
