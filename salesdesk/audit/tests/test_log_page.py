"""The audit log page /audit/: scoped like every list, filterable, paginated, refreshed by HTMX."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.accounts.services import set_language
from salesdesk.audit.models import AuditEntry
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")


def change_made_by(small_org, key, language="en", request_id=None):
    user = small_org.user(key)
    with acting_as(actor_for_user(user, source="web"), request_id=request_id):
        set_language(user=user, language=language)
    return AuditEntry.objects.filter(actor_id=user.pk).latest("id")


@pytest.fixture
def changes(small_org):
    return {key: change_made_by(small_org, key) for key in ("owner", "superior", "outsider")}


@pytest.fixture
def client_of(small_org):
    def make(key_or_user):
        client = Client()
        client.force_login(small_org.user(key_or_user) if isinstance(key_or_user, str) else key_or_user)
        return client
    return make


def shown_ids(response):
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'data-entry="(\d+)"', response.content.decode())]


def test_the_page_needs_a_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_owner_sees_only_the_changes_they_made(small_org, changes, client_of):
    assert shown_ids(client_of("owner").get(URL)) == [changes["owner"].pk]


def test_an_outsider_does_not_see_the_owners_changes(small_org, changes, client_of):
    assert changes["owner"].pk not in shown_ids(client_of("outsider").get(URL))


def test_a_superior_given_an_audit_scope_sees_the_changes_of_their_team(small_org, changes, client_of):
    services.set_position_scope(position=small_org.positions["sh-mgr"], module="audit",
                                level=ScopeLevel.SUBORDINATES)
    assert sorted(shown_ids(client_of("superior").get(URL))) == sorted(
        [changes["owner"].pk, changes["superior"].pk])


def test_a_regional_auditor_sees_the_east_china_subtree_but_not_the_north(small_org, changes, client_of):
    services.set_position_scope(position=small_org.positions["east-rm"], module="audit",
                                level=ScopeLevel.DEPARTMENT_TREE)
    shown = shown_ids(client_of("regional").get(URL))
    assert changes["owner"].pk in shown and changes["superior"].pk in shown
    assert changes["outsider"].pk not in shown


def test_a_system_administrator_sees_all_changes(small_org, changes, admin_user, client_of):
    response = client_of(admin_user).get(URL)
    assert f'data-audit-count="{AuditEntry.objects.count()}"' in response.content.decode()
    assert changes["outsider"].pk in shown_ids(response)


def test_each_field_shows_before_and_after(small_org, changes, client_of):
    page = client_of("owner").get(URL).content.decode()
    row = page[page.index(f'data-entry="{changes["owner"].pk}"'):]
    assert re.search(r"data-before>—</span>\s*→ <span data-after>English</span>", row)  # the choice in words
    assert 'data-action="update"' in row
    assert "李代表" in row


def test_filters_by_type_action_actor_request_and_record(small_org, changes, admin_user, client_of):
    client = client_of(admin_user)
    owner_entry = changes["owner"]
    assert shown_ids(client.get(URL, {"request_id": owner_entry.request_id})) == [owner_entry.pk]
    assert shown_ids(client.get(URL, {"actor": "李代"})) == [owner_entry.pk]
    by_type = shown_ids(client.get(URL, {"object_type": "org.employee", "action": "update"}))
    assert sorted(by_type) == sorted(entry.pk for entry in changes.values())
    departments = shown_ids(client.get(URL, {"object_type": "org.department"}))
    assert departments and set(departments) == set(
        AuditEntry.objects.filter(content_type__model="department").values_list("pk", flat=True))
    assert set(shown_ids(client.get(URL, {"q": "上海办事处"}))) == set(
        AuditEntry.objects.filter(object_repr__contains="上海办事处").values_list("pk", flat=True))


def test_the_date_filters_include_whole_days(small_org, changes, client_of):
    client = client_of("owner")
    today = timezone.localdate()
    assert shown_ids(client.get(URL, {"date_from": today, "date_to": today})) == [changes["owner"].pk]
    assert shown_ids(client.get(URL, {"date_from": today + timedelta(days=1)})) == []
    assert shown_ids(client.get(URL, {"date_to": today - timedelta(days=1)})) == []


def test_a_reversed_date_range_is_explained_next_to_the_field_and_other_filters_still_apply(
        small_org, changes, admin_user, client_of):
    today = timezone.localdate()
    response = client_of(admin_user).get(URL, {"date_from": today, "date_to": today - timedelta(days=3),
                                               "actor": "李代"})
    page = response.content.decode()
    assert re.search(r'id="audit-error-date_to">[^<]+<', page)
    assert shown_ids(response) == [changes["owner"].pk]


def test_an_unknown_type_is_an_error_not_a_crash(small_org, changes, admin_user, client_of):
    response = client_of(admin_user).get(URL, {"object_type": "auth.password"})
    assert response.status_code == 200
    assert re.search(r'id="audit-error-object_type">[^<]+<', response.content.decode())


def test_the_type_select_offers_every_audited_model(small_org, client_of):
    page = client_of("owner").get(URL).content.decode()
    for value in ("org.department", "org.position", "org.employee", "org.assignment", "org.territory"):
        assert f'value="{value}"' in page


def test_fifty_entries_per_page(small_org, client_of):
    for number in range(55):
        with acting_as(actor_for_user(small_org.user("owner"))):
            services.update_department(department=small_org.departments["shanghai"], sort_order=number + 1)
    client = client_of("owner")
    first = shown_ids(client.get(URL))
    second = shown_ids(client.get(URL, {"page": 2}))
    assert len(first) == 50 and len(second) == 5
    assert not set(first) & set(second)
    assert 'rel="next"' in client.get(URL).content.decode()


def test_the_page_links_keep_the_filters(small_org, client_of):
    for number in range(55):
        with acting_as(actor_for_user(small_org.user("owner"))):
            services.update_department(department=small_org.departments["shanghai"], sort_order=number + 1)
    page = client_of("owner").get(URL, {"action": "update"}).content.decode()
    assert 'href="?action=update&amp;page=2"' in page


def test_an_htmx_request_gets_only_the_table_with_field_errors_out_of_band(small_org, changes, client_of):
    response = client_of("owner").get(URL, {"date_from": "2030-01-02", "date_to": "2030-01-01"},
                                      headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page
    assert 'id="audit-entries"' in page
    assert re.search(r'id="audit-error-date_to" hx-swap-oob="true">[^<]+<', page)


def test_the_full_page_wires_the_filter_form_to_refresh_the_table(small_org, client_of):
    page = client_of("owner").get(URL).content.decode()
    assert 'hx-target="#audit-table"' in page
    assert '<div id="audit-table">' in page


# --- navigation -------------------------------------------------------------------------------


def nav_keys(client):
    return re.findall(r'data-nav="([\w-]+)"', client.get(reverse("accounts:profile")).content.decode())


def test_the_menu_shows_the_audit_log_to_system_administrators(small_org, admin_user, client_of):
    assert "audit" in nav_keys(client_of(admin_user))


def test_the_menu_hides_the_audit_log_from_people_who_only_see_their_own_changes(small_org, client_of):
    assert "audit" not in nav_keys(client_of("owner"))
    assert "audit" not in nav_keys(client_of("director"))


def test_the_menu_shows_the_audit_log_to_holders_of_a_wider_audit_scope(small_org, client_of):
    services.set_position_scope(position=small_org.positions["east-rm"], module="audit",
                                level=ScopeLevel.DEPARTMENT_TREE)
    assert "audit" in nav_keys(client_of("regional"))
    assert "audit" not in nav_keys(client_of("superior"))
