"""Weekly visit plans: a rep plans, a recorded visit fulfils, the manager reviews the week."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers import services, visit_plans
from salesdesk.customers.models import FollowUp, VisitPlan

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def test_a_visit_recorded_this_week_fulfils_the_earliest_open_plan(org, customers):
    rep, mine = org.people["owner"], customers["owner"]
    today = timezone.localdate()
    plan = visit_plans.plan_visit(by=rep, customer=mine, planned_on=today, purpose="送样品")
    later = visit_plans.plan_visit(by=rep, customer=mine, planned_on=today + datetime.timedelta(days=14))

    phone = services.record_followup(by=rep, customer=mine, content="电话约时间", method=FollowUp.Method.PHONE)
    plan.refresh_from_db()
    assert plan.status == VisitPlan.Status.PLANNED  # a phone call is not a visit

    visit = services.record_followup(by=rep, customer=mine, content="上门演示", method=FollowUp.Method.VISIT)
    plan.refresh_from_db()
    later.refresh_from_db()

    assert phone.pk != visit.pk
    assert (plan.status, plan.followup_id) == (VisitPlan.Status.DONE, visit.pk)
    assert later.status == VisitPlan.Status.PLANNED  # two weeks out: another visit


def test_a_plan_for_a_past_day_or_twice_the_same_day_is_refused(org, customers):
    rep, mine = org.people["owner"], customers["owner"]
    with pytest.raises(ValidationError, match="has passed"):
        visit_plans.plan_visit(by=rep, customer=mine, planned_on=timezone.localdate() - datetime.timedelta(days=1))
    visit_plans.plan_visit(by=rep, customer=mine, planned_on=timezone.localdate())
    with pytest.raises(ValidationError, match="already planned"):
        visit_plans.plan_visit(by=rep, customer=mine, planned_on=timezone.localdate())


def test_only_the_rep_cancels_their_plan(org, customers):
    plan = visit_plans.plan_visit(by=org.people["owner"], customer=customers["owner"], planned_on=timezone.localdate())

    with pytest.raises(ValidationError, match="Only the rep"):
        visit_plans.cancel_plan(plan=plan, by=org.people["superior"])
    visit_plans.cancel_plan(plan=plan, by=org.people["owner"])

    assert VisitPlan.objects.get(pk=plan.pk).status == VisitPlan.Status.CANCELLED


def test_the_rep_plans_from_the_week_page_and_sees_the_plan_on_its_day(org, customers):
    client = client_for(org, "owner")
    day = timezone.localdate()

    response = client.post(reverse("customers:plan_add"), {"customer": customers["owner"].pk,
                                                            "planned_on": day.isoformat(), "purpose": "签合同"})
    page = client.get(response["Location"])

    assert page.status_code == 200
    [plan] = [plan for entry in page.context["days"] for plan in entry["plans"]]
    assert (plan.customer, plan.planned_on, plan.purpose) == (customers["owner"], day, "签合同")


def test_a_rep_cannot_plan_a_visit_to_a_customer_out_of_scope(org, customers):
    client = client_for(org, "owner")

    client.post(reverse("customers:plan_add"), {"customer": customers["outsider"].pk,
                                                 "planned_on": timezone.localdate().isoformat()})

    assert not VisitPlan.objects.exists()


def test_the_manager_sees_plan_against_visits_for_his_reps_only(org, customers):
    today = timezone.localdate()
    for key in ("owner", "teammate", "outsider"):
        visit_plans.plan_visit(by=org.people[key], customer=customers[key], planned_on=today)
    services.record_followup(by=org.people["owner"], customer=customers["owner"], content="拜访",
                             method=FollowUp.Method.VISIT)

    team = client_for(org, "superior").get(reverse("customers:visit_plans")).context["team"]

    rows = {row.employee.name: (row.planned, row.done, row.rate, row.visits) for row in team}
    assert rows == {org.people["owner"].name: (1, 1, 100, 1), org.people["teammate"].name: (1, 0, 0, 0)}


def test_a_rep_cannot_open_someone_elses_week(org, customers):
    response = client_for(org, "owner").get(reverse("customers:visit_plans"),
                                            {"who": org.people["teammate"].pk})

    assert response.status_code == 404


def test_the_customer_picker_offers_only_customers_in_scope(org, customers):
    body = client_for(org, "owner").get(reverse("customers:pick"), {"q": "的客户"}).json()

    assert [item["name"] for item in body["results"]] == [customers["owner"].name]


def test_planning_from_the_customer_page_returns_to_it(org, customers):
    page = reverse("customers:detail", args=[customers["owner"].pk])
    client = client_for(org, "owner")

    response = client.post(reverse("customers:plan_add"), {
        "customer": customers["owner"].pk, "planned_on": timezone.localdate().isoformat(), "next": page})

    assert response["Location"] == page
    assert 'id="customer-plan-visit"' in client.get(page).content.decode()
    assert VisitPlan.objects.filter(customer=customers["owner"], owner=org.people["owner"]).count() == 1


def test_the_api_plans_a_visit_and_lists_plans_in_scope(org, customers):
    from salesdesk.accounts.services import create_api_token

    headers = {}
    for key in ("owner", "outsider"):
        headers[key] = {"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=org.user(key), name='t')[1]}"}
    client = Client()
    day = timezone.localdate().isoformat()

    made = client.post("/api/v1/visit-plans/", {"customer": customers["owner"].pk, "planned_on": day, "purpose": "回访"},
                       content_type="application/json", **headers["owner"])
    foreign = client.post("/api/v1/visit-plans/", {"customer": customers["owner"].pk, "planned_on": day},
                          content_type="application/json", **headers["outsider"])

    assert made.status_code == 201 and made.json()["status"] == "planned"
    assert foreign.status_code == 404
    assert [item["purpose"] for item in client.get("/api/v1/visit-plans/", **headers["owner"]).json()["results"]] == ["回访"]
    assert client.get("/api/v1/visit-plans/", **headers["outsider"]).json()["results"] == []


def test_merging_customers_keeps_the_visit_plans_of_the_merged_one(org, customers):
    rep = org.people["owner"]
    keep = services.create_customer(company=org.company, by=rep, owner=rep, name="南京华东机电有限公司")
    other = services.create_customer(company=org.company, by=rep, owner=rep, name="南京华东机电设备有限公司",
                                     allow_similar=True)
    plan = visit_plans.plan_visit(by=rep, customer=other, planned_on=timezone.localdate(), purpose="看设备")

    services.merge_customers(keep=keep, merge=other, by=rep)

    assert VisitPlan.objects.get(pk=plan.pk).customer == keep


def test_the_teams_week_comes_a_page_of_people_at_a_time(org, customers, settings):
    today = timezone.localdate()
    for key in ("owner", "teammate"):
        visit_plans.plan_visit(by=org.people[key], customer=customers[key], planned_on=today)
    settings.SALESDESK = {**settings.SALESDESK, "PAGE_SIZE": 1}
    client = client_for(org, "superior")

    first = client.get(reverse("customers:visit_plans"))
    second = client.get(reverse("customers:visit_plans"), {"page": 2})

    names = [row.employee.name for row in first.context["team"]] + [row.employee.name for row in second.context["team"]]
    assert sorted(names) == sorted([org.people["owner"].name, org.people["teammate"].name])
    assert len(first.context["team"]) == 1
    assert "page=2#plan-team" in first.content.decode()


def test_a_visit_late_on_sunday_counts_for_its_week_and_one_at_midnight_for_the_next(org, customers):
    monday = visit_plans.week_of(timezone.localdate())
    sunday_night = timezone.make_aware(datetime.datetime.combine(monday + datetime.timedelta(days=6),
                                                                 datetime.time(23, 30)))
    for moment in (sunday_night, sunday_night + datetime.timedelta(minutes=30)):
        FollowUp.objects.create(customer=customers["owner"], owner=org.people["owner"], at=moment,
                                method=FollowUp.Method.VISIT, content="拜访")

    this_week = visit_plans.team_week(org.user("superior"), monday)
    next_week = visit_plans.team_week(org.user("superior"), monday + datetime.timedelta(days=7))

    assert [(row.employee.pk, row.visits) for row in this_week] == [(org.people["owner"].pk, 1)]
    assert [(row.employee.pk, row.visits) for row in next_week] == [(org.people["owner"].pk, 1)]
