"""Visitor registration at sales sites (来访登记) and the reception rotation (排轮).

A walk-in or call is registered with the consultant whose turn it is (the rotation proposes the
one after whoever received the last walk-in; the registrar may choose another). A visitor whose
mobile matches a customer is marked returning and counted on that customer. Each site's day
register is handed up: the team leader collects his team's (one register per 组长 per day), the
site secretary (女专) analyses it, the planning department receives it — one explicit state after
the other, each taken by the duty at that site (customers.capabilities), not by whoever sees much.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.org.models import Department, Employee

from . import matching, services
from .capabilities import ANALYSE_VISITORS, COLLECT_VISITORS, RECEIVE_VISITORS, REGISTER_VISITORS
from .models import Contact, Customer, RotationMember, VisitorDay, VisitorRegistration

VISITOR_CAPABILITIES = (REGISTER_VISITORS, COLLECT_VISITORS, ANALYSE_VISITORS, RECEIVE_VISITORS)


def receives_visitors(company_id: int | None) -> bool:
    """Whether the company sells at sales sites that register visitors (a property developer's
    案场): its chart gives someone a step of the visitor register, or a site has a rotation. Only
    such a company is offered the visitor pages and the buyers' fields (unit type, budget)."""
    from salesdesk.org.models import Duty

    if company_id is None:
        return False
    return (Duty.objects.filter(position__company_id=company_id, position__is_active=True,
                                capability__in=VISITOR_CAPABILITIES).exists()
            or RotationMember.objects.filter(site__company_id=company_id, is_active=True).exists())


def rotation(site: Department) -> list[RotationMember]:
    return list(RotationMember.objects.filter(site=site, is_active=True, employee__status=Employee.Status.ACTIVE)
                .select_related("employee").order_by("turn", "id"))


def next_in_turn(site: Department) -> Employee | None:
    members = rotation(site)
    if not members:
        return None
    last = (VisitorRegistration.objects.filter(site=site, kind=VisitorRegistration.Kind.WALK_IN)
            .order_by("-visited_at", "-id").values_list("receptionist_id", flat=True).first())
    ids = [member.employee_id for member in members]
    if last not in ids:
        return members[0].employee
    return members[(ids.index(last) + 1) % len(members)].employee


@transaction.atomic
def set_rotation(*, site: Department, employees: list[Employee]) -> None:
    """The site's rotation becomes exactly `employees`, in that order."""
    keep = {employee.pk for employee in employees}
    RotationMember.objects.filter(site=site).exclude(employee_id__in=keep).update(is_active=False)
    for turn, employee in enumerate(employees):
        RotationMember.objects.update_or_create(site=site, employee=employee,
                                                defaults={"turn": turn, "is_active": True})


def _site_holders(site: Department, capability: str):
    """Active people holding, at the site or below it, a post whose duties carry `capability`."""
    return Employee.objects.filter(
        status=Employee.Status.ACTIVE, assignments__ended_on__isnull=True,
        assignments__position__department__path__startswith=site.path,
        assignments__position__duties__capability=capability).distinct()


def leader_for(site: Department, receptionist: Employee) -> Employee | None:
    """The 组长 whose register takes what `receptionist` receives: himself if he collects at this site,
    else the holder of the nearest post above his that does (a post held by two: the first of them).
    None where the site has no team leader above him."""
    from salesdesk.org.models import Position

    leaders = _site_holders(site, COLLECT_VISITORS)
    if leaders.filter(pk=receptionist.pk).exists():
        return receptionist
    own = Position.objects.filter(assignments__employee=receptionist, assignments__ended_on__isnull=True,
                                  department__path__startswith=site.path).order_by("pk").first()
    post = own.reports_to if own else None
    while post is not None:
        holder = leaders.filter(assignments__position=post, assignments__ended_on__isnull=True).order_by("pk").first()
        if holder is not None:
            return holder
        post = post.reports_to
    return None


def day_register(site: Department, day: datetime.date, leader: Employee | None = None) -> VisitorDay:
    register, _created = VisitorDay.objects.get_or_create(site=site, day=day, leader=leader,
                                                          defaults={"company_id": site.company_id})
    return register


@transaction.atomic
def register_visitor(*, site: Department, by: Employee | None, kind: str = VisitorRegistration.Kind.WALK_IN,
                     receptionist: Employee | None = None, visited_at=None, name: str = "", mobile: str = "",
                     party_size: int = 1, channel=None, needs: str = "", intended_unit: str = "",
                     budget=None) -> VisitorRegistration:
    visited_at = visited_at or timezone.now()
    receptionist = receptionist or next_in_turn(site) or by
    if receptionist is None:
        raise ValidationError(_("Nobody is on the reception rotation of this site."))
    register = day_register(site, timezone.localdate(visited_at), leader_for(site, receptionist))
    if register.status != VisitorDay.Status.OPEN:
        raise ValidationError(_("The register of %(day)s has been handed up; it takes no more entries.")
                              % {"day": register.day.isoformat()})
    if not (name.strip() or mobile.strip()):
        raise ValidationError(_("Give the visitor's name or mobile."))
    if party_size < 1:
        raise ValidationError({"party_size": _("At least one person came.")})
    key = matching.mobile_key(mobile)
    known = None
    if len(key) >= 7:
        known = (Customer.objects.filter(company_id=site.company_id, mobile_key=key).first()
                 or Customer.objects.filter(company_id=site.company_id,
                                            pk__in=Contact.objects.filter(mobile_key=key).values("customer_id")).first())
    registration = VisitorRegistration.objects.create(
        company_id=site.company_id, site=site, kind=kind, visited_at=visited_at, party_size=party_size,
        channel=channel, name=name.strip(), mobile=mobile.strip(), mobile_key=key, needs=needs.strip(),
        intended_unit=intended_unit.strip(), budget=budget, receptionist=receptionist, registered_by=by,
        customer=known, is_returning=known is not None)
    if known is not None and kind == VisitorRegistration.Kind.WALK_IN:
        Customer.objects.filter(pk=known.pk).update(visits=known.visits + 1)
    return registration


