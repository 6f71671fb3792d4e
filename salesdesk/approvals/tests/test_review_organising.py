"""Reviews as the seeds run them: the regional manager reviews his own region's documents (a step
along the submitter's line, skipped where the line has no such post); whoever organises reviews
(销售内勤: 组织合同评审) adds a reviewer who must then approve too, and records the meeting."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person
from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.core.access import Denied
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services as org_services

from .conftest import make_chain, memo

pytestmark = pytest.mark.django_db


def waiting_for(request) -> list[str]:
    return sorted(task.approver.name for task in
                  request.tasks.filter(status=ApprovalTask.Status.PENDING).select_related("approver"))


def regional_chain(org):
    """本大区经理审核 (the regional manager of the submitter's line) → 销售总监."""
    return make_chain(org, steps=[
        {"name": "大区经理审核", "approver": "line", "positions": ["east-rm", "north-rm"]},
        {"name": "销售总监审批", "approver": "positions", "positions": ["director"]},
    ])


@pytest.fixture
def organiser(org):
    """A 销售内勤 in the Shanghai office who organises the reviews (组织合同评审)."""
    position = org_services.create_position(
        department=org.departments["shanghai"], title="销售内勤", code="sh-clerk", reports_to=org.positions["sh-mgr"],
        scopes={"sales": ScopeLevel.DEPARTMENT},
        duties=[{"text": "组织合同评审", "queue": "approvals", "capability": "organize_reviews"}])
    org.people["clerk"] = make_person(org.company, "clerk", "郑内勤", [position])
    return org.people["clerk"]


def test_a_regional_step_goes_to_the_manager_of_the_submitters_own_region(org):
    make_person(org.company, "north-manager", "冯经理", [org.positions["north-rm"]])
    regional_chain(org)

    east = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    north = services.submit(document=memo(org, "outsider"), document_type="memo", submitter=org.people["outsider"])

    assert waiting_for(east) == ["钱经理"]
    assert waiting_for(north) == ["冯经理"]


def test_a_submitter_outside_every_region_skips_the_regional_step(org):
    regional_chain(org)

    request = services.submit(document=memo(org, "lawyer"), document_type="memo", submitter=org.people["lawyer"])

    assert request.status == ApprovalRequest.Status.PENDING
    assert request.current_step == 1
    assert waiting_for(request) == ["赵总监"]


def test_the_regional_managers_own_document_skips_his_step(org):
    regional_chain(org)

    request = services.submit(document=memo(org, "regional"), document_type="memo", submitter=org.people["regional"])

    assert request.current_step == 1
    assert waiting_for(request) == ["赵总监"]


def test_a_vacant_regional_post_in_the_line_stops_the_approval(org):
    regional_chain(org)  # north-rm has nobody in it

    request = services.submit(document=memo(org, "outsider"), document_type="memo", submitter=org.people["outsider"])

    assert request.status == ApprovalRequest.Status.STALLED
    assert "大区经理" in request.stall_detail


def test_an_added_reviewer_must_approve_before_the_step_completes(org, organiser):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"},
                           {"name": "销售总监审批", "approver": "positions", "positions": ["director"]}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    services.add_reviewer(request=request, actor=organiser, reviewer=org.people["finance"], reason="付款条件特殊")
    services.decide(request=request, actor=org.people["superior"], decision="approve")
    request.refresh_from_db()

    assert request.current_step == 0
    assert waiting_for(request) == ["陈财务"]

    services.decide(request=request, actor=org.people["finance"], decision="approve")
    request.refresh_from_db()

    assert request.current_step == 1
    assert waiting_for(request) == ["赵总监"]


def test_an_added_reviewer_reads_the_document(org, organiser):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    document = memo(org)
    request = services.submit(document=document, document_type="memo", submitter=org.people["owner"])

    services.add_reviewer(request=request, actor=organiser, reviewer=org.people["lawyer"])

    assert type(document).objects.restrict(org.user("lawyer")).filter(pk=document.pk).exists()
    assert ApprovalRequest.objects.restrict(org.user("lawyer")).filter(pk=request.pk).exists()


def test_only_those_who_organise_reviews_add_reviewers(org):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    with pytest.raises(Denied):
        services.add_reviewer(request=request, actor=org.people["teammate"], reviewer=org.people["lawyer"])


def test_an_organiser_cannot_touch_a_review_outside_his_scope(org):
    position = org_services.create_position(
        department=org.departments["beijing"], title="销售内勤", code="bj-clerk", reports_to=org.positions["north-rm"],
        scopes={"sales": ScopeLevel.DEPARTMENT}, duties=[{"text": "组织合同评审", "capability": "organize_reviews"}])
    stranger = make_person(org.company, "bj-clerk", "韩内勤", [position])
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    with pytest.raises(services.ApprovalError):
        services.add_reviewer(request=request, actor=stranger, reviewer=org.people["lawyer"])


def test_the_submitter_cannot_be_added_as_a_reviewer(org, organiser):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    with pytest.raises(services.ApprovalError):
        services.add_reviewer(request=request, actor=organiser, reviewer=org.people["owner"])


def test_the_review_meeting_is_recorded_and_shown_with_the_progress(org, organiser):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    client = Client()
    client.force_login(org.user("clerk"))

    response = client.post(f"/approvals/{request.pk}/records/", {
        "record-held_on": timezone.localdate().isoformat(), "record-attendees": "孙经理、冯法务、陈财务",
        "record-conclusion": "交货期改为 20 天，其余同意。"})
    page = client.get(f"/approvals/{request.pk}/").content.decode()

    assert response.status_code == 302
    assert "交货期改为 20 天，其余同意。" in page
    assert 'data-step="办事处经理审核"' in page
    assert 'id="add-reviewer"' in page


def test_a_review_record_needs_a_conclusion_and_a_past_date(org, organiser):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    with pytest.raises(services.ApprovalError):
        services.record_review(request=request, actor=organiser, held_on=timezone.localdate(), conclusion=" ")
    with pytest.raises(services.ApprovalError):
        services.record_review(request=request, actor=organiser,
                               held_on=timezone.localdate() + datetime.timedelta(days=1), conclusion="同意")


def test_a_rep_sees_no_organising_forms(org):
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "superior"}])
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    client = Client()
    client.force_login(org.user("owner"))

    page = client.get(f"/approvals/{request.pk}/").content.decode()

    assert 'id="add-reviewer"' not in page and 'id="record-review"' not in page
    assert client.post(f"/approvals/{request.pk}/records/", {"record-conclusion": "x"}).status_code == 403
