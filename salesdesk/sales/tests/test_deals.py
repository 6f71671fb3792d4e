"""成交: a customer has made a deal when an order of his is confirmed — at once without an order
review, or when the review's last approver says yes. Its last deal is that day and its class the
company's deal class, recorded in the customer's history like any change."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.audit.registry import timeline_for
from salesdesk.customers import services as customer_services
from salesdesk.customers.models import Customer, CustomerClass
from salesdesk.sales import orders
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import SalesOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def classes(org, deal):
    """The company's default classes (潜在, 意向, 重点, 成交, 流失) by stage; the customer is a prospect."""
    customer_services.ensure_defaults(company=org.company)
    by_stage = {found.stage: found for found in CustomerClass.objects.filter(company=org.company)}
    customer_services.update_customer(customer=deal["customer"], customer_class=by_stage["prospect"])
    return by_stage


def draft(org, deal, *lines):
    lines = lines or (LineInput(deal["sbs"], Decimal("2")),)
    return orders.create_order(by=org.people["owner"], customer=deal["customer"], lines=list(lines),
                               delivery_on=timezone.localdate() + datetime.timedelta(days=7))


def reloaded(customer) -> Customer:
    return Customer.objects.select_related("customer_class").get(pk=customer.pk)


def test_an_order_confirmed_without_review_makes_its_customer_a_deal_that_day(org, deal, classes):
    orders.submit_for_review(order=draft(org, deal), by=org.people["owner"])

    customer = reloaded(deal["customer"])
    assert customer.customer_class == classes["deal"]
    assert customer.last_deal_on == timezone.localdate()
    [change] = [entry for entry in timeline_for(customer).filter(action="update")
                if "last_deal_on" in entry.changes]
    assert change.changes["customer_class"] == [classes["prospect"].pk, classes["deal"].pk]


def test_an_order_under_review_makes_no_deal_until_the_review_approves_it(org, deal, classes):
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="订单评审")
    ApprovalStep.objects.create(chain=chain, name="销售经理", approver="superior")
    order = draft(org, deal)
    request = orders.submit_for_review(order=order, by=org.people["owner"])

    customer = reloaded(deal["customer"])
    assert (customer.customer_class, customer.last_deal_on) == (classes["prospect"], None)

    approvals.decide(request=request, actor=org.people["superior"], decision="approve")

    order.refresh_from_db()
    customer = reloaded(deal["customer"])
    assert order.status == SalesOrder.Status.CONFIRMED
    assert (customer.customer_class, customer.last_deal_on) == (classes["deal"], timezone.localdate(order.confirmed_at))


def test_a_rejected_order_review_makes_no_deal(org, deal, classes):
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="订单评审")
    ApprovalStep.objects.create(chain=chain, name="销售经理", approver="superior")
    request = orders.submit_for_review(order=draft(org, deal), by=org.people["owner"])

    approvals.decide(request=request, actor=org.people["superior"], decision="reject", comment="价格不对")

    customer = reloaded(deal["customer"])
    assert (customer.customer_class, customer.last_deal_on) == (classes["prospect"], None)


def test_a_lost_customer_who_orders_again_is_a_deal_again(org, deal, classes):
    customer_services.update_customer(customer=deal["customer"], customer_class=classes["lost"])

    orders.submit_for_review(order=draft(org, deal), by=org.people["owner"])

    assert reloaded(deal["customer"]).customer_class == classes["deal"]


def test_a_customer_in_a_deal_class_of_its_own_keeps_it_and_its_last_deal_moves_on(org, deal, classes):
    key_account = CustomerClass.objects.create(company=org.company, name="大客户成交", stage="deal", sort_order=9)
    customer_services.update_customer(customer=deal["customer"], customer_class=key_account)
    long_ago = timezone.localdate() - datetime.timedelta(days=90)
    Customer.objects.filter(pk=deal["customer"].pk).update(last_deal_on=long_ago)

    orders.submit_for_review(order=draft(org, deal), by=org.people["owner"])

    customer = reloaded(deal["customer"])
    assert (customer.customer_class, customer.last_deal_on) == (key_account, timezone.localdate())
