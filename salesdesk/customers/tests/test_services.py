import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from salesdesk.audit.registry import timeline_for
from salesdesk.core.contextvars import Actor, acting_as
from salesdesk.customers import matching, services
from salesdesk.customers.models import Customer, FollowUp, Lead, OwnershipChange, TeamRouting
from salesdesk.org import services as org_services

from .conftest import customer

pytestmark = pytest.mark.django_db


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize("first, second", [
    ("上海华东机电有限公司", "上海 华东机电 股份有限公司"),
    ("华东机电(中国)有限公司", "华东机电（中国）有限责任公司"),
    ("ＡＢＣ贸易有限公司", "abc贸易有限公司"),
    ("Around the Horn Co., Ltd.", "AROUND THE HORN"),
])
def test_names_that_differ_only_in_legal_form_spaces_or_width_have_the_same_key(first, second):
    assert matching.name_key(first) == matching.name_key(second)


def test_different_companies_keep_different_keys():
    assert matching.name_key("上海华东机电有限公司") != matching.name_key("上海华东电子有限公司")


def test_mobile_keys_ignore_country_code_and_punctuation():
    assert matching.mobile_key("+86 138-0013-8000") == matching.mobile_key("１３８００１３８０００") == "13800138000"


def test_pinyin_initials():
    assert matching.initials("华东机电") == "hdjd"


# --- duplicate check ----------------------------------------------------------------------------


def test_the_same_name_in_another_form_is_refused_and_says_who_owns_it(org):
    customer(org, "outsider", "上海华东机电有限公司")

    with pytest.raises(services.DuplicateCustomer) as refused:
        customer(org, "owner", "上海 华东机电 股份有限公司")

    (duplicate,) = refused.value.duplicates
    assert (duplicate.reason, duplicate.owner_name) == ("name", "吴代表")
    assert Customer.objects.filter(name__contains="华东机电").count() == 1


def test_the_same_credit_code_or_mobile_is_refused(org):
    customer(org, "outsider", "甲公司", credit_code="91310000MA1FL0XX1X")
    existing = customer(org, "outsider", "乙公司")
    services.add_contact(customer=existing, name="李四", mobile="13800138000")

    with pytest.raises(services.DuplicateCustomer) as by_code:
        customer(org, "owner", "丙公司", credit_code="91310000ma1fl0xx1x")
    with pytest.raises(services.DuplicateCustomer) as by_mobile:
        services.create_customer(company=org.company, by=None, owner=org.people["owner"], name="丁公司",
                                 contacts=[{"name": "李四", "mobile": "+86 138 0013 8000"}])

    assert by_code.value.duplicates[0].reason == "credit_code"
    assert by_mobile.value.duplicates[0].reason == "mobile"


def test_a_similar_name_is_a_warning_that_can_be_overridden(org):
    customer(org, "outsider", "上海华东机电设备有限公司")

    with pytest.raises(services.DuplicateCustomer) as warned:
        customer(org, "owner", "上海华东机电设备厂")
    created = customer(org, "owner", "上海华东机电设备厂", allow_similar=True)

    assert [d.reason for d in warned.value.duplicates] == ["similar_name"]
    assert created.pk


def test_editing_into_a_duplicate_is_refused_and_the_old_values_stay(org):
    customer(org, "outsider", "甲公司")
    mine = customer(org, "owner", "乙公司")

    with pytest.raises(services.DuplicateCustomer):
        services.update_customer(customer=mine, name="甲 有限公司")

    mine.refresh_from_db()
    assert mine.name == "乙公司"


# --- follow-ups -----------------------------------------------------------------------------------


