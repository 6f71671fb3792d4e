"""Org versions and change sets (编制 / 批准 / 生效日期).

A change set is a list of operations on the organisation (create, rename or move a department;
create, change or retire a position), named by code. Someone who administers the organisation
drafts it and submits it to a named approver; the approver (never the drafter) approves or
rejects it; on its effective date `apply_due_change_sets` carries it out through `org.services`
in one transaction and records a new `OrgVersion` with a snapshot of the whole chart.

Operations (all keys besides ``op`` name things by code)::

    {"op": "create_department", "code", "name", "parent"}        parent: department code or null
    {"op": "rename_department", "department", "name"}
    {"op": "move_department", "department", "parent"}
    {"op": "create_position", "code", "title", "department", "reports_to", "headcount", "grade"}
    {"op": "update_position", "position", + any of "title", "headcount", "grade", "reports_to", "department"}
    {"op": "retire_position", "position"}                        only while nobody holds it
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from salesdesk.core.access import actor_of

from . import services
from .models import Company, Department, Employee, Grade, OrgChangeSet, OrgVersion, Position

OPERATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "create_department": {"required": ("code", "name"), "optional": ("parent",)},
    "rename_department": {"required": ("department", "name"), "optional": ()},
    "move_department": {"required": ("department",), "optional": ("parent",)},
    "create_position": {"required": ("code", "title", "department"),
                        "optional": ("reports_to", "headcount", "grade")},
    "update_position": {"required": ("position",),
                        "optional": ("title", "headcount", "grade", "reports_to", "department")},
    "retire_position": {"required": ("position",), "optional": ()},
}
_NULLABLE = {"parent", "reports_to"}


# --- who may do what ------------------------------------------------------------------------


def is_org_admin(user) -> bool:
    """System administrators and holders of a position with the `org_admin` capability."""
    return actor_of(user).is_org_admin


# --- versions ---------------------------------------------------------------------------------


@transaction.atomic
def record_version(*, company: Company, title: str, effective_date: datetime.date, drafted_by_name: str = "",
                   approved_by_name: str = "", change_set: OrgChangeSet | None = None,
                   meta: dict | None = None) -> OrgVersion:
    """Snapshot the company's organisation as its next version (1, 2, 3, …)."""
    from .orgfile import export_org

    Company.objects.select_for_update().filter(pk=company.pk).first()  # numbers stay gap-free and unique
    number = (OrgVersion.objects.filter(company=company).aggregate(top=Max("number"))["top"] or 0) + 1
    return OrgVersion.objects.create(
        company=company, number=number, title=title[:200], effective_date=effective_date,
        drafted_by_name=drafted_by_name[:150], approved_by_name=approved_by_name[:150], change_set=change_set,
        snapshot=export_org(company=company, meta=meta, sections=False))


# --- change sets ------------------------------------------------------------------------------


@transaction.atomic
def draft_change_set(*, company: Company, title: str, effective_date: datetime.date, description: str = "",
                     drafted_by: Employee | None = None, drafted_by_name: str = "",
                     operations: list[dict] | None = None) -> OrgChangeSet:
    if drafted_by is not None and drafted_by.company_id != company.pk:
        raise ValidationError(_("The drafter works for another company."))
    change_set = OrgChangeSet(company=company, title=title, description=description, effective_date=effective_date,
                              drafted_by=drafted_by,
                              drafted_by_name=drafted_by_name or (drafted_by.name if drafted_by else ""))
    change_set.full_clean()
    change_set.save()
    for operation in operations or []:
        add_operation(change_set=change_set, operation=operation)
    return change_set


