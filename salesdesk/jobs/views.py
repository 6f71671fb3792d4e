"""Job pages: a job with its progress (polled by htmx), its result download, and the jobs page for
administrators (recent runs and the daily work with their outcome)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from . import selectors
from .registry import kind_for
from .services import is_stale


def progress_context(job) -> dict:
    stale = is_stale(job)
    return {"job": job, "stale": stale, "live": job.is_active and not stale}


@login_required
def job_detail(request, pk):
    job = selectors.job_or_404(request.user, pk)
    return render(request, "jobs/job.html", progress_context(job))


@login_required
def job_progress(request, pk):
    """The progress box, polled while the job runs; once it has finished, the job kind may answer
    instead (the report fragment from the cached result, or a redirect to the import page)."""
    job = selectors.job_or_404(request.user, pk)
    kind = kind_for(job.kind)
    if not job.is_active and kind is not None and kind.render is not None and request.htmx:
        response = kind.render(request, job)
        if response is not None:
            return response
    return render(request, "jobs/_progress.html", progress_context(job))


@login_required
def job_download(request, pk):
    job = selectors.own_job_or_404(request.user, pk)
    if job.result_file is None:
        raise Http404
    response = HttpResponse(bytes(job.result_file), content_type=_content_type(job.result_name))
    response["Content-Disposition"] = content_disposition_header(True, job.result_name or f"job-{job.pk}")
    return response


def _content_type(name: str) -> str:
    if name.endswith(".xlsx"):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if name.endswith(".csv"):
        return "text/csv"
    return "application/octet-stream"


@login_required
def job_list(request):
    if not selectors.sees_all_jobs(request.user):
        raise PermissionDenied
    jobs = selectors.recent_jobs(request.user)
    for job in jobs:
        job.stale = is_stale(job)
    return render(request, "jobs/list.html", {"jobs": jobs, "daily_runs": selectors.recent_daily_runs()})
