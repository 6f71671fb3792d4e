import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers import analytics, services
from salesdesk.customers.models import Customer, CustomerClass, FollowUp

from .conftest import customer

pytestmark = pytest.mark.django_db


def period(days=30):
    today = timezone.localdate()
    return analytics.Period(start=today - datetime.timedelta(days=days), end=today)


def test_counts_stay_within_scope(org, customers):
    assert sum(n for _label, n in analytics.counts_by(org.user("owner"), "owner")) == 1
    assert dict(analytics.counts_by(org.user("superior"), "owner")) == {"孙经理": 1, "李代表": 1, "周代表": 1}
    assert sum(n for _label, n in analytics.counts_by(org.user("director"), "owner")) == 6


def test_activity_counts_follow_ups_and_visits_per_person(org, customers):
    services.record_followup(by=org.people["owner"], customer=customers["owner"], content="电话")
    services.record_followup(by=org.people["owner"], customer=customers["owner"], content="拜访", method=FollowUp.Method.VISIT)
    services.record_followup(by=org.people["outsider"], customer=customers["outsider"], content="拜访", method="visit")

    rows = {row["name"]: row for row in analytics.activity_per_person(org.user("superior"), period())}

    assert (rows["李代表"]["followups"], rows["李代表"]["visits"], rows["李代表"]["new"]) == (2, 1, 1)
    assert "吴代表" not in rows


def test_the_funnel_counts_leads_conversions_and_deals_with_rates(org):
    deal = CustomerClass.objects.get(company=org.company, stage=CustomerClass.Stage.DEAL)
    leads = [services.create_lead(company=org.company, by=None, name=f"客{i}", mobile=f"1300000000{i}",
                                  company_name=f"公司{i}号", owner=org.people["owner"]) for i in range(4)]
    first = services.convert_lead(lead=leads[0], by=org.people["owner"])
    services.convert_lead(lead=leads[1], by=org.people["owner"])
    services.update_customer(customer=first, customer_class=deal)

    steps = analytics.funnel(org.user("owner"), period())

    assert [(s["count"], s["rate"], s["overall"]) for s in steps] == [(4, 100.0, 100.0), (2, 50.0, 50.0),
                                                                       (1, 50.0, 25.0)]


def test_forgotten_customers_are_those_nobody_contacted_for_n_days(org):
    old = customer(org, "owner", "老客户", created_at=timezone.now() - datetime.timedelta(days=90))
    fresh = customer(org, "owner", "新客户")
    Customer.objects.filter(pk=old.pk).update(last_followup_at=timezone.now() - datetime.timedelta(days=45))

    assert list(analytics.forgotten(org.user("owner"), 30)) == [old]
    assert fresh not in analytics.forgotten(org.user("owner"), 30)


def test_the_analytics_page_renders_its_figures(org, customers):
    client = Client()
    client.force_login(org.user("superior"))

    response = client.get(reverse("customers:analytics"), {"by": "owner", "unit": "week"})

    assert response.status_code == 200
    assert dict(response.context["by_dimension"]) == {"孙经理": 1, "李代表": 1, "周代表": 1}
    assert 'id="sd-analytics-data"' in response.content.decode()
