"""A customer's deal (成交): `record_deal` moves its last deal up and its class to the company's deal
class (sales calls it when an order is confirmed); the funnel, the customer page and the list then
show it. And the registry the customer page takes the business sections from (sales, finance …)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.audit.registry import timeline_for
from salesdesk.customers import analytics, registry, services
from salesdesk.customers.models import Customer, CustomerClass
from salesdesk.sales import orders
from salesdesk.sales.lines import LineInput
from tests.factories import ProductFactory

from .conftest import customer

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 26)


@pytest.fixture
def classes(org):
    return {found.stage: found for found in CustomerClass.objects.filter(company=org.company)}


def test_a_deal_sets_the_last_deal_and_makes_a_prospect_a_deal_in_its_history(org, classes):
    prospect = customer(org, "owner", "岳阳石化有限公司", customer_class=classes["prospect"])

    services.record_deal(customer=prospect, on=TODAY)

    prospect = Customer.objects.get(pk=prospect.pk)
    assert (prospect.customer_class, prospect.last_deal_on) == (classes["deal"], TODAY)
    [entry] = timeline_for(prospect).filter(action="update")
    assert entry.changes == {"customer_class": [classes["prospect"].pk, classes["deal"].pk],
                             "last_deal_on": [None, TODAY.isoformat()]}


@pytest.mark.parametrize("stage", ["interested", "key", "lost"])
def test_a_deal_makes_an_interested_key_or_lost_customer_a_deal(org, classes, stage):
    before = customer(org, "owner", "岳阳石化有限公司", customer_class=classes[stage])

    assert services.record_deal(customer=before, on=TODAY).customer_class == classes["deal"]


def test_a_customer_without_a_class_becomes_a_deal(org, classes):
    plain = customer(org, "owner", "岳阳石化有限公司")

    assert services.record_deal(customer=plain, on=TODAY).customer_class == classes["deal"]


def test_a_deal_class_is_kept_and_an_earlier_deal_never_moves_the_last_one_back(org, classes):
    vip = CustomerClass.objects.create(company=org.company, name="战略成交", stage="deal", sort_order=9)
    regular = customer(org, "owner", "岳阳石化有限公司", customer_class=vip)
    services.record_deal(customer=regular, on=TODAY)

    again = services.record_deal(customer=regular, on=TODAY - datetime.timedelta(days=3))

    assert (again.customer_class, again.last_deal_on) == (vip, TODAY)
    assert timeline_for(regular).filter(action="update").count() == 1  # the second deal changed nothing


def test_without_an_active_deal_class_only_the_last_deal_is_recorded(org, classes):
    CustomerClass.objects.filter(pk=classes["deal"].pk).update(is_active=False)
    key = customer(org, "owner", "岳阳石化有限公司", customer_class=classes["key"])

    after = services.record_deal(customer=key, on=TODAY)

    assert (after.customer_class, after.last_deal_on) == (classes["key"], TODAY)


def test_a_converted_lead_whose_first_order_is_confirmed_shows_as_a_deal_in_the_funnel_page_and_list(org, classes):
    owner = org.people["owner"]
    lead = services.create_lead(company=org.company, by=owner, owner=owner, name="王经理", mobile="13900001111",
                                company_name="岳阳石化有限公司")
    converted = services.convert_lead(lead=lead, by=owner, customer_class=classes["interested"])
    today = timezone.localdate()
    period = analytics.Period(start=today - datetime.timedelta(days=30), end=today)
    assert [step["count"] for step in analytics.funnel(org.user("owner"), period)] == [1, 1, 0]

    order = orders.create_order(by=owner, customer=converted, delivery_on=today + datetime.timedelta(days=7),
                                lines=[LineInput(ProductFactory(company=org.company), Decimal("3"))])
    orders.submit_for_review(order=order, by=owner)  # no order review: confirmed at once

    steps = analytics.funnel(org.user("owner"), period)
    assert (str(steps[2]["label"]), steps[2]["count"]) == ("Made a deal", 1)
    client = Client()
    client.force_login(org.user("owner"))
    page = client.get(reverse("customers:detail", args=[converted.pk])).content.decode()
    badge = rf'<h1 [^>]*>岳阳石化有限公司</h1>\s*<span class="badge[^"]*">{classes["deal"].name}</span>'
    assert re.search(badge, page)
    listed = client.get(reverse("customers:list")).content.decode()
    row = re.search(rf'<tr data-customer="{converted.pk}">(.*?)</tr>', listed, re.S).group(1)
    assert f">{classes['deal'].name}</td>" in row


def test_the_customer_page_shows_the_sections_registered_in_their_order_and_leaves_out_empty_ones(org, monkeypatch):
    """What complaints (or anything else to come) will do: register a section from its AppConfig."""
    seen = []

    def complaints(request, shown, user):
        seen.append((shown.pk, user.pk))
        kind = registry.DocumentKind(key="complaints", label="Complaints", count=1, amount=Decimal("0"),
                                     amount_label="")
        return {"key": "complaints", "title": "Complaints", "order": 5,
                "template": "customers/_business_section.html", "kinds": [kind]}

    monkeypatch.setattr(registry, "SECTIONS", [])
    registry.register_section(lambda request, shown, user: None)
    registry.register_section(lambda request, shown, user: {"key": "late", "order": 50,
                                                            "template": "customers/_business_section.html"})
    registry.register_section(complaints)
    registry.register_section(complaints)  # once is enough
    mine = customer(org, "owner", "岳阳石化有限公司")
    client = Client()
    client.force_login(org.user("owner"))

    response = client.get(reverse("customers:detail", args=[mine.pk]))

    assert [section["key"] for section in response.context["business"]] == ["complaints", "late"]
    assert seen == [(mine.pk, org.user("owner").pk)]
    assert 'id="customer-complaints"' in response.content.decode()
