"""Bad input in sales gets a clear message, never a 500: quantity × price beyond what an amount column
holds, quantities of a ten-millionth, NaN or Infinity on shipments and stock, and impossible or
far-away days when a shipment is released or delivered."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.core.access import Actor
from salesdesk.sales import orders, quotations, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract, Quotation, SalesOrder, Shipment, StockLevel, Warehouse

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(org, deal):
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["sbs"], Decimal("10"))],
                                delivery_on=timezone.localdate() + datetime.timedelta(days=3), ship_to="岳阳")
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    return order


@pytest.fixture
def warehouse(org, deal):
    main = Warehouse.objects.create(company=org.company, code="WH1", name="总库")
    shipping.receive_stock(by=Actor.command("test"), warehouse=main, product=deal["sbs"], quantity=Decimal("8"))
    return main


def client_for(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user(key))
    return client


def test_quantity_times_price_beyond_an_amount_column_is_refused_with_a_message(org, deal):
    huge = LineInput(deal["sbs"], Decimal("99999999999.999"))  # fits the quantity column; × 12,500 does not

    with pytest.raises(ValidationError) as refused:
        quotations.create_quotation(by=org.people["owner"], customer=deal["customer"], lines=[huge],
                                    valid_until=TODAY + datetime.timedelta(days=30), quoted_on=TODAY)

    assert refused.value.messages[0].startswith("Line 1: quantity × price is more than an amount can be")
    assert not Quotation.objects.exists()


def test_lines_adding_up_beyond_an_amount_column_are_refused_with_a_message(org, deal):
    near = LineInput(deal["agent"], Decimal("99999999999.999"), unit_price=Decimal("999"))  # each fits, not all

    with pytest.raises(ValidationError) as refused:
        orders.create_order(by=org.people["owner"], customer=deal["customer"], lines=[near] * 3,
                            delivery_on=timezone.localdate() + datetime.timedelta(days=3))

    assert refused.value.messages[0].startswith("The lines add up to more than a document's amount can be")
    assert not SalesOrder.objects.exists()


@pytest.mark.parametrize("quantity, price", [("NaN", None), ("Infinity", None), ("1e400", None),
                                             ("1", "NaN"), ("1", "1e400"), ("1", "0.00001")])
def test_a_line_quantity_or_price_that_is_not_a_finite_fitting_number_is_refused(org, deal, quantity, price):
    line = LineInput(deal["sbs"], Decimal(quantity), unit_price=Decimal(price) if price else None)

    with pytest.raises(ValidationError) as refused:
        quotations.create_quotation(by=org.people["owner"], customer=deal["customer"], lines=[line],
                                    valid_until=TODAY + datetime.timedelta(days=30), quoted_on=TODAY)

    assert refused.value.messages[0].startswith("Line 1: the ")


def test_a_contract_with_a_quantity_too_large_for_its_amount_comes_back_with_the_message(org, deal):
    response = client_for(org, "owner").post("/sales/contracts/new/", {
        "customer": deal["customer"].pk, "title": "天文数字", "starts_on": "2026-12-01", "ends_on": "2027-11-30",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": deal["sbs"].pk, "lines-0-quantity": "99999999999.999",
        "installments-TOTAL_FORMS": "0", "installments-INITIAL_FORMS": "0", "installments-MIN_NUM_FORMS": "0",
        "installments-MAX_NUM_FORMS": "1000"})

    assert response.status_code == 200
    assert "quantity × price is more than an amount can be" in response.content.decode()
    assert not Contract.objects.exists()


@pytest.mark.parametrize("quantity", ["0.0000001", "NaN", "Infinity", "-Infinity", "1e400"])
def test_a_shipment_of_a_ten_millionth_or_nan_is_refused_with_a_message(org, confirmed, warehouse, quantity):
    line = confirmed.lines.get()

    with pytest.raises(ValidationError) as refused:
        shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                 quantities={line.pk: Decimal(quantity)})

    assert refused.value.messages[0].startswith("The quantity ")
    assert not Shipment.objects.exists()


@pytest.mark.parametrize("quantity", ["0.0000001", "NaN", "1e400", "99999999999.999"])
def test_stock_received_in_a_quantity_no_column_keeps_is_refused(org, deal, warehouse, quantity):
    with pytest.raises(ValidationError):
        shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=deal["sbs"],
                               quantity=Decimal(quantity))

    assert StockLevel.objects.get(warehouse=warehouse, product=deal["sbs"]).quantity == Decimal("8")


@pytest.mark.parametrize("day", ["0000-00-00", "0001-01-01", "9999-12-31", "2026-02-30"])
def test_an_impossible_or_far_away_day_for_a_release_or_delivery_says_so(org, confirmed, warehouse, day):
    shipment = shipping.create_shipment(order=confirmed, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={confirmed.lines.get().pk: Decimal("1")})
    clerk = client_for(org, "director")

    response = clerk.post(reverse("sales:shipment_action", args=[shipment.pk, "release"]), {"shipped_on": day},
                          follow=True)

    assert response.status_code == 200
    assert any("date" in str(message) for message in response.context["messages"])
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DRAFT
