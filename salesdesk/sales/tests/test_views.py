from decimal import Decimal

import pytest
from django.test import Client

from salesdesk.sales.models import PriceChange, Product
from salesdesk.workbench.registry import cards_for

from .conftest import checked_product

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def test_everyone_in_the_company_reads_products_and_prices(org):
    product = checked_product(org, code="SBS-1", price="12500")
    page = client_for(org, "outsider").get("/sales/products/").content.decode()
    assert 'data-product="SBS-1"' in page and "12,500.00" in page
    assert 'id="new-product"' not in page
    assert client_for(org, "outsider").get(f"/sales/products/{product.pk}/").status_code == 200


def test_a_clerk_creates_a_product_and_a_colleague_checks_its_price(org):
    clerk = client_for(org, "clerk")
    response = clerk.post("/sales/products/new/", {"code": "SBS-2", "name": "SBS 791", "unit": "吨", "tax_rate": "0.13",
                                                   "standard_price": "13200", "floor_price": "12800",
                                                   "new_line": "SBS", "is_active": "on"})
    assert response.status_code == 302
    product = Product.objects.get(code="SBS-2")
    assert product.product_line.name == "SBS" and not product.price_checked
    change = product.price_changes.get()
    # The clerk sees no confirm button on her own change; her colleague does, on his workbench too.
    assert 'data-action="confirm"' not in clerk.get("/sales/price-changes/").content.decode()
    assert {card["key"]: card["count"] for card in cards_for(org.user("checker"))}["prices_to_check"] == 1
    assert "prices_to_check" not in {card["key"] for card in cards_for(org.user("clerk"))}
    refused = clerk.post(f"/sales/price-changes/{change.pk}/confirm/", follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "第二人" in refused.content.decode()
    checker = client_for(org, "checker")
    assert 'data-action="confirm"' in checker.get("/sales/price-changes/").content.decode()
    checker.post(f"/sales/price-changes/{change.pk}/confirm/")
    product.refresh_from_db()
    assert (product.standard_price, product.price_checked) == (Decimal("13200"), True)


def test_a_rep_cannot_change_prices(org):
    product = checked_product(org)
    rep = client_for(org, "owner")
    assert rep.get("/sales/products/new/").status_code == 403
    assert rep.post(f"/sales/products/{product.pk}/price-change/", {"price": "1"}).status_code == 403
    assert not PriceChange.objects.filter(price=Decimal("1")).exists()


def test_a_duplicate_code_is_refused_in_chinese_and_the_form_keeps_what_was_typed(org):
    checked_product(org, code="DUP")
    response = client_for(org, "clerk").post("/sales/products/new/", {
        "code": "DUP", "name": "重复的产品", "unit": "件", "tax_rate": "0.13", "standard_price": "10"},
        HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert "DUP" in page and "重复的产品" in page and "编码" in page


def test_the_price_lookup_answers_the_customers_price(org):
    from salesdesk.customers import services as customer_services

    product = checked_product(org, price="100", floor="90")
    owner = org.people["owner"]
    customer = customer_services.create_customer(company=org.company, by=owner, owner=owner, name="甲公司")
    body = client_for(org, "owner").get(f"/sales/prices/?product={product.pk}&customer={customer.pk}").json()
    assert body["prices"][str(product.pk)]["price"] == "100.0000"
    assert body["prices"][str(product.pk)]["floor"] is None  # a rep is not told the floor …
    clerk = client_for(org, "clerk").get(f"/sales/prices/?product={product.pk}").json()
    assert clerk["prices"][str(product.pk)]["floor"] == "90.0000"  # … the pricing clerk is
    # Someone who cannot see the customer cannot ask for its prices.
    assert client_for(org, "outsider").get(f"/sales/prices/?product={product.pk}&customer={customer.pk}").status_code == 404


def test_the_api_gives_products_with_the_price_a_customer_gets(org):
    from salesdesk.accounts import services as account_services
    from salesdesk.customers import services as customer_services
    from salesdesk.sales.models import PriceList

    product = checked_product(org, price="100")
    special = PriceList.objects.create(company=org.company, name="A级价", customer_level="A")
    from salesdesk.sales import pricing

    change = pricing.propose_price_change(by=org.people["clerk"], product=product, price_list=special,
                                          price=Decimal("88"))
    pricing.confirm_price_change(by=org.people["checker"], change=change)
    owner = org.people["owner"]
    customer = customer_services.create_customer(company=org.company, by=owner, owner=owner, name="A客户", level="A")
    token = account_services.create_api_token(user=owner.user, name="t")[1]
    body = Client().get(f"/api/v1/products/?customer={customer.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["results"][0]["customer_price"] == "88.0000"
    assert body["results"][0]["customer_price_source"] == "A级价"
    detail = Client().get(f"/api/v1/price-lists/{special.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["items"] == [{"product": {"id": product.pk, "name": "P-001 产品P-001"}, "price": "88.0000",
                                "floor_price": None}]
