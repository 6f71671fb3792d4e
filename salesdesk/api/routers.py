"""The read-only resources of /api/v1/: departments, positions, territories, employees and the
audit log. Every read goes through `Model.objects.restrict(request.auth, "view")`; a detail out
of scope is the same 404 as one that does not exist. Write methods answer 405 in JSON."""

from datetime import datetime, time, timedelta
from typing import Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from salesdesk.audit.models import AuditEntry
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.org.models import Assignment, Department, Employee, Position, Territory

from . import schemas
from .pagination import PageParams, paginate

WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE"]


def read_only(router: Router) -> None:
    """Answer write methods on the list and detail paths with a JSON 405 (Django's own answer
    would be plain text)."""

    def refuse(request):
        from .api import api

        response = api.create_response(request, {"message": _("This resource is read-only: use GET.")}, status=405)
        response["Allow"] = "GET"
        return response

    @router.api_operation(WRITE_METHODS, "/", auth=None, include_in_schema=False)
    def list_not_allowed(request):
        return refuse(request)

    @router.api_operation(WRITE_METHODS, "/{int:id}/", auth=None, include_in_schema=False)
    def detail_not_allowed(request, id: int):
        return refuse(request)


def _in_scope(model, request):
    return model.objects.restrict(request.auth, "view")


# --- departments ------------------------------------------------------------------------------

departments = Router(tags=["departments"])
read_only(departments)


def _departments(request):
    return _in_scope(Department, request).prefetch_related("territories")


@departments.get("/", response=schemas.DepartmentPage, summary="List departments")
def list_departments(request, page: Query[PageParams], parent: int | None = None, q: str = ""):
    """Departments of the caller's company (the published chart), ordered as the tree.
    `parent`: direct children of that department; `q`: name or code contains."""
    queryset = _departments(request)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return paginate(queryset, page)


@departments.get("/{int:id}/", response=schemas.DepartmentOut, summary="One department")
def get_department(request, id: int):
    return get_scoped_or_404(_departments(request), request.auth, pk=id)


# --- positions --------------------------------------------------------------------------------

positions = Router(tags=["positions"])
read_only(positions)


def _positions(request):
    return _in_scope(Position, request).select_related("department").prefetch_related("duties", "territories")


@positions.get("/", response=schemas.PositionPage, summary="List positions")
def list_positions(request, page: Query[PageParams], department: int | None = None, q: str = ""):
    """Positions (岗位) with their duties. `department`: positions of that department;
    `q`: title or code contains."""
    queryset = _positions(request)
    if department is not None:
        queryset = queryset.filter(department_id=department)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(code__icontains=q))
    return paginate(queryset, page)


@positions.get("/{int:id}/", response=schemas.PositionOut, summary="One position")
def get_position(request, id: int):
    return get_scoped_or_404(_positions(request), request.auth, pk=id)


# --- territories ------------------------------------------------------------------------------

territories = Router(tags=["territories"])
read_only(territories)


@territories.get("/", response=schemas.TerritoryPage, summary="List territories")
def list_territories(request, page: Query[PageParams], parent: int | None = None):
    """Sales territories (区域) as a tree. `parent`: direct children of that territory."""
    queryset = _in_scope(Territory, request)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    return paginate(queryset, page)


@territories.get("/{int:id}/", response=schemas.TerritoryOut, summary="One territory")
def get_territory(request, id: int):
    return get_scoped_or_404(Territory, request.auth, pk=id)


# --- employees --------------------------------------------------------------------------------

employees = Router(tags=["employees"])
read_only(employees)


def _employee_rows(people: list[Employee]) -> list[dict]:
    """Serialise a page of people with their current positions and direct superiors in three
    queries. The superiors are the holders of the nearest filled position above each of a
    person's positions (a vacant post passes the line on upwards), as `Employee.direct_superiors`."""
    assignments = list(
        Assignment.objects.filter(employee__in=people, ended_on__isnull=True)
        .select_related("position__department")
        .order_by("-is_primary", "id")
    )
    ancestors = {}
    for assignment in assignments:
        line = [int(part) for part in assignment.position.line_path.strip("/").split("/") if part]
        ancestors[assignment.pk] = list(reversed(line[:-1]))
    wanted = {position_id for chain in ancestors.values() for position_id in chain}
    holders: dict[int, set[int]] = {}
    for position_id, employee_id in Assignment.objects.filter(
        position_id__in=wanted, ended_on__isnull=True, employee__status=Employee.Status.ACTIVE,
    ).values_list("position_id", "employee_id"):
        holders.setdefault(position_id, set()).add(employee_id)

    by_employee: dict[int, list] = {person.pk: [] for person in people}
    superiors: dict[int, set[int]] = {person.pk: set() for person in people}
    for assignment in assignments:
        position = assignment.position
        by_employee[assignment.employee_id].append({
            "id": position.pk, "title": position.title, "is_primary": assignment.is_primary,
            "department": {"id": position.department_id, "name": position.department.name},
        })
        for position_id in ancestors[assignment.pk]:
            if holders.get(position_id):
                superiors[assignment.employee_id].update(holders[position_id] - {assignment.employee_id})
                break
    return [
        {"id": person.pk, "company": person.company_id, "name": person.name, "employee_no": person.employee_no,
         "mobile": person.mobile, "email": person.email, "status": person.status,
         "positions": by_employee[person.pk], "superiors": sorted(superiors[person.pk])}
        for person in people
    ]


