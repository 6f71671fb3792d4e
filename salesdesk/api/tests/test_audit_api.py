"""/api/v1/audit/: by default a person sees the changes they made; an auditor's scope widens
that along the org tree; a system administrator sees everything."""

from datetime import timedelta

import pytest
from django.utils import timezone

from salesdesk.accounts.services import set_language
from salesdesk.audit.models import AuditEntry
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/"


def change_made_by(small_org, key, language="en", request_id=None):
    """`key` changes their own language preference; returns the audit entry it wrote."""
    user = small_org.user(key)
    with acting_as(actor_for_user(user, source="web"), request_id=request_id):
        set_language(user=user, language=language)
    return AuditEntry.objects.filter(actor_id=user.pk).latest("id")


def entry_ids(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def changes(small_org):
    return {key: change_made_by(small_org, key) for key in ("owner", "superior", "outsider")}


def test_an_owner_sees_the_entries_they_caused_and_nothing_else(small_org, changes, api_as):
    assert entry_ids(api_as("owner")) == [changes["owner"].pk]


def test_an_outsider_gets_404_for_the_owners_entry(small_org, changes, api_as):
    response = api_as("outsider").get(f"{URL}{changes['owner'].pk}/")
    assert response.status_code == 404
    assert set(response.json()) == {"message"}


def test_a_superior_with_audit_scope_sees_the_changes_of_their_subordinates(small_org, changes, api_as):
    services.set_position_scope(position=small_org.positions["sh-mgr"], module="audit",
                                level=ScopeLevel.SUBORDINATES)
    assert sorted(entry_ids(api_as("superior"))) == sorted([changes["owner"].pk, changes["superior"].pk])


def test_a_superior_without_audit_scope_sees_only_their_own_changes(small_org, changes, api_as):
    assert entry_ids(api_as("superior")) == [changes["superior"].pk]


def test_a_system_administrator_sees_all_entries(small_org, changes, api_admin):
    body = api_admin.get(URL, {"page_size": 200}).json()
    assert body["count"] == AuditEntry.objects.count()
    assert {entry.pk for entry in changes.values()} <= {row["id"] for row in body["results"]}


def test_an_entry_shows_who_changed_what_from_before_to_after(small_org, changes, api_as):
    owner = small_org.people["owner"]
    body = api_as("owner").get(f"{URL}{changes['owner'].pk}/").json()
    assert body["object_type"] == "org.employee"
    assert body["object_id"] == str(owner.pk)
    assert body["action"] == "update"
    assert body["actor"] == owner.user_id
    assert body["actor_employee"] == owner.pk
    assert body["changes"] == {"language": ["", "en"]}


def test_the_filters_narrow_the_admins_view(small_org, changes, api_admin):
    owner_entry = changes["owner"]
    assert entry_ids(api_admin, actor=small_org.people["owner"].pk) == [owner_entry.pk]
    assert entry_ids(api_admin, request_id=owner_entry.request_id) == [owner_entry.pk]
    by_object = entry_ids(api_admin, object_type="org.employee", object_id=str(small_org.people["owner"].pk))
    assert owner_entry.pk in by_object
    assert set(entry_ids(api_admin, object_type="org.department", page_size=200)) == set(
        AuditEntry.objects.filter(content_type__model="department").values_list("pk", flat=True))
    assert owner_entry.pk not in entry_ids(api_admin, action="create", page_size=200)
    assert owner_entry.pk in entry_ids(api_admin, action="update", page_size=200)


def test_the_date_filters_take_days_inclusively_and_date_times(small_org, changes, api_as):
    client = api_as("owner")
    today = timezone.localdate().isoformat()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert entry_ids(client, since=today, until=today) == [changes["owner"].pk]
    assert entry_ids(client, since=tomorrow) == []
    later = (changes["owner"].at + timedelta(seconds=1)).isoformat()
    assert entry_ids(client, until=later) == [changes["owner"].pk]
    assert entry_ids(client, since=later) == []


def test_a_date_that_is_not_a_date_is_a_json_422(small_org, api_as):
    response = api_as("owner").get(URL, {"since": "yesterday"})
    assert response.status_code == 422
    assert "yesterday" in response.json()["message"]


def test_an_unknown_action_is_a_json_422(small_org, api_as):
    assert api_as("owner").get(URL, {"action": "rename"}).status_code == 422
