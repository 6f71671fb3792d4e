import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from salesdesk.core.access import Actor
from salesdesk.sales import orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import SalesOrder, Shipment, StockLevel, Warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(org, deal):
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["sbs"], Decimal("10")), LineInput(deal["agent"], Decimal("5"))],
                                delivery_on=timezone.localdate() + datetime.timedelta(days=3), ship_to="岳阳")
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    return order


@pytest.fixture
def warehouse(org, deal):
    main = Warehouse.objects.create(company=org.company, code="WH1", name="总库")
    for product, quantity in ((deal["sbs"], "8"), (deal["agent"], "100")):
        shipping.receive_stock(by=Actor.command("test"), warehouse=main, product=product, quantity=Decimal(quantity))
    return main


def lines_of(order):
    return {line.product.code: line for line in order.lines.select_related("product")}


def test_a_partial_shipment_takes_stock_and_counts_on_the_order(org, deal, confirmed, warehouse):
    line = lines_of(confirmed)["SBS"]
    shipment = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={line.pk: Decimal("6")},
                                        free_lines=[shipping.FreeLine(deal["agent"], Decimal("1"))])
    assert shipment.number.startswith("FH-") and shipment.ship_to == "岳阳"
    assert shipment.amount == Decimal("75000.00")  # the free sample costs nothing
    shipping.release(shipment=shipment, carrier="德邦物流", tracking_number="DB123")
    line.refresh_from_db()
    confirmed.refresh_from_db()
    assert line.shipped_quantity == Decimal("6")
    assert confirmed.status == SalesOrder.Status.PARTLY_SHIPPED
    stock = {level.product.code: level.quantity for level in StockLevel.objects.select_related("product")}
    assert stock == {"SBS": Decimal("2"), "AGT": Decimal("99")}


def test_a_shipment_never_exceeds_what_is_left_to_ship_counting_drafts(org, deal, confirmed, warehouse):
    line = lines_of(confirmed)["SBS"]
    shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse, quantities={line.pk: 7})
    with pytest.raises(ValidationError, match="only 3"):
        shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                 quantities={line.pk: Decimal("4")})


def test_release_is_refused_without_enough_stock_and_changes_nothing(org, deal, confirmed, warehouse):
    line = lines_of(confirmed)["SBS"]
    shipment = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={line.pk: Decimal("10")})
    with pytest.raises(ValidationError, match="Not enough stock"):
        shipping.release(shipment=shipment)
    line.refresh_from_db()
    shipment.refresh_from_db()
    assert line.shipped_quantity == 0 and shipment.status == Shipment.Status.DRAFT
    assert StockLevel.objects.get(product=deal["sbs"]).quantity == Decimal("8")


def test_shipping_everything_ships_the_order_and_the_receipt_closes_the_shipment(org, deal, confirmed, warehouse):
    shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=deal["sbs"], quantity=Decimal("2"))
    quantities = {line.pk: line.quantity for line in confirmed.lines.all()}
    shipment = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                        quantities=quantities)
    shipping.release(shipment=shipment, shipped_on=datetime.date(2026, 11, 26))
    confirmed.refresh_from_db()
    assert confirmed.status == SalesOrder.Status.SHIPPED
    with pytest.raises(ValidationError):
        shipping.register_delivery(shipment=shipment, delivered_on=datetime.date(2026, 11, 25))
    shipping.register_delivery(shipment=shipment, delivered_on=datetime.date(2026, 11, 28), note="收货人王工签字")
    shipment.refresh_from_db()
    assert (shipment.status, shipment.receipt_note) == (Shipment.Status.DELIVERED, "收货人王工签字")
    with pytest.raises(ValidationError, match="confirmed"):
        shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse, quantities={})


def test_a_draft_order_does_not_ship_and_a_cancelled_draft_gives_its_quantity_back(org, deal, confirmed, warehouse):
    line = lines_of(confirmed)["SBS"]
    draft = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                     quantities={line.pk: Decimal("10")})
    shipping.cancel(shipment=draft)
    assert shipping.still_to_ship(confirmed)[line.pk] == Decimal("10")
    direct = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                 lines=[LineInput(deal["sbs"], Decimal("1"))], delivery_on=timezone.localdate())
    with pytest.raises(ValidationError, match="confirmed"):
        shipping.create_shipment(order=direct, by=org.people["clerk"], warehouse=warehouse,
                                 quantities={direct.lines.get().pk: 1})


def test_the_clerk_ships_on_the_page_and_prints_the_note_without_prices(org, deal, confirmed, warehouse):
    client = Client()
    client.force_login(org.user("owner"))
    line = lines_of(confirmed)["AGT"]
    sbs = lines_of(confirmed)["SBS"]
    response = client.post(f"/sales/orders/{confirmed.pk}/ship/", {
        "warehouse": warehouse.pk, f"ship-{line.pk}": "5", f"ship-{sbs.pk}": "0", "carrier": "顺丰",
        "free_product": deal["sbs"].pk, "free_quantity": "0.5", "free_kind": "gift"})
    shipment = Shipment.objects.get()
    assert response["Location"] == f"/sales/shipments/{shipment.pk}/"
    client.post(f"/sales/shipments/{shipment.pk}/release/", {"carrier": "顺丰", "tracking_number": "SF1"})
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.RELEASED and shipment.tracking_number == "SF1"
    with_prices = client.get(f"/sales/shipments/{shipment.pk}/note/").content.decode()
    without = client.get(f"/sales/shipments/{shipment.pk}/note/?prices=0").content.decode()
    assert "1,500.00" in with_prices and "1,500.00" not in without and "顺丰" in without
    outsider = Client()
    outsider.force_login(org.user("outsider"))
    assert outsider.get(f"/sales/shipments/{shipment.pk}/note/").status_code == 404
