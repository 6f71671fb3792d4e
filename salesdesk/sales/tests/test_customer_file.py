"""The customer page shows the business done with the customer — quotations, contracts, orders,
shipments, invoices, receivables, credit and collection notes — each only as far as the viewer's
scope reaches, in the same number of queries however many documents there are."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customer_services
from salesdesk.finance import receivables
from salesdesk.finance.models import CollectionTask, CreditProfile, Invoice
from salesdesk.finance.tests.conftest import PRICING_DUTY, issued_invoice
from salesdesk.org import services as org_services
from salesdesk.sales import contracts, orders, quotations
from salesdesk.sales.contracts import InstallmentInput
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


@pytest.fixture
def desk(org, deal):
    """The clerks check invoices, confirm payments and rate customers across the company; the Shanghai
    office manager sees his reps' customers and their sales, but in finance only his own records."""
    org_services.set_duties(position=org.positions["inside"], duties=[
        *PRICING_DUTY, {"text": "开票复核", "capability": "check_invoices"},
        {"text": "回款确认与核销", "capability": "confirm_payments"}])
    for module in ("finance", "sales"):
        org_services.set_position_scope(position=org.positions["inside"], module=module, level=ScopeLevel.ALL)
    org_services.set_position_scope(position=org.positions["sh-mgr"], module="customers",
                                    level=ScopeLevel.SUBORDINATES)
    return org


def won_quotation(org, customer, *lines, by="owner"):
    made = quotations.create_quotation(by=org.people[by], customer=customer, lines=list(lines),
                                       valid_until=today() + datetime.timedelta(days=30))
    quotations.send_quotation(quotation=made, by=org.people[by])
    return quotations.mark_won(quotation=made)


def contract_in_force(org, customer, line):
    made = contracts.create_contract(
        by=org.people["owner"], customer=customer, title="年度合同", starts_on=today(),
        ends_on=today() + datetime.timedelta(days=365), lines=[line],
        installments=[InstallmentInput("advance", line.quantity * line.product.standard_price, today())])
    Contract.objects.filter(pk=made.pk).update(status=Contract.Status.ACTIVE)
    return made


def order(org, customer, *lines, confirm=True):
    made = orders.create_order(by=org.people["owner"], customer=customer, lines=list(lines),
                               delivery_on=today() + datetime.timedelta(days=7))
    if confirm:
        orders.submit_for_review(order=made, by=org.people["owner"])
        made.refresh_from_db()
    return made


def overdue_with_a_note(org, invoice, text="下周付款"):
    """The invoice falls 10 days overdue; the daily run opens a collection task and the rep notes what
    the customer said."""
    Invoice.objects.filter(pk=invoice.pk).update(due_on=today() - datetime.timedelta(days=10))
    receivables.refresh_collection_tasks(company=org.company)
    task = CollectionTask.objects.get(customer_id=invoice.customer_id, status=CollectionTask.Status.OPEN)
    return receivables.add_collection_note(task=task, by=org.people["owner"], text=text,
                                           promised_on=today() + datetime.timedelta(days=7))


def rated(org, customer, limit="500000"):
    return CreditProfile.objects.create(company=org.company, customer=customer, level="A", limit=Decimal(limit),
                                        policy=CreditProfile.Policy.CREDIT, payment_days=30)


def page_of(org, viewer, customer):
    client = Client()
    client.force_login(org.user(viewer))
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response


def sections(response) -> dict:
    return {section["key"]: section for section in response.context["business"]}


def kinds(response) -> dict:
    return {kind.key: (kind.count, kind.amount) for section in response.context["business"]
            for kind in section["kinds"]}


def test_a_rep_sees_his_customers_documents_sums_receivables_credit_and_collection_notes(desk, deal):
    org, customer = desk, deal["customer"]
    won = won_quotation(org, customer, LineInput(deal["sbs"], Decimal("10")))  # 125,000 won
    quotations.create_quotation(by=org.people["owner"], customer=customer, valid_until=today() + datetime.timedelta(days=30),
                                lines=[LineInput(deal["agent"], Decimal("10"))])  # a draft: counted, not won
    contract = contract_in_force(org, customer, LineInput(deal["sbs"], Decimal("4")))  # 50,000
    confirmed = order(org, customer, LineInput(deal["sbs"], Decimal("2")))  # 25,000
    draft = order(org, customer, LineInput(deal["agent"], Decimal("1")), confirm=False)  # 300, not confirmed
    invoice = issued_invoice(org, confirmed, SBS="1")  # ships one (12,500) and invoices it
    note = overdue_with_a_note(org, invoice)
    rated(org, customer)

    response = page_of(org, "owner", customer)

    assert kinds(response) == {"quotations": (2, Decimal("125000.00")), "contracts": (1, Decimal("50000.00")),
                               "orders": (2, Decimal("25000.00")), "shipments": (1, Decimal("12500.00")),
                               "invoices": (1, Decimal("12500.00"))}
    finance = sections(response)["finance"]
    assert (finance["invoices"]["receivable"], finance["invoices"]["overdue"]) == (Decimal("12500.00"),
                                                                                 Decimal("12500.00"))
    # Used: the open invoice and the ordered SBS not yet shipped, 12,500 each.
    assert finance["credit"]["profile"].level == "A" and finance["credit"]["available"] == Decimal("475000.00")
    assert finance["collection"]["notes"] == [note]
    html = response.content.decode()
    for url in (reverse("sales:quotation", args=[won.pk]), reverse("sales:contract", args=[contract.pk]),
                reverse("sales:order", args=[confirmed.pk]), reverse("sales:order", args=[draft.pk]),
                reverse("sales:shipment", args=[confirmed.shipments.get().pk]),
                reverse("finance:invoice", args=[invoice.pk]),
                reverse("finance:collection_task", args=[note.task_id])):
        assert f'href="{url}"' in html
    assert 'data-status="won"' in html and 'data-status="draft"' in html
    assert 'data-credit-available="475000.00"' in html
    assert "下周付款" in html


