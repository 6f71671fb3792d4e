"""What can run as a job, filled in by the apps in their AppConfig.ready() (this app imports none of
them): job kinds (a customer import, an export, a report's statistics) and the daily work that
`run_daily` and the worker start once a day (returning customers to the pool, collection tasks,
due org changes …).

A kind's `run(job, progress)` does the work and returns a `JobResult`; it raises `JobFailed` (or a
ValidationError) with a message for the user. `render(request, job)`, when given, answers the
progress poll once the job is done (e.g. the report fragment from the cached result, or a redirect
to the import page); without it the job's own result box is shown. `stopped(job)`, when given, is
called once a job whose worker died has been marked failed by the daily housekeeping."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass
class JobResult:
    message: str = ""  # an English msgid (marked with gettext_noop) …
    params: dict | None = None  # … and its parameters
    data: object = None  # JSON: a result to cache on the job
    file: bytes | None = None  # a download
    file_name: str = ""


class JobFailed(Exception):
    """A failure the user is told about: `message` is a msgid (gettext_noop) with `params`."""

    def __init__(self, message: str, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class JobKind:
    key: str
    label: object
    run: Callable  # run(job, progress) -> JobResult; progress(done, total)
    render: Callable | None = None  # render(request, job) -> HttpResponse, once the job is done
    # stopped(job): the job's worker died and it was marked failed (services.mark_stopped); tidy up
    # what the dead run left marked in the kind's own records (an import: back to "uploaded").
    stopped: Callable | None = None


@dataclass(frozen=True)
class DailyWork:
    key: str
    label: object
    run: Callable  # run(day, progress) -> JobResult; idempotent: running it twice changes nothing
    order: int = 100


KINDS: dict[str, JobKind] = {}
DAILY: dict[str, DailyWork] = {}


def register(kind: JobKind) -> None:
    KINDS[kind.key] = kind


def register_daily(work: DailyWork) -> None:
    DAILY[work.key] = work
    register(JobKind(key=daily_kind(work.key), label=work.label, run=lambda job, progress: work.run(_day(job), progress)))


def _day(job):
    import datetime

    from django.utils import timezone

    day = (job.params or {}).get("day")
    return datetime.date.fromisoformat(day) if day else timezone.localdate()


def daily_kind(key: str) -> str:
    return f"daily.{key}"


def daily_work() -> list[DailyWork]:
    return sorted(DAILY.values(), key=lambda work: (work.order, work.key))


def kind_for(key: str) -> JobKind | None:
    return KINDS.get(key)


def kind_label(key: str):
    kind = KINDS.get(key)
    return kind.label if kind else _("Job “%(kind)s”") % {"kind": key}
