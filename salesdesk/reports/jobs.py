"""Reports that run as background jobs when the scope is large (more than
SALESDESK["REPORT_JOB_ABOVE"] contracts or invoices): the contract execution statistics per period
and the collection analysis. The page answers at once with the job's progress; the figures are
cached on the job (as text, so Decimals stay exact) and shown when ready, and reused for a few
minutes by the same person asking the same question."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.http.request import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.jobs import services as jobs
from salesdesk.jobs.models import Job
from salesdesk.jobs.registry import JobKind, JobResult, register

from . import collection as collecting
from . import execution as executing

STATISTICS = "reports.contract_statistics"
COLLECTION = "reports.collection"
FRESH = datetime.timedelta(minutes=10)  # a cached result younger than this is shown again


def is_large(queryset) -> bool:
    limit = settings.SALESDESK["REPORT_JOB_ABOVE"]
    return queryset[:limit + 1].count() > limit


def key(kind: str, employee, params: dict) -> str:
    text = "&".join(f"{name}={params[name]}" for name in sorted(params))
    return f"{kind}:{employee.pk}:{hashlib.sha1(text.encode()).hexdigest()[:16]}"


def cached_or_started(*, kind: str, employee, company, params: dict, url: str = "") -> Job:
    """The same person's result for the same question if it is fresh, else the job computing it."""
    dedupe_key = key(kind, employee, params)
    last = jobs.latest(dedupe_key)
    if last is not None and (jobs.is_live(last) or (last.status == Job.Status.DONE and last.finished_at
                                                    and timezone.now() - last.finished_at < FRESH)):
        return last
    return jobs.start_job(kind=kind, company=company, started_by=employee, params=params, dedupe_key=dedupe_key,
                          url=url)[0]


# --- contract execution per period ------------------------------------------------------------

FIGURES = ("amount", "ordered", "shipped", "invoiced", "collected")


def run_statistics(job, progress) -> JobResult:
    from .views import contracts_for

    params = job.params
    contracts = contracts_for(job.started_by.user, QueryDict(params["query"]))[0]
    progress(0, 1)
    rows = executing.statistics(contracts, date_from=datetime.date.fromisoformat(params["from"]),
                                date_to=datetime.date.fromisoformat(params["to"]), unit=params["unit"])
    progress(1, 1)
    data = [{"key": list(row.key), "contracts": row.figures.contracts,
             **{name: str(getattr(row.figures, name)) for name in FIGURES}} for row in rows]
    return JobResult(message=gettext_noop("Execution per period added up: %(periods)d periods."),
                     params={"periods": len(data)}, data=data)


def statistics_rows(job) -> list[executing.PeriodRow]:
    return [executing.PeriodRow(key=tuple(row["key"]), unit=job.params["unit"], figures=executing.Execution(
        contracts=row["contracts"], **{name: Decimal(row[name]) for name in FIGURES})) for row in job.result or []]


def render_statistics(request, job):
    if job.status != Job.Status.DONE:
        return None
    return statistics_response(request, job)


def statistics_response(request, job) -> HttpResponse:
    from .views import statistics_fragment

    return statistics_fragment(request, statistics_rows(job), date_from=datetime.date.fromisoformat(job.params["from"]),
                               date_to=datetime.date.fromisoformat(job.params["to"]), computed_at=job.finished_at)


# --- collection analysis ----------------------------------------------------------------------

AMOUNTS = ("opening", "invoiced", "collected", "written_off", "invoiced_in_window")


def run_collection(job, progress) -> JobResult:
    from salesdesk.finance import receivables

    params, user = job.params, job.started_by.user
    invoices, _narrowed = receivables.narrow(collecting.receivable_invoices(user), department=params["department"],
                                             owner=params["owner"])
    progress(0, 1)
    rows, total = collecting.collection(user, date_from=datetime.date.fromisoformat(params["from"]),
                                        date_to=datetime.date.fromisoformat(params["to"]), by=params["by"],
                                        invoices=invoices)
    progress(1, 1)

    def plain(row):
        return {"key": row.key, "name": row.name, "days": row.days, **{name: str(getattr(row, name)) for name in AMOUNTS}}

    return JobResult(message=gettext_noop("Collection analysis ready: %(rows)d rows."), params={"rows": len(rows)},
                     data={"rows": [plain(row) for row in rows], "total": plain(total)})


def collection_rows(job) -> tuple[list[collecting.CollectionRow], collecting.CollectionRow]:
    def row(values):
        return collecting.CollectionRow(key=values["key"], name=values["name"], days=values["days"],
                                        **{name: Decimal(values.get(name, "0")) for name in AMOUNTS})

    return [row(values) for values in job.result["rows"]], row(job.result["total"])


def render_collection(request, job):
    """Once ready, the page is loaded again: it finds the cached result and shows it."""
    if job.status != Job.Status.DONE:
        return None
    response = HttpResponse(status=204)
    response["HX-Redirect"] = job.url
    return response


def register_jobs() -> None:
    register(JobKind(key=STATISTICS, label=_("Contract execution per period"), run=run_statistics,
                     render=render_statistics))
    register(JobKind(key=COLLECTION, label=_("Collection analysis"), run=run_collection, render=render_collection))
