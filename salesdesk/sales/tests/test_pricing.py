import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from salesdesk.customers import services as customer_services
from salesdesk.sales import pricing, services
from salesdesk.sales.models import PriceChange, PriceList, PriceListItem

from .conftest import checked_product

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 26)


def test_a_new_products_price_applies_only_after_a_second_person_confirms_it(org):
    product = services.create_product(company=org.company, by=org.people["clerk"], code="SBS-1", name="SBS 改性剂",
                                      standard_price=Decimal("12500"), floor_price=Decimal("11800"))
    assert (product.price_checked, product.standard_price) == (False, Decimal(0))
    change = product.price_changes.get()
    with pytest.raises(ValidationError, match="second person"):
        pricing.confirm_price_change(by=org.people["clerk"], change=change)
    pricing.confirm_price_change(by=org.people["checker"], change=change)
    product.refresh_from_db()
    assert (product.price_checked, product.standard_price, product.floor_price) == (
        True, Decimal("12500"), Decimal("11800"))
    change.refresh_from_db()
    assert (change.status, change.checked_by) == (PriceChange.Status.CONFIRMED, org.people["checker"])


def test_a_rejected_change_leaves_the_price_alone_and_needs_a_reason(org):
    product = checked_product(org, price="100")
    change = pricing.propose_price_change(by=org.people["clerk"], product=product, price=Decimal("90"))
    with pytest.raises(ValidationError):
        pricing.reject_price_change(by=org.people["checker"], change=change, comment="")
    pricing.reject_price_change(by=org.people["checker"], change=change, comment="划价有误")
    product.refresh_from_db()
    assert product.standard_price == Decimal("100")
    with pytest.raises(ValidationError, match="already been dealt with"):
        pricing.confirm_price_change(by=org.people["checker"], change=change)


def test_only_one_change_of_a_price_waits_at_a_time_and_its_author_may_cancel_it(org):
    product = checked_product(org)
    change = pricing.propose_price_change(by=org.people["clerk"], product=product, price=Decimal("95"))
    with pytest.raises(ValidationError, match="already waiting"):
        pricing.propose_price_change(by=org.people["checker"], product=product, price=Decimal("96"))
    with pytest.raises(ValidationError, match="Only the one who entered"):
        pricing.cancel_price_change(by=org.people["checker"], change=change)
    pricing.cancel_price_change(by=org.people["clerk"], change=change)
    pricing.propose_price_change(by=org.people["checker"], product=product, price=Decimal("96"))


def test_a_floor_above_the_price_is_refused(org):
    product = checked_product(org)
    with pytest.raises(ValidationError) as refused:
        pricing.propose_price_change(by=org.people["clerk"], product=product, price=Decimal("80"),
                                     floor_price=Decimal("85"))
    assert "floor_price" in refused.value.message_dict


def _list(org, name, **fields):
    return PriceList.objects.create(company=org.company, name=name, **fields)


def _price(org, product, price_list, price, floor=None):
    change = pricing.propose_price_change(by=org.people["clerk"], product=product, price_list=price_list,
                                          price=Decimal(price), floor_price=Decimal(floor) if floor else None)
    pricing.confirm_price_change(by=org.people["checker"], change=change)


def test_the_best_fitting_list_in_force_gives_the_price(org):
    product = checked_product(org, price="100", floor="80")
    everyone = _list(org, "普通价")
    level_a = _list(org, "A级客户价", customer_level="A")
    distributors = _list(org, "经销价", channel="distributor")
    a_distributors = _list(org, "A级经销价", customer_level="A", channel="distributor")
    winter = _list(org, "冬季促销", valid_from=datetime.date(2026, 12, 1), valid_until=datetime.date(2027, 2, 28))
    _price(org, product, everyone, "98")
    _price(org, product, level_a, "95", floor="90")
    _price(org, product, distributors, "92")
    _price(org, product, a_distributors, "90")
    _price(org, product, winter, "85")
    owner = org.people["owner"]

    def customer(name, **fields):
        return customer_services.create_customer(company=org.company, by=owner, owner=owner, name=name, **fields)

    cases = {
        customer("甲公司"): ("98", "普通价", "80"),
        customer("乙公司", level="A"): ("95", "A级客户价", "90"),
        customer("丙公司", channel="distributor"): ("92", "经销价", "80"),
        customer("丁公司", level="A", channel="distributor"): ("90", "A级经销价", "80"),
    }
    for buyer, (price, source, floor) in cases.items():
        found = pricing.price_for(product, customer=buyer, on=DAY)
        assert (found.price, found.source, found.floor) == (Decimal(price), source, Decimal(floor)), buyer.name
    # In winter the seasonal list for everyone is newer than the year-round one for everyone.
    assert pricing.price_for(product, on=datetime.date(2026, 12, 15)).source == "冬季促销"
    assert pricing.price_for(product, on=datetime.date(2027, 3, 1)).source == "普通价"
    everyone.is_active = False
    everyone.save()
    assert pricing.price_for(product, on=DAY) == pricing.Price(Decimal("100"), Decimal("80"), "")


def test_a_list_price_enters_the_list_only_when_confirmed(org):
    product = checked_product(org)
    special = _list(org, "特价")
    change = pricing.propose_price_change(by=org.people["clerk"], product=product, price_list=special,
                                          price=Decimal("70"))
    assert not PriceListItem.objects.filter(price_list=special).exists()
    assert change.old_price is None
    pricing.confirm_price_change(by=org.people["checker"], change=change)
    assert PriceListItem.objects.get(price_list=special).price == Decimal("70")


def test_prices_for_many_products_take_two_queries(org, django_assert_num_queries):
    products = [checked_product(org, code=f"P-{n}", price=str(100 + n)) for n in range(20)]
    _price(org, products[0], _list(org, "普通价"), "1")
    with django_assert_num_queries(2):
        prices = pricing.prices_for(products, on=DAY)
    assert prices[products[0].pk].price == Decimal("1")
    assert prices[products[5].pk].price == Decimal("105")
