"""The org versions and change sets pages: everyone in the company reads them, org administrators
draft, the named approver decides, and an approved change set becomes a new version with a diff."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.org import services, versions
from salesdesk.org.models import Department, OrgChangeSet, OrgVersion, Position

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def person(company, username, name, positions):
    user = get_user_model().objects.create_user(username=username, password="pass-" + username)
    return services.create_employee(company=company, name=name, user=user, positions=positions)


@pytest.fixture
def org_admin(small_org):
    position = services.create_position(department=small_org.departments["sales"], title="组织管理员",
                                        code="org-admin", duties=[{"text": "维护组织架构", "capability": "org_admin"}])
    return person(small_org.company, "orgadmin", "郑管理", [position])


@pytest.fixture
def admin_client(org_admin):
    return client_for(org_admin.user)


@pytest.fixture
def first_version(small_org):
    return versions.record_version(company=small_org.company, title="初始编制", effective_date=datetime.date(2030, 1, 1),
                                   drafted_by_name="人事部", approved_by_name="赵总监")


@pytest.fixture
def draft(small_org, org_admin):
    return versions.draft_change_set(
        company=small_org.company, title="华东调整", effective_date=timezone.localdate(), drafted_by=org_admin,
        operations=[{"op": "rename_department", "department": "SH", "name": "上海分公司"}])


@pytest.fixture
def submitted(draft, small_org):
    return versions.submit(change_set=draft, approver=small_org.people["director"])


@pytest.fixture
def elsewhere(db):
    company = services.create_company(name="别家公司", code="other")
    department = services.create_department(company=company, name="别家销售部", code="X-SALES")
    position = services.create_position(department=department, title="组织管理员", code="x-admin",
                                        duties=[{"text": "维护", "capability": "org_admin"}])
    drafter = person(company, "stranger", "冯别人", [position])
    version = versions.record_version(company=company, title="别家编制", effective_date=datetime.date(2030, 1, 1))
    change_set = versions.draft_change_set(company=company, title="别家调整", effective_date=datetime.date(2030, 2, 1),
                                           drafted_by=drafter)
    return {"company": company, "version": version, "change_set": change_set, "drafter": drafter}


def read_urls(first_version, draft):
    return [reverse("org:versions"), reverse("org:version", args=[first_version.pk]),
            reverse("org:change_set", args=[draft.pk])]


def write_urls(draft):
    return [
        reverse("org:change_set_create"),
        reverse("org:change_set_add_operation", args=[draft.pk]),
        reverse("org:change_set_remove_operation", args=[draft.pk, 0]),
        reverse("org:change_set_submit", args=[draft.pk]),
    ]


# --- who sees and who changes -----------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_log_in_page(small_org, first_version, draft):
    client = Client()
    urls = read_urls(first_version, draft) + write_urls(draft) + [
        reverse("org:change_set_approve", args=[draft.pk]), reverse("org:change_set_reject", args=[draft.pk])]
    for url in urls:
        response = client.get(url) if url in read_urls(first_version, draft) else client.post(url, {})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("key", ["owner", "outsider", "director"])
def test_every_employee_reads_versions_and_change_sets(small_org, first_version, draft, key):
    client = client_for(small_org.user(key))
    for url in read_urls(first_version, draft):
        assert client.get(url).status_code == 200, url
    html = client.get(reverse("org:versions")).content.decode()
    assert 'data-version="1"' in html
    assert f'data-change-set="{draft.pk}"' in html


@pytest.mark.parametrize("key", ["owner", "outsider", "director"])
def test_employees_who_are_not_org_administrators_cannot_draft_or_edit(small_org, draft, key):
    client = client_for(small_org.user(key))
    assert client.get(reverse("org:change_set_create")).status_code == 403
    for url in write_urls(draft):
        response = client.post(url, {"title": "X", "effective_date": "2030-01-01", "op": "rename_department",
                                     "department": "EAST", "name": "X", "approver": small_org.people["regional"].pk})
        assert response.status_code == 403, url
    draft.refresh_from_db()
    assert draft.status == OrgChangeSet.Status.DRAFT and len(draft.operations) == 1
    assert OrgChangeSet.objects.count() == 1
    page = client.get(reverse("org:change_set", args=[draft.pk])).content.decode()
    assert 'id="sd-operation-form"' not in page and 'data-action="remove-operation"' not in page


def test_org_administrators_and_system_administrators_open_every_page(small_org, admin_client, admin_user,
                                                                      first_version, draft):
    for client in (admin_client, client_for(admin_user)):
        for url in read_urls(first_version, draft) + [reverse("org:change_set_create")]:
            assert client.get(url).status_code == 200, url
    page = admin_client.get(reverse("org:change_set", args=[draft.pk])).content.decode()
    assert 'id="sd-operation-form"' in page


def test_other_companies_versions_and_change_sets_are_not_found(small_org, admin_client, elsewhere):
    change_set = elsewhere["change_set"]
    assert admin_client.get(reverse("org:version", args=[elsewhere["version"].pk])).status_code == 404
    assert admin_client.get(reverse("org:change_set", args=[change_set.pk])).status_code == 404
    response = admin_client.post(reverse("org:change_set_add_operation", args=[change_set.pk]),
                                 {"op": "rename_department", "department": "X-SALES", "name": "改名"})
    assert response.status_code == 404
    assert admin_client.post(reverse("org:change_set_submit", args=[change_set.pk]), {}).status_code == 404
    change_set.refresh_from_db()
    assert change_set.operations == []
    listing = admin_client.get(reverse("org:versions")).content.decode()
    assert f'data-change-set="{change_set.pk}"' not in listing and "别家编制" not in listing


def test_a_system_administrator_drafts_a_change_set_in_their_own_name(small_org, admin_user):
    client = client_for(admin_user)
    response = client.post(reverse("org:change_set_create"),
                           {"title": "年度编制", "effective_date": "2030-03-01", "description": "按年度计划"})
    change_set = OrgChangeSet.objects.get(title="年度编制")
    assert response.status_code == 302 and response["Location"] == reverse("org:change_set", args=[change_set.pk])
    assert (change_set.company, change_set.drafted_by, change_set.drafted_by_name) == (small_org.company, None, "root")


def test_a_change_set_without_a_title_or_date_is_refused_and_the_input_is_kept(small_org, admin_client):
    response = admin_client.post(reverse("org:change_set_create"),
                                 {"title": "", "effective_date": "not a date", "description": "说明文字"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="title"' in html and 'data-error-for="effective_date"' in html
    assert "说明文字" in html
    assert not OrgChangeSet.objects.exists()


def test_the_awaiting_me_filter_shows_only_change_sets_submitted_to_me(small_org, org_admin, submitted):
    other = versions.draft_change_set(company=small_org.company, title="另一个", effective_date=timezone.localdate(),
                                      drafted_by=org_admin,
                                      operations=[{"op": "rename_department", "department": "BJ", "name": "北京分公司"}])
    versions.submit(change_set=other, approver=small_org.people["regional"])
    director = client_for(small_org.user("director"))
    response = director.get(reverse("org:versions"), {"awaiting": "me"})
    html = response.content.decode()
    assert f'data-change-set="{submitted.pk}"' in html
    assert f'data-change-set="{other.pk}"' not in html
    assert response.context["awaiting_count"] == 1
    nothing = client_for(small_org.user("owner")).get(reverse("org:versions"), {"awaiting": "me"})
    assert 'data-no-change-sets' in nothing.content.decode()


# --- the whole flow ---------------------------------------------------------------------------


def test_a_change_set_goes_from_draft_to_a_new_version_with_a_diff(small_org, org_admin, admin_client, first_version):
    today = timezone.localdate().isoformat()
    response = admin_client.post(reverse("org:change_set_create"),
                                 {"title": "设立杭州办事处", "effective_date": today, "description": "华东扩张"})
    change_set = OrgChangeSet.objects.get(title="设立杭州办事处")
    add = reverse("org:change_set_add_operation", args=[change_set.pk])

    operations = [
        {"op": "create_department", "code": "HZ", "name": "杭州办事处", "parent": "EAST"},
        {"op": "create_position", "code": "hz-mgr", "title": "办事处经理", "department": "HZ",
         "reports_to": "east-rm", "headcount": "1", "grade": "middle"},
        {"op": "rename_department", "department": "SH", "name": "上海分公司"},
        {"op": "update_position", "position": "bj-rep", "headcount": "4"},
        {"op": "move_department", "department": "BJ", "parent": "SALES"},
    ]
    for operation in operations:
        response = admin_client.post(add, operation)
        assert response.status_code == 302, response.content.decode()[:2000]
    # a bad one is refused with the reason, and the good ones stay
    response = admin_client.post(add, {"op": "create_position", "code": "x", "title": "无部门", "department": "NOPE"})
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()
    # and one taken back out
    response = admin_client.post(reverse("org:change_set_remove_operation", args=[change_set.pk, 4]))
    assert response.status_code == 302
    change_set.refresh_from_db()
    assert [operation["op"] for operation in change_set.operations] == [
        "create_department", "create_position", "rename_department", "update_position"]
    assert change_set.operations[1]["headcount"] == 1
    assert not Department.objects.filter(code="HZ").exists()  # nothing happens before it takes effect

    page = admin_client.get(reverse("org:change_set", args=[change_set.pk]))
    approvers = {item.pk for item in page.context["submit_form"].fields["approver"].queryset}
    assert org_admin.pk not in approvers and small_org.people["director"].pk in approvers
    response = admin_client.post(reverse("org:change_set_submit", args=[change_set.pk]),
                                 {"approver": small_org.people["director"].pk})
    assert response.status_code == 302
    change_set.refresh_from_db()
    assert change_set.status == OrgChangeSet.Status.SUBMITTED

    director = client_for(small_org.user("director"))
    page = director.get(reverse("org:change_set", args=[change_set.pk])).content.decode()
    assert 'data-action="approve"' in page and 'data-action="reject"' in page
    for key in ("owner", "regional"):
        other_page = client_for(small_org.user(key)).get(reverse("org:change_set", args=[change_set.pk]))
        assert 'data-action="approve"' not in other_page.content.decode()
    response = director.post(reverse("org:change_set_approve", args=[change_set.pk]), {"comment": "同意"})
    assert response.status_code == 302
    change_set.refresh_from_db()
    assert change_set.status == OrgChangeSet.Status.APPROVED

    call_command("apply_org_changes")

    change_set.refresh_from_db()
    assert change_set.status == OrgChangeSet.Status.EFFECTIVE
    hangzhou = Department.objects.get(company=small_org.company, code="HZ")
    assert hangzhou.parent == small_org.departments["east"]
    assert Position.objects.get(code="hz-mgr").reports_to == small_org.positions["east-rm"]
    version = OrgVersion.objects.get(company=small_org.company, number=2)
    assert (version.title, version.drafted_by_name, version.approved_by_name) == ("设立杭州办事处", "郑管理", "赵总监")

    owner = client_for(small_org.user("owner"))
    listing = owner.get(reverse("org:versions")).content.decode()
    assert 'data-version="2"' in listing
    detail = owner.get(reverse("org:version", args=[version.pk]))
    assert detail.status_code == 200
    diff = detail.context["diff"]
    assert [item["code"] for item in diff["departments_added"]] == ["HZ"]
    assert [item["code"] for item in diff["positions_added"]] == ["hz-mgr"]
    assert [item["code"] for item in diff["departments_changed"]] == ["SH"]
    assert [change[1:] for change in diff["departments_changed"][0]["changes"]] == [("上海办事处", "上海分公司")]
    assert [item["code"] for item in diff["positions_changed"]] == ["bj-rep"]
    assert [change[1:] for change in diff["positions_changed"][0]["changes"]] == [("2", "4")]
    assert not diff["departments_removed"] and not diff["positions_removed"]
    assert (diff["headcount_before"], diff["headcount_after"]) == (first_version_headcount(first_version),
                                                                   first_version_headcount(first_version) + 3)
    html = detail.content.decode()
    for marker in ('data-diff="department-added" data-code="HZ"', 'data-diff="position-added" data-code="hz-mgr"',
                   'data-diff="department-changed" data-code="SH"', 'data-diff="position-changed" data-code="bj-rep"',
                   'data-outline-department="HZ"', 'data-outline-position="hz-mgr"'):
        assert marker in html
    assert html.index('data-outline-department="EAST"') < html.index('data-outline-department="HZ"') < \
        html.index('data-outline-position="hz-mgr"') < html.index('data-outline-department="NORTH"')
    assert 'data-result-version="2"' in owner.get(reverse("org:change_set", args=[change_set.pk])).content.decode()


def first_version_headcount(version):
    return sum(item["headcount"] for item in version.snapshot["positions"])


def test_the_first_version_shows_everything_as_new(small_org, first_version, admin_client):
    diff = admin_client.get(reverse("org:version", args=[first_version.pk])).context["diff"]
    assert {item["code"] for item in diff["departments_added"]} == {"SALES", "EAST", "SH", "NORTH", "BJ"}
    assert not diff["departments_changed"]


# --- deciding ---------------------------------------------------------------------------------


def test_the_drafter_cannot_approve_their_own_change_set(small_org, org_admin, admin_client, draft):
    # they are not offered as approver, and naming themselves anyway is refused
    response = admin_client.post(reverse("org:change_set_submit", args=[draft.pk]), {"approver": org_admin.pk})
    assert response.status_code == 400
    assert 'data-error-for="approver"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == OrgChangeSet.Status.DRAFT
    versions.submit(change_set=draft, approver=small_org.people["director"])
    response = admin_client.post(reverse("org:change_set_approve", args=[draft.pk]), {"comment": "自己批"})
    assert response.status_code == 403
    assert "data-error" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == OrgChangeSet.Status.SUBMITTED


def test_nobody_but_the_named_approver_decides(small_org, submitted):
    for key in ("owner", "regional"):
        client = client_for(small_org.user(key))
        assert client.post(reverse("org:change_set_approve", args=[submitted.pk]), {}).status_code == 403
        assert client.post(reverse("org:change_set_reject", args=[submitted.pk]),
                           {"comment": "不行"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == OrgChangeSet.Status.SUBMITTED


def test_rejecting_needs_a_comment(small_org, submitted):
    director = client_for(small_org.user("director"))
    response = director.post(reverse("org:change_set_reject", args=[submitted.pk]), {"comment": "   "})
    assert response.status_code == 400
    assert 'data-error-for="comment"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == OrgChangeSet.Status.SUBMITTED
    response = director.post(reverse("org:change_set_reject", args=[submitted.pk]), {"comment": "编制过多"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision_comment) == (OrgChangeSet.Status.REJECTED, "编制过多")
    page = director.get(reverse("org:change_set", args=[submitted.pk])).content.decode()
    assert "编制过多" in page and 'data-action="approve"' not in page


def test_a_decided_change_set_cannot_be_decided_or_edited_again(small_org, admin_client, submitted):
    director = client_for(small_org.user("director"))
    assert director.post(reverse("org:change_set_approve", args=[submitted.pk]), {}).status_code == 302
    assert director.post(reverse("org:change_set_reject", args=[submitted.pk]),
                         {"comment": "改主意"}).status_code == 400
    response = admin_client.post(reverse("org:change_set_add_operation", args=[submitted.pk]),
                                 {"op": "rename_department", "department": "BJ", "name": "北京分公司"})
    assert response.status_code == 400
    assert "data-form-errors" in response.content.decode()
    assert admin_client.post(reverse("org:change_set_remove_operation", args=[submitted.pk, 0])).status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == OrgChangeSet.Status.APPROVED and len(submitted.operations) == 1


def test_an_operation_form_missing_what_the_operation_needs_marks_the_field(small_org, admin_client, draft):
    response = admin_client.post(reverse("org:change_set_add_operation", args=[draft.pk]),
                                 {"op": "create_department", "code": "", "name": "无代码部门"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-error-for="code"' in html and 'value="无代码部门"' in html
    draft.refresh_from_db()
    assert len(draft.operations) == 1


def test_a_failed_application_is_shown_on_the_change_set(small_org, submitted):
    OrgChangeSet.objects.filter(pk=submitted.pk).update(status=OrgChangeSet.Status.APPROVED,
                                                        last_error="Operation 1: no such department")
    page = client_for(small_org.user("owner")).get(reverse("org:change_set", args=[submitted.pk])).content.decode()
    assert "data-last-error" in page and "Operation 1: no such department" in page
