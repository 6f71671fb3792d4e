"""The small organisation (root conftest.py) plus two inside-sales clerks (销售内勤) in the sales
department who hold the pricing duty: one enters prices, the other checks them."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from conftest import make_person
from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customer_services
from salesdesk.org import services as org_services
from salesdesk.sales import pricing, quotations, services
from salesdesk.sales.lines import LineInput

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def org(small_org):
    sales = small_org.departments["sales"]
    clerk = org_services.create_position(
        department=sales, title="销售内勤", code="inside", reports_to=small_org.positions["director"], headcount=2,
        duties=[{"text": "价格录入与复核（双人）", "capability": pricing.PRICING}])
    small_org.positions["inside"] = clerk
    small_org.people["clerk"] = make_person(small_org.company, "clerk", "户内勤", [clerk])
    small_org.people["checker"] = make_person(small_org.company, "checker", "冀内勤", [clerk])
    return small_org


def checked_product(org, code="P-001", price="100", floor=None, **fields):
    """A product whose standard price the checker has confirmed."""
    product = services.create_product(company=org.company, by=org.people["clerk"], code=code, name=f"产品{code}",
                                      standard_price=Decimal(price),
                                      floor_price=Decimal(floor) if floor is not None else None, **fields)
    pricing.confirm_price_change(by=org.people["checker"], change=product.price_changes.get())
    product.refresh_from_db()
    return product


@pytest.fixture
def deal(org):
    """The owner's customer 巴陵石化 and two products; sales scopes for the managers. The company sells
    on open credit to customers nobody has rated (the product's default is cash before delivery; the
    credit tests set their own terms), so the order-to-cash tests are about what they test."""
    sells_on_credit(org.company)
    for code, level in (("director", ScopeLevel.ALL), ("east-rm", ScopeLevel.DEPARTMENT_TREE),
                        ("sh-mgr", ScopeLevel.SUBORDINATES)):
        for module in ("sales", "customers"):
            org_services.set_position_scope(position=org.positions[code], module=module, level=level)
    owner = org.people["owner"]
    customer = customer_services.create_customer(company=org.company, by=owner, owner=owner, name="巴陵石化",
                                                 contacts=[{"name": "采购王经理"}])
    return {"customer": customer, "sbs": checked_product(org, code="SBS", price="12500", floor="12000"),
            "agent": checked_product(org, code="AGT", price="300")}


def sells_on_credit(company, limit="100000000"):
    from salesdesk.finance.models import FinanceSettings

    FinanceSettings.objects.update_or_create(company=company, defaults={
        "default_credit_policy": "credit", "default_credit_limit": Decimal(limit)})


def quote(org, deal, *lines, by="owner"):
    lines = lines or (LineInput(deal["sbs"], Decimal("10")),)
    return quotations.create_quotation(by=org.people[by], customer=deal["customer"], lines=list(lines),
                                       valid_until=TODAY + datetime.timedelta(days=30), quoted_on=TODAY)
