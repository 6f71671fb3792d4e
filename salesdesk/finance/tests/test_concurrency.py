"""Fifty finance clerks allocating to one invoice at the same moment, on real parallel PostgreSQL
connections: the invoice is never paid beyond its amount, and what the allocations say is what the
invoice and the payments say."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import Sum

from salesdesk.finance import payments
from salesdesk.finance.models import Allocation, Invoice, Payment

from .conftest import issued_invoice
from .test_payments import received

CLERKS = 50


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_allocations_to_one_invoice_never_over_allocate(finance, confirmed):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="2")  # 25,000.00
    receipts = [received(org, confirmed.customer, "2000") for _ in range(CLERKS)]
    barrier = threading.Barrier(CLERKS)
    done, refused, errors = [], [], []

    def allocate(payment):
        try:
            barrier.wait()
            payments.allocate(payment=payment, by=org.people["checker"],
                              targets=[payments.Target(amount=Decimal("2000"), invoice=invoice)])
            done.append(payment.pk)
        except ValidationError:
            refused.append(payment.pk)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(payment,)) for payment in receipts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    invoice.refresh_from_db()
    assert (len(done), len(refused)) == (12, CLERKS - 12)  # 12 × 2,000 fit in 25,000; the 13th does not
    assert invoice.paid_amount == Decimal("24000.00") == Allocation.objects.aggregate(total=Sum("amount"))["total"]
    assert Payment.objects.filter(allocated_amount=Decimal("2000")).count() == 12
    assert Invoice.objects.get(pk=invoice.pk).open_amount == Decimal("1000.00")


@pytest.mark.django_db(transaction=True)
def test_one_payment_allocated_by_two_clerks_at_once_is_applied_once(finance, confirmed):
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")
    org = finance
    first = issued_invoice(org, confirmed, SBS="1")
    second = issued_invoice(org, confirmed, SBS="1")
    payment = received(org, confirmed.customer, "12500")
    barrier = threading.Barrier(2)
    outcomes = []

    def allocate(invoice):
        try:
            barrier.wait()
            payments.allocate(payment=payment, by=org.people["checker"],
                              targets=[payments.Target(amount=Decimal("12500"), invoice=invoice)])
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=allocate, args=(invoice,)) for invoice in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["done", "refused"]
    payment.refresh_from_db()
    assert (payment.allocated_amount, payment.unapplied) == (Decimal("12500.00"), Decimal("0.00"))
