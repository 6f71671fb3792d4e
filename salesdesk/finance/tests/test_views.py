"""The finance pages, through the test client: register → confirm → allocate, the aging and the
statement (also as .xlsx), collection notes, credit profiles, the order page's credit box and the
override request."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.finance import credit, receivables
from salesdesk.finance.models import CollectionTask, CreditOverride, CreditProfile, Invoice, Payment
from salesdesk.org import services as org_services

from .conftest import issued_invoice

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def client_of(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.people[key].user)
    return client


def test_the_rep_registers_a_payment_and_finance_confirms_and_allocates_it_on_the_page(finance, confirmed, english):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="2")
    rep = client_of(org, "owner")
    response = rep.post(reverse("finance:payment_new"), {
        "customer": confirmed.customer_id, "method": "transfer", "amount": "30000", "received_on": TODAY().isoformat()})
    payment = Payment.objects.get()
    assert response.status_code == 302 and response.url == reverse("finance:payment", args=[payment.pk])
    assert rep.post(reverse("finance:payment_action", args=[payment.pk, "confirm"])).status_code == 403
    clerk = client_of(org, "checker")
    page = clerk.get(reverse("finance:payment", args=[payment.pk])).content.decode()
    assert "Confirm: the money is on the account" in page
    clerk.post(reverse("finance:payment_action", args=[payment.pk, "confirm"]))
    page = clerk.get(reverse("finance:payment", args=[payment.pk])).content.decode()
    assert f'name="invoice-{invoice.pk}"' in page
    response = clerk.post(reverse("finance:payment_action", args=[payment.pk, "allocate"]),
                          {f"invoice-{invoice.pk}": "25000"}, follow=True)
    assert "1 allocations made." in response.content.decode()
    invoice.refresh_from_db()
    payment.refresh_from_db()
    assert (invoice.open_amount, payment.unapplied) == (Decimal("0.00"), Decimal("5000.00"))
    response = clerk.post(reverse("finance:payment_action", args=[payment.pk, "allocate"]),
                          {f"invoice-{invoice.pk}": "abc"}, follow=True)
    assert "Amounts are numbers" in response.content.decode()


def test_a_bad_payment_form_keeps_what_was_typed(finance, confirmed, english):
    response = client_of(finance, "owner").post(reverse("finance:payment_new"), {
        "customer": confirmed.customer_id, "method": "bill", "amount": "800", "received_on": TODAY().isoformat(),
        "reference": "CMB-1"})
    page = response.content.decode()
    assert response.status_code == 200 and "An acceptance bill needs its number and due date." in page
    assert 'value="CMB-1"' in page and Payment.objects.count() == 0


def test_the_aging_page_and_its_workbook_show_the_same_figures(finance, confirmed, english):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=TODAY() - datetime.timedelta(days=40))
    clerk = client_of(org, "checker")
    page = clerk.get(reverse("finance:receivables")).content.decode()
    assert "巴陵石化" in page and "12,500.00" in page
    response = clerk.get(reverse("finance:receivables") + "?by=owner&format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "李代表" and rows[1][3] == 12500 and rows[-1][-1] == 12500
    assert "巴陵石化" not in client_of(org, "outsider").get(reverse("finance:receivables")).content.decode()


def test_a_long_aging_shows_the_largest_fifty_a_page_with_the_totals_of_all(finance, confirmed, english):
    from salesdesk.customers import services as customer_services

    org = finance
    issued_invoice(org, confirmed, SBS="1")
    owner = org.people["owner"]
    for number in range(1, 52):  # 51 more customers, each owing 100 × its number
        customer = customer_services.create_customer(company=org.company, by=owner, owner=owner,
                                                     name=f"欠款客户{number:02d}")
        Invoice.objects.create(company=org.company, number=f"T-{number}", order=confirmed, customer=customer,
                               owner=owner, requested_by=owner, buyer_name=customer.name,
                               status=Invoice.Status.ISSUED, amount=Decimal(100 * number), issued_on=TODAY(),
                               due_on=TODAY())
    clerk = client_of(org, "checker")

    first = clerk.get(reverse("finance:receivables")).content.decode()
    second = clerk.get(reverse("finance:receivables"), {"page": 2}).content.decode()

    assert first.count('data-row="') == 50 and second.count('data-row="') == 2
    assert 'data-row="巴陵石化"' in first and 'data-row="欠款客户51"' in first  # the largest first
    assert 'data-row="欠款客户01"' in second
    total = Decimal("12500") + sum(Decimal(100 * number) for number in range(1, 52))
    assert f"{total:,.2f}" in first.split('id="aging-total"')[1]
    rows = list(load_workbook(io.BytesIO(clerk.get(reverse("finance:receivables"), {"format": "xlsx"}).content))
                .active.iter_rows(values_only=True))
    assert len([row for row in rows[1:] if row[0] and row[0] != "Total"]) == 52


def test_the_statement_downloads_for_the_chosen_period(finance, confirmed, english):
    org = finance
    issued_invoice(org, confirmed, SBS="1")
    url = reverse("finance:customer_receivables", args=[confirmed.customer_id])
    page = client_of(org, "owner").get(url).content.decode()
    assert "Statement of account" in page and "12,500.00" in page
    response = client_of(org, "owner").get(url, {"date_from": TODAY().replace(day=1).isoformat(),
                                                 "date_to": TODAY().isoformat(), "format": "xlsx"})
    rows = [row for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True) if any(row)]
    assert rows[-1][1] == "Closing balance" and rows[-1][-1] == 12500


def test_the_owner_notes_what_the_customer_promised_on_the_collection_task(finance, confirmed, english):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=TODAY() - datetime.timedelta(days=3))
    receivables.refresh_collection_tasks(company=org.company)
    task = CollectionTask.objects.get()
    url = reverse("finance:collection_task", args=[task.pk])
    assert "巴陵石化" in client_of(org, "owner").get(reverse("finance:collection")).content.decode()
    response = client_of(org, "owner").post(url, {"text": "周五付一半", "promised_amount": "6250"}, follow=True)
    assert "周五付一半" in response.content.decode()
    assert client_of(org, "outsider").get(url).status_code == 404


def test_credit_profiles_are_set_by_who_manages_credit(finance, deal, english):
    org = finance
    url = reverse("finance:credit_profile", args=[deal["customer"].pk])
    assert client_of(org, "owner").get(url).status_code == 403
    org_services.set_duties(position=org.positions["inside"], duties=[
        {"text": "开票复核", "queue": "invoices_to_check", "capability": "check_invoices"}, {"text": "信用评级", "capability": "credit"}])
    response = client_of(org, "checker").post(url, {"level": "C", "policy": "credit", "limit": "50000",
                                                    "payment_days": "15"})
    assert response.status_code == 302
    profile = CreditProfile.objects.get()
    assert (profile.level, profile.limit, profile.payment_days, profile.updated_by) == (
        "C", Decimal("50000.00"), 15, org.people["checker"])
    page = client_of(org, "checker").get(reverse("finance:credit")).content.decode()
    assert "巴陵石化" in page and "50,000.00" in page


def test_the_order_page_shows_the_block_and_takes_an_override_request(finance, deal, english):
    from salesdesk.sales import orders
    from salesdesk.sales.lines import LineInput

    org = finance
    credit.set_profile(customer=deal["customer"], by=org.people["checker"], level="C", limit=Decimal("1000"),
                       policy="credit", payment_days=30)
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["sbs"], Decimal("1"))],
                                delivery_on=TODAY() + datetime.timedelta(days=2))
    rep = client_of(org, "owner")
    response = rep.post(reverse("sales:order_action", args=[order.pk, "submit"]), follow=True)
    assert "Credit check: 巴陵石化 would use 12500.00 of its credit limit of 1000.00" in response.content.decode()
    page = rep.get(reverse("sales:order", args=[order.pk])).content.decode()
    assert 'id="credit-blocked"' in page and "Ask for a credit override" in page
    response = rep.post(reverse("finance:credit_override", args=[order.pk]), {"action": "confirm", "reason": "大客户"},
                        follow=True)
    override = CreditOverride.objects.get()
    assert (override.reason, override.requested_by, override.action) == ("大客户", org.people["owner"], "confirm")
    # No override chain in this company: the request waits for an administrator to set one up.
    assert "The credit override goes for approval." in response.content.decode()
    assert override.status == CreditOverride.Status.PENDING


def test_the_credit_overview_follows_the_finance_scope(finance, deal, english):
    org = finance
    assert "巴陵石化" in client_of(org, "checker").get(reverse("finance:credit")).content.decode()
    assert "巴陵石化" in client_of(org, "owner").get(reverse("finance:credit")).content.decode()
    assert "巴陵石化" not in client_of(org, "outsider").get(reverse("finance:credit")).content.decode()
    response = client_of(org, "checker").get(reverse("finance:credit") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["巴陵石化"] and rows[1][2] == "not rated"
