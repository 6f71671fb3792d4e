"""Credit changes (信用调整) and their approval: the credit duty re-rates and lowers at once, but
granting or raising credit beyond its holder's authority waits for the "credit_limit" chain (the
总经理's yes above an amount), and every change stays in the customer's credit history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalRequest, ApprovalStep
from salesdesk.finance import credit
from salesdesk.finance.models import CreditChange, CreditProfile
from salesdesk.org import services as org_services

pytestmark = pytest.mark.django_db


def limits_chain(org, from_amount="500000"):
    """Limits of 500,000 or more need the director (our 总经理)."""
    chain = ApprovalChain.objects.create(company=org.company, document_type="credit_limit", name="信用额度审批",
                                         min_amount=Decimal(from_amount))
    step = ApprovalStep.objects.create(chain=chain, order=1, name="总经理审批", approver="positions")
    step.positions.set([org.positions["director"]])
    return chain


def rate(org, customer, limit, *, by="checker", level="B", policy="credit", days=30):
    return credit.set_profile(customer=customer, by=org.people[by], level=level, limit=Decimal(limit),
                              policy=policy, payment_days=days)


def profile_of(customer):
    return CreditProfile.objects.filter(customer=customer).first()


def request_of(change):
    return ApprovalRequest.objects.get(object_id=change.pk, document_type="credit_limit")


def test_a_limit_within_the_holders_authority_applies_at_once_and_is_recorded(checkers, deal):
    limits_chain(checkers)

    change = rate(checkers, deal["customer"], "100000")

    assert change.status == CreditChange.Status.APPLIED and change.grants_more
    assert profile_of(deal["customer"]).limit == Decimal("100000")
    assert not ApprovalRequest.objects.filter(document_type="credit_limit").exists()


def test_a_limit_above_the_authority_waits_for_the_director_and_applies_when_he_approves(checkers, deal):
    org, customer = checkers, deal["customer"]
    limits_chain(org)
    rate(org, customer, "100000")

    change = rate(org, customer, "800000")

    assert change.status == CreditChange.Status.PENDING
    assert profile_of(customer).limit == Decimal("100000")  # nothing granted yet
    request = request_of(change)
    assert request.status == ApprovalRequest.Status.PENDING and request.amount == Decimal("800000")
    approvals.decide(request=request, actor=org.people["director"], decision="approve")

    assert profile_of(customer).limit == Decimal("800000")
    change.refresh_from_db()
    assert change.status == CreditChange.Status.APPLIED and change.previous["limit"] == "100000.00"


def test_a_rejected_raise_leaves_the_credit_as_it_was(checkers, deal):
    org, customer = checkers, deal["customer"]
    limits_chain(org)
    rate(org, customer, "100000")
    change = rate(org, customer, "900000")

    approvals.decide(request=request_of(change), actor=org.people["director"], decision="reject", comment="逾期多")

    assert profile_of(customer).limit == Decimal("100000")
    assert CreditChange.objects.get(pk=change.pk).status == CreditChange.Status.REJECTED


def test_cash_to_credit_and_longer_days_count_as_granting_more(checkers, deal):
    org, customer = checkers, deal["customer"]
    limits_chain(org, from_amount="0")  # every grant needs the director
    assert rate(org, customer, "0", policy="cash").status == CreditChange.Status.APPLIED

    assert rate(org, customer, "50000").status == CreditChange.Status.PENDING  # cash → credit


def test_longer_days_to_pay_wait_for_approval_too(checkers, deal):
    org, customer = checkers, deal["customer"]
    rate(org, customer, "200000", days=30)  # no chain yet: applies
    limits_chain(org, from_amount="0")

    assert rate(org, customer, "200000", days=60).status == CreditChange.Status.PENDING


def test_lowering_a_limit_or_moving_to_cash_applies_at_once_whatever_the_chain(checkers, deal):
    org, customer = checkers, deal["customer"]
    rate(org, customer, "800000")  # before the company set a chain
    limits_chain(org, from_amount="0")

    assert rate(org, customer, "300000", level="C").status == CreditChange.Status.APPLIED
    assert rate(org, customer, "0", level="D", policy="cash").status == CreditChange.Status.APPLIED
    assert profile_of(customer).policy == CreditProfile.Policy.CASH


def test_nothing_else_changes_while_a_raise_waits(checkers, deal):
    org, customer = checkers, deal["customer"]
    limits_chain(org)
    rate(org, customer, "800000")

    with pytest.raises(ValidationError, match="waiting for approval"):
        rate(org, customer, "10000")
    assert CreditChange.objects.filter(customer=customer).count() == 1


def test_the_director_raising_a_limit_himself_is_within_his_own_authority(checkers, deal):
    org = checkers
    limits_chain(org)
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "信用审批", "capability": "credit"}])

    change = rate(org, deal["customer"], "2000000", by="director")

    assert change.status == CreditChange.Status.APPLIED
    assert request_of(change).status == ApprovalRequest.Status.APPROVED


def test_an_approval_step_held_only_by_the_submitter_still_stops_other_documents(checkers, deal):
    from salesdesk.approvals.services import find_approvers

    step = {"name": "总监", "approver": "positions", "mode": "any", "positions": [checkers.positions["director"].pk]}
    found = find_approvers(step=step, submitter=checkers.people["director"], excluded={checkers.people["director"].pk})

    assert found.approvers == [] and found.own and not found.skip


def test_the_approver_and_the_credit_page_show_the_customers_credit_history(checkers, deal, client):
    org, customer = checkers, deal["customer"]
    limits_chain(org)
    rate(org, customer, "100000", level="C")
    change = rate(org, customer, "800000", level="A")

    client.force_login(org.people["director"].user)
    page = client.get(reverse("approvals:detail", args=[request_of(change).pk])).content.decode()
    assert 'id="approval-credit-history"' in page
    assert page.count("data-credit-change=") == 2 and 'data-status="pending"' in page

    client.force_login(org.people["checker"].user)
    page = client.get(reverse("finance:credit_profile", args=[customer.pk])).content.decode()
    assert 'id="credit-pending"' in page and page.count("data-credit-change=") == 2


def test_saving_a_raise_on_the_page_says_it_waits_for_approval(checkers, deal, client):
    org, customer = checkers, deal["customer"]
    limits_chain(org)
    client.force_login(org.people["checker"].user)

    response = client.post(reverse("finance:credit_profile", args=[customer.pk]), {
        "level": "A", "policy": "credit", "limit": "900000", "payment_days": "30", "note": ""}, follow=True,
        HTTP_ACCEPT_LANGUAGE="en")

    assert "waits for approval" in response.content.decode()
    assert profile_of(customer) is None