def clean_operation(operation) -> dict:
    """The operation with only its known keys, in a fixed order; raises on a malformed one."""
    if not isinstance(operation, dict) or operation.get("op") not in OPERATIONS:
        raise ValidationError(_("Unknown operation %(op)r; use one of %(ops)s.")
                              % {"op": operation.get("op") if isinstance(operation, dict) else operation,
                                 "ops": ", ".join(OPERATIONS)})
    spec = OPERATIONS[operation["op"]]
    unknown = set(operation) - {"op", *spec["required"], *spec["optional"]}
    if unknown:
        raise ValidationError(_("The operation %(op)s does not take %(keys)s.")
                              % {"op": operation["op"], "keys": ", ".join(sorted(unknown))})
    result = {"op": operation["op"]}
    for key in spec["required"]:
        value = operation.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(_("The operation %(op)s needs %(key)s.") % {"op": operation["op"], "key": key})
        result[key] = value.strip()
    for key in spec["optional"]:
        if key not in operation:
            continue
        value = operation[key]
        if key == "headcount":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValidationError(_("The headcount must be a whole number of at least 0."))
        elif key == "grade":
            if value not in Grade.values:
                raise ValidationError(_("Unknown grade %(grade)r.") % {"grade": value})
        elif value is None:
            if key not in _NULLABLE:
                raise ValidationError(_("The operation %(op)s needs a value for %(key)s.")
                                      % {"op": operation["op"], "key": key})
        elif not isinstance(value, str) or not value.strip():
            raise ValidationError(_("The operation %(op)s has an empty %(key)s.") % {"op": operation["op"], "key": key})
        else:
            value = value.strip()
        result[key] = value
    if result["op"] == "update_position" and len(result) == 2:
        raise ValidationError(_("The change of a position must change something."))
    return result


class _DryRun(Exception):
    pass


def check_operations(*, company: Company, operations: list[dict]) -> None:
    """Apply the operations and roll them back: raises the first problem, changes nothing."""
    try:
        with transaction.atomic():
            apply_operations(company=company, operations=operations)
            raise _DryRun
    except _DryRun:
        pass


def _editable(change_set: OrgChangeSet) -> OrgChangeSet:
    change_set = OrgChangeSet.objects.select_for_update().get(pk=change_set.pk)
    if change_set.status != OrgChangeSet.Status.DRAFT:
        raise ValidationError(_("Only a draft can be changed; this change set is %(status)s.")
                              % {"status": change_set.get_status_display()})
    return change_set


@transaction.atomic
def add_operation(*, change_set: OrgChangeSet, operation: dict) -> OrgChangeSet:
    change_set = _editable(change_set)
    operations = [*change_set.operations, clean_operation(operation)]
    check_operations(company=change_set.company, operations=operations)
    change_set.operations = operations
    change_set.save(update_fields=["operations"])
    return change_set


@transaction.atomic
def remove_operation(*, change_set: OrgChangeSet, index: int) -> OrgChangeSet:
    change_set = _editable(change_set)
    if not 0 <= index < len(change_set.operations):
        raise ValidationError(_("There is no such operation."))
    operations = [op for number, op in enumerate(change_set.operations) if number != index]
    check_operations(company=change_set.company, operations=operations)
    change_set.operations = operations
    change_set.save(update_fields=["operations"])
    return change_set


@transaction.atomic
def submit(*, change_set: OrgChangeSet, approver: Employee) -> OrgChangeSet:
    """Send a draft to the named approver, who must be a colleague other than the drafter."""
    change_set = _editable(change_set)
    if not change_set.operations:
        raise ValidationError(_("The change set has no operations yet."))
    if approver.company_id != change_set.company_id or not approver.is_active:
        raise ValidationError(_("The approver must be an active employee of the company."))
    if change_set.drafted_by_id is not None and approver.pk == change_set.drafted_by_id:
        raise ValidationError(_("The drafter cannot approve their own change set; name someone else."))
    check_operations(company=change_set.company, operations=change_set.operations)
    change_set.approver = approver
    change_set.status = OrgChangeSet.Status.SUBMITTED
    change_set.save(update_fields=["approver", "status"])
    return change_set


