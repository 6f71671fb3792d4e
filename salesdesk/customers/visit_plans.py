"""Weekly visit plans (周拜访计划): a rep plans which customers to visit on which day; a visit
recorded for the customer fulfils the plan; the week page shows plan against visits, and a
manager sees the same for the people in their scope (拜访计划完成率)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.org.models import Employee

from .models import Customer, FollowUp, VisitPlan

VISIT_METHODS = (FollowUp.Method.VISIT, FollowUp.Method.WALK_IN)


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def plan_visit(*, by: Employee, customer: Customer, planned_on: datetime.date, purpose: str = "") -> VisitPlan:
    """Plan a visit of `by` to `customer` (which the caller has checked `by` may see)."""
    if planned_on < timezone.localdate():
        raise ValidationError({"planned_on": _("A visit cannot be planned for a day that has passed.")})
    if VisitPlan.objects.filter(owner=by, customer=customer, planned_on=planned_on,
                                status=VisitPlan.Status.PLANNED).exists():
        raise ValidationError({"planned_on": _("This visit is already planned for that day.")})
    return VisitPlan.objects.create(owner=by, customer=customer, planned_on=planned_on, purpose=(purpose or "").strip())


@transaction.atomic
def cancel_plan(*, plan: VisitPlan, by: Employee) -> VisitPlan:
    plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.owner_id != by.pk:
        raise ValidationError(_("Only the rep who planned a visit cancels it."))
    if plan.status != VisitPlan.Status.PLANNED:
        raise ValidationError(_("Only an open plan can be cancelled."))
    plan.status = VisitPlan.Status.CANCELLED
    plan.save(update_fields=["status"])
    return plan


def fulfil(followup: FollowUp) -> VisitPlan | None:
    """Mark done the earliest open plan of the follow-up's author for its customer, planned for
    the visit's week or before (a visit a day early or late still keeps the plan). Called by
    `services.record_followup` inside its transaction."""
    if followup.customer_id is None or followup.method not in VISIT_METHODS:
        return None
    day = timezone.localdate(followup.at)
    plan = (VisitPlan.objects.select_for_update()
            .filter(owner_id=followup.owner_id, customer_id=followup.customer_id, status=VisitPlan.Status.PLANNED,
                    planned_on__lte=week_of(day) + datetime.timedelta(days=6))
            .order_by("planned_on", "pk").first())
    if plan is None:
        return None
    plan.status, plan.followup = VisitPlan.Status.DONE, followup
    plan.save(update_fields=["status", "followup"])
    return plan


class Person(NamedTuple):
    """Who a row of the team's week is about: enough to name him and link to his week."""

    pk: int
    name: str


@dataclass
class WeekRow:
    """One person's week: plans per day and the totals the manager compares."""

    employee: Person
    planned: int
    done: int
    visits: int  # all visits recorded in the week, planned or not

    @property
    def rate(self) -> int | None:
        return round(self.done * 100 / self.planned) if self.planned else None


def plans_of_week(user, employee: Employee, monday: datetime.date):
    """The plans of `employee` in the week, as `user` may see them."""
    return (VisitPlan.objects.restrict(user)
            .filter(owner=employee, planned_on__range=(monday, monday + datetime.timedelta(days=6)))
            .exclude(status=VisitPlan.Status.CANCELLED).select_related("customer", "followup"))


def team_week(user, monday: datetime.date) -> list[WeekRow]:
    """For each person with plans or visits in the week that `user` sees: planned, done, visits."""
    sunday = monday + datetime.timedelta(days=6)
    plans = (VisitPlan.objects.restrict(user).filter(planned_on__range=(monday, sunday))
             .exclude(status=VisitPlan.Status.CANCELLED).values("owner_id")
             .annotate(planned=Count("pk"), done=Count("pk", filter=Q(status=VisitPlan.Status.DONE))))
    # A range of moments, not `at__date`: the index on `at` serves it (a date of a moment is computed per row).
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time.min))
    visits = (FollowUp.objects.restrict(user)
              .filter(method__in=VISIT_METHODS, at__gte=start, at__lt=start + datetime.timedelta(days=7))
              .values("owner_id").annotate(visits=Count("pk")))
    totals: dict[int, dict] = {}
    for row in plans:
        totals.setdefault(row["owner_id"], {"planned": 0, "done": 0, "visits": 0}).update(
            planned=row["planned"], done=row["done"])
    for row in visits:
        totals.setdefault(row["owner_id"], {"planned": 0, "done": 0, "visits": 0})["visits"] = row["visits"]
    # Names only (a director's team is the company): the rows say who, and link to his week by id.
    names = dict(Employee.objects.filter(pk__any_of=list(totals)).values_list("pk", "name"))
    rows = [WeekRow(employee=Person(pk, names[pk]), **counts) for pk, counts in totals.items() if pk in names]
    return sorted(rows, key=lambda row: (row.employee.name, row.employee.pk))
