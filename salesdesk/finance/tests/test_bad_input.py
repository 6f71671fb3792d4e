"""Bad input in finance gets a clear message, never a 500: amounts that are not finite, too large or
too fine, quantities of a ten-millionth or NaN on invoice requests, impossible days, more allocation
targets than one step takes, an old customer name with a control character in the credit overview's
export, and an allocation undone twice (one after the other, and ten clerks at once on PostgreSQL)."""

import io
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from salesdesk.accounts import services as account_services
from salesdesk.customers.models import Customer
from salesdesk.finance import invoicing, payments
from salesdesk.finance.models import Allocation, Invoice, Payment

from .conftest import issued_invoice, ship
from .test_payments import received

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
BAD_AMOUNTS = ["NaN", "Infinity", "-Infinity", "1e400", "1" * 30, "0.001", "12,5x"]


def api(org, key):
    token = account_services.create_api_token(user=org.user(key), name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def page_client(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user(key))
    return client


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_an_amount_that_is_not_a_finite_number_of_cents_is_refused_with_a_message(finance, confirmed, amount):
    with pytest.raises(ValidationError) as refused:
        payments.register(customer=confirmed.customer, by=finance.people["owner"], amount=amount, received_on=TODAY())

    assert refused.value.message_dict["amount"][0].startswith("The amount ")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "1e400", "1" * 30, "0.001"])
def test_an_amount_the_api_cannot_keep_is_a_422_naming_the_field(finance, confirmed, amount):
    response = api(finance, "owner").post("/api/v1/payments/", {
        "customer": confirmed.customer_id, "amount": amount, "received_on": TODAY().isoformat()},
        content_type="application/json")

    assert response.status_code == 422, response.content
    assert response.json()["message"].startswith("Invalid input: amount: ")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("day", ["0000-00-00", "0001-01-01", "9999-12-31", "2026-02-30"])
def test_an_impossible_or_far_away_day_sent_to_the_api_is_a_422(finance, confirmed, day):
    response = api(finance, "owner").post("/api/v1/payments/", {
        "customer": confirmed.customer_id, "amount": "100", "received_on": day}, content_type="application/json")
    aging = api(finance, "checker").get("/api/v1/receivables/", {"as_of": day})

    assert (response.status_code, aging.status_code) == (422, 422)
    assert "received_on" in response.json()["message"] and "as_of" in aging.json()["message"]


@pytest.mark.parametrize("quantity", ["0.0000001", "NaN", "Infinity", "1e400"])
def test_an_invoice_request_for_a_ten_millionth_or_nan_is_refused_with_a_message(finance, confirmed, quantity):
    ship(finance, confirmed, SBS="1")
    line = confirmed.lines.get(product__code="SBS")

    with pytest.raises(ValidationError) as refused:
        invoicing.request_invoice(order=confirmed, by=finance.people["owner"], buyer_tax_id="91430600MA4L000000",
                                  quantities={line.pk: Decimal(quantity)})

    assert refused.value.messages[0].startswith("The quantity ")
    assert not Invoice.objects.exists()


def test_an_invoice_request_typed_with_nan_shows_the_message_on_the_page(finance, confirmed):
    ship(finance, confirmed, SBS="1")
    line = confirmed.lines.get(product__code="SBS")

    response = page_client(finance, "owner").post(reverse("finance:invoice_new", args=[confirmed.pk]), {
        f"invoice-{line.pk}": "NaN", "kind": "special", "buyer_tax_id": "91430600MA4L000000"}, follow=True)

    assert response.status_code == 200
    assert "The quantity must be a finite number." in response.content.decode()


