"""Every change of money and state in finance reaches the audit log, also where the services write
set-based (UPDATE … SET paid_amount = paid_amount + …, bulk_create), which sends no signals: who did
it, before and after, the record's company — and a whole allocation's entries in one INSERT."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.audit.models import AuditEntry
from salesdesk.audit.registry import timeline_for
from salesdesk.audit.selectors import log_rows
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.finance import payments
from salesdesk.finance.models import Allocation, InvoiceLine

from .conftest import issued_invoice
from .test_receivables import write_off_chain

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def acting(org, key):
    """As a request of `key` would: the signed-in person acts."""
    return acting_as(actor_for_user(org.user(key), source="web"))


def change_of(record, field):
    """(who, before, after) of the latest audit entry of `record` that changed `field`."""
    for entry in timeline_for(record).order_by("-id"):
        if field in entry.changes:
            return (entry.actor_name, *entry.changes[field])
    return None


def entries_of(model, **filters):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), **filters)


@pytest.fixture
def two_invoices(finance, confirmed):
    return issued_invoice(finance, confirmed, SBS="2"), issued_invoice(finance, confirmed, SBS="3")  # 25,000 / 37,500


def received(org, customer, amount):
    with acting(org, "owner"):
        payment = payments.register(customer=customer, by=org.people["owner"], amount=Decimal(amount),
                                    received_on=TODAY())
    with acting(org, "checker"):
        return payments.confirm(payment=payment, by=org.people["checker"])


def test_confirming_a_payment_records_who_confirmed_it_for_the_payments_company(finance, confirmed):
    payment = received(finance, confirmed.customer, "1000")

    assert change_of(payment, "status") == ("冀内勤", "registered", "confirmed")
    assert change_of(payment, "confirmed_by") == ("冀内勤", None, finance.people["checker"].pk)
    assert timeline_for(payment).latest("id").company_id == finance.company.pk


def test_an_allocation_records_the_allocations_the_invoices_paid_and_the_payment_allocated(finance, confirmed,
                                                                                          two_invoices):
    first, second = two_invoices
    payment = received(finance, confirmed.customer, "60000")

    with acting(finance, "checker"), CaptureQueriesContext(connection) as queries:
        made = payments.allocate(payment=payment, by=finance.people["checker"], targets=[
            payments.Target(amount=Decimal("25000"), invoice=first),
            payments.Target(amount=Decimal("30000"), invoice=second)])

    assert change_of(first, "paid_amount") == ("冀内勤", "0.00", "25000.00")
    assert change_of(second, "paid_amount") == ("冀内勤", "0.00", "30000.00")
    assert change_of(payment, "allocated_amount") == ("冀内勤", "0.00", "55000.00")
    created = entries_of(Allocation, action="create").order_by("object_id")
    assert [entry.object_id for entry in created] == [str(allocation.pk) for allocation in made]
    assert created[0].changes["amount"] == [None, "25000"] and created[0].changes["invoice"] == [None, first.pk]
    assert {entry.actor_name for entry in created} == {"冀内勤"}
    assert set(AuditEntry.objects.filter(content_type__app_label="finance").values_list("company", flat=True)) == {
        finance.company.pk}
    inserts = [query for query in queries.captured_queries if query["sql"].startswith('INSERT INTO "audit_auditentry"')]
    assert len(inserts) == 1  # two allocations, two invoices and the payment: one INSERT


def test_the_allocation_reads_in_the_log_as_on_the_pages(finance, confirmed, two_invoices):
    first, _second = two_invoices
    payment = received(finance, confirmed.customer, "60000")
    with acting(finance, "checker"):
        payments.allocate(payment=payment, by=finance.people["checker"],
                          targets=[payments.Target(amount=Decimal("25000"), invoice=first)])

    entry = timeline_for(first).filter(action="update").latest("id")
    [(_entry, kind, fields)] = log_rows([entry], company=finance.company.pk)

    assert (str(kind), fields) == ("Invoice", [("Paid", "0.00", "25,000.00")])


def test_undoing_an_allocation_records_the_money_going_back(finance, confirmed, two_invoices):
    first, _second = two_invoices
    payment = received(finance, confirmed.customer, "60000")
    with acting(finance, "checker"):
        [allocation] = payments.allocate(payment=payment, by=finance.people["checker"],
                                         targets=[payments.Target(amount=Decimal("25000"), invoice=first)])
    with acting(finance, "clerk"):
        payments.unallocate(allocation=allocation, by=finance.people["clerk"])

    assert change_of(first, "paid_amount") == ("户内勤", "25000.00", "0.00")
    assert change_of(payment, "allocated_amount") == ("户内勤", "25000.00", "0.00")
    undone = entries_of(Allocation, action="delete").get()
    assert (undone.object_id, undone.actor_name, undone.company_id) == (str(allocation.pk), "户内勤",
                                                                         finance.company.pk)


def test_a_refund_records_the_payments_refunded_amount(finance, confirmed):
    payment = received(finance, confirmed.customer, "1000")

    with acting(finance, "checker"):
        payments.refund(payment=payment, by=finance.people["checker"], amount=Decimal("400"), refunded_on=TODAY(),
                        reason="多付")

    assert change_of(payment, "refunded_amount") == ("冀内勤", "0.00", "400.00")


def test_issuing_an_invoice_records_the_invoiced_quantities_and_the_invoice_lines(finance, confirmed):
    with acting(finance, "clerk"):
        invoice = issued_invoice(finance, confirmed, SBS="2")

    line = confirmed.lines.get(product__code="SBS")
    assert change_of(line, "invoiced_quantity") == ("户内勤", "0.000", "2.000")
    [made] = invoice.lines.all()
    entry = entries_of(InvoiceLine, action="create", object_id=str(made.pk)).get()
    assert (entry.changes["quantity"], entry.changes["amount"], entry.company_id) == (
        [None, "2"], [None, "25000.00"], finance.company.pk)


def test_an_approved_write_off_records_the_invoices_written_off_amount_and_the_write_offs_state(finance, confirmed):
    invoice = issued_invoice(finance, confirmed, SBS="1")
    write_off_chain(finance)
    request = payments.request_write_off(invoice=invoice, by=finance.people["checker"], amount=Decimal("2500"),
                                         reason="客户破产清算")

    with acting(finance, "director"):
        approvals.decide(request=request, actor=finance.people["director"], decision="approve")

    assert change_of(invoice, "written_off_amount") == ("赵总监", "0.00", "2500.00")
    assert change_of(invoice.write_offs.get(), "status") == ("赵总监", "pending", "approved")
