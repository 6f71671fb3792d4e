"""Org versions and change sets pages (/org/versions/): 编制 / 批准 / 生效日期.

Everyone in the company reads versions and change sets; org administrators draft change sets
and submit them; the named approver approves or rejects. Every write goes through
`org.versions`, whose refusals (ValidationError, PermissionDenied) are shown on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.scope import get_scoped_or_404

from .. import versions
from ..forms import ApproveForm, ChangeSetForm, OperationForm, RejectForm, SubmitForm
from ..models import Grade, OrgChangeSet, OrgVersion
from ..versions_queues import awaiting
from .manage import current_company, org_admin_required

STATUS_ORDER = [OrgChangeSet.Status.SUBMITTED, OrgChangeSet.Status.DRAFT, OrgChangeSet.Status.APPROVED,
                OrgChangeSet.Status.REJECTED, OrgChangeSet.Status.EFFECTIVE]


# --- reading a snapshot -----------------------------------------------------------------------


def _flatten_departments(nodes, parent=None, depth=0, into=None) -> dict:
    """code -> {code, name, parent, depth} in tree order."""
    into = {} if into is None else into
    for node in nodes or []:
        into[node["code"]] = {"code": node["code"], "name": node.get("name", ""), "parent": parent, "depth": depth}
        _flatten_departments(node.get("children"), node["code"], depth + 1, into)
    return into


def snapshot_outline(snapshot: dict) -> list[dict]:
    """The snapshot as rows for an indented outline: each department, then its positions, with the
    headcount of the department alone and of the department with everything below it."""
    departments = _flatten_departments(snapshot.get("departments"))
    positions = snapshot.get("positions") or []
    titles = {item["code"]: item.get("title", "") for item in positions}
    own = {code: 0 for code in departments}
    by_department: dict[str, list[dict]] = {}
    for item in positions:
        by_department.setdefault(item.get("department"), []).append(item)
        if item.get("department") in own:
            own[item["department"]] += item.get("headcount") or 0
    total = dict(own)
    for code in reversed(list(departments)):
        parent = departments[code]["parent"]
        if parent in total:
            total[parent] += total[code]
    rows = []
    for code, department in departments.items():
        rows.append({"kind": "department", **department, "headcount": own[code], "total": total[code]})
        for item in by_department.get(code, []):
            rows.append({"kind": "position", "code": item["code"], "title": item.get("title", ""),
                         "depth": department["depth"] + 1, "headcount": item.get("headcount") or 0,
                         "grade": item.get("grade", ""), "is_department_head": item.get("is_department_head"),
                         "reports_to": item.get("reports_to"), "reports_to_title": titles.get(item.get("reports_to")),
                         "duties": len(item.get("duties") or [])})
    return rows


GRADES = dict(Grade.choices)
POSITION_FIELDS = [
    ("title", pgettext_lazy("position", "title")), ("department", gettext_lazy("department")),
    ("reports_to", gettext_lazy("reports to")), ("headcount", gettext_lazy("headcount")),
    ("grade", gettext_lazy("grade")), ("is_department_head", gettext_lazy("heads the department")),
    ("duties", gettext_lazy("duties")), ("scopes", gettext_lazy("data scope")),
    ("read_only_scopes", gettext_lazy("read-only data scope")),
    ("main_work", gettext_lazy("main work")), ("requirements", gettext_lazy("requirements")),
    ("authority", gettext_lazy("management authority")), ("meetings", gettext_lazy("meetings attended")),
]


def snapshot_diff(old: dict | None, new: dict) -> dict:
    """What changed from `old` to `new`: departments and positions added, removed and changed,
    each change as (label, before, after) in words people read."""
    old = old or {}
    old_departments = _flatten_departments(old.get("departments"))
    new_departments = _flatten_departments(new.get("departments"))
    old_positions = {item["code"]: item for item in old.get("positions") or []}
    new_positions = {item["code"]: item for item in new.get("positions") or []}
    department_names = {code: item["name"] for code, item in {**old_departments, **new_departments}.items()}
    position_titles = {code: item.get("title", "") for code, item in {**old_positions, **new_positions}.items()}

    def department_label(code):
        return f"{department_names.get(code, code)} ({code})" if code else _("(top level)")

    def position_label(code):
        return f"{position_titles.get(code, code)} ({code})" if code else _("(nobody)")

    def words(key, value):
        if key == "department":
            return department_label(value)
        if key == "reports_to":
            return position_label(value)
        if key == "grade":
            return str(GRADES.get(value, value))
        if key == "is_department_head":
            return _("yes") if value else _("no")
        if key == "duties":
            return "; ".join(duty.get("text", "") for duty in value or []) or "—"
        if key == "scopes":
            return ", ".join(f"{module}: {level}" for module, level in sorted((value or {}).items())) or "—"
        if key == "read_only_scopes":
            return ", ".join(sorted(value or [])) or "—"
        return "—" if value in (None, "") else str(value)

    departments_changed = []
    for code in new_departments.keys() & old_departments.keys():
        before, after = old_departments[code], new_departments[code]
        changes = []
        if before["name"] != after["name"]:
            changes.append((_("name"), before["name"], after["name"]))
        if before["parent"] != after["parent"]:
            changes.append((_("parent department"), department_label(before["parent"]),
                            department_label(after["parent"])))
        if changes:
            departments_changed.append({"code": code, "name": after["name"], "changes": changes})

    positions_changed = []
    for code in new_positions.keys() & old_positions.keys():
        before, after = old_positions[code], new_positions[code]
        changes = []
        for key, label in POSITION_FIELDS:
            if before.get(key) != after.get(key):
                changes.append((str(label), words(key, before.get(key)), words(key, after.get(key))))
        if changes:
            positions_changed.append({"code": code, "title": after.get("title", ""), "changes": changes})

    def department_entry(code, source):
        return {"code": code, "name": source[code]["name"], "parent": department_label(source[code]["parent"])}

    def position_entry(code, source):
        item = source[code]
        return {"code": code, "title": item.get("title", ""), "department": department_label(item.get("department")),
                "headcount": item.get("headcount") or 0}

    result = {
        "departments_added": [department_entry(code, new_departments) for code in new_departments
                              if code not in old_departments],
        "departments_removed": [department_entry(code, old_departments) for code in old_departments
                                if code not in new_departments],
        "departments_changed": sorted(departments_changed, key=lambda item: list(new_departments).index(item["code"])),
        "positions_added": [position_entry(code, new_positions) for code in new_positions if code not in old_positions],
        "positions_removed": [position_entry(code, old_positions) for code in old_positions
                              if code not in new_positions],
        "positions_changed": sorted(positions_changed, key=lambda item: list(new_positions).index(item["code"])),
        "headcount_before": sum(item.get("headcount") or 0 for item in old_positions.values()),
        "headcount_after": sum(item.get("headcount") or 0 for item in new_positions.values()),
    }
    result["empty"] = not any(result[key] for key in result if key.startswith(("departments_", "positions_")))
    return result


# --- list and version -------------------------------------------------------------------------


@login_required
def index(request):
    company = current_company(request)
    version_list = OrgVersion.objects.restrict(request.user).filter(company=company).order_by("-number")
    change_sets = (OrgChangeSet.objects.restrict(request.user).filter(company=company)
                   .select_related("approver", "drafted_by"))
    awaiting_me = request.GET.get("awaiting") == "me"
    if awaiting_me:
        change_sets = awaiting(request.user).filter(company=company).select_related("approver", "drafted_by")
    groups = []
    for status in STATUS_ORDER:
        items = [item for item in change_sets if item.status == status]
        if items:
            groups.append({"status": status, "label": OrgChangeSet.Status(status).label, "items": items})
    return render(request, "org/versions/index.html", {
        "company": company, "versions": version_list, "groups": groups, "awaiting_me": awaiting_me,
        "awaiting_count": awaiting(request.user).count(),
        "can_draft": versions.is_org_admin(request.user) and company is not None,
    })


@login_required
def version_detail(request, pk):
    version = get_scoped_or_404(OrgVersion.objects.select_related("change_set", "company"), request.user, pk=pk)
    previous = (OrgVersion.objects.filter(company=version.company, number__lt=version.number)
                .order_by("-number").first())
    return render(request, "org/versions/version.html", {
        "version": version, "previous": previous,
        "outline": snapshot_outline(version.snapshot),
        "diff": snapshot_diff(previous.snapshot if previous else None, version.snapshot),
        "newer": OrgVersion.objects.filter(company=version.company, number__gt=version.number)
        .order_by("number").first(),
    })


# --- change sets ------------------------------------------------------------------------------


@org_admin_required
def change_set_create(request):
    company = current_company(request)
    if company is None:
        raise PermissionDenied(_("There is no company to plan changes for."))
    form = ChangeSetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        drafter = request.actor.employee
        try:
            change_set = versions.draft_change_set(
                company=company, title=form.cleaned_data["title"], description=form.cleaned_data["description"],
                effective_date=form.cleaned_data["effective_date"], drafted_by=drafter,
                drafted_by_name=drafter.name if drafter else request.user.get_username())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Change set drafted. Now add what it changes."))
            return redirect("org:change_set", pk=change_set.pk)
    return render(request, "org/versions/change_set_form.html", {"form": form, "company": company},
                  status=400 if form.is_bound and form.errors else 200)


def _render_change_set(request, change_set, *, operation_form=None, submit_form=None, approve_form=None,
                       reject_form=None, error="", status=200):
    me = request.actor.employee
    is_draft = change_set.status == OrgChangeSet.Status.DRAFT
    can_edit = is_draft and versions.is_org_admin(request.user)
    can_decide = (change_set.status == OrgChangeSet.Status.SUBMITTED and me is not None
                  and me.pk == change_set.approver_id and me.pk != change_set.drafted_by_id)
    return render(request, "org/versions/change_set.html", {
        "change_set": change_set,
        "operations": [{"index": index, "text": versions.describe_operation(operation), "raw": operation}
                       for index, operation in enumerate(change_set.operations or [])],
        "can_edit": can_edit, "can_decide": can_decide, "error": error,
        "operation_form": operation_form or (OperationForm(company=change_set.company) if can_edit else None),
        "submit_form": submit_form or (SubmitForm(change_set=change_set) if can_edit else None),
        "approve_form": approve_form or (ApproveForm() if can_decide else None),
        "reject_form": reject_form or (RejectForm() if can_decide else None),
        "versions": change_set.versions.order_by("number"),
    }, status=status)


def _change_set(request, pk):
    return get_scoped_or_404(OrgChangeSet.objects.select_related("company", "approver", "drafted_by"),
                             request.user, pk=pk)


@login_required
def change_set_detail(request, pk):
    return _render_change_set(request, _change_set(request, pk))


@org_admin_required
@require_POST
def change_set_add_operation(request, pk):
    change_set = _change_set(request, pk)
    form = OperationForm(request.POST, company=change_set.company)
    if form.is_valid():
        try:
            versions.add_operation(change_set=change_set, operation=form.operation)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Added: %(what)s") % {"what": versions.describe_operation(form.operation)})
            return redirect("org:change_set", pk=change_set.pk)
    change_set.refresh_from_db()
    return _render_change_set(request, change_set, operation_form=form, status=400)


@org_admin_required
@require_POST
def change_set_remove_operation(request, pk, index):
    change_set = _change_set(request, pk)
    try:
        versions.remove_operation(change_set=change_set, index=index)
    except ValidationError as error:
        change_set.refresh_from_db()
        return _render_change_set(request, change_set, error=" ".join(error.messages), status=400)
    messages.success(request, _("Operation removed."))
    return redirect("org:change_set", pk=change_set.pk)


@org_admin_required
@require_POST
def change_set_submit(request, pk):
    change_set = _change_set(request, pk)
    form = SubmitForm(request.POST, change_set=change_set)
    if form.is_valid():
        try:
            versions.submit(change_set=change_set, approver=form.cleaned_data["approver"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Submitted to %(name)s for approval.")
                             % {"name": form.cleaned_data["approver"].name})
            return redirect("org:change_set", pk=change_set.pk)
    change_set.refresh_from_db()
    return _render_change_set(request, change_set, submit_form=form, status=400)


def _refuse_decision(request, change_set):
    """A page saying why this person cannot decide now, or None when they can."""
    me = request.actor.employee
    if change_set.status != OrgChangeSet.Status.SUBMITTED:
        return _render_change_set(request, change_set, status=400, error=_(
            "Only a submitted change set can be decided; this one is %(status)s.")
            % {"status": change_set.get_status_display()})
    if me is None or me.pk != change_set.approver_id:
        return _render_change_set(request, change_set, status=403, error=_(
            "Only the named approver can decide on this change set."))
    if me.pk == change_set.drafted_by_id:
        return _render_change_set(request, change_set, status=403, error=_(
            "The drafter cannot approve their own change set."))
    return None


@login_required
@require_POST
def change_set_approve(request, pk):
    change_set = _change_set(request, pk)
    refusal = _refuse_decision(request, change_set)
    if refusal is not None:
        return refusal
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            versions.approve(change_set=change_set, by=request.actor.employee,
                             comment=form.cleaned_data["comment"])
        except PermissionDenied as error:
            return _render_change_set(request, change_set, error=str(error), status=403)
        except ValidationError as error:
            change_set.refresh_from_db()
            return _render_change_set(request, change_set, error=" ".join(error.messages), status=400)
        messages.success(request, _("Approved. It takes effect on %(date)s.")
                         % {"date": change_set.effective_date.isoformat()})
        return redirect("org:change_set", pk=change_set.pk)
    return _render_change_set(request, change_set, approve_form=form, status=400)


@login_required
@require_POST
def change_set_reject(request, pk):
    change_set = _change_set(request, pk)
    refusal = _refuse_decision(request, change_set)
    if refusal is not None:
        return refusal
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            versions.reject(change_set=change_set, by=request.actor.employee,
                            comment=form.cleaned_data["comment"])
        except PermissionDenied as error:
            return _render_change_set(request, change_set, error=str(error), status=403)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Rejected; the drafter sees your reason."))
            return redirect("org:change_set", pk=change_set.pk)
    change_set.refresh_from_db()
    return _render_change_set(request, change_set, reject_form=form, status=400)
