"""Who is acting: the employee behind a signed-in user, for the services that record who did what."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def acting_employee(user, *, required: bool = True):
    """The user's employee record in their current company; without one, PermissionDenied (or None)."""
    from salesdesk.org.models import Employee

    from .scope import scope_for

    scope = scope_for(user)
    employee = Employee.objects.filter(pk=scope.employee_id).first() if scope.employee_id else None
    if employee is None and required:
        raise PermissionDenied(_("Only employees of the company can do this."))
    return employee
