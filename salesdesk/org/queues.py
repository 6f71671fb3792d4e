"""The org module's workbench queues, and the positions a user manages.

* "team" (我的团队): active people in the user's org scope other than themselves;
* "vacancies" (空缺岗位): vacant seats in the positions the user manages.

Which positions a user manages follows their org data scope: an administrator or a holder of an
"everything" scope manages every position of the company; "own department" the positions of
that department; "own department and below" its subtree; "own and subordinates'" the positions
along their reporting line (their own and everything reporting to it); "specified departments"
the subtrees of the named departments; "own records only" none.
"""

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import ScopeLevel, scope_for
from salesdesk.workbench.registry import Queue, register

from .models import Department, Employee, Position
from .selectors import positions_with_filled

MODULE = "org"


def managed_positions(user):
    """The active positions whose staffing `user` looks after (see the module docstring)."""
    none = Position.objects.none()
    scope = scope_for(user)
    if scope.user_id is None:
        return none
    positions = Position.objects.restrict(user).filter(is_active=True)
    if scope.is_admin:
        return positions
    if scope.employee_id is None:
        return none
    condition = Q()
    for position in scope.positions:
        level = position.scope_level(MODULE)
        if level == ScopeLevel.ALL:
            return positions.filter(company_id=scope.company_id)
        if level == ScopeLevel.DEPARTMENT:
            condition |= Q(department_id=position.department_id)
        elif level == ScopeLevel.DEPARTMENT_TREE:
            condition |= Q(department__path__startswith=position.department.path)
        elif level == ScopeLevel.SUBORDINATES:
            condition |= Q(line_path__startswith=position.line_path)
        elif level == ScopeLevel.DEPARTMENTS:
            for path in Department.objects.filter(pk__in=position.scope_department_ids(MODULE)).values_list(
                    "path", flat=True):
                condition |= Q(department__path__startswith=path)
    if not condition:
        return none
    return positions.filter(condition)


def vacant_positions(user):
    """Managed positions with fewer holders than their headcount, annotated with `filled`."""
    return (positions_with_filled(managed_positions(user))
            .filter(filled__lt=F("headcount"))
            .select_related("department")
            .order_by("department__path", "sort_order", "pk"))


def vacant_seats(user) -> int:
    rows = (positions_with_filled(managed_positions(user)).filter(filled__lt=F("headcount"))
            .values_list("headcount", "filled"))
    return sum(headcount - filled for headcount, filled in rows)


def team(user):
    """Active people in the user's org scope, without the user."""
    scope = scope_for(user)
    if scope.user_id is None:
        return Employee.objects.none()
    people = Employee.objects.restrict(user).filter(status=Employee.Status.ACTIVE)
    if scope.employee_id is not None:
        people = people.exclude(pk=scope.employee_id)
    return people


register(Queue(
    key="team",
    title=_("My team"),
    description=_("Active people whose records I can see"),
    count=lambda user: team(user).count(),
    url=lambda user: reverse("org:people"),
    order=80,
))

register(Queue(
    key="vacancies",
    title=_("Vacant positions"),
    description=_("Vacant seats in the positions I look after"),
    count=vacant_seats,
    url=lambda user: reverse("org:vacancies"),
    order=85,
))
