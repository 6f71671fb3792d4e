"""Customer analytics (客户分析): every figure comes from querysets limited by `restrict(user)`, so
a rep sees their own numbers, a manager their team's, the director the company's."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Customer, CustomerClass, FollowUp, Lead

DIMENSIONS = {
    "customer_class": ("customer_class__name", _("Class")),
    "level": ("level", _("Level")),
    "source": ("source__name", _("Source")),
    "department": ("department__name", _("Department")),
    "territory": ("territory__name", _("Territory")),
    "owner": ("owner__name", _("Owner")),
}


@dataclass
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    unit: str = "month"  # week | month

    @property
    def start_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_at(self):
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))


def counts_by(user, dimension: str) -> list[tuple[str, int]]:
    field, _label = DIMENSIONS[dimension]
    rows = (Customer.objects.restrict(user).filter(owner__isnull=False).values(field)
            .annotate(n=Count("id")).order_by("-n", field))
    return [(row[field] or "—", row["n"]) for row in rows]


def _trunc(unit: str):
    return TruncWeek if unit == "week" else TruncMonth


def new_customers(user, period: Period) -> list[tuple[str, int]]:
    trunc = _trunc(period.unit)
    rows = (Customer.objects.restrict(user).filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
            .annotate(bucket=trunc("created_at")).values("bucket").annotate(n=Count("id")).order_by("bucket"))
    return [(_label(row["bucket"], period.unit), row["n"]) for row in rows]


def _label(moment, unit: str) -> str:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
    return day.strftime("%Y-%m") if unit == "month" else day.isoformat()


def activity_per_person(user, period: Period) -> list[dict]:
    """Per person: new customers, follow-ups and visits (拜访量) in the period."""
    followups = (FollowUp.objects.restrict(user).filter(at__gte=period.start_at, at__lt=period.end_at)
                 .values("owner__name").annotate(
                     followups=Count("id"),
                     visits=Count("id", filter=Q(method__in=[FollowUp.Method.VISIT, FollowUp.Method.WALK_IN]))))
    created = (Customer.objects.restrict(user).filter(created_at__gte=period.start_at, created_at__lt=period.end_at,
                                                      owner__isnull=False)
               .values("owner__name").annotate(n=Count("id")))
    people: dict[str, dict] = {}
    for row in followups:
        people.setdefault(row["owner__name"], {"name": row["owner__name"], "new": 0, "followups": 0, "visits": 0})
        people[row["owner__name"]].update(followups=row["followups"], visits=row["visits"])
    for row in created:
        people.setdefault(row["owner__name"], {"name": row["owner__name"], "new": 0, "followups": 0, "visits": 0})
        people[row["owner__name"]]["new"] = row["n"]
    return sorted(people.values(), key=lambda item: (-item["visits"], -item["followups"], item["name"]))


def funnel(user, period: Period) -> list[dict]:
    """Leads created in the period → converted into customers → customers with a deal."""
    leads = Lead.objects.restrict(user).filter(created_at__gte=period.start_at, created_at__lt=period.end_at)
    total = leads.count()
    converted = leads.filter(status=Lead.Status.CONVERTED)
    deals = Customer.objects.restrict(user).filter(pk__in=converted.values("customer_id")).filter(
        Q(customer_class__stage=CustomerClass.Stage.DEAL) | Q(last_deal_on__isnull=False)).count()
    steps = [(_("Leads"), total), (_("Became customers"), converted.count()), (_("Made a deal"), deals)]
    result, first = [], total
    for index, (label, count) in enumerate(steps):
        previous = steps[index - 1][1] if index else count
        result.append({"label": label, "count": count,
                       "rate": round(100 * count / previous, 1) if previous else 0.0,
                       "overall": round(100 * count / first, 1) if first else 0.0})
    return result


def forgotten(user, days: int = 30):
    """Owned customers nobody has contacted for `days` days (遗忘客户), longest first."""
    cutoff = timezone.now() - datetime.timedelta(days=days)
    return (Customer.objects.restrict(user).filter(owner__isnull=False)
            .filter(Q(last_followup_at__lt=cutoff) | Q(last_followup_at__isnull=True, created_at__lt=cutoff))
            .select_related("owner").order_by("last_followup_at", "created_at"))
