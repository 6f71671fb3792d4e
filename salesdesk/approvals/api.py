"""API resources of approvals under /api/v1/: `approvals` (the requests the caller may see, with
their steps; decide and withdraw with POST) and `notifications` (the caller's own)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Query, Router, Schema
from pydantic import Field

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.schemas import Line, Ref, Text
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.notifications import selectors as notification_selectors
from salesdesk.notifications import services as notification_services
from salesdesk.notifications.models import Notification

from . import selectors, services
from .models import ApprovalRequest


class TaskOut(Schema):
    id: int
    step: int
    step_name: str
    approver: Ref
    status: str
    comment: str
    acted_at: datetime.datetime | None


class ApprovalOut(Schema):
    id: int
    document_type: str
    document_id: int = Field(alias="object_id")
    title: str
    amount: Decimal | None
    submitter: Ref
    chain_name: str
    status: str
    current_step: int
    step_names: list[str]
    stall_message: str
    submitted_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def resolve_step_names(obj):
        return [step["name"] for step in obj.plan]

    @staticmethod
    def resolve_stall_message(obj):
        return obj.stall_message()


class ApprovalDetail(ApprovalOut):
    tasks: list[TaskOut]

    @staticmethod
    def resolve_tasks(obj):
        return list(obj.tasks.select_related("approver").order_by("step", "id"))


class ApprovalPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ApprovalOut]


class DecisionIn(Schema):
    decision: Line(16) = Field(description="approve, reject or return")
    comment: Text(10_000) = ""


approvals = Router(tags=["approvals"])


@approvals.get("/", response=ApprovalPage, summary="List approval requests")
def list_approvals(request, page: Query[PageParams], status: str | None = None, document_type: str | None = None,
                   waiting_for_me: bool = False):
    """Requests the caller may see: their own, their team's as their scope allows, and those they
    approve. `waiting_for_me=true`: the ones at a step waiting for the caller's decision (待我审批)."""
    if waiting_for_me:
        ids = selectors.my_pending_tasks(request.auth).values("request_id")
        queryset = ApprovalRequest.objects.restrict(request.auth).filter(pk__in=ids)
    else:
        queryset = selectors.visible_requests(request.auth, status=status or "", document_type=document_type or "")
    return paginate(queryset.select_related("submitter").order_by("-submitted_at", "-pk"), page)


@approvals.get("/{int:id}/", response=ApprovalDetail, summary="One approval request with its steps")
def get_approval(request, id: int):
    return get_scoped_or_404(ApprovalRequest.objects.select_related("submitter"), request.auth, pk=id)


@approvals.post("/{int:id}/decide/", response=ApprovalDetail, summary="Approve, reject or return")
def decide_approval(request, id: int, payload: DecisionIn):
    approval = get_scoped_or_404(ApprovalRequest, request.auth, pk=id)
    services.decide(request=approval, actor=request.actor.acting_employee(), decision=payload.decision, comment=payload.comment)
    return ApprovalRequest.objects.select_related("submitter").get(pk=id)


@approvals.post("/{int:id}/withdraw/", response=ApprovalDetail, summary="Withdraw (the submitter)")
def withdraw_approval(request, id: int):
    approval = get_scoped_or_404(ApprovalRequest, request.auth, pk=id)
    services.withdraw(request=approval, actor=request.actor.acting_employee())
    return ApprovalRequest.objects.select_related("submitter").get(pk=id)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: datetime.datetime
    read_at: datetime.datetime | None

    @staticmethod
    def resolve_text(obj):
        return obj.text()


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    results: list[NotificationOut]


notifications = Router(tags=["notifications"])


@notifications.get("/", response=NotificationPage, summary="My notifications")
def list_notifications(request, page: Query[PageParams], unread: bool = False):
    """The caller's own notifications, newest first, and how many are unread."""
    result = paginate(notification_selectors.notifications_for(request.auth, unread_only=unread), page)
    result["unread"] = notification_selectors.unread_count(request.auth)
    return result


@notifications.get("/{int:id}/", response=NotificationOut, summary="One of my notifications")
def get_notification(request, id: int):
    return get_scoped_or_404(Notification, request.auth, pk=id)


@notifications.post("/{int:id}/read/", response=NotificationOut, summary="Mark one notification read")
def read_notification(request, id: int):
    notification = get_scoped_or_404(Notification, request.auth, pk=id)
    notification_services.mark_read(notification=notification)
    return notification


RESOURCES = {"approvals": approvals, "notifications": notifications}
