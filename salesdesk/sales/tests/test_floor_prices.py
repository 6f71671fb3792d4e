"""The floor price (底价) is shown to those who keep prices and those who approve discounts, never
to a rep: not on the product pages, the price lists, the price look-up of the document forms or
the API. A rep still learns that a price is below the floor (his quotation goes to approval)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.accounts import services as account_services
from salesdesk.org import orgfile
from salesdesk.org import services as org_services
from salesdesk.sales import pricing
from salesdesk.sales.models import PriceList, PriceListItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def approver(org):
    """The director approves discounts."""
    org_services.set_duties(position=org.positions["director"], duties=[
        {"text": "审批折扣", "capability": "see_floor_prices"}])
    return org.people["director"]


def pages(org, deal, who):
    client = Client()
    client.force_login(org.user(who))
    product = deal["sbs"]
    price_list = PriceList.objects.create(company=org.company, name="经销价")
    PriceListItem.objects.create(price_list=price_list, product=product, price=12300, floor_price=11800)
    return {
        "list": client.get(reverse("sales:products")).content.decode(),
        "detail": client.get(reverse("sales:product", args=[product.pk])).content.decode(),
        "price list": client.get(reverse("sales:price_list", args=[price_list.pk])).content.decode(),
        "look-up": json.loads(client.get(reverse("sales:price_lookup"), {"product": product.pk}).content)
        ["prices"][str(product.pk)]["floor"],
    }


def api(org, deal, who):
    token = account_services.create_api_token(user=org.user(who), name="t")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    return (client.get(f"/api/v1/products/{deal['sbs'].pk}/").json()["floor_price"],
            next(row["floor_price"] for row in client.get("/api/v1/products/").json()["results"]
                 if row["code"] == "SBS"))


def test_a_rep_sees_no_floor_price_anywhere(org, deal):
    shown = pages(org, deal, "owner")

    assert "12,000" not in shown["list"] and "Floor price" not in shown["list"]
    assert 'id="floor-price"' not in shown["detail"] and "11,800" not in shown["detail"]
    assert "11,800" not in shown["price list"]
    assert shown["look-up"] is None
    assert api(org, deal, "owner") == (None, None)


@pytest.mark.parametrize("who", ["clerk", "director"])
def test_the_pricing_clerk_and_the_discount_approver_see_it(org, deal, approver, who):
    shown = pages(org, deal, who)

    assert "12,000" in shown["list"]
    assert 'id="floor-price"' in shown["detail"] and "11,800" in shown["detail"]
    assert "11,800" in shown["price list"]
    assert shown["look-up"] is not None
    assert api(org, deal, who) == ("12000.0000", "12000.0000")


def test_a_rep_still_sees_that_his_price_is_below_the_floor(org, deal):
    assert pricing.may_see_floor(org.user("owner")) is False
    assert pricing.may_see_floor(org.user("clerk")) is True


@pytest.mark.parametrize("code", ["industrial", "standard-sales"])
def test_in_the_templates_those_who_approve_quotations_by_post_see_floor_prices_and_reps_do_not(code):
    data = orgfile.load_template(code)
    named = {position for chain in data["approval_chains"] if chain["document_type"] == "quotation"
             for step in chain["steps"] for position in step.get("positions", [])}
    capabilities = {item["code"]: {duty.get("capability") for duty in item["duties"]} for item in data["positions"]}

    assert named and all(capabilities[code] & {"pricing", "see_floor_prices"} for code in named)
    reps = [item["code"] for item in data["positions"] if item["code"].endswith("-rep")]
    assert reps and not any(capabilities[rep] & {"pricing", "see_floor_prices"} for rep in reps)
