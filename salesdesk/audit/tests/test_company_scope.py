"""Two companies in one database: an audit entry belongs to the company of the record it is about,
whoever made the change (a command, an import, a system administrator, nobody at all). A general
manager whose audit scope is 全部 reads their own company's entries on the page and in the API, never
another's; entries about records of no company are for system administrators alone."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from conftest import make_person
from salesdesk.api.tests.conftest import token_client
from salesdesk.audit import backfill
from salesdesk.audit.changes import record_change
from salesdesk.audit.companies import company_lookup, company_of
from salesdesk.audit.models import AuditEntry
from salesdesk.core.access import Actor
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customers
from salesdesk.customers.models import Contact, Customer
from salesdesk.org import services
from salesdesk.org.models import Assignment, Company, PositionScope

pytestmark = pytest.mark.django_db

PAGE = reverse("audit:log")
API = "/api/v1/audit/"


@pytest.fixture
def hengyuan(small_org):
    """恒远 (the small organisation): its director reads the whole company's audit log; changes made
    there by a command, by the system administrator and by no one in particular."""
    services.set_position_scope(position=small_org.positions["director"], module="audit", level=ScopeLevel.ALL)
    root = get_user_model().objects.create_superuser(username="root", password="root-pass-123", email="r@x.cn")
    with acting_as(Actor.command("load_org")):
        hired = services.create_employee(company=small_org.company, name="郑新人", email="zheng@hengyuan.cn",
                                         mobile="13912345678")
    with acting_as(actor_for_user(root, source="admin")):
        customer = customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                             owner=small_org.people["owner"], name="恒远的客户",
                                             contacts=[{"name": "采购部王经理", "mobile": "13800001111"}])
    unattended = services.create_department(company=small_org.company, name="无人值守", code="NOBODY")
    small_org.root = root
    small_org.written = {
        "by a command": entries_about(hired),
        "by the system administrator": entries_about(customer) | entries_about(customer.contacts.get()),
        "by no one": entries_about(unattended),
    }
    return small_org


@pytest.fixture
def meilan(db):
    """美澜, a second company in the same database, with a general manager whose audit scope is 全部."""
    company = services.create_company(name="美澜", code="meilan")
    office = services.create_department(company=company, name="总经办", code="GM")
    position = services.create_position(department=office, title="总经理", code="gm", scopes={"audit": ScopeLevel.ALL})
    return make_person(company, "meilan-gm", "美澜总经理", [position])


def entries_about(record) -> set[int]:
    return set(AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(record)),
                                         object_id=str(record.pk)).values_list("pk", flat=True))


def page_ids(user, **filters) -> set[int]:
    client = Client()
    client.force_login(user)
    response = client.get(PAGE, filters)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'data-entry="(\d+)"', response.content.decode())}


def api_ids(user) -> set[int]:
    client, ids, page = token_client(user), set(), 1
    while True:
        body = client.get(API, {"page": page, "page_size": 200}).json()
        ids |= {row["id"] for row in body["results"]}
        if not body["results"]:
            return ids
        page += 1


def test_each_entry_carries_the_company_of_the_record_whoever_made_the_change(hengyuan):
    for written in hengyuan.written.values():
        assert written
        assert set(AuditEntry.objects.filter(pk__in=written).values_list("company", flat=True)) == {
            hengyuan.company.pk}
    entry = AuditEntry.objects.get(pk=max(hengyuan.written["by the system administrator"]))
    assert (entry.actor_id, entry.actor_employee_id) == (hengyuan.root.pk, None)


def test_another_companys_general_manager_sees_none_of_them_on_the_page_or_in_the_api(hengyuan, meilan):
    written = set().union(*hengyuan.written.values())

    on_page, in_api = page_ids(meilan.user), api_ids(meilan.user)

    assert on_page and in_api  # 美澜's own entries
    assert not on_page & written and not in_api & written
    assert set(AuditEntry.objects.filter(pk__in=in_api).values_list("company", flat=True)) == {meilan.company_id}
    one = min(hengyuan.written["by a command"])
    assert token_client(meilan.user).get(f"{API}{one}/").status_code == 404


def test_the_companys_own_general_manager_sees_them_all(hengyuan, meilan):
    director = hengyuan.user("director")

    in_api = api_ids(director)

    for how, written in hengyuan.written.items():
        assert written <= in_api, how
    assert not in_api & entries_about(meilan)
    assert hengyuan.written["by a command"] <= page_ids(director, q="郑新人")


def test_a_change_to_a_record_of_no_company_is_for_system_administrators_alone(hengyuan, meilan):
    user = hengyuan.user("owner")
    with acting_as(Actor.command("createsuperuser")):
        record_change(user, before={"is_staff": False}, after={"is_staff": True})
    entry = AuditEntry.objects.latest("id")

    assert entry.company_id is None
    assert entry.pk not in api_ids(hengyuan.user("director")) | api_ids(meilan.user)
    assert entry.pk in api_ids(hengyuan.root)
    assert entry.pk in page_ids(hengyuan.root, q=user.username)


def test_a_manager_with_a_narrower_scope_reads_their_teams_changes_within_the_company_only(hengyuan):
    services.set_position_scope(position=hengyuan.positions["sh-mgr"], module="audit", level=ScopeLevel.SUBORDINATES)
    owner = hengyuan.user("owner")
    with acting_as(actor_for_user(owner)):
        record_change(owner, before={"first_name": ""}, after={"first_name": "李"})  # a user account: no company
        customers.create_customer(company=hengyuan.company, by=hengyuan.people["owner"],
                                  owner=hengyuan.people["owner"], name="李代表的新客户")
    account, customer = AuditEntry.objects.filter(actor_id=owner.pk).order_by("id")[:2]

    shown = api_ids(hengyuan.user("superior"))

    assert customer.pk in shown and account.pk not in shown


def test_the_way_to_the_company_follows_the_scope_rules_and_then_the_foreign_keys(small_org):
    assert company_lookup(Company) == "pk"
    assert company_lookup(Customer) == "company"
    assert company_lookup(Contact) == "customer__company"
    assert company_lookup(Assignment) == "employee__company"  # its rule names no company field of its own
    assert company_lookup(PositionScope) == "position__company"  # no scope rule at all
    assert company_lookup(get_user_model()) is None
    owner = small_org.people["owner"]
    assert company_of(small_org.company) == company_of(owner) == small_org.company.pk
    assert company_of(Assignment.objects.filter(employee=owner).first()) == small_org.company.pk


def test_entries_written_before_they_had_a_company_get_it_from_the_record_or_from_their_traces(small_org):
    from django.apps import apps
    from django.db import connection

    customer = customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                         owner=small_org.people["owner"], name="老客户")
    kind = {model: ContentType.objects.get_for_model(model) for model in (Customer, Contact, Company)}
    gone = "999999"  # a contact deleted long ago: its creation says whose customer it was
    old = AuditEntry.objects.bulk_create([  # as written before entries had a company
        AuditEntry(content_type=kind[Customer], object_id=str(customer.pk), object_repr="老客户", action="update",
                   changes={"name": ["旧名", "老客户"]}),
        AuditEntry(content_type=kind[Contact], object_id=gone, object_repr="老联系人", action="create",
                   changes={"name": [None, "老联系人"], "customer": [None, customer.pk]}),
        AuditEntry(content_type=kind[Contact], object_id=gone, object_repr="老联系人", action="update",
                   changes={"title": ["", "经理"]}),
        AuditEntry(content_type=kind[Company], object_id=str(small_org.company.pk), object_repr="公司",
                   action="update", changes={"name": ["旧", "新"]}),
        AuditEntry(content_type=ContentType.objects.get_for_model(get_user_model()), object_id="1",
                   object_repr="root", action="update", changes={"is_staff": [False, True]}),
    ])

    filled = backfill.fill_companies(apps, connection)

    assert filled == 4
    assert [AuditEntry.objects.get(pk=entry.pk).company_id for entry in old] == [small_org.company.pk] * 4 + [None]
    with pytest.raises(Exception, match="append-only"):  # and the database refuses updates again
        AuditEntry._base_manager.filter(pk=old[0].pk).update(object_repr="changed")
