"""Only the owner's follow-ups, or his sales line's, reset the pool's clock (掉保): a colleague's,
a service clerk's or anyone else's is recorded and counted as a visit but does not keep a
customer the owner neglects."""

import datetime

import pytest
from django.utils import timezone

from salesdesk.customers import services
from salesdesk.customers.models import Customer, FollowUp

from .conftest import customer

pytestmark = pytest.mark.django_db


def idle(target, days=20):
    then = timezone.now() - datetime.timedelta(days=days)
    Customer.objects.filter(pk=target.pk).update(last_followup_at=then)
    return then


def follow_up(org, who, target, **extra):
    services.record_followup(by=org.people[who], customer=target, content="电话回访",
                             method=FollowUp.Method.VISIT, **extra)
    return Customer.objects.get(pk=target.pk)


@pytest.mark.parametrize("who", ["owner", "superior", "regional", "director"])
def test_the_owner_and_his_line_reset_the_clock(org, who):
    target = customer(org, "owner", "巴陵石化")
    then = idle(target)

    assert follow_up(org, who, target).last_followup_at > then


@pytest.mark.parametrize("who", ["teammate", "outsider"])
def test_a_colleague_or_anyone_outside_the_line_does_not(org, who):
    target = customer(org, "owner", "巴陵石化")
    then = idle(target)

    after = follow_up(org, who, target, next_followup_on=timezone.localdate() + datetime.timedelta(days=3))

    assert after.last_followup_at == then and after.next_followup_on is None
    assert after.visits == 1  # the visit still counts
    assert FollowUp.objects.filter(customer=target, owner=org.people[who]).exists()


def test_anyone_looks_after_a_customer_in_the_pool(org):
    target = customer(org, None, "无主客户")

    assert follow_up(org, "teammate", target).last_followup_at is not None


def test_keeps_the_customer_follows_the_reporting_line_not_the_department(org):
    target = customer(org, "owner", "巴陵石化")

    assert services.keeps_the_customer(org.people["superior"], target)
    assert not services.keeps_the_customer(org.people["teammate"], target)
    assert not services.keeps_the_customer(org.people["outsider"], target)