def test_a_follow_up_moves_the_customers_dates_and_counts_visits(org, customers):
    target = customers["owner"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    services.record_followup(by=org.people["owner"], customer=target, content="上门演示", method=FollowUp.Method.VISIT,
                             next_followup_on=tomorrow, check_in_place="客户工厂")

    target.refresh_from_db()
    assert (target.next_followup_on, target.visits) == (tomorrow, 1)
    assert target.last_followup_at is not None


def test_a_follow_up_without_content_or_with_a_next_date_in_the_past_is_refused(org, customers):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.record_followup(by=org.people["owner"], customer=customers["owner"], content="  ")
    with pytest.raises(ValidationError) as refused:
        services.record_followup(by=org.people["owner"], customer=customers["owner"], content="电话",
                                 next_followup_on=yesterday)

    assert "next_followup_on" in refused.value.message_dict
    assert FollowUp.objects.count() == 0


# --- pool: release, claim, recycle --------------------------------------------------------------


def test_release_needs_a_reason_and_records_the_history(org, customers):
    target = customers["owner"]
    with pytest.raises(ValidationError):
        services.release_to_pool(customers=[target], by=org.people["owner"], reason=" ")

    services.release_to_pool(customers=[target], by=org.people["owner"], reason="客户已转行")

    target.refresh_from_db()
    assert target.owner is None and target.pool is not None
    last = OwnershipChange.objects.filter(customer=target).first()
    assert (last.kind, last.from_owner, last.reason) == ("released", org.people["owner"], "客户已转行")


def test_claim_limits_owned_count_daily_claims_and_the_wait_for_a_previous_owner(org, east_pool):
    east_pool.max_owned = 2
    east_pool.max_claims_per_day = 1
    east_pool.reclaim_wait_days = 30
    east_pool.save()
    rep = org.people["owner"]
    pooled = []
    for name in ("甲", "乙", "丙"):
        item = customer(org, None, f"{name}公司")
        item.pool = east_pool
        item.save()
        pooled.append(item)

    services.claim(customer=pooled[0], by=rep)
    with pytest.raises(ValidationError, match="today"):
        services.claim(customer=pooled[1], by=rep)
    services.release_to_pool(customers=[pooled[0]], by=rep, reason="不合适")
    assert "claim it again" in services.claim_refusal(customer=Customer.objects.get(pk=pooled[0].pk), by=rep,
                                                      today=timezone.localdate() + datetime.timedelta(days=1))
    customer(org, "owner", "自己的一家")
    customer(org, "owner", "自己的两家")
    assert "most this pool allows" in services.claim_refusal(
        customer=pooled[2], by=rep, today=timezone.localdate() + datetime.timedelta(days=1))


def test_recycle_returns_idle_customers_by_level_warns_ahead_and_a_second_run_changes_nothing(org, east_pool):
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=40)
    idle_a = customer(org, "owner", "A级久未跟进", level="A", created_at=long_ago)
    fresh_c = customer(org, "owner", "C级刚跟进", level="C", created_at=long_ago)
    services.record_followup(by=org.people["owner"], customer=fresh_c, content="电话", at=timezone.now() - datetime.timedelta(days=13))
    locked = customer(org, "owner", "锁定客户", level="C", created_at=long_ago, is_locked=True)
    Customer.objects.filter(pk__in=[idle_a.pk, fresh_c.pk, locked.pk]).update(owned_since=long_ago)

    with acting_as(Actor.command("recycle_pool")):
        first = services.recycle_pool(today=today, company=org.company)
    state = {c.name: (c.owner_id, c.pool_id, c.pool_warned_on) for c in Customer.objects.all()}
    second = services.recycle_pool(today=today, company=org.company)

    assert first == {"returned": 1, "warned": 1}
    assert state["A级久未跟进"] == (None, east_pool.pk, None)
    assert state["C级刚跟进"][0] == org.people["owner"].pk and state["C级刚跟进"][2] == today  # due in 2 days
    assert state["锁定客户"][0] == org.people["owner"].pk
    assert second == {"returned": 0, "warned": 0}
    assert {c.name: (c.owner_id, c.pool_id, c.pool_warned_on) for c in Customer.objects.all()} == state
    history = OwnershipChange.objects.get(customer=idle_a, kind="recycled")
    assert "30" in history.reason
    assert timeline_for(idle_a).filter(action="update", actor_name="recycle_pool").exists()


