"""Issue 15 §1: one rule for the documents hanging off a customer. The statement of account
(/finance/receivables/customer/<id>/), its .xlsx and /api/v1/receivables/customers/<id>/ show of the
customer's invoices, payments, refunds and write-offs exactly those the reader sees on their own
pages (`restrict`): someone who may open the customer's account but whose finance scope refuses an
invoice (a 404 on the invoice itself) does not find it in the statement either. The customer page's
finance section obeys the same rule."""

import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.accounts import services as account_services
from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.finance import payments
from salesdesk.finance.models import Invoice, Payment
from salesdesk.org import services as org_services

from .conftest import issued_invoice
from .test_payments import received

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(finance, confirmed, english):
    """Two invoices and a payment (with a refund) of the owner's customer. The owner's superior sees
    the customer (customers: 本人及下属) but in finance only his own records; he reads the second
    invoice as a collaborator."""
    org = finance
    org_services.set_position_scope(position=org.positions["sh-mgr"], module="customers",
                                    level=ScopeLevel.SUBORDINATES)
    hidden = issued_invoice(org, confirmed, SBS="1")
    shared = issued_invoice(org, confirmed, SBS="1")
    Collaborator.objects.create(content_type=ContentType.objects.get_for_model(Invoice), object_id=shared.pk,
                                employee=org.people["superior"], access=Collaborator.Access.READ)
    payment = received(org, confirmed.customer, "3000")
    payments.refund(payment=payment, by=org.people["checker"], amount=Decimal("1000"), reason="多付退回",
                    refunded_on=timezone.localdate())
    return {"org": org, "customer": confirmed.customer, "hidden": hidden, "shared": shared, "payment": payment}


