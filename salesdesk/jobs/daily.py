"""The daily work: once a day, one job per registered `DailyWork` (registry.register_daily).

`start_daily` is idempotent per day: the DailyRun row for the day is unique, so `manage.py
run_daily` from cron, run twice, or racing the worker's own start at DAILY_AT, starts the day's
jobs once. Each piece of daily work is itself idempotent as well."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import DailyRun, Job
from .registry import daily_kind, daily_work
from .services import start_job


def start_daily(*, day: datetime.date | None = None, trigger: str = "command",
                enqueue: bool = True) -> tuple[DailyRun, list[Job], bool]:
    """(the day's run, its jobs, whether this call started them)."""
    day = day or timezone.localdate()
    with transaction.atomic():
        run, created = DailyRun.objects.get_or_create(day=day, defaults={"trigger": trigger})
        if not created:
            return run, list(run.jobs.order_by("pk")), False
        jobs = [start_job(kind=daily_kind(work.key), params={"day": day.isoformat()},
                          dedupe_key=f"daily:{work.key}:{day.isoformat()}", daily_run=run, enqueue=enqueue)[0]
                for work in daily_work()]
    return run, jobs, True


def daily_time() -> datetime.time | None:
    text = (settings.SALESDESK.get("DAILY_AT") or "").strip()
    if not text:
        return None
    try:
        return datetime.time.fromisoformat(text)
    except ValueError:
        return None


def start_if_due(now: datetime.datetime | None = None) -> DailyRun | None:
    """The worker's part: start today's daily work once DAILY_AT has passed (None: not due, or done)."""
    at = daily_time()
    if at is None:
        return None
    now = timezone.localtime(now or timezone.now())
    if now.time() < at or DailyRun.objects.filter(day=now.date()).exists():
        return None
    run, _jobs, started = start_daily(day=now.date(), trigger="worker")
    return run if started else None