def test_recycle_pool_command_is_idempotent(org, east_pool):
    long_ago = timezone.now() - datetime.timedelta(days=100)
    item = customer(org, "owner", "久未跟进", level="B", created_at=long_ago)
    Customer.objects.filter(pk=item.pk).update(owned_since=long_ago)
    from io import StringIO

    out = StringIO()
    call_command("recycle_pool", stdout=out)
    call_command("recycle_pool", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert [line.split(";")[0] for line in lines] == ["1 customers returned to their pools",
                                                      "0 customers returned to their pools"]
    assert OwnershipChange.objects.filter(kind="recycled").count() == 1


# --- transfer and merge ---------------------------------------------------------------------------


def test_transfer_moves_open_leads_and_refuses_someone_who_has_left(org, customers):
    target = customers["owner"]
    lead = services.create_lead(company=org.company, by=None, name="张", mobile="13700001111",
                                owner=org.people["owner"])
    Lead.objects.filter(pk=lead.pk).update(customer=target)
    org_services.deactivate_employee(employee=org.people["teammate"])

    with pytest.raises(ValidationError):
        services.transfer_customers(customers=[target], to_owner=org.people["teammate"], by=None)
    services.transfer_customers(customers=[target], to_owner=org.people["superior"], by=None, reason="调岗")

    lead.refresh_from_db()
    target.refresh_from_db()
    assert target.owner == org.people["superior"] and lead.owner == org.people["superior"]


def test_merge_keeps_contacts_follow_ups_and_history_of_both(org):
    keep = customer(org, "owner", "甲公司")
    merge = customer(org, "owner", "甲公司分部", allow_similar=True, city="苏州")
    services.add_contact(customer=keep, name="张")
    services.add_contact(customer=merge, name="李")
    services.record_followup(by=org.people["owner"], customer=merge, content="拜访")

    kept = services.merge_customers(keep=keep, merge=merge, by=org.people["owner"])

    assert not Customer.objects.filter(pk=merge.pk).exists()
    assert sorted(kept.contacts.values_list("name", flat=True)) == ["张", "李"]
    assert kept.followups.count() == 1 and kept.city == "苏州"
    assert kept.ownership_changes.filter(kind="merged").exists()
    assert kept.ownership_changes.filter(kind="created").count() == 2


# --- leads ----------------------------------------------------------------------------------------


def test_a_lead_goes_to_the_rep_covering_its_province_in_turn(org):
    jiangsu = org_services.create_territory(company=org.company, name="江苏", code="js", level="province")
    position = org.positions["sh-rep"]
    position.territories.add(jiangsu)

    first = services.create_lead(company=org.company, by=None, name="甲", mobile="13000000001", province="江苏省")
    second = services.create_lead(company=org.company, by=None, name="乙", mobile="13000000002", province="江苏")

    assert {first.owner, second.owner} == {org.people["owner"], org.people["teammate"]}
    assert first.territory == jiangsu


def test_a_manual_team_keeps_its_leads_waiting_and_round_robin_shares_them(org):
    shanghai = org.departments["shanghai"]
    routing = TeamRouting.objects.create(company=org.company, team=shanghai, mode=TeamRouting.Mode.MANUAL)
    waiting = services.create_lead(company=org.company, by=None, name="甲", mobile="13000000001", team=shanghai)
    routing.mode = TeamRouting.Mode.ROUND_ROBIN
    routing.save()
    shared = [services.create_lead(company=org.company, by=None, name=n, mobile=f"1300000001{i}", team=shanghai)
              for i, n in enumerate("乙丙丁")]

    assert waiting.owner is None
    assert [lead.owner.name for lead in shared][:2] != [shared[0].owner.name] * 2
    assert {lead.owner for lead in shared} <= {org.people["owner"], org.people["teammate"], org.people["superior"]}


def test_a_lead_needs_a_way_to_reach_it(org):
    with pytest.raises(ValidationError, match="at least one way"):
        services.create_lead(company=org.company, by=None, name="无名")


def test_converting_a_lead_makes_a_customer_with_its_contact_and_follow_ups(org):
    lead = services.create_lead(company=org.company, by=None, name="王经理", company_name="苏州精工有限公司",
                                mobile="13600001111", owner=org.people["owner"])
    services.record_followup(by=org.people["owner"], lead=lead, content="电话沟通需求")

    made = services.convert_lead(lead=lead, by=org.people["owner"], level="B")

    lead.refresh_from_db()
    assert (lead.status, lead.customer) == (Lead.Status.CONVERTED, made)
    assert (made.name, made.owner, made.level) == ("苏州精工有限公司", org.people["owner"], "B")
    assert list(made.contacts.values_list("name", "mobile")) == [("王经理", "13600001111")]
    assert made.followups.count() == 1
    with pytest.raises(ValidationError):
        services.convert_lead(lead=lead, by=org.people["owner"])


def test_converting_into_an_existing_customer_is_refused_until_chosen(org):
    existing = customer(org, "outsider", "苏州精工有限公司")
    lead = services.create_lead(company=org.company, by=None, name="王经理", company_name="苏州精工",
                                mobile="13600001111", owner=org.people["owner"])

    with pytest.raises(services.DuplicateCustomer):
        services.convert_lead(lead=lead, by=org.people["owner"])
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW

    services.convert_lead(lead=lead, by=org.people["owner"], existing=existing)
    assert existing.contacts.filter(name="王经理").exists()


def test_closing_a_lead_needs_a_reason(org):
    lead = services.create_lead(company=org.company, by=None, name="甲", mobile="13000000001",
                                owner=org.people["owner"])
    with pytest.raises(ValidationError):
        services.close_lead(lead=lead, by=None, reason="")

    services.close_lead(lead=lead, by=None, reason="无预算")

    lead.refresh_from_db()
    assert (lead.status, lead.close_reason) == (Lead.Status.CLOSED, "无预算")