@pytest.mark.parametrize("day", ["0000-00-00", "0001-01-01", "9999-12-31"])
def test_an_impossible_or_far_away_day_on_the_finance_pages_says_so(finance, confirmed, day):
    invoice = issued_invoice(finance, confirmed, SBS="1")
    payment = received(finance, confirmed.customer, "100")
    clerk = page_client(finance, "checker")

    aging = clerk.get(reverse("finance:receivables"), {"as_of": day})
    mailed = clerk.post(reverse("finance:invoice_action", args=[invoice.pk, "mail"]), {"mailed_on": day}, follow=True)
    refund = clerk.post(reverse("finance:payment_action", args=[payment.pk, "refund"]),
                        {"refunded_on": day, "amount": "10", "reason": "多付"}, follow=True)

    assert aging.status_code == mailed.status_code == refund.status_code == 200
    for response in (aging, mailed, refund):
        assert any("date" in str(message) for message in response.context["messages"])
    assert not payment.refunds.exists()


def test_more_allocation_targets_than_one_step_takes_are_refused_with_a_message(finance, confirmed):
    invoice = issued_invoice(finance, confirmed, SBS="1")
    payment = received(finance, confirmed.customer, "12500")
    many = [payments.Target(amount=Decimal("0.01"), invoice=invoice)] * (payments.MAX_TARGETS + 1)

    with pytest.raises(ValidationError) as refused:
        payments.allocate(payment=payment, by=finance.people["checker"], targets=many)
    response = api(finance, "checker").post(f"/api/v1/payments/{payment.pk}/allocate/", {
        "targets": [{"invoice": invoice.pk, "amount": "0.01"}] * 60_000}, content_type="application/json")

    assert f"At most {payments.MAX_TARGETS} invoices and installments at a time" in refused.value.messages[0]
    assert response.status_code == 422 and "targets" in response.json()["message"]
    assert not Allocation.objects.exists()


def test_an_old_customer_name_with_a_vertical_tab_no_longer_breaks_the_credit_overview_export(finance, confirmed):
    Customer.objects.filter(pk=confirmed.customer_id).update(name="巴陵\x0b石化")  # saved before the check

    response = page_client(finance, "checker").get(reverse("finance:credit"), {"format": "xlsx"})

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert "巴陵石化" in [row[0] for row in rows[1:]]


def test_undoing_an_allocation_a_second_time_says_it_was_undone(finance, confirmed):
    invoice = issued_invoice(finance, confirmed, SBS="1")
    payment = received(finance, confirmed.customer, "12500")
    [allocation] = payments.allocate(payment=payment, by=finance.people["checker"],
                                     targets=[payments.Target(amount=Decimal("100"), invoice=invoice)])
    payments.unallocate(allocation=allocation, by=finance.people["checker"])

    with pytest.raises(ValidationError) as refused:  # the same page, sent again
        payments.unallocate(allocation=allocation, by=finance.people["checker"])

    assert refused.value.messages == ["This allocation has already been undone."]
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.allocated_amount, invoice.paid_amount) == (Decimal("0.00"), Decimal("0.00"))


@pytest.mark.django_db(transaction=True)
def test_ten_clerks_undoing_one_allocation_at_once_undo_it_once_and_the_others_are_told(finance, confirmed):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")
    invoice = issued_invoice(finance, confirmed, SBS="1")
    payment = received(finance, confirmed.customer, "12500")
    [allocation] = payments.allocate(payment=payment, by=finance.people["checker"],
                                     targets=[payments.Target(amount=Decimal("100"), invoice=invoice)])
    barrier = threading.Barrier(10)
    undone, told, errors = [], [], []

    def undo():
        try:
            stale = Allocation.objects.get(pk=allocation.pk)  # each request read it before any undo
            barrier.wait()
            with translation.override("en"):  # a thread starts in the default language
                payments.unallocate(allocation=stale, by=finance.people["checker"])
            undone.append(1)
        except ValidationError as error:
            told.append(error.messages)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=undo) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert (len(undone), len(told)) == (1, 9)
    assert told[0] == ["This allocation has already been undone."]
    payment.refresh_from_db()
    invoice.refresh_from_db()
    assert (payment.allocated_amount, invoice.paid_amount) == (Decimal("0.00"), Decimal("0.00"))