def client_of(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def api_of(org, key):
    token = account_services.create_api_token(user=org.user(key), name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def statement_rows(client, customer):
    url = reverse("finance:customer_receivables", args=[customer.pk])
    response = client.get(url, {"date_from": "2000-01-01", "date_to": "2100-12-31", "format": "xlsx"})
    assert response.status_code == 200
    return [row for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) if any(row)]


def test_the_premise_the_superior_sees_the_customer_but_not_the_hidden_invoice_nor_the_payment(account):
    org = account["org"]
    superior = client_of(org, "superior")
    assert superior.get(reverse("customers:detail", args=[account["customer"].pk])).status_code == 200
    assert superior.get(reverse("finance:invoice", args=[account["hidden"].pk])).status_code == 404
    assert superior.get(reverse("finance:invoice", args=[account["shared"].pk])).status_code == 200
    assert superior.get(reverse("finance:payment", args=[account["payment"].pk])).status_code == 404


def test_the_statement_page_shows_only_the_documents_the_reader_sees(account):
    org, hidden, shared, payment = account["org"], account["hidden"], account["shared"], account["payment"]
    url = reverse("finance:customer_receivables", args=[account["customer"].pk])
    response = client_of(org, "superior").get(url, {"date_from": "2000-01-01", "date_to": "2100-12-31"})
    assert response.status_code == 200
    page = response.content.decode()
    assert shared.number in page and hidden.number not in page and payment.number not in page
    assert [invoice.pk for invoice in response.context["figures"]["invoices"]] == [shared.pk]
    assert response.context["figures"]["open"] == shared.amount
    assert response.context["figures"]["unapplied"] == 0
    assert [row.reference for row in response.context["statement"].rows] == [
        f"{shared.invoice_number} ({shared.number})"]
    # The customer's credit (profile, exposure) is within the finance scope of the customer's owner,
    # as on the customer page: not his.
    assert response.context["exposure"] is None and response.context["profile"] is None
    assert 'id="customer-credit"' not in page
    # Who sees everything in finance sees it all.
    clerk = client_of(org, "checker").get(url, {"date_from": "2000-01-01", "date_to": "2100-12-31"})
    assert {invoice.pk for invoice in clerk.context["figures"]["invoices"]} == {hidden.pk, shared.pk}
    assert len(clerk.context["statement"].rows) == 4  # two invoices, the payment, its refund
    assert clerk.context["exposure"] is not None and 'id="customer-credit"' in clerk.content.decode()


def test_the_statement_workbook_shows_only_the_documents_the_reader_sees(account):
    org, hidden, shared, payment = account["org"], account["hidden"], account["shared"], account["payment"]
    rows = statement_rows(client_of(org, "superior"), account["customer"])
    references = [row[2] for row in rows[5:-1]]  # between the opening and the closing balance
    assert references == [f"{shared.invoice_number} ({shared.number})"]
    assert rows[-1][-1] == shared.amount
    everything = [row[2] for row in statement_rows(client_of(org, "checker"), account["customer"])[5:-1]]
    assert sorted(everything) == sorted([f"{hidden.invoice_number} ({hidden.number})",
                                         f"{shared.invoice_number} ({shared.number})", payment.number, payment.number])


def test_the_api_shows_only_the_invoices_the_reader_sees(account):
    org, hidden, shared = account["org"], account["hidden"], account["shared"]
    url = f"/api/v1/receivables/customers/{account['customer'].pk}/"
    body = api_of(org, "superior").get(url).json()
    assert [invoice["id"] for invoice in body["invoices"]] == [shared.pk]
    assert (body["open"], body["unapplied"]) == (f"{shared.amount:.2f}", "0.00")
    assert api_of(org, "superior").get(f"/api/v1/invoices/{hidden.pk}/").status_code == 404
    clerk = api_of(org, "checker").get(url).json()
    assert {invoice["id"] for invoice in clerk["invoices"]} == {hidden.pk, shared.pk}
    assert clerk["unapplied"] == "2000.00"


def test_the_page_the_workbook_and_the_api_agree_for_everyone(account):
    """The one selector: for each reader, the same invoices on the page, in the .xlsx and in the API."""
    org = account["org"]
    customer = account["customer"]
    url = reverse("finance:customer_receivables", args=[customer.pk])
    for key in ("owner", "superior", "checker", "director", "outsider", "teammate"):
        page = client_of(org, key).get(url, {"date_from": "2000-01-01", "date_to": "2100-12-31"})
        api = api_of(org, key).get(f"/api/v1/receivables/customers/{customer.pk}/")
        assert page.status_code == api.status_code, key
        if page.status_code != 200:
            continue
        on_page = {invoice.pk for invoice in page.context["figures"]["invoices"]}
        assert on_page == {invoice["id"] for invoice in api.json()["invoices"]}, key
        seen = set(Invoice.objects.restrict(org.user(key)).filter(customer=customer).values_list("pk", flat=True))
        assert on_page == seen, key
        in_book = {row[2] for row in statement_rows(client_of(org, key), customer)[5:-1]}
        wanted = {f"{invoice.invoice_number} ({invoice.number})" for invoice in Invoice.objects.filter(pk__in=seen)}
        wanted |= set(Payment.objects.restrict(org.user(key)).filter(customer=customer).values_list("number", flat=True))
        assert in_book == wanted, key


def test_the_customer_pages_finance_section_follows_the_same_rule(account):
    org = account["org"]
    page = client_of(org, "superior").get(reverse("customers:detail", args=[account["customer"].pk]))
    [finance] = [section for section in page.context["business"] if section["key"] == "finance"]
    assert finance["invoices"]["kind"].count == 1
    assert [row.label for row in finance["invoices"]["kind"].rows] == [account["shared"].number]
    assert finance["credit"] is None


def test_the_credit_overview_and_its_workbook_list_only_customers_whose_credit_the_reader_sees(account):
    """The credit overview (客户信用等级一览表) sums each customer's invoices, orders and payments: it
    lists a customer to whoever sees its credit (the finance scope of its owner), as the customer
    page and the statement do — not to whoever merely sees the customer."""
    org, customer = account["org"], account["customer"]
    superior = client_of(org, "superior").get(reverse("finance:credit"))
    assert customer.name not in superior.content.decode()
    book = client_of(org, "superior").get(reverse("finance:credit"), {"format": "xlsx"})
    names = [row[0] for row in load_workbook(io.BytesIO(book.content)).active.iter_rows(min_row=2, values_only=True)]
    assert customer.name not in names
    for key in ("owner", "checker"):
        assert customer.name in client_of(org, key).get(reverse("finance:credit")).content.decode(), key