def _decidable(change_set: OrgChangeSet, by: Employee | None) -> OrgChangeSet:
    change_set = OrgChangeSet.objects.select_for_update().get(pk=change_set.pk)
    if change_set.status != OrgChangeSet.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted change set can be decided; this one is %(status)s.")
                              % {"status": change_set.get_status_display()})
    if by is None or by.pk != change_set.approver_id:
        raise PermissionDenied(_("Only the named approver can decide on this change set."))
    if by.pk == change_set.drafted_by_id:
        raise PermissionDenied(_("The drafter cannot approve their own change set."))
    return change_set


@transaction.atomic
def approve(*, change_set: OrgChangeSet, by: Employee, comment: str = "") -> OrgChangeSet:
    change_set = _decidable(change_set, by)
    change_set.status = OrgChangeSet.Status.APPROVED
    change_set.decided_at = timezone.now()
    change_set.decision_comment = comment
    change_set.save(update_fields=["status", "decided_at", "decision_comment"])
    return change_set


@transaction.atomic
def reject(*, change_set: OrgChangeSet, by: Employee, comment: str) -> OrgChangeSet:
    if not (comment or "").strip():
        raise ValidationError(_("Say why the change set is rejected."))
    change_set = _decidable(change_set, by)
    change_set.status = OrgChangeSet.Status.REJECTED
    change_set.decided_at = timezone.now()
    change_set.decision_comment = comment.strip()
    change_set.save(update_fields=["status", "decided_at", "decision_comment"])
    return change_set


def apply_due_change_sets(*, today: datetime.date | None = None, company: Company | None = None) -> dict:
    """Carry out approved change sets whose effective date has come, oldest first, each in its
    own transaction, and record a version for each. Running it again changes nothing.

    Returns {"applied": [OrgVersion, …], "failed": [(OrgChangeSet, message), …]}."""
    today = today or timezone.localdate()
    due = OrgChangeSet.objects.filter(status=OrgChangeSet.Status.APPROVED, effective_date__lte=today)
    if company is not None:
        due = due.filter(company=company)
    applied, failed = [], []
    for change_set_id in due.order_by("effective_date", "decided_at", "id").values_list("pk", flat=True):
        try:
            version = _apply(change_set_id)
        except ValidationError as error:
            message = "; ".join(error.messages)
            OrgChangeSet.objects.filter(pk=change_set_id).update(last_error=message)
            failed.append((OrgChangeSet.objects.get(pk=change_set_id), message))
            continue
        if version is not None:
            applied.append(version)
    return {"applied": applied, "failed": failed}


@transaction.atomic
def _apply(change_set_id: int) -> OrgVersion | None:
    change_set = OrgChangeSet.objects.select_for_update(of=("self",)).select_related("approver").get(pk=change_set_id)
    if change_set.status != OrgChangeSet.Status.APPROVED:
        return None  # someone else applied it meanwhile
    apply_operations(company=change_set.company, operations=change_set.operations)
    change_set.status = OrgChangeSet.Status.EFFECTIVE
    change_set.applied_at = timezone.now()
    change_set.last_error = ""
    change_set.save(update_fields=["status", "applied_at", "last_error"])
    return record_version(company=change_set.company, title=change_set.title,
                          effective_date=change_set.effective_date, drafted_by_name=change_set.drafted_by_name,
                          approved_by_name=change_set.approver.name if change_set.approver else "",
                          change_set=change_set)


# --- carrying out operations ------------------------------------------------------------------


def _department(company, code) -> Department:
    department = Department.objects.filter(company=company, code=code).first()
    if department is None:
        raise ValidationError(_('There is no department "%(code)s".') % {"code": code})
    return department


def _position(company, code) -> Position:
    position = Position.objects.filter(company=company, code=code, is_active=True).first()
    if position is None:
        raise ValidationError(_('There is no position "%(code)s".') % {"code": code})
    return position


@transaction.atomic
def apply_operations(*, company: Company, operations: list[dict]) -> None:
    for number, operation in enumerate(operations, start=1):
        try:
            apply_operation(company=company, operation=clean_operation(operation))
        except ValidationError as error:
            raise ValidationError(_("Operation %(n)d (%(what)s): %(problem)s")
                                  % {"n": number, "what": describe_operation(operation),
                                     "problem": " ".join(error.messages)})


