import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from salesdesk.finance import payments
from salesdesk.finance.models import Invoice, Payment
from salesdesk.sales import contracts
from salesdesk.sales.lines import LineInput

from .conftest import issued_invoice

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def received(org, customer, amount, by="owner", **fields):
    """A payment the owner registers and a clerk confirms."""
    payment = payments.register(customer=customer, by=org.people[by], amount=Decimal(amount),
                                received_on=fields.pop("received_on", TODAY()), **fields)
    return payments.confirm(payment=payment, by=org.people["checker"])


def test_a_payment_is_registered_by_the_rep_and_counts_only_once_finance_confirms_it(finance, confirmed):
    org = finance
    payment = payments.register(customer=confirmed.customer, by=org.people["owner"], amount=Decimal("50000"),
                                received_on=TODAY(), reference="CMB-77")
    assert payment.number.startswith("HK-")
    assert payment.status == Payment.Status.REGISTERED
    with pytest.raises(ValidationError, match="Not possible now"):
        payments.allocate(payment=payment, by=org.people["checker"],
                          targets=[payments.Target(amount=Decimal(1), invoice=None)])
    payments.confirm(payment=payment, by=org.people["checker"])
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by, payment.unapplied) == ("confirmed", org.people["checker"],
                                                                          Decimal("50000"))


def test_bad_receipts_get_clear_messages(finance, deal):
    org, customer = finance, deal["customer"]
    with pytest.raises(ValidationError, match="more than zero"):
        payments.register(customer=customer, by=org.people["owner"], amount=Decimal("0"), received_on=TODAY())
    with pytest.raises(ValidationError, match="future"):
        payments.register(customer=customer, by=org.people["owner"], amount=Decimal("5"),
                          received_on=TODAY() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="acceptance bill"):
        payments.register(customer=customer, by=org.people["owner"], amount=Decimal("5"), received_on=TODAY(),
                          method=Payment.Method.BILL)
    payment = payments.register(customer=customer, by=org.people["owner"], amount=Decimal("5"), received_on=TODAY())
    with pytest.raises(ValidationError, match="Say why"):
        payments.reject(payment=payment, by=org.people["checker"], reason=" ")
    payments.reject(payment=payment, by=org.people["checker"], reason="银行未到账")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REJECTED


def test_one_payment_settles_several_invoices_partly_and_the_rest_stays_unapplied(finance, confirmed):
    org = finance
    first = issued_invoice(org, confirmed, SBS="2")  # 25,000
    second = issued_invoice(org, confirmed, SBS="3")  # 37,500
    payment = received(org, confirmed.customer, "60000")
    payments.allocate(payment=payment, by=org.people["checker"], targets=[
        payments.Target(amount=Decimal("25000"), invoice=first), payments.Target(amount=Decimal("30000"), invoice=second)])
    for document in (first, second, payment):
        document.refresh_from_db()
    assert (first.open_amount, second.open_amount) == (Decimal("0.00"), Decimal("7500.00"))
    assert (payment.allocated_amount, payment.unapplied) == (Decimal("55000.00"), Decimal("5000.00"))


def test_allocation_never_exceeds_the_payment_or_the_invoice(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="2")  # 25,000
    small = received(org, confirmed.customer, "10000")
    with pytest.raises(ValidationError, match="only 10000.00 of the payment is unapplied"):
        payments.allocate(payment=small, by=org.people["checker"],
                          targets=[payments.Target(amount=Decimal("10000.01"), invoice=invoice)])
    big = received(org, confirmed.customer, "90000")
    with pytest.raises(ValidationError, match="only 25000.00 is open"):
        payments.allocate(payment=big, by=org.people["checker"],
                          targets=[payments.Target(amount=Decimal("25000.01"), invoice=invoice)])
    # All or nothing: one bad target and nothing of the batch is written.
    with pytest.raises(ValidationError):
        payments.allocate(payment=big, by=org.people["checker"], targets=[
            payments.Target(amount=Decimal("100"), invoice=invoice), payments.Target(amount=Decimal("-5"), invoice=invoice)])
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("0")


def test_the_database_refuses_an_over_allocation_even_past_the_services(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    payment = received(org, confirmed.customer, "100")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(allocated_amount=Decimal("100.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(paid_amount=invoice.amount + Decimal("0.01"))


def test_a_payment_goes_to_another_customers_invoice_never(finance, confirmed, deal):
    from salesdesk.customers import services as customer_services

    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    other = customer_services.create_customer(company=org.company, by=org.people["owner"], owner=org.people["owner"],
                                              name="扬子石化")
    payment = received(org, other, "1000")
    with pytest.raises(ValidationError, match="another customer"):
        payments.allocate(payment=payment, by=org.people["checker"],
                          targets=[payments.Target(amount=Decimal("1000"), invoice=invoice)])


def test_oldest_first_allocation_and_undo(finance, confirmed):
    org = finance
    newer = issued_invoice(org, confirmed, SBS="1")  # first: once the older is overdue, no more issues
    older = issued_invoice(org, confirmed, SBS="1", issued_on=TODAY() - datetime.timedelta(days=40))
    payment = received(org, confirmed.customer, "15000")
    made = payments.allocate_oldest_first(payment=payment, by=org.people["checker"])
    assert [(a.invoice_id, a.amount) for a in made] == [(older.pk, Decimal("12500.00")), (newer.pk, Decimal("2500.00"))]
    payments.unallocate(allocation=made[1], by=org.people["checker"])
    newer.refresh_from_db()
    payment.refresh_from_db()
    assert (newer.paid_amount, payment.unapplied) == (Decimal("0.00"), Decimal("2500.00"))


def test_money_goes_to_contract_installments_within_their_amounts(finance, deal):
    org = finance
    contract = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="年度框架", lines=[LineInput(deal["sbs"], Decimal("4"))],
        starts_on=TODAY(), ends_on=TODAY() + datetime.timedelta(days=365),
        installments=[contracts.InstallmentInput("advance", Decimal("15000"), TODAY()),
                      contracts.InstallmentInput("retention", Decimal("35000"), TODAY() + datetime.timedelta(days=90))])
    advance = contract.installments.get(kind="advance")
    payment = received(org, deal["customer"], "20000")
    with pytest.raises(ValidationError, match="only 15000"):
        payments.allocate(payment=payment, by=org.people["checker"],
                          targets=[payments.Target(amount=Decimal("15000.01"), installment=advance)])
    payments.allocate(payment=payment, by=org.people["checker"],
                      targets=[payments.Target(amount=Decimal("15000"), installment=advance)])
    assert payments.installment_paid([advance.pk]) == {advance.pk: Decimal("15000.00")}


def test_only_what_is_unapplied_can_be_refunded(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    payment = received(org, confirmed.customer, "13000")
    payments.allocate(payment=payment, by=org.people["checker"],
                      targets=[payments.Target(amount=Decimal("12500"), invoice=invoice)])
    with pytest.raises(ValidationError, match="Only the unapplied 500.00"):
        payments.refund(payment=payment, by=org.people["checker"], amount=Decimal("501"), refunded_on=TODAY(),
                        reason="多付")
    payments.refund(payment=payment, by=org.people["checker"], amount=Decimal("500"), refunded_on=TODAY(), reason="多付")
    payment.refresh_from_db()
    assert (payment.refunded_amount, payment.unapplied) == (Decimal("500.00"), Decimal("0.00"))
