"""Reads of jobs, through the data scope (scope_rules.py) plus the administrators' view."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from salesdesk.core.scope import scope_for
from salesdesk.org.versions import is_org_admin

from .models import DailyRun, Job


def sees_all_jobs(user) -> bool:
    """System administrators and organisation administrators: the jobs page."""
    return is_org_admin(user)


def jobs_for(user) -> QuerySet:
    """His own jobs; for an organisation administrator every job of his company and the daily work."""
    scope = scope_for(user)
    if not scope.is_admin and scope.company_id is not None and sees_all_jobs(user):
        return Job.objects.filter(Q(company_id=scope.company_id) | Q(company__isnull=True))
    return Job.objects.restrict(user)


def job_or_404(user, pk: int) -> Job:
    job = jobs_for(user).select_related("started_by", "company").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def own_job_or_404(user, pk: int) -> Job:
    """Only the starter (and a system administrator) downloads a job's file: it was made in his scope."""
    return job_or_404(user, pk) if scope_for(user).is_admin else _restricted(user, pk)


def _restricted(user, pk: int) -> Job:
    job = Job.objects.restrict(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def recent_jobs(user, limit: int = 100) -> list[Job]:
    return list(jobs_for(user).select_related("started_by", "company").defer("result", "result_file")[:limit])


def recent_daily_runs(limit: int = 14) -> list[DailyRun]:
    runs = list(DailyRun.objects.order_by("-day")[:limit])
    jobs = Job.objects.filter(daily_run__in=runs).defer("result", "result_file").order_by("pk")
    by_run: dict[int, list[Job]] = {}
    for job in jobs:
        by_run.setdefault(job.daily_run_id, []).append(job)
    for run in runs:
        run.job_list = by_run.get(run.pk, [])
    return runs
