"""Running one job in the worker: claim it, keep its heartbeat and progress, record the outcome.

Progress and heartbeat are written by a thread on its own database connection, so that they show
while the job's work runs inside one long transaction (an all-or-nothing import) — except on
SQLite, which has one writer at a time: there progress is written only between transactions and
a stopped worker is told by its process being gone (SQLite serves one machine)."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from salesdesk.core.contextvars import Actor, acting_as, actor_for_user

from .models import Job
from .registry import JobFailed, JobResult, kind_for
from .services import worker_name

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0
UNEXPECTED = gettext_noop("The job failed unexpectedly; the administrators find the error on the jobs page.")
UNKNOWN = gettext_noop("The worker does not know this kind of job.")


class Heartbeat:
    """`progress(done, total)` for the job's code; the beat writes it with the time, every 2 s."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.done, self.total = 0, job.total
        self.threaded = connection.vendor != "sqlite"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"job-{job.pk}-heartbeat", daemon=True)
        self._last = 0.0

    def progress(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        if not self.threaded and not connection.in_atomic_block and time.monotonic() - self._last >= 1:
            self.write()

    def write(self) -> None:
        self._last = time.monotonic()
        Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(
            heartbeat_at=timezone.now(), done=self.done, total=self.total)

    def _loop(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    self.write()
                except DatabaseError:
                    logger.warning("job %s: heartbeat not written", self.job_id, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self):
        if self.threaded:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self.threaded:
            self._thread.join()


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = Job.objects.select_for_update(of=("self",)).select_related("started_by").filter(pk=job_id).first()
        if job is None or job.status != Job.Status.QUEUED:
            return None  # run already, or given up
        now = timezone.now()
        job.status, job.started_at, job.heartbeat_at, job.worker = Job.Status.RUNNING, now, now, worker_name()
        job.save(update_fields=["status", "started_at", "heartbeat_at", "worker"])
    return job


def _actor(job: Job) -> Actor:
    """Who the audit log names: the starter, or for the daily work the job itself (like a command)."""
    person = job.started_by
    if person is None:
        return Actor.command(job.kind.removeprefix("daily."))
    return actor_for_user(person.user, source="job") or Actor(user_id=None, name=person.name, source="job")


def _finish(job: Job, status: str, *, message: str = "", params: dict | None = None, done: int | None = None,
            total: int | None = None, result: JobResult | None = None, error: str = "") -> None:
    values = {"status": status, "finished_at": timezone.now(), "message": message, "message_params": params,
              "error": error}
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    if result is not None:
        values.update(result=result.data, result_file=result.file, result_name=result.file_name)
    Job.objects.filter(pk=job.pk).update(**values)


def run(job_id: int) -> str:
    """Run the job (called by the task in the worker); returns its final status."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    kind = kind_for(job.kind)
    beat = Heartbeat(job)
    try:
        with beat, translation.override(job.language or settings.LANGUAGE_CODE), acting_as(_actor(job)):
            if kind is None:
                raise JobFailed(UNKNOWN)
            result = kind.run(job, beat.progress) or JobResult()
    except JobFailed as failure:
        _finish(job, Job.Status.FAILED, message=failure.message, params=failure.params, done=beat.done,
                total=beat.total)
        return Job.Status.FAILED
    except ValidationError as error:  # its messages are in the starter's language already
        _finish(job, Job.Status.FAILED, message=" ".join(error.messages), done=beat.done, total=beat.total)
        return Job.Status.FAILED
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, message=UNEXPECTED, error=traceback.format_exc()[-4000:], done=beat.done,
                total=beat.total)
        raise
    total = beat.total or beat.done
    _finish(job, Job.Status.DONE, message=result.message, params=result.params, done=total, total=total,
            result=result)
    return Job.Status.DONE
