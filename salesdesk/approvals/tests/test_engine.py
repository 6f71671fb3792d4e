from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.approvals.services import ApprovalError
from salesdesk.audit.models import AuditEntry
from salesdesk.notifications.models import Notification
from salesdesk.notifications.selectors import unread_count
from salesdesk.org import services as org_services
from tests.scopetest.models import Memo

from .conftest import make_chain, memo

pytestmark = pytest.mark.django_db


def submit(org, document, by="owner"):
    return services.submit(document=document, document_type="memo", submitter=org.people[by])


def decide(org, request, who, decision="approve", comment=""):
    return services.decide(request=request, actor=org.people[who], decision=decision, comment=comment)


def waiting_for(request) -> list[str]:
    return sorted(task.approver.name for task in
                  request.tasks.filter(status=ApprovalTask.Status.PENDING).select_related("approver"))


def test_it_runs_superior_then_legal_then_finance_below_the_amount(org, review_chain):
    document = memo(org, amount="50000")
    request = submit(org, document)
    assert [step["name"] for step in request.plan] == ["销售经理审核", "法务审核", "财务审核"]
    assert waiting_for(request) == ["孙经理"]
    decide(org, request, "superior")
    assert waiting_for(request) == ["冯法务"]
    decide(org, request, "lawyer", comment="条款无异议")
    assert waiting_for(request) == ["陈财务"]
    decide(org, request, "finance")
    request.refresh_from_db()
    document.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert request.decided_at is not None
    assert (document.status, document.approvals) == ("approved", 1)


def test_it_adds_the_general_manager_from_the_amount_on(org, review_chain):
    request = submit(org, memo(org, amount="100000"))
    assert [step["name"] for step in request.plan][-1] == "总经理审批"
    for who in ("superior", "lawyer", "finance"):
        decide(org, request, who)
    assert waiting_for(request) == ["王总"]
    decide(org, request, "gm")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED


def test_any_one_approval_completes_an_or_step_and_closes_the_others(org):
    second = org_services.create_employee(company=org.company, name="卫法务", positions=[org.positions["legal"]])
    make_chain(org, steps=[{"name": "法务", "approver": "positions", "positions": ["legal"], "mode": "any"}])
    document = memo(org)
    request = submit(org, document)
    assert waiting_for(request) == sorted(["冯法务", second.name])
    decide(org, request, "lawyer")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    closed = request.tasks.get(approver=second)
    assert closed.status == ApprovalTask.Status.CLOSED
    with pytest.raises(ApprovalError):
        services.decide(request=request, actor=second, decision="approve")
    document.refresh_from_db()
    assert document.approvals == 1


def test_all_must_approve_a_countersign_step(org):
    make_chain(org, steps=[{"name": "会签", "approver": "positions", "positions": ["legal", "finance"], "mode": "all"}])
    document = memo(org)
    request = submit(org, document)
    decide(org, request, "finance")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    assert waiting_for(request) == ["冯法务"]
    decide(org, request, "lawyer")
    request.refresh_from_db()
    document.refresh_from_db()
    assert request.status == ApprovalRequest.Status.APPROVED
    assert document.approvals == 1


def test_the_submitter_never_approves_even_through_another_position(org):
    # The rep also holds the legal position (兼任): the legal step goes to the other holder only.
    org_services.assign(employee=org.people["owner"], position=org.positions["legal"], is_primary=False)
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])
    request = submit(org, memo(org))
    assert waiting_for(request) == ["冯法务"]
    with pytest.raises(ApprovalError, match="not an approver|own document"):
        decide(org, request, "owner")


def test_a_step_only_the_submitter_could_approve_stops_with_a_message(org):
    org_services.end_assignment(assignment=org.people["lawyer"].assignments.get())
    org_services.assign(employee=org.people["owner"], position=org.positions["legal"], is_primary=False)
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])
    request = submit(org, memo(org))
    assert request.status == ApprovalRequest.Status.STALLED
    assert "法务审核" in request.stall_message() and "法务" in request.stall_detail
    assert not request.tasks.exists()


def test_the_owner_of_a_document_submitted_by_someone_else_cannot_approve_it(org):
    # The office manager submits the rep's memo; the rep holds the legal post too.
    org_services.assign(employee=org.people["owner"], position=org.positions["legal"], is_primary=False)
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])
    request = submit(org, memo(org, owner_key="owner"), by="superior")
    assert waiting_for(request) == ["冯法务"]


