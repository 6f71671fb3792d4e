"""The customers app's background jobs: checking an uploaded file for its preview (previews.py),
committing an import, exporting a large list, and the daily return of customers to the pool
(registered with the jobs app in CustomersConfig.ready())."""

from __future__ import annotations

import hashlib
import io

from django.db import transaction
from django.http import HttpResponse
from django.http.request import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.jobs.registry import DailyWork, JobFailed, JobKind, JobResult, register, register_daily

from . import imports, previews
from .models import ImportJob

IMPORT = "customers.import"
IMPORT_CHECK = "customers.import_check"
EXPORT = "customers.export"


def import_key(record: ImportJob) -> str:
    return f"{IMPORT}:{record.pk}"


def _back_to_uploaded(pk: int) -> None:
    """After a failure nothing was written (one transaction): the file may be imported again."""
    ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING).update(status=ImportJob.Status.UPLOADED)


def run_import(job, progress) -> JobResult:
    """Every row or (valid_only) the valid rows, in one transaction with the ImportJob's DONE: a
    failure, or a worker killed half-way, leaves no row behind and the file ready to import again."""
    pk = job.params["import"]
    user = job.started_by.user
    try:
        with transaction.atomic():
            # Locked while it imports; the import page's button skips a locked row (it is running).
            record = ImportJob.objects.select_for_update(of=("self",)).select_related("company", "pool").get(pk=pk)
            if record.status == ImportJob.Status.DONE:
                return JobResult(message=gettext_noop("This file has been imported already."))
            headers, rows = imports.read_table(record.file_name, bytes(record.content))
            progress(0, len(rows))
            outcome = imports.commit(company=record.company, user=user, kind=record.kind, rows=rows,
                                     mapping=previews.mapping_of(record) if record.headers else
                                     imports.guess_mapping(record.kind, headers),  # imported before its check
                                     valid_only=job.params.get("valid_only", False), update=record.update,
                                     pool=record.pool, progress=progress)
            record.status = ImportJob.Status.DONE
            record.created, record.updated, record.rejected = outcome.created, outcome.updated, len(outcome.rejected)
            if outcome.rejected:
                record.rejected_file = imports.rejected_workbook(headers, rows, outcome.rejected)
            record.finished_at = timezone.now()
            record.save()
            previews.forget(record)
    except imports.NothingImported as error:
        _back_to_uploaded(pk)
        raise JobFailed(gettext_noop("%(count)d rows have errors; nothing was imported. Fix them, or import the "
                                     "valid rows only."), {"count": sum(1 for row in error.results if not row.ok)})
    except BaseException:
        _back_to_uploaded(pk)
        raise
    return JobResult(message=gettext_noop("Imported: %(created)d new, %(updated)d updated, %(rejected)d rejected."),
                     params={"created": record.created, "updated": record.updated, "rejected": record.rejected})


def reopen_stopped(job, key) -> bool:
    """JobKind.stopped of the imports (this one and the past orders'): the worker importing the file
    died and the housekeeping marked its job failed. Nothing of the run was kept (one transaction),
    so the file goes back to "uploaded": its page shows why and offers the import again. Left alone
    when it is being imported again already (its row locked, or a newer job under its key)."""
    from salesdesk.jobs.services import latest

    with transaction.atomic():
        record = (ImportJob.objects.select_for_update(skip_locked=True)
                  .filter(pk=(job.params or {}).get("import"), status=ImportJob.Status.RUNNING).first())
        if record is None:
            return False
        newest = latest(key(record))
        if newest is not None and newest.pk != job.pk:
            return False
        record.status = ImportJob.Status.UPLOADED
        record.save(update_fields=["status"])
    return True


def import_stopped(job) -> None:
    reopen_stopped(job, import_key)


def run_import_check(job, progress) -> JobResult:
    return previews.run_check(job, progress, previews.customers_checked)


def render_import(request, job):
    """Once the import (or its check) has finished, the import page shows its outcome (or the rows to fix)."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = job.url
    return response


def export_key(employee, query: str) -> str:
    return f"{EXPORT}:{employee.pk}:{hashlib.sha1(query.encode()).hexdigest()[:16]}"


def run_export(job, progress) -> JobResult:
    from .exports import write_customers
    from .selectors import sees_full_mobiles
    from .views.customers import customers_for_query

    user = job.started_by.user
    queryset = customers_for_query(user, job.company, QueryDict(job.params.get("query", "")))
    progress(0, queryset.count())
    target = io.BytesIO()
    count = write_customers(queryset, target, full_mobiles=sees_full_mobiles(user), owner_id=job.started_by_id,
                            progress=progress)
    return JobResult(message=gettext_noop("%(count)d customers exported."), params={"count": count},
                     file=target.getvalue(), file_name=f"customers-{timezone.localdate():%Y%m%d}.xlsx")


def recycle_pool(day, progress) -> JobResult:
    from . import services

    result = services.recycle_pool(today=day)
    return JobResult(message=gettext_noop("%(returned)d customers returned to their pools; %(warned)d owners warned "
                                          "of customers due soon."), params=result)


def prune_imports(day, progress) -> JobResult:
    """Imports older than KEEP_JOBS_DAYS: an upload never imported is deleted with its preview; an
    imported file's content is dropped (the record of what was imported, and its rejected rows, stay)."""
    from salesdesk.jobs.housekeeping import keep_after

    cutoff = keep_after()
    _rows, deleted = ImportJob.objects.filter(status=ImportJob.Status.UPLOADED, created_at__lt=cutoff).delete()
    abandoned = deleted.get(ImportJob._meta.label, 0)
    emptied = (ImportJob.objects.filter(status__in=(ImportJob.Status.DONE, ImportJob.Status.FAILED),
                                        finished_at__lt=cutoff).exclude(content=b"").update(content=b""))
    return JobResult(message=gettext_noop("%(abandoned)d uploads never imported deleted; %(emptied)d imported files "
                                          "dropped."), params={"abandoned": abandoned, "emptied": emptied})


def register_jobs() -> None:
    register(JobKind(key=IMPORT, label=_("Customer import"), run=run_import, render=render_import,
                     stopped=import_stopped))
    register(JobKind(key=IMPORT_CHECK, label=_("Reading and checking an import file"), run=run_import_check,
                     render=render_import))
    register(JobKind(key=EXPORT, label=_("Customer export"), run=run_export))
    register_daily(DailyWork(key="recycle_pool", label=_("Return customers to the pool"), run=recycle_pool, order=20))
    register_daily(DailyWork(key="prune_imports", label=_("Delete old import files"), run=prune_imports, order=80))


def import_url(record: ImportJob) -> str:
    return reverse("customers:import_job", args=[record.pk])
