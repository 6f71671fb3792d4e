"""Every list page pages by the PAGE_SIZE setting (README "Configuration") through one paginator
(salesdesk.core.paging), and a list counted only up to its cap says "more than …" rather than a
total it does not know."""

import copy
from unittest.mock import patch

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from salesdesk.core.paging import CappedPaginator
from salesdesk.customers import services as customer_services
from salesdesk.org.models import Employee
from tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "sales:quotations", "sales:contracts", "sales:orders", "sales:shipments", "sales:products",
    "sales:price_changes", "finance:invoices", "finance:payments", "finance:receivables", "finance:collection",
    "finance:credit", "customers:list", "customers:pool", "customers:leads", "approvals:inbox",
    "notifications:list", "audit:log", "org:people", "reports:contracts",
]


def page_size(rows: int):
    return override_settings(SALESDESK={**copy.deepcopy(settings.SALESDESK), "PAGE_SIZE": rows})


def signed_in(person: Employee, *, language: str = "") -> Client:
    if language:
        Employee.objects.filter(pk=person.pk).update(language=language)
    client = Client()
    client.force_login(person.user)
    return client


@pytest.mark.parametrize("name", LIST_PAGES)
def test_it_pages_every_list_by_the_page_size_setting(small_org, name):
    with page_size(7):
        response = signed_in(small_org.people["director"]).get(reverse(name))

    assert response.status_code == 200
    assert response.context["page"].paginator.per_page == 7


def test_it_shows_seven_customers_of_ten_when_the_page_size_is_seven(db):
    owner = CustomerFactory().owner
    for _n in range(9):
        CustomerFactory(owner=owner)

    with page_size(7):
        response = signed_in(owner).get(reverse("customers:list"))

    assert len(response.context["page"].object_list) == 7
    assert response.context["page"].paginator.count == 10


def test_it_says_more_than_the_cap_on_a_lead_list_longer_than_it(small_org):
    owner = small_org.people["owner"]
    for n in range(4):
        customer_services.create_lead(company=small_org.company, by=owner, owner=owner, name=f"客户{n}",
                                      mobile=f"1390000{n:04d}")

    with page_size(1), patch.object(CappedPaginator, "cap", 2):
        response = signed_in(owner, language="en").get(reverse("customers:leads"))
        capped = response.context["page"].paginator.capped

    html = response.content.decode()
    assert capped
    assert "More than 2 leads" in html
    assert "Page 1 of more than 2" in html


def test_it_counts_a_document_list_exactly_below_the_cap(db):
    order = OrderFactory()
    OrderFactory(owner=order.owner)

    with page_size(1):
        html = signed_in(order.owner, language="en").get(reverse("sales:orders")).content.decode()

    assert "Page 1 of 2" in html
    assert "more than" not in html


def test_it_says_more_than_on_a_document_list_past_the_cap(db):
    order = OrderFactory()
    for _n in range(3):
        OrderFactory(owner=order.owner)

    with page_size(1), patch.object(CappedPaginator, "cap", 2):
        html = signed_in(order.owner, language="en").get(reverse("sales:orders")).content.decode()

    assert "Page 1 of more than 2" in html
