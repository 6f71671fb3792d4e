"""Reads of approvals, all through the data scope."""

from django.contrib.contenttypes.models import ContentType

from salesdesk.core.scope import scope_for

from .models import ApprovalChain, ApprovalNote, ApprovalRequest, ApprovalTask


def my_pending_tasks(user):
    """待我审批: the steps waiting for the signed-in person, oldest first."""
    scope = scope_for(user)
    return (ApprovalTask.objects.restrict(user)
            .filter(approver_id=scope.employee_id, status=ApprovalTask.Status.PENDING,
                    request__status=ApprovalRequest.Status.PENDING)
            .select_related("request__submitter").order_by("created_at", "id"))


def my_decided_tasks(user):
    scope = scope_for(user)
    return (ApprovalTask.objects.restrict(user)
            .filter(approver_id=scope.employee_id)
            .exclude(status__in=[ApprovalTask.Status.PENDING, ApprovalTask.Status.CLOSED])
            .select_related("request__submitter").order_by("-acted_at", "-id"))


def my_requests(user):
    scope = scope_for(user)
    return ApprovalRequest.objects.restrict(user).filter(submitter_id=scope.employee_id).select_related("submitter")


def visible_requests(user, *, status: str = "", document_type: str = ""):
    queryset = ApprovalRequest.objects.restrict(user).select_related("submitter")
    if status:
        queryset = queryset.filter(status=status)
    if document_type:
        queryset = queryset.filter(document_type=document_type)
    return queryset


def stalled_requests(user):
    return visible_requests(user, status=ApprovalRequest.Status.STALLED)


def requests_for_document(user, document):
    """A document's approval history (newest first), for its page."""
    return (ApprovalRequest.objects.restrict(user)
            .filter(content_type=ContentType.objects.get_for_model(document), object_id=document.pk)
            .select_related("submitter").prefetch_related("tasks__approver"))


def chains_for(user, *, document_type: str = ""):
    queryset = ApprovalChain.objects.restrict(user).prefetch_related("steps__positions")
    if document_type:
        queryset = queryset.filter(document_type=document_type)
    return queryset


def steps_of(request: ApprovalRequest) -> list[dict]:
    """The plan with each step's tasks, for the request page."""
    tasks = list(request.tasks.select_related("approver", "added_by").order_by("step", "id"))
    steps = []
    for index, step in enumerate(request.plan):
        steps.append({
            "index": index,
            "number": index + 1,
            "name": step["name"],
            "mode": step["mode"],
            "is_current": request.is_open and index == request.current_step,
            "is_done": index < request.current_step or request.status == ApprovalRequest.Status.APPROVED,
            "tasks": [task for task in tasks if task.step == index],
        })
    return steps


def notes_of(user, request: ApprovalRequest):
    """The review records of a request (评审记录), oldest meeting first."""
    return list(ApprovalNote.objects.restrict(user).filter(request=request).select_related("author"))
