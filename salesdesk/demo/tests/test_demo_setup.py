"""`manage.py demo_setup`: a demo company with people and records, and nothing more on a rerun."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from salesdesk.audit.models import AuditEntry
from salesdesk.org.models import Company, Employee, OrgChangeSet, OrgVersion
from salesdesk.workbench.registry import cards_for

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    call_command("demo_setup", stdout=out)
    return out.getvalue()


def test_it_loads_the_demo_company_with_people_records_and_log_ins():
    output = run()

    company = Company.objects.get()
    assert Employee.objects.filter(company=company, user__isnull=False).count() >= 25
    assert list(OrgVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert sorted(OrgChangeSet.objects.values_list("status", flat=True)) == ["effective", "submitted"]
    assert "admin12345" in output and "east-rm-1" in output and "nanjing-rep-1" in output


def test_the_pending_change_waits_on_the_general_managers_workbench():
    run()

    manager = get_user_model().objects.get(username="general-manager-1")
    cards = {card["key"]: card["count"] for card in cards_for(manager)}
    assert cards["org_changes"] == 1


def test_running_it_again_changes_nothing():
    run()
    before = (Employee.objects.count(), OrgVersion.objects.count(), OrgChangeSet.objects.count(),
              AuditEntry.objects.count(), get_user_model().objects.count())

    output = run()

    after = (Employee.objects.count(), OrgVersion.objects.count(), OrgChangeSet.objects.count(),
             AuditEntry.objects.count(), get_user_model().objects.count())
    assert after == before
    assert "Reusing the existing company" in output


def test_the_demo_receipts_wait_for_the_cashier_and_not_for_the_inside_sales_clerk():
    run()

    User = get_user_model()
    cashier = {card["key"]: card["count"] for card in cards_for(User.objects.get(username="cashier-1"))}
    clerk = {card["key"]: card["count"] for card in cards_for(User.objects.get(username="inside-sales-sbs-1"))}
    assert cashier["payments_to_confirm"] >= 1
    assert "payments_to_confirm" not in clerk and "invoices_to_check" in clerk


def test_the_demo_raise_of_a_credit_limit_waits_for_the_accounts_manager_before_the_general_manager():
    from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
    from salesdesk.finance.models import CreditChange

    run()

    change = CreditChange.objects.get(status=CreditChange.Status.PENDING)
    request = ApprovalRequest.objects.get(document_type="credit_limit", object_id=change.pk)
    waiting = {task.approver.user.username for task in ApprovalTask.objects.filter(request=request, status="pending")}
    assert change.limit == 1500000 and [step["name"] for step in request.plan] == ["账务部经理审核", "总经理审批"]
    assert waiting == {"accounts-manager-1"}


def test_it_prints_who_does_which_step_from_lead_to_cash():
    output = run()

    steps = dict(line.split(None, 1) for line in output.split("Who does which step")[1].splitlines()[4:]
                 if line.strip())
    assert steps["回款确认与核销"].strip() == "cashier-1"
    assert steps["跟进客户、报价、下单"].startswith("nanjing-rep-1")
    assert "legal-officer-1" in output.split("合同评审 · 会签")[1].splitlines()[0]


def test_the_demo_contract_went_through_its_whole_review_and_was_carried_out_with_dates_matching_numbers():
    from salesdesk.approvals.models import ApprovalRequest
    from salesdesk.finance.models import Invoice, Payment
    from salesdesk.sales.models import Contract, SalesOrder, Shipment

    run()

    contract = Contract.objects.get(status=Contract.Status.ACTIVE)
    review = ApprovalRequest.objects.get(document_type="contract", object_id=contract.pk)
    assert review.status == "approved" and len(review.plan) >= 3
    order = SalesOrder.objects.get(contract=contract)
    assert Shipment.objects.filter(order=order, status=Shipment.Status.RELEASED).exists()
    assert Invoice.objects.filter(order=order, paid_amount__gt=0).exists()
    for number, day in [*Contract.objects.values_list("number", "starts_on"),
                        *SalesOrder.objects.values_list("number", "ordered_on"),
                        *Shipment.objects.exclude(shipped_on=None).values_list("number", "shipped_on"),
                        *Invoice.objects.exclude(issued_on=None).values_list("number", "issued_on"),
                        *Payment.objects.values_list("number", "received_on")]:
        assert number.split("-")[1] == f"{day:%Y%m}", (number, day)
