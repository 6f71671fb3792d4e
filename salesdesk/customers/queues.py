"""Workbench queues of the customers module.

* followups_today (今日待跟进): my customers whose next follow-up is today or already overdue;
* pool_returning (即将掉入公海): my customers that fall back to the pool within the warning days;
* leads_unassigned (待分配线索): leads waiting in the teams I look after.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import scope_for
from salesdesk.workbench.registry import Queue, register

from .models import Customer, Lead
from .recycling import due_customers

WARN_DAYS_SHOWN = 7


def my_customers(user):
    scope = scope_for(user)
    if scope.employee_id is None:
        return Customer.objects.none()
    return Customer.objects.restrict(user).filter(owner_id=scope.employee_id)


def followups_due(user, day: datetime.date | None = None):
    return my_customers(user).filter(next_followup_on__lte=day or timezone.localdate())


def returning_soon(user, days: int = WARN_DAYS_SHOWN):
    return due_customers(my_customers(user), timezone.localdate() + datetime.timedelta(days=days))


def unassigned_leads(user):
    return Lead.objects.restrict(user).filter(owner__isnull=True, status__in=[Lead.Status.NEW, Lead.Status.FOLLOWING])


register(Queue(
    key="followups_today",
    title=_("Follow-ups due"),
    description=_("My customers to follow up today, overdue ones included"),
    count=lambda user: followups_due(user).count(),
    url=lambda user: reverse("customers:list") + "?scene=due",
    order=10,
))

register(Queue(
    key="pool_returning",
    title=_("About to return to the pool"),
    description=_("My customers that go back to the pool within a week unless followed up"),
    count=lambda user: returning_soon(user).count(),
    url=lambda user: reverse("customers:list") + "?scene=returning",
    order=12,
    comes_with=("followups_today",),
))

register(Queue(
    key="leads_unassigned",
    title=_("Leads to assign"),
    description=_("New leads waiting in my teams for a rep"),
    count=lambda user: unassigned_leads(user).count(),
    url=lambda user: reverse("customers:leads") + "?scene=unassigned",
    order=14,
))


def visitor_registers_waiting(user):
    """Day registers (before today) waiting for the step my duties take at their site (collect my
    team's, analyse my site's, receive for planning)."""
    from salesdesk.core.access import actor_of

    from .models import VisitorDay
    from .visitors import STEP_CAPABILITIES, may_hand_up

    actor = actor_of(user)
    steps = [status for status, capability in STEP_CAPABILITIES.items() if actor.can(capability)]
    if not steps:
        return []
    waiting = [status for status, following in VisitorDay.NEXT.items() if following in steps]
    days = (VisitorDay.objects.restrict(user).filter(day__lt=timezone.localdate(), status__in=waiting)
            .select_related("site").order_by("day", "pk")[:200])
    return [day for day in days if may_hand_up(user, day)]


register(Queue(
    key="visitor_registers",
    title=_("Visitor registers to hand up"),
    description=_("Past days' visitor registers waiting for my step"),
    count=lambda user: len(visitor_registers_waiting(user)),
    url=lambda user: reverse("customers:visitors"),
    order=16,
))
