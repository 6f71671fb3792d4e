import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.finance import payments, receivables
from salesdesk.finance.models import CollectionTask, Invoice, WriteOff
from salesdesk.finance.selectors import customer_account

from .conftest import issued_invoice
from .test_payments import received

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def clerks_account(org, customer):
    """The customer's account as the clerk sees it (finance scope: the whole company)."""
    return customer_account(org.people["checker"].user, customer)


def days_ago(n):
    return TODAY() - datetime.timedelta(days=n)


def overdue_by(invoice, days):
    """Move an invoice's due date so that it is `days` past due today."""
    Invoice.objects.filter(pk=invoice.pk).update(due_on=days_ago(days))


def test_an_issued_invoice_falls_due_after_the_companys_default_days(finance, confirmed):
    invoice = issued_invoice(finance, confirmed, SBS="1", issued_on=days_ago(10))
    assert invoice.due_on == days_ago(10) + datetime.timedelta(days=30)


def test_aging_puts_each_open_amount_in_its_bucket(finance, confirmed):
    org = finance
    # All issued first: once one is overdue, the credit check stops further issues to the customer.
    invoices = {days: issued_invoice(org, confirmed, SBS="0.001")  # 12.50 each
                for days in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 400)}
    for days, invoice in invoices.items():
        overdue_by(invoice, days)
    result = receivables.aging(org.people["checker"].user, by="customer")
    [row] = result.rows
    assert row.buckets == {"not_due": Decimal("25.00"), "d1_30": Decimal("25.00"), "d31_60": Decimal("25.00"),
                           "d61_90": Decimal("25.00"), "d91_180": Decimal("25.00"), "over_180": Decimal("25.00")}
    assert (row.total, row.overdue) == (Decimal("150.00"), Decimal("125.00"))


def test_aging_counts_only_what_is_still_open_and_only_within_scope(finance, confirmed):
    from salesdesk.core.scope import ScopeLevel
    from salesdesk.org import services as org_services

    org = finance
    for code, level in (("director", ScopeLevel.ALL), ("sh-mgr", ScopeLevel.SUBORDINATES)):
        org_services.set_position_scope(position=org.positions[code], module="finance", level=level)
    invoice = issued_invoice(org, confirmed, SBS="2")
    overdue_by(invoice, 45)
    payment = received(org, confirmed.customer, "10000")
    payments.allocate(payment=payment, by=org.people["checker"],
                      targets=[payments.Target(amount=Decimal("10000"), invoice=invoice)])
    for who in ("owner", "superior", "director"):
        [row] = receivables.aging(org.people[who].user, by="owner").rows
        assert (row.name, row.buckets["d31_60"]) == ("李代表", Decimal("15000.00"))
    assert receivables.aging(org.people["outsider"].user).rows == []
    assert receivables.aging(org.people["teammate"].user).rows == []


def test_the_statement_of_account_runs_from_the_opening_to_the_closing_balance(finance, confirmed):
    org = finance
    # Issued newest first: once the older one is overdue, the credit check would stop the next issue.
    within = issued_invoice(org, confirmed, SBS="2", issued_on=days_ago(5))  # 25,000
    before = issued_invoice(org, confirmed, SBS="1", issued_on=days_ago(40))  # 12,500, before the period
    payment = received(org, confirmed.customer, "20000", received_on=days_ago(3))
    payments.allocate(payment=payment, by=org.people["checker"],
                      targets=[payments.Target(amount=Decimal("12500"), invoice=before)])
    result = receivables.statement(clerks_account(org, confirmed.customer), date_from=days_ago(30), date_to=TODAY())
    assert result.opening == Decimal("12500.00")
    assert [(row.debit, row.credit, row.balance) for row in result.rows] == [
        (within.amount, Decimal(0), Decimal("37500.00")), (Decimal(0), Decimal("20000.00"), Decimal("17500.00"))]
    assert result.closing == Decimal("17500.00")
    sheet = load_workbook(io.BytesIO(receivables.statement_workbook(result))).active
    values = [row for row in sheet.iter_rows(values_only=True) if row and row[0] is not None]
    assert values[-1][-1] == 17500
    with pytest.raises(ValidationError):
        receivables.statement(clerks_account(org, confirmed.customer), date_from=TODAY(), date_to=days_ago(1))


