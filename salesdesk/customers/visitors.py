"""Visitor registration at sales sites (来访登记) and the reception rotation (排轮).

A walk-in or call is registered with the consultant whose turn it is (the rotation proposes the
one after whoever received the last walk-in; the registrar may choose another). A visitor whose
mobile matches a customer is marked returning and counted on that customer. Each site's day
register is handed up: the team leader collects it, the site secretary (女专) analyses it, the
planning department receives it — one explicit state after the other.
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
from .models import Contact, Customer, RotationMember, VisitorDay, VisitorRegistration


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


def day_register(site: Department, day: datetime.date) -> VisitorDay:
    register, _created = VisitorDay.objects.get_or_create(site=site, day=day,
                                                          defaults={"company_id": site.company_id})
    return register


@transaction.atomic
def register_visitor(*, site: Department, by: Employee | None, kind: str = VisitorRegistration.Kind.WALK_IN,
                     receptionist: Employee | None = None, visited_at=None, name: str = "", mobile: str = "",
                     party_size: int = 1, channel=None, needs: str = "", intended_unit: str = "",
                     budget=None) -> VisitorRegistration:
    visited_at = visited_at or timezone.now()
    register = day_register(site, timezone.localdate(visited_at))
    if register.status != VisitorDay.Status.OPEN:
        raise ValidationError(_("The register of %(day)s has been handed up; it takes no more entries.")
                              % {"day": register.day.isoformat()})
    receptionist = receptionist or next_in_turn(site) or by
    if receptionist is None:
        raise ValidationError(_("Nobody is on the reception rotation of this site."))
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


# Which customers-module levels may take each step: the team leader (subordinates) collects, the
# site secretary (own department) analyses, planning (everything) receives.
STEP_LEVELS = {
    VisitorDay.Status.COLLECTED: {"subordinates", "department", "department_tree", "departments", "all"},
    VisitorDay.Status.ANALYSED: {"department", "department_tree", "departments", "all"},
    VisitorDay.Status.RECEIVED: {"all"},
}


def may_hand_up(user, register: VisitorDay) -> bool:
    from salesdesk.core.scope import scope_for

    following = VisitorDay.NEXT.get(register.status)
    if following is None:
        return False
    scope = scope_for(user)
    if scope.is_admin:
        return True
    return any(position.scope_level("customers") in STEP_LEVELS[following] for position in scope.positions)


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
    covered = covered_departments(scope, "customers", "path")
    return covered is None or Department.objects.filter(covered, pk=site.pk).exists()


def site_people(site: Department) -> list[Employee]:
    """Active people holding a position in the site or below it."""
    return list(Employee.objects.filter(
        status=Employee.Status.ACTIVE, assignments__ended_on__isnull=True,
        assignments__position__department__path__startswith=site.path).distinct().order_by("name"))