def test_the_submitter_cannot_decide_a_task_given_to_them(org, review_chain):
    request = submit(org, memo(org))
    ApprovalTask.objects.create(request=request, step=0, step_name="x", approver=org.people["owner"])
    with pytest.raises(ApprovalError, match="own document"):
        decide(org, request, "owner")


def test_levels_up_skips_vacant_posts(org):
    # Two levels above the rep: the office manager, then (the regional post vacant) the director.
    org_services.end_assignment(assignment=org.people["regional"].assignments.get())
    make_chain(org, steps=[{"name": "二级审批", "approver": "levels_up", "levels": 2}])
    request = submit(org, memo(org))
    assert waiting_for(request) == ["赵总监"]


def test_the_department_head_is_found_up_the_tree(org):
    # No head in the Shanghai office or the East region: the general manager's office is not above
    # them, so the sales department's head is wanted — make the director its head.
    director = org.positions["director"]
    director.is_department_head = True
    director.save()
    make_chain(org, steps=[{"name": "部门负责人", "approver": "department_head"}])
    request = submit(org, memo(org))
    assert waiting_for(request) == ["赵总监"]


def test_without_a_chain_it_stops_and_tells_the_administrators(org):
    org_services.create_position(department=org.departments["sales"], title="系统管理员", code="admin",
                                 duties=[{"text": "维护组织", "capability": "org_admin"}])
    admin = org_services.create_employee(company=org.company, name="管理员",
                                         positions=[org.positions["director"].company.positions.get(code="admin")])
    document = memo(org)
    request = submit(org, document)
    assert request.status == ApprovalRequest.Status.STALLED
    assert request.stall_reason == ApprovalRequest.Stall.NO_CHAIN
    notice = Notification.objects.get(recipient=admin)
    assert notice.kind == "approval_stalled"
    assert "No approval chain applies" in notice.text()
    # Once a chain exists, resuming starts it.
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])
    services.resume(request=request, actor=admin)
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    assert waiting_for(request) == ["冯法务"]


def test_a_vacant_position_stops_the_chain_until_it_is_filled(org, review_chain):
    org_services.end_assignment(assignment=org.people["lawyer"].assignments.get())
    request = submit(org, memo(org))
    decide(org, request, "superior")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.STALLED
    assert request.step_name == "法务审核"
    with pytest.raises(ApprovalError, match="Nobody can approve"):
        services.resume(request=request, actor=None)
    newcomer = org_services.create_employee(company=org.company, name="新法务", positions=[org.positions["legal"]])
    services.resume(request=request, actor=None)
    assert waiting_for(request) == ["新法务"]
    services.decide(request=request, actor=newcomer, decision="approve")
    assert waiting_for(request) == ["陈财务"]


def test_rejecting_needs_a_comment_and_ends_the_approval(org, review_chain):
    document = memo(org)
    request = submit(org, document)
    with pytest.raises(ApprovalError) as refused:
        decide(org, request, "superior", "reject")
    assert "comment" in refused.value.message_dict
    decide(org, request, "superior", "reject", "价格太低")
    request.refresh_from_db()
    document.refresh_from_db()
    assert request.status == ApprovalRequest.Status.REJECTED
    assert document.status == "rejected"
    assert request.tasks.get().comment == "价格太低"
    with pytest.raises(ApprovalError, match="already been decided"):
        decide(org, request, "superior")


def test_returning_sends_the_document_back_and_it_can_be_submitted_again(org, review_chain):
    document = memo(org)
    Memo.objects.filter(pk=document.pk).update(status="in_review")
    request = submit(org, document)
    decide(org, request, "superior")
    decide(org, request, "lawyer", "return", "补充交货期")
    document.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, document.status) == (ApprovalRequest.Status.RETURNED, "draft")
    again = submit(org, document)
    assert again.pk != request.pk and waiting_for(again) == ["孙经理"]


def test_a_document_cannot_be_in_two_approvals_at_once(org, review_chain):
    document = memo(org)
    submit(org, document)
    with pytest.raises(ApprovalError, match="already in approval"):
        submit(org, document)