def test_collection_tasks_open_for_overdue_customers_once_and_close_when_paid(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    assert receivables.refresh_collection_tasks(company=org.company) == {"opened": 0, "updated": 0, "closed": 0}
    overdue_by(invoice, 10)
    assert receivables.refresh_collection_tasks(company=org.company)["opened"] == 1
    assert receivables.refresh_collection_tasks(company=org.company) == {"opened": 0, "updated": 0, "closed": 0}
    task = CollectionTask.objects.get()
    assert (task.owner, task.overdue_amount) == (org.people["owner"], Decimal("12500.00"))
    receivables.add_collection_note(task=task, by=org.people["owner"], text="客户答应月底付款",
                                    promised_on=TODAY() + datetime.timedelta(days=7), promised_amount=Decimal("12500"))
    with pytest.raises(ValidationError):
        receivables.add_collection_note(task=task, by=org.people["owner"], text="  ")
    payment = received(org, confirmed.customer, "12500")
    payments.allocate_oldest_first(payment=payment, by=org.people["checker"])
    assert receivables.refresh_collection_tasks(company=org.company)["closed"] == 1
    task.refresh_from_db()
    assert task.status == CollectionTask.Status.DONE


def test_the_collection_queue_counts_the_owners_tasks_and_not_the_outsiders(finance, confirmed):
    from salesdesk.finance.selectors import collection_tasks_for

    org = finance
    overdue_by(issued_invoice(org, confirmed, SBS="1"), 3)
    receivables.refresh_collection_tasks(company=org.company)
    assert collection_tasks_for(org.people["owner"].user).count() == 1
    assert collection_tasks_for(org.people["checker"].user).count() == 1  # finance scope: the whole company
    assert collection_tasks_for(org.people["outsider"].user).count() == 0


def write_off_chain(org):
    chain = ApprovalChain.objects.create(company=org.company, document_type="write_off", name="坏账核销")
    step = ApprovalStep.objects.create(chain=chain, order=1, name="总监审批", approver="positions")
    step.positions.set([org.positions["director"]])
    return chain


def test_a_bad_debt_is_written_off_only_when_approved(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    write_off_chain(org)
    request = payments.request_write_off(invoice=invoice, by=org.people["checker"], amount=Decimal("2500"),
                                         reason="客户破产清算")
    invoice.refresh_from_db()
    assert invoice.open_amount == Decimal("12500.00")  # nothing leaves the books before the approval
    with pytest.raises(ValidationError, match="already asked"):
        payments.request_write_off(invoice=invoice, by=org.people["checker"], amount=Decimal("10000.01"), reason="x")
    approvals.decide(request=request, actor=org.people["director"], decision="approve")
    invoice.refresh_from_db()
    assert (invoice.written_off_amount, invoice.open_amount) == (Decimal("2500.00"), Decimal("10000.00"))
    assert WriteOff.objects.get().status == WriteOff.Status.APPROVED
    result = receivables.statement(clerks_account(org, confirmed.customer), date_from=days_ago(1), date_to=TODAY())
    assert result.closing == Decimal("10000.00")


def test_without_a_write_off_chain_the_request_stalls_and_nothing_is_written_off(finance, confirmed):
    org = finance
    invoice = issued_invoice(org, confirmed, SBS="1")
    request = payments.request_write_off(invoice=invoice, by=org.people["checker"], amount=Decimal("100"), reason="x")
    assert request.status == "stalled"
    invoice.refresh_from_db()
    assert invoice.written_off_amount == 0


def test_the_daily_command_opens_each_task_once(finance, confirmed):
    from django.core.management import call_command

    overdue_by(issued_invoice(finance, confirmed, SBS="1"), 2)
    out = io.StringIO()
    call_command("collection_tasks", stdout=out)
    call_command("collection_tasks", stdout=out)
    assert out.getvalue().splitlines() == ["1 collection tasks opened, 0 updated, 0 closed.",
                                           "0 collection tasks opened, 0 updated, 0 closed."]
    assert CollectionTask.objects.count() == 1
