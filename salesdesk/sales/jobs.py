"""The sales app's background jobs: reading and checking an uploaded file of past orders for its
preview (kept like the customers import's, customers/previews.py), and importing the orders
(history.py) in the worker, every order or none, in one transaction with the ImportJob marked done
(registered in SalesConfig.ready())."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from salesdesk.customers import previews
from salesdesk.customers.jobs import reopen_stopped
from salesdesk.customers.models import ImportJob
from salesdesk.jobs.registry import JobFailed, JobKind, JobResult, register

from . import history

ORDER_IMPORT = "sales.order_import"
ORDER_CHECK = "sales.order_import_check"


def import_key(record: ImportJob) -> str:
    return f"{ORDER_IMPORT}:{record.pk}"


def import_url(record: ImportJob) -> str:
    return reverse("sales:order_import_job", args=[record.pk])


def run_order_import(job, progress) -> JobResult:
    pk = job.params["import"]
    try:
        with transaction.atomic():
            record = ImportJob.objects.select_for_update(of=("self",)).select_related("company").get(pk=pk, kind=history.KIND)
            if record.status == ImportJob.Status.DONE:
                return JobResult(message=gettext_noop("This file has been imported already."))
            headers, rows = history.read_table(record.file_name, bytes(record.content))
            outcome = history.commit(company=record.company, user=job.started_by.user, rows=rows,
                                     mapping=previews.mapping_of(record) if record.headers else
                                     history.guess_mapping(headers),  # imported before its check
                                     progress=progress)
            record.status, record.created, record.finished_at = ImportJob.Status.DONE, outcome.orders, timezone.now()
            record.message = _("Orders imported: %(orders)d (lines: %(lines)d; shipped: %(shipments)d).") % {
                "orders": outcome.orders, "lines": outcome.lines, "shipments": outcome.shipments}
            record.save(update_fields=["status", "created", "finished_at", "message"])
            previews.forget(record)
    except history.OrdersNotImported as error:  # the preview lists the rows
        _back_to_uploaded(pk)
        raise JobFailed(gettext_noop("Rows with errors: %(count)d. No order was imported; correct the file and "
                                     "import it again."), {"count": sum(1 for row in error.results if not row.ok)})
    except BaseException:  # a ValidationError's text is the starter's language already
        _back_to_uploaded(pk)
        raise
    return JobResult(message=gettext_noop("Orders imported: %(orders)d (lines: %(lines)d; shipped: %(shipments)d)."),
                     params={"orders": outcome.orders, "lines": outcome.lines, "shipments": outcome.shipments})


def orders_checked(record: ImportJob, user, progress=None) -> previews.Checked:
    """Every row checked; the preview lists the rows with errors (all rows when there are none) and
    counts the orders and their amount the valid rows make."""
    headers, rows = history.read_table(record.file_name, bytes(record.content), progress=progress)
    mapping = previews.mapping_of(record) if record.headers else history.guess_mapping(headers)
    results = history.check(company=record.company, user=user, rows=rows, mapping=mapping, progress=progress)
    orders, amount = history.totals(results)
    keys = list(dict.fromkeys(mapping.values()))
    return previews.Checked(headers=headers, mapping=mapping,
                            rows=[previews.row_of(result, keys) for result in results],
                            summary={"total": len(results), "bad": sum(1 for result in results if not result.ok),
                                     "orders": orders, "amount": str(amount)})


def run_order_check(job, progress) -> JobResult:
    return previews.run_check(job, progress, orders_checked)


def _back_to_uploaded(pk: int) -> None:
    ImportJob.objects.filter(pk=pk, status=ImportJob.Status.RUNNING).update(status=ImportJob.Status.UPLOADED)


def order_import_stopped(job) -> None:
    """Its worker died: nothing was imported (one transaction); the file may be imported again."""
    reopen_stopped(job, import_key)


def render_import(request, job):
    response = HttpResponse(status=204)
    response["HX-Redirect"] = job.url
    return response


def register_jobs() -> None:
    register(JobKind(key=ORDER_IMPORT, label=gettext_lazy("Import of past orders"), run=run_order_import,
                     render=render_import, stopped=order_import_stopped))
    register(JobKind(key=ORDER_CHECK, label=gettext_lazy("Reading and checking a file of past orders"),
                     run=run_order_check, render=render_import))
