"""Customer settings: organisation administrators keep classes, sources, pools and lead routing."""

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.customers.models import CustomerClass, CustomerPool, LeadSource, TeamRouting
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org):
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "维护客户设置", "capability": ORG_ADMIN}])
    client = Client()
    client.force_login(org.user("director"))
    return client


def formset_data(prefix, rows, initial):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000", "section": prefix}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is not False:
                data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data


def source_rows(org):
    return [{"id": str(source.pk), "name": source.name, "sort_order": str(source.sort_order), "is_active": source.is_active}
            for source in LeadSource.objects.filter(company=org.company)]


def test_an_administrator_adds_a_source_and_switches_one_off(org, admin):
    rows = source_rows(org)
    initial = len(rows)
    rows[0]["is_active"] = False
    rows.append({"name": "抖音直播", "sort_order": "90", "is_active": True})

    response = admin.post(reverse("customers:settings"), formset_data("sources", rows, initial))

    assert response.status_code == 302
    assert LeadSource.objects.get(company=org.company, name="抖音直播").is_active
    assert not LeadSource.objects.get(pk=rows[0]["id"]).is_active


def test_a_second_class_with_the_same_name_is_refused_and_nothing_is_saved(org, admin):
    rows = [{"id": str(c.pk), "name": c.name, "stage": c.stage, "sort_order": str(c.sort_order), "is_active": True}
            for c in CustomerClass.objects.filter(company=org.company)]
    initial = len(rows)
    rows[0]["name"] = "重点客户甲"
    rows.append({"name": rows[1]["name"], "stage": "key", "sort_order": "99", "is_active": True})

    response = admin.post(reverse("customers:settings"), formset_data("classes", rows, initial))

    assert response.status_code == 400
    assert "已经有了" in response.content.decode() or "is there already" in response.content.decode()
    assert not CustomerClass.objects.filter(name="重点客户甲").exists()


def test_a_department_pool_with_rules_is_created_and_a_second_for_it_is_refused(org, admin):
    data = {"name": "华东公海", "department": org.departments["east"].pk, "is_active": "on", "idle_days_a": 20,
            "idle_days_b": 15, "idle_days_c": 10, "no_deal_days_a": 0, "no_deal_days_b": 0, "no_deal_days_c": 0,
            "warn_days": 2, "max_owned": 200, "max_claims_per_day": 5, "reclaim_wait_days": 30}

    created = admin.post(reverse("customers:pool_new"), data)
    again = admin.post(reverse("customers:pool_new"), {**data, "name": "华东公海二"})

    pool = CustomerPool.objects.get(name="华东公海")
    assert created.status_code == 302
    assert (pool.department, pool.idle_days_c, pool.max_claims_per_day, pool.exempt_deals) == (
        org.departments["east"], 10, 5, False)
    assert again.status_code == 400 and not CustomerPool.objects.filter(name="华东公海二").exists()


def test_a_team_is_switched_to_manual_lead_assignment(org, admin):
    admin.post(reverse("customers:settings"), {"section": "routing", "team": org.departments["shanghai"].pk,
                                               "mode": "manual"})

    assert TeamRouting.objects.get(team=org.departments["shanghai"]).mode == "manual"


def test_people_who_do_not_administer_the_organisation_may_not_open_the_settings(org):
    client = Client()
    client.force_login(org.user("superior"))

    assert client.get(reverse("customers:settings")).status_code == 403
    assert client.post(reverse("customers:pool_new"), {"name": "私设公海"}).status_code == 403
    assert not CustomerPool.objects.filter(name="私设公海").exists()
