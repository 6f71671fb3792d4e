"""Approval pages: my inbox (待我审批, decided, submitted, stopped), a request with its steps and the
decision buttons, and the chains for administrators. Thin: services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.org.access import current_company, org_admin_required
from salesdesk.org.versions import is_org_admin

from . import registry, selectors, services
from .capabilities import ORGANIZE_REVIEWS
from .chains import save_chain
from .forms import AddReviewerForm, ChainForm, DecisionForm, ReviewRecordForm, step_rows
from .models import ApprovalChain, ApprovalRequest

TABS = ("waiting", "decided", "submitted", "stalled")


@login_required
def inbox(request):
    tab = request.GET.get("tab", "waiting")
    if tab not in TABS:
        tab = "waiting"
    admin = is_org_admin(request.user)
    if tab == "stalled" and not admin:
        tab = "waiting"
    if tab == "waiting":
        rows = selectors.my_pending_tasks(request.user)
    elif tab == "decided":
        rows = selectors.my_decided_tasks(request.user)
    elif tab == "submitted":
        rows = selectors.my_requests(request.user)
    else:
        rows = selectors.stalled_requests(request.user)
    page = list_page(rows, request)
    counts = {"waiting": selectors.my_pending_tasks(request.user).count()}
    return render(request, "approvals/inbox.html", {
        "tab": tab, "page": page, "counts": counts, "is_admin": admin,
        "document_types": registry.DOCUMENT_TYPES,
    })


def _document_link(approval: ApprovalRequest, user) -> str:
    kind = registry.DOCUMENT_TYPES.get(approval.document_type)
    document = approval.document
    if kind is None or kind.url is None or document is None:
        return ""
    model = type(document)
    if not model._default_manager.restrict(user).filter(pk=document.pk).exists():
        return ""
    return kind.url(document)


@login_required
def detail(request, pk: int):
    approval = get_scoped_or_404(ApprovalRequest.objects.select_related("submitter", "content_type"),
                                 request.user, pk=pk)
    me = request.actor.employee
    my_task = None
    if me is not None and approval.status == ApprovalRequest.Status.PENDING:
        my_task = approval.tasks.filter(step=approval.current_step, approver=me, status="pending").first()
    kind = registry.DOCUMENT_TYPES.get(approval.document_type)
    organiser = request.actor.can(ORGANIZE_REVIEWS) and me is not None
    return render(request, "approvals/detail.html", {
        "approval": approval,
        "kind": kind,
        "steps": selectors.steps_of(approval),
        "notes": selectors.notes_of(request.user, approval),
        "panels": registry.panels_for(approval, request.user),
        "my_task": my_task,
        "form": DecisionForm(),
        "reviewer_form": (AddReviewerForm(company=approval.company, prefix="add")
                          if organiser and approval.status == ApprovalRequest.Status.PENDING else None),
        "record_form": ReviewRecordForm(prefix="record") if organiser else None,
        "can_withdraw": me is not None and approval.is_open and approval.submitter_id == me.pk,
        "can_resume": approval.status == ApprovalRequest.Status.STALLED and is_org_admin(request.user),
        "document_url": _document_link(approval, request.user),
    })


@login_required
@require_POST
def decide(request, pk: int):
    approval = get_scoped_or_404(ApprovalRequest, request.user, pk=pk)
    me = request.actor.employee
    if me is None:
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, reject or return."))
        return redirect("approvals:detail", pk=pk)
    try:
        services.decide(request=approval, actor=me, decision=form.cleaned_data["decision"],
                        comment=form.cleaned_data["comment"])
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("approvals:detail", pk=pk)
    messages.success(request, {"approve": _("Approved."), "reject": _("Rejected."),
                               "return": _("Returned for changes.")}[form.cleaned_data["decision"]])
    after = request.POST.get("next")
    if after == "inbox":
        return redirect("approvals:inbox")
    return redirect("approvals:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    approval = get_scoped_or_404(ApprovalRequest, request.user, pk=pk)
    me = request.actor.employee
    if me is None:
        raise PermissionDenied
    try:
        services.withdraw(request=approval, actor=me)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Withdrawn."))
    return redirect("approvals:detail", pk=pk)


def _organise(request, pk: int, make_form, act) -> object:
    """A POST of whoever organises the review (组织评审): the form's errors or the service's refusal come
    back as messages on the request page; `act(approval, me, data)` returns the success message."""
    approval = get_scoped_or_404(ApprovalRequest, request.user, pk=pk)
    me = request.actor.employee
    if me is None or not request.actor.can(ORGANIZE_REVIEWS):
        raise PermissionDenied
    form = make_form(approval)
    if form.is_valid():
        try:
            messages.success(request, act(approval, me, form.cleaned_data))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("approvals:detail", pk=pk)


@login_required
@require_POST
def add_reviewer(request, pk: int):
    def act(approval, me, data):
        services.add_reviewer(request=approval, actor=me, reviewer=data["reviewer"], reason=data["reason"])
        return _("%(name)s reviews this step too.") % {"name": data["reviewer"].name}

    return _organise(request, pk, lambda approval: AddReviewerForm(request.POST, company=approval.company,
                                                                    prefix="add"), act)


@login_required
@require_POST
def record_review(request, pk: int):
    def act(approval, me, data):
        services.record_review(request=approval, actor=me, **data)
        return _("Review record saved.")

    return _organise(request, pk, lambda approval: ReviewRecordForm(request.POST, prefix="record"), act)


@org_admin_required
@require_POST
def resume(request, pk: int):
    approval = get_scoped_or_404(ApprovalRequest, request.user, pk=pk)
    try:
        services.resume(request=approval, actor=request.actor.employee)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The approval goes on."))
    return redirect("approvals:detail", pk=pk)


# --- chains (administrators) ---------------------------------------------------------------------


def _company(request):
    company = current_company(request)
    if company is None:
        raise Http404
    return company


@org_admin_required
def chains(request):
    company = _company(request)
    rows = selectors.chains_for(request.user).filter(company=company)
    by_type = []
    for key, kind in registry.DOCUMENT_TYPES.items():
        by_type.append({"key": key, "label": kind.label, "without_chain": kind.without_chain,
                        "chains": [chain for chain in rows if chain.document_type == key]})
    return render(request, "approvals/chains.html", {"by_type": by_type})


@org_admin_required
def chain_edit(request, pk: int | None = None):
    company = _company(request)
    chain = None
    if pk is not None:
        chain = get_scoped_or_404(ApprovalChain.objects.filter(company=company), request.user, pk=pk)
    initial = {"document_type": request.GET.get("type")} if chain is None else None
    form = ChainForm(request.POST or None, instance=chain, initial=initial)
    steps = step_rows(data=request.POST or None, instance=chain or ApprovalChain(company=company), company=company)
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        try:
            saved = save_chain(form=form, steps=steps, company=company)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Approval chain “%(name)s” saved.") % {"name": saved.name})
            return redirect("approvals:chains")
    return render(request, "approvals/chain_form.html", {"form": form, "steps": steps, "chain": chain})
