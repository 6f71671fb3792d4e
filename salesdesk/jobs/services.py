"""Starting jobs (once per dedupe key), and telling a job whose worker died from one still running.

`start_job` returns the job already running under the same dedupe key instead of starting another
(a double click, two tabs): the partial unique constraint on active jobs makes that hold between
parallel requests too. A running job is stale when its worker is gone: on this host, its process
no longer exists; elsewhere, its heartbeat is older than SALESDESK["JOB_STALE_AFTER"] seconds.
Starting a job whose active twin is stale marks that one failed and starts afresh."""

from __future__ import annotations

import datetime
import logging
import os
import socket

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from .models import Job
from .registry import kind_for

logger = logging.getLogger(__name__)

STOPPED = gettext_noop("The worker running this job stopped before it finished; it can be started again.")
NOT_QUEUED = gettext_noop("The job could not be handed to the worker (is the queue reachable?); start it again.")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process that nobody has reaped yet is a zombie: gone all the same
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def is_stale(job: Job, now: datetime.datetime | None = None) -> bool:
    """A running job whose worker is gone (killed, restarted, its machine lost)."""
    if job.status != Job.Status.RUNNING:
        return False
    host, _sep, pid = job.worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _process_exists(int(pid))
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.SALESDESK["JOB_STALE_AFTER"])
    return job.heartbeat_at is None or job.heartbeat_at < now - limit


def is_live(job: Job | None) -> bool:
    """Queued, or running in a worker that is still there."""
    return job is not None and job.is_active and not is_stale(job)


def abandon(job: Job) -> None:
    """Mark a stale job failed, so that the same work may start again."""
    Job.objects.filter(pk=job.pk, status=job.status).update(
        status=Job.Status.FAILED, message=STOPPED, message_params=None, finished_at=timezone.now())
    job.status = Job.Status.FAILED


def latest(dedupe_key: str) -> Job | None:
    return Job.objects.filter(dedupe_key=dedupe_key).order_by("-created_at", "-pk").first()


def start_job(*, kind: str, company=None, started_by=None, params: dict | None = None, dedupe_key: str = "",
              url: str = "", total: int = 0, daily_run=None, enqueue: bool = True) -> tuple[Job, bool]:
    """(job, started): a new queued job, or (the active job with this dedupe key, False)."""
    if kind_for(kind) is None:
        raise ValueError(f"unknown job kind {kind!r}")
    with transaction.atomic():
        if dedupe_key:
            active = Job.objects.select_for_update().filter(dedupe_key=dedupe_key, status__in=Job.ACTIVE).first()
            if active is not None:
                if not is_stale(active):
                    return active, False
                abandon(active)
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    kind=kind, company=company, started_by=started_by, params=params or {}, dedupe_key=dedupe_key,
                    url=url, total=total, daily_run=daily_run,
                    language=(getattr(started_by, "language", "") or translation.get_language() or
                              settings.LANGUAGE_CODE))
        except IntegrityError:
            # Another request inserted the same key a moment ago (its row was not visible to the lock).
            existing = Job.objects.filter(dedupe_key=dedupe_key, status__in=Job.ACTIVE).first()
            if existing is None:
                raise
            return existing, False
        if enqueue:
            _enqueue(job)
    return job, True


def _enqueue(job: Job) -> None:
    from django_tasks_db import DatabaseBackend

    from .tasks import run_job

    if isinstance(run_job.get_backend(), DatabaseBackend):
        # The task's row is written in the same transaction as the job: both or neither.
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(result.id))
        job.task_id = str(result.id)
    else:
        # Redis (or running it at once) must not see the job before it is committed.
        transaction.on_commit(lambda: _send(job.pk))


def _send(job_id: int) -> None:
    from .tasks import run_job

    try:
        result = run_job.enqueue(job_id)
    except Exception:
        logger.exception("could not enqueue job %s", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED, message=NOT_QUEUED, finished_at=timezone.now())
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))