def apply_operation(*, company: Company, operation: dict) -> None:
    op = operation["op"]
    if op == "create_department":
        if Department.objects.filter(company=company, code=operation["code"]).exists():
            raise ValidationError(_('The department code "%(code)s" is taken.') % operation)
        parent = _department(company, operation["parent"]) if operation.get("parent") else None
        siblings = Department.objects.filter(company=company, parent=parent)
        services.create_department(company=company, name=operation["name"], code=operation["code"], parent=parent,
                                   sort_order=(siblings.aggregate(top=Max("sort_order"))["top"] or 0) + 1)
    elif op == "rename_department":
        services.update_department(department=_department(company, operation["department"]), name=operation["name"])
    elif op == "move_department":
        parent = _department(company, operation["parent"]) if operation.get("parent") else None
        services.move_department(department=_department(company, operation["department"]), new_parent=parent)
    elif op == "create_position":
        if Position.objects.filter(company=company, code=operation["code"]).exists():
            raise ValidationError(_('The position code "%(code)s" is taken.') % operation)
        top = Position.objects.filter(company=company).aggregate(top=Max("sort_order"))["top"]
        services.create_position(
            department=_department(company, operation["department"]), title=operation["title"],
            code=operation["code"],
            reports_to=_position(company, operation["reports_to"]) if operation.get("reports_to") else None,
            headcount=operation.get("headcount", 1), grade=operation.get("grade", Grade.JUNIOR),
            sort_order=(top or 0) + 1)
    elif op == "update_position":
        position = _position(company, operation["position"])
        fields = {key: operation[key] for key in ("title", "headcount", "grade") if key in operation}
        if "department" in operation:
            fields["department"] = _department(company, operation["department"])
        if "reports_to" in operation:
            fields["reports_to"] = _position(company, operation["reports_to"]) if operation["reports_to"] else None
        services.update_position(position=position, **fields)
    elif op == "retire_position":
        position = _position(company, operation["position"])
        from .selectors import active_holders

        if active_holders(position).exists():
            raise ValidationError(_('The position "%(title)s" is still held; move its people first.')
                                  % {"title": position.title})
        if Position.objects.filter(reports_to=position, is_active=True).exists():
            raise ValidationError(_('Other positions report to "%(title)s"; give them a new superior first.')
                                  % {"title": position.title})
        services.update_position(position=position, is_active=False)


def describe_operation(operation: dict) -> str:
    """One line for people: what the operation does."""
    op = operation.get("op") if isinstance(operation, dict) else None
    values = {key: (value if value not in (None, "") else "—") for key, value in (operation or {}).items()} \
        if isinstance(operation, dict) else {}
    if op == "create_department":
        if operation.get("parent"):
            return _("Create department %(name)s (%(code)s) under %(parent)s") % values
        return _("Create department %(name)s (%(code)s) at the top") % values
    if op == "rename_department":
        return _("Rename department %(department)s to %(name)s") % values
    if op == "move_department":
        if operation.get("parent"):
            return _("Move department %(department)s under %(parent)s") % values
        return _("Move department %(department)s to the top") % values
    if op == "create_position":
        return _("Create position %(title)s (%(code)s) in %(department)s") % values + (
            _(", reporting to %(reports_to)s") % values if operation.get("reports_to") else "")
    if op == "update_position":
        changes = []
        labels = {"title": pgettext("position", "title"), "headcount": _("headcount"), "grade": _("grade"),
                  "reports_to": _("reports to"), "department": _("department")}
        for key, label in labels.items():
            if key in operation:
                changes.append(f"{label} → {values[key]}")
        return _("Change position %(position)s: %(changes)s") % {"position": values.get("position"),
                                                                 "changes": ", ".join(changes)}
    if op == "retire_position":
        return _("Retire position %(position)s") % values
    return _("Unknown operation")
