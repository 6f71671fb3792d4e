"""Every write of the approval engine: submit, decide (approve / reject / return), withdraw, resume.

Each runs in one transaction that first locks the request row (SELECT … FOR UPDATE), so two
approvers acting at the same moment are serialised: the second sees what the first did, and a
step completes, and the document moves on, exactly once.

Nobody approves their own document: the submitter and the document's owner are left out when a
step's approvers are found — whichever of their positions would have made them one — and are
refused again when they act.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.access import actor_of
from salesdesk.core.models import Collaborator
from salesdesk.notifications.services import notify
from salesdesk.org.models import Department, Employee, Position

from . import registry
from .models import ApprovalChain, ApprovalRequest, ApprovalTask, ApproverKind, StepMode
from .registry import Facts


class ApprovalError(ValidationError):
    pass


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"
    ALL = (APPROVE, REJECT, RETURN)


# --- finding the approvers ---------------------------------------------------------------------


@dataclass
class Found:
    approvers: list[Employee]
    detail: str = ""  # why nobody was found
    skip: bool = False  # the step does not concern this submitter (no such post in their line)
    own: bool = False  # nobody else found, and the submitter holds the post himself


def primary_position(employee: Employee) -> Position | None:
    assignment = (employee.assignments.filter(ended_on__isnull=True, position__is_active=True)
                  .select_related("position__department").order_by("-is_primary", "id").first())
    return assignment.position if assignment else None


def _holders(position_ids, excluded: set[int]) -> list[Employee]:
    return list(
        Employee.objects.filter(assignments__position_id__in=position_ids, assignments__ended_on__isnull=True,
                                status=Employee.Status.ACTIVE)
        .exclude(pk__in=excluded).distinct().order_by("pk")
    )


def _superiors(position: Position, levels: int, excluded: set[int]) -> list[Employee]:
    """The holders `levels` occupied levels above `position`: vacant posts, and posts held only by
    the submitter or owner, do not count as a level (the line goes on upwards)."""
    found = 0
    current, seen = position.reports_to, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        holders = _holders([current.pk], excluded)
        if holders:
            found += 1
            if found >= levels:
                return holders
        current = current.reports_to
    return []


def _department_head(department: Department, excluded: set[int]) -> list[Employee]:
    """The head of the department, or of the nearest department above it that has one."""
    current = department
    while current is not None:
        heads = list(Position.objects.filter(department=current, is_department_head=True, is_active=True)
                     .values_list("pk", flat=True))
        holders = _holders(heads, excluded) if heads else []
        if holders:
            return holders
        current = current.parent
    return []


def _by_distance(positions: list[Position], department: Department | None) -> list[list[Position]]:
    """The step's positions in groups, nearest to the submitter's department first: a position in
    the same department, then in the departments above it, then elsewhere (the nearer the common
    ancestor, the nearer). So a step "销售经理" whose positions are every office's manager goes to the
    manager of the submitter's own office, and a step "法务" still finds the one legal counsel in
    another department; a vacant nearest post falls through to the next group."""
    if department is None:
        return [positions] if positions else []
    own = department.path.strip("/").split("/")

    def shared(position: Position) -> int:
        count = 0
        for mine, theirs in zip(own, position.department.path.strip("/").split("/"), strict=False):
            if mine != theirs:
                break
            count += 1
        return count

    groups: dict[int, list[Position]] = {}
    for position in positions:
        groups.setdefault(shared(position), []).append(position)
    return [groups[depth] for depth in sorted(groups, reverse=True)]


def _in_line(positions: list[Position], department: Department | None) -> list[Position]:
    """The positions that sit in `department` or in a department above it."""
    if department is None:
        return []
    return [position for position in positions if department.path.startswith(position.department.path)]


def find_approvers(*, step: dict, submitter: Employee, excluded: set[int]) -> Found:
    kind = step["approver"]
    if kind == ApproverKind.LINE:
        # 本大区经理审核: of the listed posts, the nearest one above the submitter in their own line. A
        # submitter whose line has none of them (a rep of another division) skips the step, and so
        # does one who holds that post himself; a vacant post in the line stops the approval, since
        # the review it stands for has not happened.
        own = primary_position(submitter)
        positions = list(Position.objects.filter(pk__in=step.get("positions") or [], company_id=submitter.company_id,
                                                 is_active=True).select_related("department"))
        line = _in_line(positions, own.department if own else None)
        if not line:
            return Found([], skip=True)
        for nearest in _by_distance(line, own.department):
            holders = _holders([position.pk for position in nearest], excluded)
            if holders:
                return Found(holders)
            if _holders([position.pk for position in nearest], set()):
                return Found([], skip=True)  # held only by the submitter or the owner
        names = "、".join(position.title for position in line)
        return Found([], _("the position %(positions)s in the submitter's line is vacant") % {"positions": names})
    if kind == ApproverKind.POSITIONS:
        positions = list(Position.objects.filter(pk__in=step.get("positions") or [], company_id=submitter.company_id)
                         .select_related("department"))
        # A countersignature (会签, mode "all") needs every listed post; "any" needs the nearest one.
        own = primary_position(submitter) if step.get("mode") != StepMode.ALL else None
        for nearest in _by_distance(positions, own.department if own else None):
            holders = _holders([position.pk for position in nearest], excluded)
            if holders:
                return Found(holders)
        names = "、".join(position.title for position in positions) or _("none configured")
        own = submitter.assignments.filter(position__in=positions, ended_on__isnull=True).exists()
        return Found([], _("no one other than the submitter holds the positions %(positions)s") % {"positions": names},
                     own=own)
    position = primary_position(submitter)
    if position is None:
        return Found([], _("the submitter %(name)s holds no position") % {"name": submitter.name})
    if kind == ApproverKind.DEPARTMENT_HEAD:
        holders = _department_head(position.department, excluded)
        if holders:
            return Found(holders)
        return Found([], _("no department head above %(department)s") % {"department": position.department.name})
    levels = 1 if kind == ApproverKind.SUPERIOR else max(1, int(step.get("levels") or 1))
    holders = _superiors(position, levels, excluded)
    if holders:
        return Found(holders)
    return Found([], _("no superior %(levels)s level(s) above %(position)s") % {"levels": levels, "position": position.title})


# --- choosing the chain --------------------------------------------------------------------------


def chain_for(*, company, document_type: str, facts: Facts) -> ApprovalChain | None:
    for chain in (ApprovalChain.objects.filter(company=company, document_type=document_type, is_active=True)
                  .order_by("priority", "id")):
        if chain.matches(facts):
            return chain
    return None


def chain_applies(*, document, document_type: str, company) -> bool:
    """Whether a chain in use would take this document (for types that are reviewed only when one does)."""
    return chain_for(company=company, document_type=document_type,
                     facts=registry.get(document_type).facts(document)) is not None


def plan_for(chain: ApprovalChain, facts: Facts) -> list[dict]:
    return [
        {"name": step.name, "approver": step.approver, "levels": step.levels, "mode": step.mode,
         "positions": sorted(position.pk for position in step.positions.all())}
        for step in chain.steps.prefetch_related("positions").order_by("order", "id")
        if step.matches(facts)
    ]


# --- helpers -------------------------------------------------------------------------------------


def _document_type(request: ApprovalRequest) -> registry.DocumentType:
    return registry.get(request.document_type)


def _locked_document(request: ApprovalRequest):
    model = request.content_type.model_class()
    return model._default_manager.select_for_update().get(pk=request.object_id)


def _excluded(request: ApprovalRequest) -> set[int]:
    excluded = {request.submitter_id}
    if request.facts.get("owner_id"):
        excluded.add(int(request.facts["owner_id"]))
    return excluded


def _params(request: ApprovalRequest, actor: Employee | None = None, **more) -> dict:
    params = {"document_type": request.document_type, "title": request.title, "request": request.pk}
    if actor is not None:
        params["actor"] = actor.name
    params.update(more)
    return params


def request_url(request: ApprovalRequest) -> str:
    from django.urls import reverse

    return reverse("approvals:detail", args=[request.pk])


def _grant_read(document, employees) -> None:
    """Approvers read the document they decide on (and keep reading it afterwards)."""
    content_type = ContentType.objects.get_for_model(document)
    existing = set(Collaborator.objects.filter(content_type=content_type, object_id=document.pk)
                   .values_list("employee_id", flat=True))
    Collaborator.objects.bulk_create([
        Collaborator(content_type=content_type, object_id=document.pk, employee=employee,
                     access=Collaborator.Access.READ)
        for employee in employees if employee.pk not in existing
    ])


def _administrators(company_id: int) -> list[int]:
    """Who hears that an approval has stopped: the organisation administrators of the company."""
    from salesdesk.org.capabilities import ORG_ADMIN

    return list(Employee.objects.filter(
        company_id=company_id, status=Employee.Status.ACTIVE, assignments__ended_on__isnull=True,
        assignments__position__duties__capability=ORG_ADMIN).values_list("pk", flat=True).distinct())


def _stall(request: ApprovalRequest, reason: str, detail: str = "") -> None:
    request.status = ApprovalRequest.Status.STALLED
    request.stall_reason = reason
    request.stall_detail = detail[:200]
    request.save(update_fields=["status", "stall_reason", "stall_detail", "current_step"])
    notify(recipients=_administrators(request.company_id), kind="approval_stalled",
           params=_params(request, reason=reason, step=request.step_name, detail=request.stall_detail),
           url=request_url(request))


def _start_step(request: ApprovalRequest, document, actor: Employee) -> None:
    """Begin the current step: find its approvers and give each a task; when the plan is done,
    the document is approved."""
    if request.current_step >= len(request.plan):
        _finish(request, document, ApprovalRequest.Status.APPROVED, actor)
        return
    step = request.plan[request.current_step]
    found = find_approvers(step=step, submitter=request.submitter, excluded=_excluded(request))
    # A document type whose steps stand for authority (a credit limit) lets a submitter who holds the
    # step's post pass it: he decided when he asked. Everywhere else that is self-approval and stops.
    if found.skip or (found.own and registry.get(request.document_type).own_steps == "skip"):
        request.current_step += 1
        _start_step(request, document, actor)
        return
    if not found.approvers:
        _stall(request, ApprovalRequest.Stall.NO_APPROVER, found.detail)
        return
    request.status = ApprovalRequest.Status.PENDING
    request.stall_reason, request.stall_detail = "", ""
    request.save(update_fields=["status", "stall_reason", "stall_detail", "current_step"])
    ApprovalTask.objects.bulk_create([
        ApprovalTask(request=request, step=request.current_step, step_name=step["name"], approver=approver,
                     required=step["mode"] == StepMode.ALL)
        for approver in found.approvers
    ])
    _grant_read(document, found.approvers)
    _grant_read(request, found.approvers)
    notify(recipients=found.approvers, kind="approval_requested", params=_params(request, request.submitter),
           url=request_url(request), actor=actor)


def _finish(request: ApprovalRequest, document, status: str, actor: Employee, comment: str = "") -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at", "current_step"])
    request.tasks.filter(status=ApprovalTask.Status.PENDING).update(status=ApprovalTask.Status.CLOSED,
                                                                     acted_at=timezone.now())
    document_type = _document_type(request)
    handler = {
        ApprovalRequest.Status.APPROVED: document_type.on_approved,
        ApprovalRequest.Status.REJECTED: document_type.on_rejected,
        ApprovalRequest.Status.RETURNED: document_type.on_returned,
        ApprovalRequest.Status.WITHDRAWN: document_type.on_withdrawn,
    }[status]
    handler(document, request)
    if status != ApprovalRequest.Status.WITHDRAWN:
        concerned = [request.submitter_id]
        if request.facts.get("owner_id"):
            concerned.append(int(request.facts["owner_id"]))
        notify(recipients=concerned, kind=f"approval_{status}", params=_params(request, actor, comment=comment),
               url=request_url(request), actor=actor)


# --- the services --------------------------------------------------------------------------------


def open_request_for(document) -> ApprovalRequest | None:
    return ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(document),
                                          object_id=document.pk, status__in=ApprovalRequest.OPEN).first()


@transaction.atomic
def submit(*, document, document_type: str, submitter: Employee) -> ApprovalRequest:
    """Put a document into approval. The caller has moved the document into its "in review"
    state in the same transaction; what the chain decides comes back through the document type's
    handlers."""
    kind = registry.get(document_type)
    document = type(document)._default_manager.select_for_update().get(pk=document.pk)
    if open_request_for(document) is not None:
        raise ApprovalError(_("This document is already in approval."))
    facts = kind.facts(document)
    company = submitter.company
    chain = chain_for(company=company, document_type=document_type, facts=facts)
    request = ApprovalRequest.objects.create(
        company=company, document_type=document_type, content_type=ContentType.objects.get_for_model(document),
        object_id=document.pk, title=str(kind.title(document))[:200], amount=facts.amount, facts=facts.as_json(),
        submitter=submitter, chain=chain, chain_name=chain.name if chain else "",
        plan=plan_for(chain, facts) if chain else [],
    )
    if facts.owner_id and facts.owner_id != submitter.pk:
        _grant_read(request, Employee.objects.filter(pk=facts.owner_id))
    if chain is None:
        if kind.without_chain == "approve":
            _finish(request, document, ApprovalRequest.Status.APPROVED, submitter)
        else:
            _stall(request, ApprovalRequest.Stall.NO_CHAIN)
        return request
    _start_step(request, document, submitter)
    return request


def _locked(request: ApprovalRequest) -> ApprovalRequest:
    return ApprovalRequest.objects.select_for_update(of=("self",)).select_related("submitter", "content_type").get(pk=request.pk)


@transaction.atomic
def decide(*, request: ApprovalRequest, actor: Employee, decision: str, comment: str = "") -> ApprovalRequest:
    """An approver approves, rejects or returns the document for changes at the current step."""
    if decision not in Decision.ALL:
        raise ApprovalError(_("Unknown decision."))
    comment = (comment or "").strip()
    if decision != Decision.APPROVE and not comment:
        raise ApprovalError({"comment": _("Say why, so that the submitter knows what to change.")})
    request = _locked(request)
    if actor.pk in _excluded(request):
        raise ApprovalError(_("You cannot approve your own document."))
    if request.status != ApprovalRequest.Status.PENDING:
        raise ApprovalError(_("This approval has already been decided (%(status)s).") % {
            "status": request.get_status_display()})
    task = request.tasks.filter(step=request.current_step, approver=actor).first()
    if task is None:
        raise ApprovalError(_("You are not an approver of the current step."))
    if task.status != ApprovalTask.Status.PENDING:
        raise ApprovalError(_("This step has already been decided."))
    now = timezone.now()
    task.status = {Decision.APPROVE: ApprovalTask.Status.APPROVED, Decision.REJECT: ApprovalTask.Status.REJECTED,
                   Decision.RETURN: ApprovalTask.Status.RETURNED}[decision]
    task.comment, task.acted_at = comment, now
    task.save(update_fields=["status", "comment", "acted_at"])
    document = _locked_document(request)
    if decision == Decision.REJECT:
        _finish(request, document, ApprovalRequest.Status.REJECTED, actor, comment)
        return request
    if decision == Decision.RETURN:
        _finish(request, document, ApprovalRequest.Status.RETURNED, actor, comment)
        return request
    step = request.plan[request.current_step]
    waiting = request.tasks.filter(step=request.current_step, status=ApprovalTask.Status.PENDING)
    if waiting.filter(required=True).exists() or (step["mode"] == StepMode.ALL and waiting.exists()):
        return request  # 会签, or an added reviewer: the others still have to approve
    waiting.update(status=ApprovalTask.Status.CLOSED, acted_at=now)  # 或签: one approval is enough
    request.current_step += 1
    _start_step(request, document, actor)
    return request


@transaction.atomic
def withdraw(*, request: ApprovalRequest, actor: Employee) -> ApprovalRequest:
    request = _locked(request)
    if actor.pk != request.submitter_id:
        raise ApprovalError(_("Only the submitter can withdraw an approval request."))
    if not request.is_open:
        raise ApprovalError(_("This approval has already been decided (%(status)s).") % {
            "status": request.get_status_display()})
    waiting = list(request.tasks.filter(status=ApprovalTask.Status.PENDING).values_list("approver_id", flat=True))
    _finish(request, _locked_document(request), ApprovalRequest.Status.WITHDRAWN, actor)
    notify(recipients=waiting, kind="approval_withdrawn", params=_params(request, actor), url=request_url(request),
           actor=actor)
    return request


@transaction.atomic
def resume(*, request: ApprovalRequest, actor: Employee | None) -> ApprovalRequest:
    """After an administrator has configured a chain or filled a position: try again."""
    request = _locked(request)
    if request.status != ApprovalRequest.Status.STALLED:
        raise ApprovalError(_("Only a stopped approval can be resumed."))
    document = _locked_document(request)
    if request.stall_reason == ApprovalRequest.Stall.NO_CHAIN:
        facts = registry.get(request.document_type).facts(document)
        chain = chain_for(company=request.company, document_type=request.document_type, facts=facts)
        if chain is None:
            raise ApprovalError(_("Still no approval chain applies to this document."))
        request.chain, request.chain_name, request.plan = chain, chain.name, plan_for(chain, facts)
        request.save(update_fields=["chain", "chain_name", "plan"])
    _start_step(request, document, actor or request.submitter)
    request.refresh_from_db()
    if request.status == ApprovalRequest.Status.STALLED:
        raise ApprovalError(request.stall_message())
    return request


# --- organising a review (组织评审) -----------------------------------------------------------------


def _organiser(request: ApprovalRequest, actor: Employee) -> None:
    from .capabilities import ORGANIZE_REVIEWS

    who = actor_of(actor)
    who.require(ORGANIZE_REVIEWS)
    if not ApprovalRequest.objects.restrict(who).filter(pk=request.pk).exists():
        raise ApprovalError(_("You cannot see this approval."))


@transaction.atomic
def add_reviewer(*, request: ApprovalRequest, actor: Employee, reviewer: Employee, reason: str = "") -> ApprovalTask:
    """加签: one more reviewer at the running step (the technical department for an equipment
    contract, say). The step then waits for their approval too, whatever its mode."""
    _organiser(request, actor)
    request = _locked(request)
    if request.status != ApprovalRequest.Status.PENDING:
        raise ApprovalError(_("Reviewers are added while the approval runs."))
    if reviewer.company_id != request.company_id or reviewer.status != Employee.Status.ACTIVE:
        raise ApprovalError({"reviewer": _("Choose an active colleague of this company.")})
    if reviewer.pk in _excluded(request):
        raise ApprovalError({"reviewer": _("The submitter and the owner do not review their own document.")})
    if request.tasks.filter(step=request.current_step, approver=reviewer).exists():
        raise ApprovalError({"reviewer": _("%(name)s already reviews this step.") % {"name": reviewer.name}})
    step = request.plan[request.current_step]
    task = ApprovalTask.objects.create(request=request, step=request.current_step, step_name=step["name"],
                                       approver=reviewer, required=True, added_by=actor)
    document = _locked_document(request)
    _grant_read(document, [reviewer])
    _grant_read(request, [reviewer])
    notify(recipients=[reviewer], kind="approval_requested",
           params=_params(request, request.submitter, reason=(reason or "").strip()[:200]),
           url=request_url(request), actor=actor)
    return task


@transaction.atomic
def record_review(*, request: ApprovalRequest, actor: Employee, held_on, conclusion: str, attendees: str = ""):
    """评审记录: what the review meeting concluded, kept with the request."""
    from .models import ApprovalNote

    _organiser(request, actor)
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ApprovalError({"conclusion": _("Write down what the review concluded.")})
    if held_on is None or held_on > timezone.localdate():
        raise ApprovalError({"held_on": _("The meeting date cannot be in the future.")})
    return ApprovalNote.objects.create(request=request, author=actor, held_on=held_on,
                                       attendees=(attendees or "").strip()[:300], conclusion=conclusion)