def test_a_manager_whose_finance_scope_is_his_own_sees_his_reps_sales_but_no_finance(desk, deal):
    org, customer = desk, deal["customer"]
    confirmed = order(org, customer, LineInput(deal["sbs"], Decimal("2")))
    overdue_with_a_note(org, issued_invoice(org, confirmed, SBS="1"))
    rated(org, customer)

    response = page_of(org, "superior", customer)

    assert kinds(response) == {"orders": (1, Decimal("25000.00")), "shipments": (1, Decimal("12500.00"))}
    assert "finance" not in sections(response)
    html = response.content.decode()
    assert 'id="customer-sales"' in html and 'id="customer-finance"' not in html and "下周付款" not in html


def test_a_collaborator_from_another_office_counts_only_the_documents_he_may_see(desk, deal):
    org, customer = desk, deal["customer"]
    customer_services.set_collaborator(customer=customer, employee=org.people["outsider"], access="read")
    his = won_quotation(org, customer, LineInput(deal["agent"], Decimal("10")), by="outsider")  # 3,000
    won_quotation(org, customer, LineInput(deal["sbs"], Decimal("1")))  # the owner's: 12,500
    confirmed = order(org, customer, LineInput(deal["sbs"], Decimal("2")))
    issued_invoice(org, confirmed, SBS="1")

    outsiders = page_of(org, "outsider", customer)
    owners = page_of(org, "owner", customer)

    assert kinds(outsiders) == {"quotations": (1, Decimal("3000.00"))}
    assert [row.label for row in sections(outsiders)["sales"]["kinds"][0].rows] == [his.number]
    # The owner sees the quotation a colleague made to his customer, and everything else of it.
    assert kinds(owners)["quotations"] == (2, Decimal("15500.00"))
    assert set(kinds(owners)) == {"quotations", "orders", "shipments", "invoices"}


def test_a_customer_without_business_shows_none_and_one_with_a_quotation_only_that(desk, deal):
    org = desk
    fresh = customer_services.create_customer(company=org.company, by=org.people["owner"], owner=org.people["owner"],
                                              name="新客户有限公司")
    response = page_of(org, "owner", fresh)
    assert response.context["business"] == []
    assert 'id="customer-sales"' not in response.content.decode()
    assert 'id="customer-finance"' not in response.content.decode()

    quotations.create_quotation(by=org.people["owner"], customer=fresh, valid_until=today() + datetime.timedelta(days=30),
                                lines=[LineInput(deal["agent"], Decimal("1"))])
    response = page_of(org, "owner", fresh)
    assert kinds(response) == {"quotations": (1, Decimal("0.00"))}
    assert list(sections(response)) == ["sales"]


def test_an_unrated_customer_with_invoices_shows_the_companys_terms_for_unrated_customers(desk, deal):
    org, customer = desk, deal["customer"]
    issued_invoice(org, order(org, customer, LineInput(deal["sbs"], Decimal("2"))), SBS="1")

    shown = sections(page_of(org, "owner", customer))["finance"]["credit"]

    # The company sells on credit to unrated customers up to 100,000,000 (the sales fixtures).
    assert shown["rated"] is False and shown["available"] == Decimal("100000000") - Decimal("25000.00")


def make_business(org, deal, customer, n):
    """n documents of each kind for the customer, an overdue invoice with n collection notes."""
    agent = deal["agent"]
    invoices = []
    for _ in range(n):
        won_quotation(org, customer, LineInput(agent, Decimal("1")))
        contract_in_force(org, customer, LineInput(agent, Decimal("1")))
        invoices.append(issued_invoice(org, order(org, customer, LineInput(agent, Decimal("1"))), AGT="1"))
    for number in range(n):
        overdue_with_a_note(org, invoices[0], text=f"第{number}次催款")


def test_the_page_takes_as_many_queries_for_twenty_documents_of_each_kind_as_for_two(desk, deal):
    org = desk
    few, many = (customer_services.create_customer(company=org.company, by=org.people["owner"],
                                                   owner=org.people["owner"], name=name)
                 for name in ("两单客户有限公司", "二十单客户有限公司"))
    make_business(org, deal, few, 2)
    make_business(org, deal, many, 20)
    for customer in (few, many):
        rated(org, customer, limit="100000000")
    client = Client()
    client.force_login(org.user("owner"))
    client.get(reverse("customers:detail", args=[few.pk]))  # caches (content types …) filled

    counted = {}
    for customer in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("customers:detail", args=[customer.pk]))
        counted[customer.name] = len(queries)
        assert {key: count for key, (count, _amount) in kinds(response).items()} == dict.fromkeys(
            ("quotations", "contracts", "orders", "shipments", "invoices"), 2 if customer == few else 20)
        assert len(sections(response)["finance"]["collection"]["notes"]) == (2 if customer == few else 3)

    assert counted["两单客户有限公司"] == counted["二十单客户有限公司"]
