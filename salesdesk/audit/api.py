"""The audit log's read-only API resource: what the caller's audit scope covers, newest first."""

from datetime import datetime, time, timedelta
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.resources import read_only
from salesdesk.api.schemas import Page
from salesdesk.core.scope import get_scoped_or_404

from .models import AuditEntry

# --- schemas ----------------------------------------------------------------------------------


class AuditEntryOut(Schema):
    id: int
    at: datetime
    action: str
    object_type: str = Field(..., description="app_label.model, e.g. org.employee")
    object_id: str
    object_repr: str
    actor: int | None = Field(None, alias="actor_id", description="User id of who made the change.")
    actor_employee: int | None = Field(None, alias="actor_employee_id")
    company: int | None = Field(None, alias="company_id",
                                description="Company of the changed record (empty: a record of no company).")
    actor_name: str
    source: str
    request_id: str
    changes: dict = Field(..., description="Per field: [before, after].")

    @staticmethod
    def resolve_object_type(obj):
        content_type = ContentType.objects.get_for_id(obj.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class AuditEntryPage(Page):
    results: list[AuditEntryOut]


def _in_scope(model, request):
    return model.objects.restrict(request.auth, "view")


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


@audit.get("/", response=AuditEntryPage, summary="List audit entries")
def list_audit_entries(
    request, page: Query[PageParams], object_type: str = "", object_id: str = "",
    action: Literal["create", "update", "delete"] | None = None, actor: int | None = None,
    request_id: str = "", since: str = "", until: str = "",
):
    """Changes the caller may see (their audit scope: by default the changes they made; within their
    company, whose entries are those about its records), newest first. `object_type`: app_label.model (e.g. org.employee); `actor`: employee id of who made
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


@audit.get("/{int:id}/", response=AuditEntryOut, summary="One audit entry")
def get_audit_entry(request, id: int):
    return get_scoped_or_404(AuditEntry, request.auth, pk=id)


RESOURCES = {"audit": audit}