@transaction.atomic
def convert_visitor(*, registration: VisitorRegistration, by: Employee | None) -> Customer:
    """An individual customer owned by the consultant who received the visitor."""
    registration = VisitorRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.customer_id is not None:
        raise ValidationError(_("This visitor is a customer already."))
    customer = services.create_customer(
        company=registration.site.company, by=by, owner=registration.receptionist, kind=Customer.Kind.PERSON,
        name=registration.name or registration.mobile, mobile=registration.mobile, source=registration.channel,
        intended_unit=registration.intended_unit, budget=registration.budget, notes=registration.needs)
    customer.visits = 1 if registration.kind == VisitorRegistration.Kind.WALK_IN else 0
    Customer.objects.filter(pk=customer.pk).update(visits=customer.visits)
    registration.customer = customer
    registration.save(update_fields=["customer"])
    return customer


# Who takes each step, at which site: the register's own 组长 collects (anyone who collects at the
# site, for a register without one), the site's 女专/副专 analyses, planning receives every site's.
STEP_CAPABILITIES = {
    VisitorDay.Status.COLLECTED: COLLECT_VISITORS,
    VisitorDay.Status.ANALYSED: ANALYSE_VISITORS,
    VisitorDay.Status.RECEIVED: RECEIVE_VISITORS,
}


def may_hand_up(user, register: VisitorDay) -> bool:
    from salesdesk.core.access import actor_of

    following = VisitorDay.NEXT.get(register.status)
    if following is None:
        return False
    actor = actor_of(user)
    if actor.is_superuser:
        return True
    employee = actor.employee
    if employee is None or employee.company_id != register.company_id or not actor.can(STEP_CAPABILITIES[following]):
        return False
    if following == VisitorDay.Status.RECEIVED:
        return True
    if following == VisitorDay.Status.COLLECTED and register.leader_id is not None:
        return register.leader_id == employee.pk
    # Held at this site: read from the actor's own positions, whose duties actor.can() above has
    # loaded once for the request, so the queue asks for every waiting register without a query each.
    site_path = register.site.path
    return any(position.department.path.startswith(site_path)
               and any(duty.capability == STEP_CAPABILITIES[following] for duty in position.duties.all())
               for position in actor.positions)


@transaction.atomic
def hand_up(*, register: VisitorDay, by: Employee, analysis: str = "") -> VisitorDay:
    """Move a day register one step up: open → collected → analysed (with an analysis) → received."""
    register = VisitorDay.objects.select_for_update().get(pk=register.pk)
    following = VisitorDay.NEXT.get(register.status)
    if following is None:
        raise ValidationError(_("This register has been received already."))
    if following == VisitorDay.Status.ANALYSED and not analysis.strip():
        raise ValidationError({"analysis": _("Write the analysis before handing the register to planning.")})
    register.status = following
    setattr(register, {VisitorDay.Status.COLLECTED: "collected_by", VisitorDay.Status.ANALYSED: "analysed_by",
                       VisitorDay.Status.RECEIVED: "received_by"}[following], by)
    if analysis.strip():
        register.analysis = analysis.strip()
    register.save()
    return register


def visit_report(registrations) -> dict:
    """Visits, calls and conversions per consultant and per channel, from `registrations` (a
    queryset already limited to what the viewer may see and to the period)."""
    per_person = defaultdict(Counter)
    per_channel = defaultdict(Counter)
    rows = registrations.values("receptionist__name", "channel__name", "kind").annotate(
        n=Count("id"), converted=Count("id", filter=Q(customer__isnull=False, is_returning=False)))
    for row in rows:
        person, channel = row["receptionist__name"], row["channel__name"] or "—"
        for table, key in ((per_person, person), (per_channel, channel)):
            table[key][row["kind"]] += row["n"]
            table[key]["converted"] += row["converted"]
    return {"per_person": dict(per_person), "per_channel": dict(per_channel)}


def may_manage_rotation(user, site: Department) -> bool:
    """Managers whose customers scope covers the site (own department or below, named
    departments, everything) set its rotation."""
    from salesdesk.core.scope import covered_departments, scope_for

    scope = scope_for(user)
    if scope.is_admin:
        return True
    if scope.company_id != site.company_id:
        return False
    covered = covered_departments(scope, "customers", "path", writing=True)
    return covered is None or Department.objects.filter(covered, pk=site.pk).exists()


def site_people(site: Department) -> list[Employee]:
    """Active people holding a position in the site or below it."""
    return list(Employee.objects.filter(
        status=Employee.Status.ACTIVE, assignments__ended_on__isnull=True,
        assignments__position__department__path__startswith=site.path).distinct().order_by("name"))
