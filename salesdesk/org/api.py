"""The organisation's read-only API resources: departments, positions, territories, employees. Every
read goes through `Model.objects.restrict(request.auth, "view")`; a detail out of scope is the same 404
as one that does not exist. Write methods answer 405 in JSON."""

from typing import Literal

from django.db.models import Q
from ninja import Field, Query, Router, Schema

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.resources import read_only
from salesdesk.api.schemas import Page, Ref
from salesdesk.core.scope import get_scoped_or_404

from .models import Assignment, Department, Employee, Position, Territory

# --- schemas ----------------------------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    company: int = Field(..., alias="company_id")
    code: str
    name: str
    parent: int | None = Field(None, alias="parent_id")
    path: str = Field(..., description="Materialised path of ids from the root, e.g. /1/5/9/.")
    depth: int
    sort_order: int
    is_active: bool
    territories: list[int]

    @staticmethod
    def resolve_territories(obj):
        return [territory.pk for territory in obj.territories.all()]


class DutyOut(Schema):
    text: str
    queue: str
    capability: str


class PositionOut(Schema):
    id: int
    company: int = Field(..., alias="company_id")
    code: str
    title: str
    department: Ref
    reports_to: int | None = Field(None, alias="reports_to_id")
    headcount: int
    grade: str
    is_department_head: bool
    is_active: bool
    main_work: str
    duties: list[DutyOut]
    territories: list[int]

    @staticmethod
    def resolve_department(obj):
        return {"id": obj.department_id, "name": obj.department.name}

    @staticmethod
    def resolve_duties(obj):
        return list(obj.duties.all())

    @staticmethod
    def resolve_territories(obj):
        return [territory.pk for territory in obj.territories.all()]


class TerritoryOut(Schema):
    id: int
    company: int = Field(..., alias="company_id")
    code: str
    name: str
    level: str
    parent: int | None = Field(None, alias="parent_id")
    path: str
    depth: int
    sort_order: int


class EmployeePositionOut(Schema):
    id: int
    title: str
    department: Ref
    is_primary: bool


class EmployeeOut(Schema):
    id: int
    company: int
    name: str
    employee_no: str
    mobile: str
    email: str
    status: str
    positions: list[EmployeePositionOut] = Field(..., description="Positions held now.")
    superiors: list[int] = Field(..., description="Ids of the direct superiors along the reporting line.")


class DepartmentPage(Page):
    results: list[DepartmentOut]


class PositionPage(Page):
    results: list[PositionOut]


class TerritoryPage(Page):
    results: list[TerritoryOut]


class EmployeePage(Page):
    results: list[EmployeeOut]


def _in_scope(model, request):
    return model.objects.restrict(request.auth, "view")


# --- departments ------------------------------------------------------------------------------

departments = Router(tags=["departments"])
read_only(departments)


def _departments(request):
    return _in_scope(Department, request).prefetch_related("territories")


@departments.get("/", response=DepartmentPage, summary="List departments")
def list_departments(request, page: Query[PageParams], parent: int | None = None, q: str = ""):
    """Departments of the caller's company (the published chart), ordered as the tree.
    `parent`: direct children of that department; `q`: name or code contains."""
    queryset = _departments(request)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return paginate(queryset, page)


@departments.get("/{int:id}/", response=DepartmentOut, summary="One department")
def get_department(request, id: int):
    return get_scoped_or_404(_departments(request), request.auth, pk=id)


# --- positions --------------------------------------------------------------------------------

positions = Router(tags=["positions"])
read_only(positions)


def _positions(request):
    return _in_scope(Position, request).select_related("department").prefetch_related("duties", "territories")


@positions.get("/", response=PositionPage, summary="List positions")
def list_positions(request, page: Query[PageParams], department: int | None = None, q: str = ""):
    """Positions (岗位) with their duties. `department`: positions of that department;
    `q`: title or code contains."""
    queryset = _positions(request)
    if department is not None:
        queryset = queryset.filter(department_id=department)
    if q:
        queryset = queryset.filter(Q(title__icontains=q) | Q(code__icontains=q))
    return paginate(queryset, page)


@positions.get("/{int:id}/", response=PositionOut, summary="One position")
def get_position(request, id: int):
    return get_scoped_or_404(_positions(request), request.auth, pk=id)


# --- territories ------------------------------------------------------------------------------

territories = Router(tags=["territories"])
read_only(territories)


@territories.get("/", response=TerritoryPage, summary="List territories")
def list_territories(request, page: Query[PageParams], parent: int | None = None):
    """Sales territories (区域) as a tree. `parent`: direct children of that territory."""
    queryset = _in_scope(Territory, request)
    if parent is not None:
        queryset = queryset.filter(parent_id=parent)
    return paginate(queryset, page)


@territories.get("/{int:id}/", response=TerritoryOut, summary="One territory")
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


@employees.get("/", response=EmployeePage, summary="List employees")
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


@employees.get("/{int:id}/", response=EmployeeOut, summary="One employee")
def get_employee(request, id: int):
    return _employee_rows([get_scoped_or_404(Employee, request.auth, pk=id)])[0]


RESOURCES = {"departments": departments, "positions": positions, "territories": territories, "employees": employees}
