"""The API resources `payments` and `receivables`: the same services and the same scope as the pages."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from salesdesk.accounts import services as account_services
from salesdesk.finance.models import Invoice, Payment

from .conftest import issued_invoice

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def api(org, key):
    token = account_services.create_api_token(user=org.user(key), name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def test_a_payment_is_registered_confirmed_and_allocated_through_the_api(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    rep, clerk = api(org, "owner"), api(org, "checker")
    response = rep.post("/api/v1/payments/", {"customer": confirmed.customer_id, "amount": "20000",
                                              "received_on": TODAY().isoformat()}, content_type="application/json")
    assert response.status_code == 201
    payment_id = response.json()["id"]
    assert rep.post(f"/api/v1/payments/{payment_id}/confirm/").status_code == 403
    assert clerk.post(f"/api/v1/payments/{payment_id}/confirm/").json()["status"] == "confirmed"
    response = clerk.post(f"/api/v1/payments/{payment_id}/allocate/",
                          {"targets": [{"invoice": invoice.pk, "amount": "12500.01"}]}, content_type="application/json")
    assert response.status_code == 400 and "only 12500.00 is open" in response.json()["message"]
    body = clerk.post(f"/api/v1/payments/{payment_id}/allocate/",
                      {"targets": [{"invoice": invoice.pk, "amount": "12500"}]}, content_type="application/json").json()
    assert (body["allocated_amount"], body["unapplied"], body["allocations"][0]["invoice"]) == (
        "12500.00", "7500.00", invoice.pk)
    assert Payment.objects.get().allocated_amount == Decimal("12500")
    assert api(org, "outsider").get(f"/api/v1/payments/{payment_id}/").status_code == 404


def test_the_aging_and_a_customers_open_invoices_come_within_scope(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="2")
    Invoice.objects.filter(pk=invoice.pk).update(due_on=TODAY() - datetime.timedelta(days=100))
    body = api(org, "checker").get("/api/v1/receivables/?by=customer").json()
    assert body["rows"][0]["name"] == "巴陵石化" and body["rows"][0]["buckets"]["d91_180"] == "25000.00"
    assert api(org, "outsider").get("/api/v1/receivables/").json()["rows"] == []
    customer = api(org, "owner").get(f"/api/v1/receivables/customers/{confirmed.customer_id}/").json()
    assert (customer["overdue"], customer["invoices"][0]["open_amount"]) == ("25000.00", "25000.00")
    assert api(org, "outsider").get(f"/api/v1/receivables/customers/{confirmed.customer_id}/").status_code == 404
    assert api(org, "owner").get("/api/v1/receivables/?by=planet").status_code == 400
