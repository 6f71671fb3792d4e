"""Output schemas of the read-only API. No password or token data ever leaves through them."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from ninja import Schema
from pydantic import Field


class Message(Schema):
    message: str = Field(..., description="What went wrong, in the caller's language.")


class Ref(Schema):
    id: int
    name: str


# --- organisation ---------------------------------------------------------------------------


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


# --- audit ------------------------------------------------------------------------------------


class AuditEntryOut(Schema):
    id: int
    at: datetime
    action: str
    object_type: str = Field(..., description="app_label.model, e.g. org.employee")
    object_id: str
    object_repr: str
    actor: int | None = Field(None, alias="actor_id", description="User id of who made the change.")
    actor_employee: int | None = Field(None, alias="actor_employee_id")
    actor_name: str
    source: str
    request_id: str
    changes: dict = Field(..., description="Per field: [before, after].")

    @staticmethod
    def resolve_object_type(obj):
        content_type = ContentType.objects.get_for_id(obj.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


# --- pages ------------------------------------------------------------------------------------


class _Page(Schema):
    count: int
    page: int
    page_size: int


class DepartmentPage(_Page):
    results: list[DepartmentOut]


class PositionPage(_Page):
    results: list[PositionOut]


class TerritoryPage(_Page):
    results: list[TerritoryOut]


class EmployeePage(_Page):
    results: list[EmployeeOut]


class AuditEntryPage(_Page):
    results: list[AuditEntryOut]
