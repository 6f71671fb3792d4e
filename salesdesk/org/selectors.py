"""Reads of the organisation. Lists go through `restrict(user, action)`."""

from django.db.models import Count, F, Q

from .models import Assignment, Department, Employee, Position


def direct_superiors_of(employee: Employee) -> list[Employee]:
    superiors: dict[int, Employee] = {}
    for assignment in employee.active_assignments():
        position = assignment.position.reports_to
        while position is not None:
            holders = list(
                Employee.objects.filter(assignments__position=position, assignments__ended_on__isnull=True,
                                        status=Employee.Status.ACTIVE).distinct()
            )
            if holders:
                for holder in holders:
                    if holder.pk != employee.pk:
                        superiors[holder.pk] = holder
                break
            position = position.reports_to  # vacant post: the line goes on upwards
    return list(superiors.values())


def subordinate_positions(position: Position):
    return Position.objects.filter(line_path__startswith=position.line_path).exclude(pk=position.pk)


def leads(employee: Employee, other: Employee) -> bool:
    """Whether `employee` holds a post above one of `other`'s in the reporting line (his superior,
    or the superior's superior …)."""
    own = [path for path in Position.objects.filter(
        assignments__employee=employee, assignments__ended_on__isnull=True).values_list("line_path", flat=True) if path]
    if not own:
        return False
    theirs = Position.objects.filter(assignments__employee=other, assignments__ended_on__isnull=True)
    return any(path != mine and path.startswith(mine) for path in theirs.values_list("line_path", flat=True)
               for mine in own)


def department_subtree(department: Department):
    return Department.objects.filter(path__startswith=department.path)


def positions_with_filled(queryset=None):
    """Positions annotated with how many people hold them now."""
    queryset = queryset if queryset is not None else Position.objects.all()
    return queryset.annotate(
        filled=Count("assignments", filter=Q(assignments__ended_on__isnull=True,
                                             assignments__employee__status=Employee.Status.ACTIVE), distinct=True)
    )


def active_holders(position: Position):
    return Employee.objects.filter(assignments__position=position, assignments__ended_on__isnull=True,
                                   status=Employee.Status.ACTIVE).distinct()


def people_for(user, *, search: str = "", department: Department | None = None):
    """The people list: active and left employees the user's org scope covers."""
    queryset = Employee.objects.restrict(user, "view")
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(employee_no__icontains=search) | Q(mobile__icontains=search))
    if department is not None:
        queryset = queryset.filter(
            assignments__position__department__path__startswith=department.path,
            assignments__ended_on__isnull=True,
        ).distinct()
    return queryset


# Pages where a module's records of one person are handed over to a colleague (交接):
# (label, url name taking employee_pk). Modules add theirs in AppConfig.ready().
HANDOVER_PAGES: list[tuple[object, str]] = []


def owned_records(employee: Employee) -> dict:
    """What this person still owns, per registered model (shown before deactivation)."""
    from salesdesk.core.scope import registered_models

    result = {}
    for model, rule in registered_models().items():
        if (rule.company_wide or rule.owner in ("pk", "") or not rule.handed_over
                or model._meta.app_label == "audit"):
            continue
        count = model._default_manager.filter(**{f"{rule.owner}": employee}).count()
        if count:
            result[model._meta.verbose_name_plural] = count
    return result


def current_assignments():
    return Assignment.objects.filter(ended_on__isnull=True)


# --- booking-time dimensions -------------------------------------------------------------------------
# A business document (order confirmed, shipment released, invoice issued, payment confirmed, contract
# in force) records where it was booked: `booked_department` (its owner's department then) and
# `booked_territory` (its customer's territory then), so that reports and the aging keep past figures
# where they were when people move or the organisation changes.


def booked_departments(employee_ids) -> dict[int, int | None]:
    """{employee id: department id} as a booking records it, for many people in one query: the
    department of their primary current position (of another current one when none is primary);
    for someone without a current position (who has left), the one of the position they held last.
    People who never held a position are left out."""
    departments: dict[int, int | None] = {}
    wanted = set(employee_ids) - {None}
    if not wanted:
        return departments
    for employee_id, department_id in (
            Assignment.objects.filter(employee_id__in=wanted)
            .order_by("employee_id", F("ended_on").desc(nulls_first=True), "-is_primary", "pk")
            .values_list("employee_id", "position__department_id")):
        departments.setdefault(employee_id, department_id)
    return departments


def booking_dimensions(owner, customer) -> tuple[int | None, int | None]:
    """(department id, territory id) that a document of `owner` (an Employee or its id) for
    `customer` books now: the owner's department (booked_departments) and the customer's territory
    (片区), the one the sales report's territory dimension shows."""
    owner_id = getattr(owner, "pk", owner)
    return booked_departments([owner_id]).get(owner_id), customer.territory_id
