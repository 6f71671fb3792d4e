"""The Django admin is for system administrators only, and the audit log in it is read-only."""

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user(username="clerk", password="clerk-pass-123", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def entry(small_org):
    return AuditEntry.objects.filter(content_type__model="department").first()


def test_a_system_administrator_opens_the_admin_and_the_audit_log(small_org, root, entry):
    assert root.get(reverse("admin:index")).status_code == 200
    changelist = root.get(reverse("admin:audit_auditentry_changelist"))
    assert changelist.status_code == 200
    assert entry.object_repr in changelist.content.decode()


@pytest.mark.parametrize("name", ["admin:index", "admin:audit_auditentry_changelist", "admin:org_employee_changelist",
                                  "admin:auth_user_changelist"])
def test_staff_status_alone_opens_nothing(small_org, staff, name):
    response = staff.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_staff_member_logging_in_to_the_admin_is_turned_away(small_org, django_user_model):
    django_user_model.objects.create_user(username="clerk", password="clerk-pass-123", is_staff=True)
    client = Client()
    client.post(reverse("admin:login"), {"username": "clerk", "password": "clerk-pass-123",
                                         "next": reverse("admin:index")})
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:org_employee_changelist")).status_code == 302


def test_an_ordinary_employee_is_turned_away_too(small_org):
    client = Client()
    client.force_login(small_org.user("director"))
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("model", ["company", "department", "position", "employee", "assignment", "territory",
                                   "orgchangeset", "orgversion"])
def test_every_org_model_is_in_the_admin(small_org, root, model):
    assert root.get(reverse(f"admin:org_{model}_changelist")).status_code == 200


def test_users_and_log_in_attempts_stay_manageable_in_the_admin(small_org, root):
    assert root.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert root.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200


def test_an_audit_entry_page_has_no_save_or_delete(small_org, root, entry):
    response = root.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="_save"' not in page
    assert 'name="_continue"' not in page
    assert reverse("admin:audit_auditentry_delete", args=[entry.pk]) not in page


def test_the_audit_changelist_offers_no_add_and_no_actions(small_org, root):
    page = root.get(reverse("admin:audit_auditentry_changelist")).content.decode()
    assert reverse("admin:audit_auditentry_add") not in page
    assert 'name="action"' not in page
    assert root.get(reverse("admin:audit_auditentry_add")).status_code == 403


def test_posting_a_delete_of_an_audit_entry_is_refused(small_org, root, entry):
    response = root.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_posting_a_change_of_an_audit_entry_is_refused(small_org, root, entry):
    response = root.post(reverse("admin:audit_auditentry_change", args=[entry.pk]),
                         {"actor_name": "somebody else", "object_repr": "rewritten"})
    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr != "rewritten"


def test_a_bulk_delete_action_on_the_audit_log_is_refused(small_org, root, entry):
    count = AuditEntry.objects.count()
    root.post(reverse("admin:audit_auditentry_changelist"),
              {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    assert AuditEntry.objects.count() == count


def test_a_department_cannot_be_moved_in_the_admin_so_the_tree_stays_whole(small_org, root):
    shanghai = small_org.departments["shanghai"]
    page = root.get(reverse("admin:org_department_change", args=[shanghai.pk])).content.decode()
    assert 'name="parent"' not in page
    assert 'name="name"' in page
    assert root.get(reverse("admin:org_department_add")).status_code == 403


def test_an_administrator_corrects_a_persons_mobile_and_the_change_is_audited(small_org, root):
    owner = small_org.people["owner"]
    response = root.post(reverse("admin:org_employee_change", args=[owner.pk]), {
        "name": owner.name, "employee_no": "E-007", "mobile": "13900001111", "email": "", "status": "active",
        "language": "", "joined_on": "", "left_on": "", "user": owner.user_id,
        "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "1", "assignments-MIN_NUM_FORMS": "0",
        "assignments-MAX_NUM_FORMS": "1000", "assignments-0-id": owner.assignments.get().pk,
        "assignments-0-employee": owner.pk, "assignments-0-is_primary": "on",
        "assignments-0-started_on": owner.assignments.get().started_on.isoformat(), "assignments-0-ended_on": "",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    owner.refresh_from_db()
    assert owner.mobile == "13900001111"
    latest = AuditEntry.objects.filter(object_id=str(owner.pk), content_type__model="employee").latest("id")
    assert latest.source == "admin"
    assert latest.changes["mobile"][1] == "13900001111"


def test_published_org_versions_are_read_only(small_org, root):
    assert root.get(reverse("admin:org_orgversion_add")).status_code == 403
    assert reverse("admin:org_orgversion_add") not in root.get(
        reverse("admin:org_orgversion_changelist")).content.decode()


def test_an_administrator_revokes_a_leaked_api_token(small_org, root):
    from salesdesk.accounts.models import ApiToken

    token, raw = ApiToken.issue(user=small_org.user("owner"), name="leaked")
    root.post(reverse("admin:accounts_apitoken_changelist"),
              {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/employees/", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert root.get(reverse("admin:accounts_apitoken_add")).status_code == 403