def test_only_the_submitter_withdraws_and_the_approvers_hear_of_it(org, review_chain):
    document = memo(org)
    request = submit(org, document)
    with pytest.raises(ApprovalError, match="Only the submitter"):
        services.withdraw(request=request, actor=org.people["superior"])
    services.withdraw(request=request, actor=org.people["owner"])
    request.refresh_from_db()
    document.refresh_from_db()
    assert request.status == ApprovalRequest.Status.WITHDRAWN and document.status == "draft"
    assert request.tasks.get().status == ApprovalTask.Status.CLOSED
    kinds = list(Notification.objects.filter(recipient=org.people["superior"]).values_list("kind", flat=True))
    assert sorted(kinds) == ["approval_requested", "approval_withdrawn"]
    with pytest.raises(ApprovalError, match="already been decided"):
        decide(org, request, "superior")


@pytest.mark.parametrize("facts, chain", [
    ({"amount": "10000"}, "小额"),
    ({"amount": "200000"}, "大额"),
    ({"amount": "10000", "discount": Decimal("25")}, "大折扣"),
    ({"amount": "10000", "level": "D"}, "D级客户"),
    ({"amount": "10000", "lines": "钻具,配件"}, "钻具"),
    ({"amount": "10000", "below_floor": True}, "低于底价"),
])
def test_the_first_chain_whose_conditions_hold_is_followed(org, facts, chain):
    legal = {"name": "法务", "approver": "positions", "positions": ["legal"]}
    make_chain(org, "大折扣", priority=1, steps=[dict(legal)], min_discount=Decimal("20"))
    make_chain(org, "D级客户", priority=2, steps=[dict(legal)], customer_levels=["C", "D"])
    make_chain(org, "钻具", priority=3, steps=[dict(legal)], product_lines=["钻具"])
    make_chain(org, "大额", priority=4, steps=[dict(legal)], min_amount=Decimal("100000"))
    make_chain(org, "小额", priority=5, steps=[dict(legal)], max_amount=Decimal("100000"))
    make_chain(org, "停用", priority=0, steps=[dict(legal)], is_active=False)
    make_chain(org, "低于底价", priority=0, steps=[dict(legal)], below_floor=True)
    request = submit(org, memo(org, **facts))
    assert request.chain_name == chain


def test_the_people_concerned_are_notified_and_unread_counts_follow(org, review_chain):
    request = submit(org, memo(org))
    superior = org.people["superior"]
    assert unread_count(superior.user) == 1
    notice = Notification.objects.get(recipient=superior)
    assert notice.text() == "李代表 asks you to approve Memo 备忘 50000"
    assert notice.url == f"/approvals/{request.pk}/"
    decide(org, request, "superior")
    assert unread_count(org.people["lawyer"].user) == 1
    decide(org, request, "lawyer", "reject", "违约条款不可接受")
    owner_notices = Notification.objects.filter(recipient=org.people["owner"])
    assert [n.text() for n in owner_notices] == ["冯法务 rejected Memo 备忘 50000: 违约条款不可接受"]
    assert unread_count(org.people["owner"].user) == 1
    assert not Notification.objects.filter(recipient=org.people["lawyer"], kind="approval_rejected").exists()


def test_every_step_is_audited(org, review_chain):
    request = submit(org, memo(org))
    decide(org, request, "superior", comment="同意")
    task_type = ContentType.objects.get_for_model(ApprovalTask)
    changes = AuditEntry.objects.filter(content_type=task_type, object_id=str(request.tasks.get(step=0).pk))
    assert any(entry.changes.get("status") == ["pending", "approved"] for entry in changes)
    assert AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(ApprovalRequest),
                                     object_id=str(request.pk)).count() >= 2


def test_approvers_read_the_document_others_do_not(org, review_chain):
    document = memo(org)
    request = submit(org, document)
    decide(org, request, "superior")
    assert Memo.objects.restrict(org.user("lawyer")).filter(pk=document.pk).exists()
    assert not Memo.objects.restrict(org.user("finance")).filter(pk=document.pk).exists()
    assert not Memo.objects.restrict(org.user("outsider")).filter(pk=document.pk).exists()
    visible = ApprovalRequest.objects.restrict
    assert visible(org.user("lawyer")).filter(pk=request.pk).exists()
    assert visible(org.user("regional")).filter(pk=request.pk).exists()  # the rep is in his region
    assert not visible(org.user("outsider")).filter(pk=request.pk).exists()
    assert not visible(org.user("teammate")).filter(pk=request.pk).exists()
