"""What the pages of every app ask of the organisation about the acting person: the company they work
on, and the decorator that lets only organisation administrators in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from salesdesk.core.access import capability_required

from .capabilities import ORG_ADMIN
from .models import Company

COMPANY_SESSION_KEY = "org_manage_company"

org_admin_required = capability_required(
    ORG_ADMIN, gettext_lazy("Only organisation administrators can maintain the organisation."))


def current_company(request) -> Company | None:
    """The company the user works on: their own; a system administrator without an employee
    record picks one (?company=<id>, remembered in the session; else the first)."""
    employee = request.actor.employee
    if employee is not None:
        return employee.company
    if not request.user.is_superuser:
        return None
    wanted = request.GET.get("company") or request.session.get(COMPANY_SESSION_KEY)
    companies = Company.objects.order_by("id")
    company = companies.filter(pk=wanted).first() if str(wanted or "").isdigit() else None
    company = company or companies.first()
    if company is not None:
        request.session[COMPANY_SESSION_KEY] = company.pk
    return company
