"""Reads for the customers module. Everything starts from `Model.objects.restrict(user)`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesdesk.audit.registry import timeline_for
from salesdesk.core.access import actor_of
from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ALL, scope_for

from . import matching
from .capabilities import FULL_MOBILE
from .models import Contact, Customer, FollowUp, Lead, OwnershipChange
from .recycling import due_customers

CUSTOMER_SCENES = {
    "all": _("All"),
    "mine": _("Mine"),
    "team": _("My team's"),
    "collaborating": _("Collaborating"),
    "due": _("Follow-ups due"),
    "returning": _("About to return to the pool"),
}
LEAD_SCENES = {
    "open": _("Open"),
    "mine": _("Mine"),
    "unassigned": _("Waiting for a rep"),
    "converted": _("Converted"),
    "closed": _("Closed"),
    "all": _("All"),
}
CUSTOMER_SORTS = {
    "-created_at": _("Newest first"),
    "created_at": _("Oldest first"),
    "-last_followup_at": _("Recently followed up"),
    "last_followup_at": _("Longest without follow-up"),
    "next_followup_on": _("Next follow-up"),
    "name": _("Name"),
}


def customers_in_scope(user):
    return Customer.objects.restrict(user)


def owned_customers(user):
    """Customers with an owner, within scope (the pool has its own page)."""
    return customers_in_scope(user).filter(owner__isnull=False)


def keyword_filter(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(name__icontains=q)
    folded = matching.initials(q)
    if q.isascii() and q.isalpha():
        condition |= Q(initials__startswith=q.lower())
    elif folded and len(folded) >= 2 and q.isascii():
        condition |= Q(initials__startswith=folded)
    digits = matching.mobile_key(q)
    if len(digits) >= 7:
        condition |= Q(mobile_key=digits) | Q(pk__in=Contact.objects.filter(mobile_key=digits).values("customer_id"))
    code = matching.normalise_credit_code(q)
    if len(code) == 18:
        condition |= Q(credit_code=code)
    return queryset.filter(condition)


def customer_scene(user, scene: str):
    scope = scope_for(user)
    me = scope.employee_id
    base = owned_customers(user)
    if scene == "mine":
        return base.filter(owner_id=me)
    if scene == "team":
        owners = scope.owners("customers")
        base = base.exclude(owner_id=me)
        return base if owners is ALL else base.filter(owner_id__in=owners)
    if scene == "collaborating":
        ids = Collaborator.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                          employee_id=me).values("object_id")
        return base.filter(pk__in=ids)
    if scene == "due":
        return base.filter(owner_id=me, next_followup_on__lte=timezone.localdate())
    if scene == "returning":
        from .queues import WARN_DAYS_SHOWN

        return due_customers(base.filter(owner_id=me), timezone.localdate() + datetime.timedelta(days=WARN_DAYS_SHOWN))
    return base


def pool_customers(user, pool=None):
    queryset = customers_in_scope(user).filter(owner__isnull=True)
    if pool is not None:
        queryset = queryset.filter(pool=pool)
    return queryset


def lead_scene(user, scene: str):
    scope = scope_for(user)
    base = Lead.objects.restrict(user)
    open_statuses = [Lead.Status.NEW, Lead.Status.FOLLOWING]
    if scene == "mine":
        return base.filter(owner_id=scope.employee_id, status__in=open_statuses)
    if scene == "unassigned":
        return base.filter(owner__isnull=True, status__in=open_statuses)
    if scene == "converted":
        return base.filter(status=Lead.Status.CONVERTED)
    if scene == "closed":
        return base.filter(status=Lead.Status.CLOSED)
    if scene == "all":
        return base
    return base.filter(status__in=open_statuses)


def lead_keyword_filter(queryset, q: str):
    q = (q or "").strip()
    if not q:
        return queryset
    condition = Q(name__icontains=q) | Q(company_name__icontains=q)
    digits = matching.mobile_key(q)
    if len(digits) >= 7:
        condition |= Q(mobile_key=digits)
    if "@" in q:
        condition |= Q(email__iexact=q)
    return queryset.filter(condition)


@dataclass
class TimelineItem:
    at: datetime.datetime
    kind: str  # followup | ownership | change
    item: object
    labels: list = None  # for changes: the names of the fields that changed


# Kept up to date by follow-ups and ownership changes, which have their own timeline entries.
BOOKKEEPING = {"last_followup_at", "next_followup_on", "visits", "pool_warned_on", "owned_since", "owner", "pool",
               "department", "updated_at"}


def _changed_labels(entry) -> list[str]:
    labels = []
    for name in entry.changes:
        if name in BOOKKEEPING:
            continue
        try:
            labels.append(str(Customer._meta.get_field(name).verbose_name))
        except Exception:  # a field that no longer exists
            labels.append(name)
    return labels


TIMELINE_PAGE = 20


def customer_timeline(customer: Customer, user, limit: int = TIMELINE_PAGE, before=None) -> list[TimelineItem]:
    """Follow-ups, ownership changes and recorded changes of one customer, newest first, at most
    `limit`, older than `before` when given (the page shows the latest; "more" asks for the
    next ones). Documents of later modules add themselves through `TIMELINE_SOURCES`."""

    def older(queryset, field="at"):
        return queryset if before is None else queryset.filter(**{f"{field}__lt": before})

    items = [TimelineItem(f.at, "followup", f) for f in
             older(FollowUp.objects.restrict(user).filter(customer=customer)).select_related("owner", "contact")[:limit]]
    items += [TimelineItem(o.at, "ownership", o) for o in
              older(OwnershipChange.objects.filter(customer=customer)).select_related("from_owner", "to_owner", "by",
                                                                                      "pool")[:limit]]
    for entry in older(timeline_for(customer).filter(action="update")).order_by("-at", "-id")[:limit]:
        labels = _changed_labels(entry)
        if labels:
            items.append(TimelineItem(entry.at, "change", entry, labels))
    for source in TIMELINE_SOURCES:
        items += source(customer, user, limit, before)
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:limit]


# Later modules (orders, contracts …) append callables (customer, user, limit, before) ->
# [TimelineItem]: at most `limit` items of that customer the user may see, older than `before`
# (a datetime) when it is not None.
TIMELINE_SOURCES: list = []


# --- mobile numbers ---------------------------------------------------------------------------



def mask_mobile(number: str) -> str:
    """138****8000: enough to recognise a number, not enough to call it."""
    digits = number or ""
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def sees_full_mobiles(user) -> bool:
    """Whether the user's positions let them read every mobile number in full (a duty with the
    `full_mobile` capability); others read in full only the numbers of customers they own."""
    actor = actor_of(user)
    return actor.is_superuser or actor.can(FULL_MOBILE)


def mobile_shown(user, customer: Customer, number: str) -> str:
    if not number:
        return ""
    if customer.owner_id is not None and customer.owner_id == scope_for(user).employee_id:
        return number
    return number if sees_full_mobiles(user) else mask_mobile(number)
