"""Starting jobs (once per dedupe key), and telling a job whose worker died from one still running.

`start_job` returns the job already running under the same dedupe key instead of starting another
(a double click, two tabs): the partial unique constraint on active jobs makes that hold between
parallel requests too.

A running job is stale when its worker is gone (killed with `kill -9`, its container restarted, its
machine lost). The job records its worker as host:pid@start (the process's start time, so that
a new process given the same pid — a restarted container's worker often is — is not taken for
the old one), and a heartbeat. Stale is: on this host, that process no longer exists; on any
host, the heartbeat is older than SALESDESK["JOB_STALE_AFTER"] seconds — except on SQLite, where
the heartbeat cannot be written while the job's transaction holds the database (runner.py) and
SQLite serves one machine, so the process decides. This holds for the database task backend and
for RQ alike (both run the job through runner.run, in the process recorded).

Starting a job whose active twin is stale marks that one failed and starts afresh; the daily
housekeeping (housekeeping.mark_stopped_jobs) marks the stale jobs nobody started again, and
lets their kind tidy up (JobKind.stopped: an import goes back to "uploaded")."""

from __future__ import annotations

import datetime
import logging
import os
import socket

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from .models import Job
from .registry import kind_for

logger = logging.getLogger(__name__)

STOPPED = gettext_noop("The worker running this job stopped before it finished; it can be started again.")
NOT_QUEUED = gettext_noop("The job could not be handed to the worker (is the queue reachable?); start it again.")


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None (no /proc)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _started(pid: int) -> str:
    """When the process started (clock ticks since boot; "" where /proc cannot tell)."""
    fields = _stat(pid)
    return fields[19] if fields and len(fields) > 19 else ""


def worker_name() -> str:
    """host:pid@start of this process: what a running job records of its worker."""
    pid = os.getpid()
    started = _started(pid)
    return f"{socket.gethostname()}:{pid}" + (f"@{started}" if started else "")


def parse_worker(worker: str) -> tuple[str, int | None, str]:
    """(host, pid, start) of a job's `worker` ("host:pid@start", or "host:pid" as older jobs have it)."""
    host, _sep, rest = (worker or "").rpartition(":")
    pid, _at, started = rest.partition("@")
    return host, int(pid) if pid.isdigit() else None, started


def _process_exists(pid: int, started: str = "") -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    fields = _stat(pid)
    if fields is None:
        return True  # no /proc: the pid is all there is to go by
    if fields[0] == "Z":  # a killed process that nobody has reaped yet is a zombie: gone all the same
        return False
    # Another process that was given the same pid later (a restarted container's worker) is not it.
    return not started or len(fields) <= 19 or fields[19] == started


def _heartbeat_kept() -> bool:
    """Whether a running job's heartbeat is written while it works (not on SQLite: runner.Heartbeat)."""
    return connection.vendor != "sqlite"


def is_stale(job: Job, now: datetime.datetime | None = None) -> bool:
    """A running job whose worker is gone (killed, restarted, its machine lost)."""
    if job.status != Job.Status.RUNNING:
        return False
    host, pid, started = parse_worker(job.worker)
    if host == socket.gethostname() and pid is not None and not _process_exists(pid, started):
        return True
    if host == socket.gethostname() and pid is not None and not _heartbeat_kept():
        return False  # SQLite: the process is alive, and no heartbeat is written during its transaction
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.SALESDESK["JOB_STALE_AFTER"])
    return job.heartbeat_at is None or job.heartbeat_at < now - limit


def is_live(job: Job | None) -> bool:
    """Queued, or running in a worker that is still there."""
    return job is not None and job.is_active and not is_stale(job)


def abandon(job: Job) -> bool:
    """Mark a stale job failed, so that the same work may start again; False when it was no longer
    in the state it was read in (finished, or marked by someone else meanwhile)."""
    marked = Job.objects.filter(pk=job.pk, status=job.status).update(
        status=Job.Status.FAILED, message=STOPPED, message_params=None, finished_at=timezone.now())
    job.status = Job.Status.FAILED
    return bool(marked)


def mark_stopped(job: Job) -> bool:
    """A job found stale and not started again: failed with STOPPED ("it can be started again"),
    then its kind's `stopped(job)` tidies up what the dead run left in its records (an import goes
    back to "uploaded"; its rows were never committed). True when this call marked it."""
    if not is_stale(job) or not abandon(job):
        return False
    kind = kind_for(job.kind)
    if kind is not None and kind.stopped is not None:
        kind.stopped(job)
    return True


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
