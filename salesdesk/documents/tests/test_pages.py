"""The shared document pages: a document's page shows its history in words, a list keeps its
filters from page to page, and a document's files are listed and uploaded the same way."""

import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from salesdesk.audit.models import AuditEntry
from salesdesk.audit.selectors import timeline
from salesdesk.core.access import actor_of
from salesdesk.core.contextvars import current_actor
from salesdesk.sales import contracts, orders
from salesdesk.sales.contracts import InstallmentInput
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract, SalesOrder
from tests.factories import OrderFactory, PersonFactory, manager_of

pytestmark = pytest.mark.django_db


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def contract_of(order, amount=Decimal("100.00")):
    return contracts.create_contract(
        by=order.owner, customer=order.customer, title="年度供货", starts_on=order.delivery_on,
        ends_on=order.delivery_on, lines=[LineInput(order.lines.get().product, Decimal("1"))],
        installments=[InstallmentInput("advance", amount, order.delivery_on)])


def test_an_orders_page_shows_its_history_with_the_status_in_words():
    order = OrderFactory()
    token = current_actor.set(actor_of(order.owner))
    try:
        orders.cancel(order=order)
    finally:
        current_actor.reset(token)

    page = client_for(order.owner).get(reverse("sales:order", args=[order.pk])).content.decode()

    history = page[page.index('id="document-timeline"'):]
    assert f"<span data-after>{SalesOrder.Status.CANCELLED.label}</span>" in history
    assert f"{SalesOrder.Status.DRAFT.label}</span>" in history
    badge = page[page.index('id="order-status"') - 60:page.index('id="order-status"')]
    assert "text-bg-danger" in badge


def test_a_history_names_a_changed_owner_only_from_the_documents_own_company():
    order = OrderFactory()
    colleague = PersonFactory(positions=[order.owner.assignments.get().position])
    stranger = PersonFactory()  # a position in another company
    change = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(SalesOrder), object_id=str(order.pk),
        object_repr=order.number, action="update", changes={"owner": [colleague.pk, stranger.pk]})

    [entry] = [entry for entry in timeline(order, company=order.company_id) if entry.pk == change.pk]

    [(_label, before, after)] = entry.fields
    assert before == colleague.name and after == str(stranger.pk)
    assert stranger.company_id != order.company_id


def test_a_lists_page_links_keep_its_filters(rf):
    request = rf.get("/sales/orders/", {"scene": "team", "status": "draft", "q": "华东", "page": "2"})
    page = Paginator(list(range(7)), 2).get_page(2)

    html = render_to_string("documents/_pages.html", {"page": page}, request=request)

    previous, following = (unescape(link) for link in re.findall(r'href="([^"]+)"', html))
    for link in (previous, following):
        query = parse_qs(link.lstrip("?"))
        assert query["scene"] == ["team"] and query["status"] == ["draft"] and query["q"] == ["华东"]
    assert parse_qs(previous.lstrip("?"))["page"] == ["1"] and parse_qs(following.lstrip("?"))["page"] == ["3"]


def test_a_contracts_files_are_listed_and_downloaded_through_the_shared_partial():
    order = OrderFactory()
    contract = contract_of(order)
    contracts.attach(contract=contract, by=order.owner, name="签字版.pdf", content=b"%PDF-1.4 " + b"x" * 2048)

    page = client_for(order.owner).get(reverse("sales:contract", args=[contract.pk])).content.decode()

    item = contract.attachments.get()
    assert f'href="{item.download_url}"' in page and 'id="attach"' in page
    download = client_for(order.owner).get(item.download_url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-1.4")


def test_a_reader_who_may_only_view_a_contract_gets_no_upload_form():
    order = OrderFactory()
    contract = contract_of(order)
    reader = manager_of(order.owner, module_levels={"sales": "subordinates", "customers": "subordinates"})
    may_change = Contract.objects.restrict(reader.user, "change").filter(pk=contract.pk).exists()
    outsider_view = client_for(PersonFactory()).get(reverse("sales:contract", args=[contract.pk]))

    page = client_for(reader).get(reverse("sales:contract", args=[contract.pk]))

    assert page.status_code == 200 and outsider_view.status_code == 404
    assert ('id="attach"' in page.content.decode()) is may_change


@pytest.mark.parametrize("url", ["sales:quotations", "sales:contracts", "sales:orders", "sales:shipments",
                                 "finance:invoices", "finance:payments"])
def test_every_document_list_puts_its_columns_in_its_table_and_nothing_in_the_page_head(url):
    owner = OrderFactory().owner

    html = client_for(owner).get(reverse(url), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    head, body = html.split("</head>", 1)
    thead = body[body.index("<thead"):body.index("</thead>")]
    assert "<th" in thead and "Number" in thead
    assert "Number" not in head and "<th" not in head
