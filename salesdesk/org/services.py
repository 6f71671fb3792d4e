"""Writes to the organisation. Every function is keyword-only and atomic; paths of the
department, territory and reporting-line trees are maintained here and nowhere else."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.scope import MODULES, ScopeLevel

from .models import Assignment, Company, Department, Duty, Employee, Position, PositionScope, Territory


def _current_path(node, path_field: str) -> str:
    """The node's path as stored now. An instance the caller holds may predate a move of one of
    its ancestors, so its own `path` attribute is not trusted for placing other nodes."""
    return type(node).objects.values_list(path_field, flat=True).get(pk=node.pk)


def _place_in_tree(node, parent, path_field: str = "path"):
    """Give a freshly saved node its path under `parent` (or at the root)."""
    prefix = _current_path(parent, path_field) if parent is not None else "/"
    setattr(node, path_field, f"{prefix}{node.pk}/")
    update = [path_field]
    if hasattr(node, "depth"):
        node.depth = prefix.count("/") - 1
        update.append("depth")
    type(node).objects.filter(pk=node.pk).update(**{name: getattr(node, name) for name in update})


def _move_subtree(model, node, new_parent, path_field: str = "path"):
    old_path = getattr(node, path_field)  # `node` was just read under select_for_update
    new_prefix = _current_path(new_parent, path_field) if new_parent is not None else "/"
    if new_prefix.startswith(old_path):
        raise ValidationError(_("A node cannot be moved under itself or one of its descendants."))
    new_path = f"{new_prefix}{node.pk}/"
    if new_path == old_path:
        return
    updates = {path_field: Concat(Value(new_path), Substr(path_field, len(old_path) + 1))}
    if hasattr(node, "depth"):
        updates["depth"] = F("depth") + (new_prefix.count("/") - old_path.count("/") + 1)
    # One UPDATE rewrites the whole subtree, so paths never disagree mid-way.
    model.objects.filter(**{f"{path_field}__startswith": old_path}).update(**updates)
    node.refresh_from_db()


# --- company and departments -------------------------------------------------------------


@transaction.atomic
def create_company(*, name: str, code: str) -> Company:
    return Company.objects.create(name=name, code=code)


@transaction.atomic
def create_department(*, company: Company, name: str, code: str = "", parent: Department | None = None,
                      sort_order: int = 0) -> Department:
    if parent is not None and parent.company_id != company.pk:
        raise ValidationError(_("The parent department belongs to another company."))
    department = Department(company=company, name=name, code=code or "", parent=parent, sort_order=sort_order)
    # A blank code is filled in below; a given one is checked, so a taken code is a clear error.
    department.full_clean(exclude=["path"] if code else ["code", "path"])
    department.save()
    if not department.code:
        department.code = f"D{department.pk}"
        Department.objects.filter(pk=department.pk).update(code=department.code)
    _place_in_tree(department, parent)
    return department


@transaction.atomic
def update_department(*, department: Department, name: str | None = None, sort_order: int | None = None,
                      is_active: bool | None = None) -> Department:
    if name is not None:
        department.name = name
    if sort_order is not None:
        department.sort_order = sort_order
    if is_active is not None:
        department.is_active = is_active
    # The place in the tree is only changed by `move_department`; never write back a stale one.
    department.refresh_from_db(fields=["parent", "path", "depth"])
    department.full_clean(exclude=["path"])
    department.save()
    return department


@transaction.atomic
def move_department(*, department: Department, new_parent: Department | None) -> Department:
    department = Department.objects.select_for_update().get(pk=department.pk)
    if new_parent is not None and new_parent.company_id != department.company_id:
        raise ValidationError(_("The parent department belongs to another company."))
    _move_subtree(Department, department, new_parent)
    department.parent = new_parent
    department.save()
    return department


# --- territories -------------------------------------------------------------------------


@transaction.atomic
def create_territory(*, company: Company, name: str, code: str, level: str = Territory.Level.REGION,
                     parent: Territory | None = None, sort_order: int = 0) -> Territory:
    territory = Territory.objects.create(company=company, name=name, code=code, level=level, parent=parent,
                                         sort_order=sort_order)
    _place_in_tree(territory, parent)
    return territory


# --- positions ---------------------------------------------------------------------------


@transaction.atomic
def create_position(*, department: Department, title: str, code: str = "", reports_to: Position | None = None,
                    headcount: int = 1, grade: str = "junior", is_department_head: bool = False,
                    main_work: str = "", requirements: str = "", authority: str = "", meetings: str = "",
                    sort_order: int = 0, scopes: dict[str, str] | None = None,
                    duties: list[dict] | None = None) -> Position:
    if reports_to is not None and reports_to.company_id != department.company_id:
        raise ValidationError(_("The superior position belongs to another company."))
    position = Position(company_id=department.company_id, department=department, title=title, code=code,
                        reports_to=reports_to, headcount=headcount, grade=grade,
                        is_department_head=is_department_head, main_work=main_work,
                        requirements=requirements, authority=authority, meetings=meetings, sort_order=sort_order)
    position.full_clean(exclude=["line_path"] if code else ["code", "line_path"])
    position.save()
    if not position.code:
        position.code = f"P{position.pk}"
        Position.objects.filter(pk=position.pk).update(code=position.code)
    _place_in_tree(position, reports_to, path_field="line_path")
    for module, level in (scopes or {}).items():
        set_position_scope(position=position, module=module, level=level)
    for order, duty in enumerate(duties or []):
        duty = Duty(position=position, sort_order=order, text=duty["text"], queue=duty.get("queue", ""),
                    capability=duty.get("capability", ""))
        duty.full_clean(exclude=["position"])
        duty.save()
    return position


@transaction.atomic
def update_position(*, position: Position, **fields) -> Position:
    allowed = {"title", "headcount", "grade", "is_department_head", "main_work", "requirements",
               "authority", "meetings", "sort_order", "is_active", "department"}
    unknown = set(fields) - allowed - {"reports_to"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        if name in allowed:
            setattr(position, name, value)
    if "reports_to" in fields:
        change_reporting_line(position=position, reports_to=fields["reports_to"])
    else:  # the reporting line is only changed by `change_reporting_line`; never write back a stale one
        position.refresh_from_db(fields=["reports_to", "line_path"])
    position.full_clean(exclude=["line_path"])
    position.save()
    return position


@transaction.atomic
def change_reporting_line(*, position: Position, reports_to: Position | None) -> Position:
    if reports_to is not None and reports_to.company_id != position.company_id:
        raise ValidationError(_("The superior position belongs to another company."))
    current = Position.objects.select_for_update().get(pk=position.pk)
    _move_subtree(Position, current, reports_to, path_field="line_path")
    # Saved through the model (not a queryset update) so the audit log records the new superior.
    current.reports_to = reports_to
    current.save(update_fields=["reports_to"])
    position.line_path = current.line_path
    position.reports_to = reports_to
    return position


@transaction.atomic
def set_position_scope(*, position: Position, module: str, level: str, departments=(),
                       read_only: bool = False) -> PositionScope:
    if module not in MODULES:
        raise ValidationError(_("Unknown module: %(module)s") % {"module": module})
    if level not in ScopeLevel.values:
        raise ValidationError(_("Unknown scope level: %(level)s") % {"level": level})
    return store_position_scope(position=position, module=module, level=level, departments=departments,
                                read_only=read_only)


def store_position_scope(*, position: Position, module: str, level: str, departments=(),
                         read_only: bool = False) -> PositionScope:
    """Write one scope row without checking the module (the org file also stores scopes of
    modules not installed yet). Only real changes are saved, so the audit log shows them alone.
    `read_only`: the level is for reading; holders change only their own records in the module."""
    read_only = bool(read_only) and level != ScopeLevel.SELF
    scope = PositionScope.objects.filter(position=position, module=module).first()
    if scope is None:
        scope = PositionScope.objects.create(position=position, module=module, level=level, read_only=read_only)
        if departments:
            scope.departments.set(departments)
        return scope
    if scope.level != level or scope.read_only != read_only:
        scope.level, scope.read_only = level, read_only
        scope.save(update_fields=["level", "read_only"])
    scope.departments.set(departments)
    return scope


# --- people ------------------------------------------------------------------------------


@transaction.atomic
def create_employee(*, company: Company, name: str, user=None, mobile: str = "", email: str = "",
                    employee_no: str = "", positions=(), joined_on=None) -> Employee:
    employee = Employee(company=company, name=name, user=user, mobile=mobile, email=email,
                        employee_no=employee_no, joined_on=joined_on)
    employee.full_clean(exclude=["user"])
    employee.save()
    for index, position in enumerate(positions):
        assign(employee=employee, position=position, is_primary=index == 0)
    return employee


@transaction.atomic
def assign(*, employee: Employee, position: Position, is_primary: bool = False, started_on=None) -> Assignment:
    if position.company_id != employee.company_id:
        raise ValidationError(_("The position belongs to another company."))
    if not employee.is_active:
        raise ValidationError(_("%(name)s has left and cannot take a position.") % {"name": employee.name})
    existing = Assignment.objects.filter(employee=employee, position=position, ended_on__isnull=True).first()
    if existing:
        return existing
    if is_primary:
        for previous in Assignment.objects.filter(employee=employee, ended_on__isnull=True, is_primary=True):
            previous.is_primary = False
            previous.save(update_fields=["is_primary"])  # one audited change per demoted assignment
    elif not Assignment.objects.filter(employee=employee, ended_on__isnull=True).exists():
        is_primary = True
    return Assignment.objects.create(employee=employee, position=position, is_primary=is_primary,
                                     started_on=started_on or timezone.localdate())


@transaction.atomic
def end_assignment(*, assignment: Assignment, ended_on=None) -> Assignment:
    assignment.ended_on = ended_on or timezone.localdate()
    assignment.save()
    return assignment


@transaction.atomic
def deactivate_employee(*, employee: Employee, left_on=None) -> Employee:
    """Mark someone as left: their positions end and their log-in stops working.
    What they still own is listed by `selectors.owned_records` before this is called."""
    left_on = left_on or timezone.localdate()
    for assignment in employee.assignments.filter(ended_on__isnull=True):
        end_assignment(assignment=assignment, ended_on=left_on)
    employee.status = Employee.Status.LEFT
    employee.left_on = left_on
    employee.save()
    if employee.user_id:
        employee.user.is_active = False
        employee.user.save(update_fields=["is_active"])
    return employee


# --- added for the maintenance pages -----------------------------------------------------


@transaction.atomic
def set_duties(*, position: Position, duties: list[dict]) -> list[Duty]:
    """Make the position's duties exactly `duties` ([{text, queue?, capability?}], in order).
    Existing rows are updated in place, so an unchanged duty leaves no trace in the audit log."""
    existing = list(position.duties.order_by("sort_order", "id"))
    result = []
    for order, item in enumerate(duties):
        values = {"text": item["text"], "queue": item.get("queue", ""), "capability": item.get("capability", ""),
                  "sort_order": order}
        if order < len(existing):
            duty = existing[order]
            if any(getattr(duty, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(duty, name, value)
                duty.full_clean(exclude=["position"])
                duty.save()
        else:
            duty = Duty(position=position, **values)
            duty.full_clean(exclude=["position"])
            duty.save()
        result.append(duty)
    for duty in existing[len(duties):]:
        duty.delete()
    return result


@transaction.atomic
def create_employee_with_login(*, company: Company, name: str, username: str, password: str, mobile: str = "",
                               email: str = "", employee_no: str = "", positions=(), joined_on=None) -> Employee:
    """A new employee together with the log-in account they sign in with."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User.objects.create_user(username=username, password=password, email=email)
    return create_employee(company=company, name=name, user=user, mobile=mobile, email=email,
                           employee_no=employee_no, positions=positions, joined_on=joined_on)


@transaction.atomic
def reset_password(*, employee: Employee, password: str) -> None:
    """An organisation administrator gives someone a new password (忘记密码 without e-mail). The
    person's sessions end with the old password; the audit log says it happened, never the password."""
    from salesdesk.audit.registry import record_bulk_update

    if employee.user is None:
        raise ValidationError(_("%(name)s has no log-in.") % {"name": employee.name})
    if not employee.is_active:
        raise ValidationError(_("%(name)s has left; the log-in stays closed.") % {"name": employee.name})
    employee.user.set_password(password)
    employee.user.save(update_fields=["password"])
    record_bulk_update(Employee, [(employee.pk, employee.name, {"password": ("", _("set by the administrator"))})],
                       company=employee.company_id)
