"""Returning customers to the pool (公海回收), set-based so that a million customers take seconds.

Each owner's customers fall back to the owner's pool (`services.pool_for`), under that pool's
rules for the customer's level: N days without a follow-up, or M days without a deal, counted
from the later of the last follow-up (or deal) and the day the owner got the customer. Locked
customers never go back; customers with a deal stay when the pool exempts them. Owners are
warned K days ahead (the customer shows in their "about to return" queue and is marked warned).

A run changes only what is due on its day, so a second run the same day changes nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.registry import record_bulk_update
from salesdesk.org.models import Company, Employee

from .models import Customer, CustomerPool, Level, OwnershipChange

CHUNK = 2000
LEVELS = [*Level.values, ""]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def due_condition(pool: CustomerPool, level: str, day: datetime.date) -> Q | None:
    """Customers of `level` that are due to return to `pool` on or before `day`."""
    conditions = []
    idle = pool.idle_days(level)
    if idle:
        cutoff = _start_of(day - datetime.timedelta(days=idle) + datetime.timedelta(days=1))
        conditions.append((Q(last_followup_at__isnull=True) | Q(last_followup_at__lt=cutoff))
                          & (Q(owned_since__isnull=True) | Q(owned_since__lt=cutoff)))
    no_deal = pool.no_deal_days(level)
    if no_deal:
        cutoff_day = day - datetime.timedelta(days=no_deal)
        conditions.append((Q(last_deal_on__isnull=True) | Q(last_deal_on__lte=cutoff_day))
                          & (Q(owned_since__isnull=True) | Q(owned_since__lt=_start_of(cutoff_day + datetime.timedelta(days=1)))))
    if not conditions:
        return None
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    condition &= Q(level=level, is_locked=False, owner__isnull=False)
    if pool.exempt_deals:
        condition &= Q(last_deal_on__isnull=True)
    return condition


def owners_by_pool(company: Company) -> dict[int, list[int]]:
    from .services import pool_for

    groups: dict[int, list[int]] = defaultdict(list)
    owner_ids = Customer.objects.filter(company=company, owner__isnull=False).values_list("owner_id", flat=True)
    for employee in Employee.objects.filter(pk__in=owner_ids.distinct().order_by()):
        groups[pool_for(employee, company).pk].append(employee.pk)
    return groups


def _reason(pool: CustomerPool, row: dict, day: datetime.date) -> str:
    idle = pool.idle_days(row["level"])
    if idle:
        last = max(filter(None, [row["last_followup_at"], row["owned_since"]]), default=None)
        if last is None or timezone.localdate(last) + datetime.timedelta(days=idle) <= day:
            return _("no follow-up for %(days)d days") % {"days": idle}
    return _("no deal for %(days)d days") % {"days": pool.no_deal_days(row["level"])}


def due_customers(user_customers, day: datetime.date | None = None):
    """Of `user_customers` (a queryset), those that fall back to their pool by `day`; for the
    "about to return" queue. Evaluates the rules of each owner's pool."""
    from .services import pool_for

    day = day or timezone.localdate()
    condition = Q(pk__in=[])
    owners = user_customers.filter(owner__isnull=False).values_list("owner_id", flat=True).distinct().order_by()
    by_pool: dict[int, tuple[CustomerPool, list[int]]] = {}
    for employee in Employee.objects.filter(pk__in=owners).select_related("company"):
        pool = pool_for(employee, employee.company)
        by_pool.setdefault(pool.pk, (pool, []))[1].append(employee.pk)
    for pool, owner_ids in by_pool.values():
        for level in LEVELS:
            due = due_condition(pool, level, day)
            if due is not None:
                condition |= due & Q(owner_id__in=owner_ids)
    return user_customers.filter(condition)


def run_recycling(*, today: datetime.date, company: Company | None = None) -> dict:
    from salesdesk.core.contextvars import current_actor

    companies = [company] if company is not None else list(Company.objects.all())
    actor = current_actor.get()
    returned = warned = 0
    now = timezone.now()
    for each in companies:
        pools = {pool.pk: pool for pool in CustomerPool.objects.filter(company=each)}
        for pool_id, owner_ids in owners_by_pool(each).items():
            pool = pools[pool_id]
            for level in LEVELS:
                due = due_condition(pool, level, today)
                if due is None:
                    continue
                base = Customer.objects.filter(company=each, owner_id__in=owner_ids)
                returned += _return(base.filter(due), pool, today, now, actor)
                if pool.warn_days:
                    soon = due_condition(pool, level, today + datetime.timedelta(days=pool.warn_days))
                    # The due ones have just gone back (no owner now), so what is left is only "soon".
                    warned += base.filter(soon, pool_warned_on__isnull=True).update(pool_warned_on=today)
    return {"returned": returned, "warned": warned}


def _return(queryset, pool: CustomerPool, today, now, actor) -> int:
    fields = ("pk", "name", "owner_id", "level", "last_followup_at", "owned_since", "last_deal_on", "pool_id")
    total = 0
    while True:
        rows = list(queryset.order_by("pk").values(*fields)[:CHUNK])
        if not rows:
            return total
        ids = [row["pk"] for row in rows]
        Customer.objects.filter(pk__in=ids).update(owner=None, pool=pool, owned_since=None, pool_warned_on=None)
        OwnershipChange.objects.bulk_create([
            OwnershipChange(customer_id=row["pk"], kind=OwnershipChange.Kind.RECYCLED, from_owner_id=row["owner_id"],
                            pool=pool, reason=_reason(pool, row, today), at=now,
                            by_id=actor.employee_id if actor else None)
            for row in rows])
        record_bulk_update(Customer, [
            (row["pk"], row["name"], {"owner": (row["owner_id"], None), "pool": (row["pool_id"], pool.pk),
                                      "owned_since": (row["owned_since"], None)})
            for row in rows])
        total += len(rows)