@employees.get("/", response=schemas.EmployeePage, summary="List employees")
def list_employees(request, page: Query[PageParams], department: int | None = None,
                   status: Literal["active", "left"] | None = None, q: str = ""):
    """The people the caller's org scope covers. `department`: people holding a position in that
    department or below; `status`: active or left; `q`: name, employee number or mobile contains."""
    queryset = _in_scope(Employee, request)
    if department is not None:
        # A department outside the caller's company simply matches nobody.
        path = _in_scope(Department, request).filter(pk=department).values_list("path", flat=True).first()
        if path:
            queryset = queryset.filter(pk__in=Assignment.objects.filter(
                ended_on__isnull=True, position__department__path__startswith=path).values("employee_id"))
        else:
            queryset = queryset.none()
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(employee_no__icontains=q) | Q(mobile__icontains=q))
    return paginate(queryset, page, serialize=_employee_rows)


@employees.get("/{int:id}/", response=schemas.EmployeeOut, summary="One employee")
def get_employee(request, id: int):
    return _employee_rows([get_scoped_or_404(Employee, request.auth, pk=id)])[0]


# --- audit log --------------------------------------------------------------------------------

audit = Router(tags=["audit"])
read_only(audit)


def _moment(value: str, name: str, end_of_day: bool = False):
    """A date (whole day) or an ISO date-time; naive values are in the site's time zone."""
    day = parse_date(value) if len(value) <= 10 else None
    if day is not None:
        moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time.min)
    else:
        try:
            moment = parse_datetime(value)
        except ValueError:
            moment = None
        if moment is None:
            raise HttpError(422, _("%(name)s is not a date or date-time: %(value)s") % {"name": name, "value": value})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@audit.get("/", response=schemas.AuditEntryPage, summary="List audit entries")
def list_audit_entries(
    request, page: Query[PageParams], object_type: str = "", object_id: str = "",
    action: Literal["create", "update", "delete"] | None = None, actor: int | None = None,
    request_id: str = "", since: str = "", until: str = "",
):
    """Changes the caller may see (their audit scope: by default the changes they made), newest
    first. `object_type`: app_label.model (e.g. org.employee); `actor`: employee id of who made
    the change; `since`/`until`: a date (whole day, inclusive) or an ISO date-time."""
    queryset = _in_scope(AuditEntry, request)
    if object_type:
        app_label, _dot, model = object_type.lower().partition(".")
        queryset = queryset.filter(content_type__app_label=app_label, content_type__model=model)
    if object_id:
        queryset = queryset.filter(object_id=object_id)
    if action:
        queryset = queryset.filter(action=action)
    if actor is not None:
        queryset = queryset.filter(actor_employee_id=actor)
    if request_id:
        queryset = queryset.filter(request_id=request_id)
    if since:
        queryset = queryset.filter(at__gte=_moment(since, "since"))
    if until:
        bound = _moment(until, "until", end_of_day=True)
        queryset = queryset.filter(at__lt=bound) if len(until) <= 10 else queryset.filter(at__lte=bound)
    return paginate(queryset, page)


@audit.get("/{int:id}/", response=schemas.AuditEntryOut, summary="One audit entry")
def get_audit_entry(request, id: int):
    return get_scoped_or_404(AuditEntry, request.auth, pk=id)


def _resources() -> dict:
    from salesdesk.approvals.api import RESOURCES as APPROVAL_RESOURCES
    from salesdesk.customers.api import RESOURCES as CUSTOMER_RESOURCES
    from salesdesk.finance.api import RESOURCES as FINANCE_RESOURCES
    from salesdesk.sales.api import RESOURCES as SALES_RESOURCES

    return {"departments": departments, "positions": positions, "territories": territories,
            "employees": employees, "audit": audit, **CUSTOMER_RESOURCES, **APPROVAL_RESOURCES,
            **SALES_RESOURCES, **FINANCE_RESOURCES}


RESOURCES = _resources()


def register(api) -> None:
    for name, router in RESOURCES.items():
        api.add_router(f"/{name}/", router)


__all__ = ["register"]
