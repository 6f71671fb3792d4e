"""The preview of an uploaded import file, worked out once and kept, so that its pages only show it.

Reading and checking 100,000 rows takes half a minute: a file larger than
SALESDESK["IMPORT_JOB_ABOVE_KB"] is read and checked by the worker, as a job per file and column
mapping (a double click, or a second tab, checks it once), and its page shows the job's progress,
then the preview. A smaller file is checked in the request that uploads it or changes its columns.
Either way the same work runs: the import's `check` (customers here, past orders in sales/jobs.py),
whose counts go to ImportJob.preview and whose rows, with their values, errors and warnings (in the
uploader's language), go to ImportRow, shown a page at a time.

The result is written in one short transaction at the end, and only if the file still waits with
the same columns: a check whose worker is killed leaves nothing (it can be started again), and one
overtaken by new columns is dropped. Importing checks every row again (the data may have changed
since), so the preview is only what the user is shown."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_noop

from salesdesk.jobs import services as jobs
from salesdesk.jobs.registry import JobResult
from salesdesk.jobs.views import progress_context

from . import imports
from .models import ImportJob, ImportRow

PAGE_ROWS = 50


@dataclass
class Checked:
    """A file read and checked: its header row, the columns used, a row to keep per row, the counts."""

    headers: list[str]
    mapping: dict[int, str]
    rows: list[ImportRow] = field(default_factory=list)
    summary: dict = field(default_factory=dict)


def mapping_of(record: ImportJob) -> dict[int, str]:
    return {int(index): key for index, key in record.mapping.items()}


def check_key(kind: str, record: ImportJob) -> str:
    """One check per file and column mapping: starting it twice finds the first."""
    token = hashlib.sha1(json.dumps(record.mapping, sort_keys=True).encode()).hexdigest()[:12]
    return f"{kind}:{record.pk}:{token}"


def in_worker(size: int) -> bool:
    """Whether a file of `size` bytes is read and checked by the worker rather than in the request."""
    return size > settings.SALESDESK["IMPORT_JOB_ABOVE_KB"] * 1024


def file_size(record: ImportJob) -> int:
    """The stored file's size, without loading it."""
    return ImportJob.objects.filter(pk=record.pk).annotate(size=Length("content")).values_list("size", flat=True)[0]


def row_of(result, keys) -> ImportRow:
    """A checked row as the preview shows it: the mapped values as text."""
    return ImportRow(number=result.number, ok=result.ok, errors=[str(error) for error in result.errors],
                     warnings=[str(warning) for warning in result.warnings],
                     values={key: _shown(result.values.get(key)) for key in keys})


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def customers_checked(record: ImportJob, user, progress=None) -> Checked:
    """Customers, leads or contacts: every row checked (errors, duplicates, similar names)."""
    headers, rows = imports.read_table(record.file_name, bytes(record.content), progress=progress)
    mapping = mapping_of(record) if record.headers else imports.guess_mapping(record.kind, headers)
    results = imports.check(company=record.company, user=user, kind=record.kind, rows=rows, mapping=mapping,
                            update=record.update, progress=progress)
    keys = list(dict.fromkeys(mapping.values()))
    return Checked(headers=headers, mapping=mapping, rows=[row_of(result, keys) for result in results],
                   summary={"total": len(results), "bad": sum(1 for result in results if not result.ok),
                            "warned": sum(1 for result in results if result.warnings)})


def keep(pk: int, checked: Checked, *, mapping_before: dict) -> bool:
    """Store the preview, unless the file is no longer waiting with these columns; True if stored."""
    glance = ImportJob.objects.filter(pk=pk).values("status", "mapping").first()
    if glance is None or glance["status"] != ImportJob.Status.UPLOADED or glance["mapping"] != mapping_before:
        return False  # being imported (its lock is held for long), imported, or new columns chosen
    with transaction.atomic():
        record = ImportJob.objects.select_for_update(of=("self",)).defer("content", "rejected_file").get(pk=pk)
        if record.status != ImportJob.Status.UPLOADED or record.mapping != mapping_before:
            return False
        ImportRow.objects.filter(import_job=record).delete()
        for row in checked.rows:
            row.import_job = record
        ImportRow.objects.bulk_create(checked.rows, batch_size=2000)
        record.headers = checked.headers
        record.mapping = {str(index): key for index, key in checked.mapping.items()}
        record.preview, record.rows = checked.summary, len(checked.rows)
        record.save(update_fields=["headers", "mapping", "preview", "rows"])
    return True


def start(record: ImportJob, *, kind: str, work: Callable, user, employee, url: str, size: int | None = None):
    """Check the file: in this request when it is small (returns None), else in the worker (returns
    the job). A ValidationError of the check (inline) reaches the caller."""
    size = file_size(record) if size is None else size
    if not in_worker(size):
        record = ImportJob.objects.select_related("company", "pool").get(pk=record.pk)
        keep(record.pk, work(record, user), mapping_before=record.mapping)
        return None
    job, _started = jobs.start_job(kind=kind, company=record.company, started_by=employee,
                                   params={"import": record.pk, "mapping": record.mapping},
                                   dedupe_key=check_key(kind, record), url=url)
    return job


def run_check(job, progress, work: Callable) -> JobResult:
    """The check as a job (in the worker): read, check, keep."""
    pk, mapping = job.params["import"], job.params["mapping"]
    record = ImportJob.objects.select_related("company", "pool").filter(pk=pk).first()
    if record is None or record.status != ImportJob.Status.UPLOADED or record.mapping != mapping:
        return JobResult(message=gettext_noop("Not checked: the file has been imported or given other columns "
                                              "since."))
    checked = work(record, job.started_by.user, progress)
    if not keep(pk, checked, mapping_before=mapping):
        return JobResult(message=gettext_noop("Not checked: the file has been imported or given other columns "
                                              "since."))
    return JobResult(message=gettext_noop("%(total)d rows read and checked; %(bad)d with errors."),
                     params={"total": checked.summary["total"], "bad": checked.summary["bad"]})


def checking(record: ImportJob, kind: str) -> dict:
    """For a page without a preview yet: the check's job (waiting, running, failed or stopped)."""
    run = jobs.latest(check_key(kind, record))
    context = {"check": run, "checking": jobs.is_live(run)}
    if run is not None:
        context["check_progress"] = progress_context(run)
    return context


def rows_page(record: ImportJob, number, *, problems_only: bool = False):
    """A page of the kept rows (those with errors only, on request)."""
    rows = ImportRow.objects.filter(import_job=record)
    if problems_only:
        rows = rows.filter(ok=False)
    # One upload's rows, bounded by the import's own limit: counted exactly, so the page can say
    # "rows 51 to 100 of 812" (no core.paging cap).
    return Paginator(rows.order_by("number"), PAGE_ROWS).get_page(number)


def forget(record: ImportJob) -> None:
    """Once the file has been imported its preview rows are no longer shown."""
    ImportRow.objects.filter(import_job=record).delete()
