"""Importing past orders: upload, preview with the errors of each row, import (every order or none,
in the background: sales/jobs.py), and the template to start from. The work is done by `history`; the uploaded file waits between the
steps as an ImportJob (kind "orders"), like the customers import's files, and a large one is read and
checked for its preview by the worker too (customers/previews.py), so every request answers at once."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.downloads import xlsx_response
from salesdesk.core.forms import BootstrapForm
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers import previews
from salesdesk.customers.models import ImportJob
from salesdesk.jobs import services as jobs
from salesdesk.jobs.views import progress_context

from .. import history
from ..jobs import ORDER_CHECK, ORDER_IMPORT, import_key, import_url, orders_checked

MAX_UPLOAD = 30 * 1024 * 1024


class UploadForm(BootstrapForm):
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"),
                           help_text=gettext_lazy("One row per order line; the rows of an order share its former "
                                                  "number."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 30 MB."))
        return upload


def _job(request, pk) -> ImportJob:
    return get_scoped_or_404(ImportJob.objects.filter(kind=history.KIND).defer("content"), request.user, pk=pk)


def _own_job(request, pk) -> ImportJob:
    """A job only its uploader may change or run; managers who see it only look."""
    job = _job(request, pk)
    if job.created_by_id != request.actor.acting_employee().pk:
        raise Http404
    return job


def _mapping(job) -> dict[int, str]:
    return {int(index): key for index, key in job.mapping.items()}


def _check(request, record, size=None) -> None:
    """Read and check the file for its preview: a small one now, a large one in the worker. A check
    that refuses the whole file (another company's) says so."""
    try:
        previews.start(record, kind=ORDER_CHECK, work=orders_checked, user=request.user,
                       employee=request.actor.acting_employee(), url=import_url(record), size=size)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))


@login_required
def order_import(request):
    me = request.actor.acting_employee()
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            # A small file is read here (one that cannot be read is refused at once); a large one by the worker.
            if not previews.in_worker(len(content)):
                history.read_table(upload.name, content)
            elif not upload.name.lower().endswith((".xlsx", ".csv")):
                raise history.UnreadableFile(_("Upload an .xlsx or a .csv file."))
        except history.UnreadableFile as error:
            form.add_error("file", error.messages)
        else:
            with transaction.atomic():
                job = ImportJob.objects.create(company_id=me.company_id, kind=history.KIND, created_by=me,
                                               file_name=upload.name[:200], content=content)
                _check(request, job, size=len(content))
            return redirect("sales:order_import_job", pk=job.pk)
    recent = (ImportJob.objects.restrict(request.user).filter(kind=history.KIND, created_by=me)
              .defer("content", "rejected_file")[:10])
    return render(request, "sales/order_import.html", {"form": form, "recent": recent, "fields": history.FIELDS},
                  status=400 if request.method == "POST" else 200)


@login_required
def order_import_template(request):
    return xlsx_response(history.template_workbook(), "salesdesk-orders-template.xlsx")


@login_required
def order_import_job(request, pk):
    job = _job(request, pk)
    run = jobs.latest(import_key(job))
    if job.status == ImportJob.Status.RUNNING:
        # In the worker: the page shows its progress, or a button to start again if it was stopped.
        context = {"job": job, "run": run, "stopped": not jobs.is_live(run), "mine": job.created_by_id == request.actor.acting_employee().pk}
        if run is not None:
            context["progress"] = progress_context(run)
        return render(request, "sales/order_import_job.html", context)
    headers = job.headers
    if request.method == "POST" and job.status == ImportJob.Status.UPLOADED:
        job = _own_job(request, pk)
        keys, mapping = {spec.key for spec in history.FIELDS}, {}
        for index in range(len(headers)):
            key = request.POST.get(f"column-{index}", "")
            if key in keys and key not in mapping.values():
                mapping[str(index)] = key
        with transaction.atomic():
            job.mapping, job.preview = mapping, None
            job.save(update_fields=["mapping", "preview"])
            _check(request, job)
        return redirect("sales:order_import_job", pk=job.pk)
    context = {"job": job, "fields": history.FIELDS, "mine": job.created_by_id == request.actor.acting_employee().pk,
               "failed": run if run is not None and run.status == run.Status.FAILED else None,
               "check_url": reverse("sales:order_import_check", args=[job.pk]),
               "upload_url": reverse("sales:order_import")}
    if job.status == ImportJob.Status.UPLOADED:
        mapping = _mapping(job)
        context["columns"] = [(index, header, mapping.get(index, "")) for index, header in enumerate(headers)]
        if job.preview is None:  # being read and checked by the worker (or that failed or stopped)
            context.update(previews.checking(job, ORDER_CHECK))
        else:
            summary = job.preview
            # With errors, the rows to correct are listed; without, the rows as they will be read.
            page = previews.rows_page(job, request.GET.get("page"), problems_only=bool(summary["bad"]))
            context.update({
                "results": page.object_list, "page": page, "total": summary["total"], "bad": summary["bad"],
                "orders": summary["orders"], "amount": Decimal(summary["amount"]),
                "missing": [spec.label for spec in history.FIELDS if spec.required and spec.key not in mapping.values()],
            })
    return render(request, "sales/order_import_job.html", context)


@login_required
@require_POST
def order_import_check(request, pk):
    """Read and check the file again, after its check failed or its worker was stopped."""
    job = _own_job(request, pk)
    if job.status == ImportJob.Status.UPLOADED and job.preview is None:
        with transaction.atomic():
            _check(request, job)
    return redirect("sales:order_import_job", pk=job.pk)


@login_required
@require_POST
def order_import_commit(request, pk):
    """Hands the import to the worker (sales/jobs.py) and answers at once; the row lock and the status
    check make a double click start it once (a locked row is being imported right now)."""
    job = _own_job(request, pk)
    with transaction.atomic():
        record = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
        if record is None or (record.status == ImportJob.Status.RUNNING and jobs.is_live(jobs.latest(import_key(job)))):
            messages.info(request, _("This file is being imported."))
            return redirect("sales:order_import_job", pk=job.pk)
        if record.status == ImportJob.Status.DONE:
            messages.info(request, _("This file has been imported already."))
            return redirect("sales:order_import_job", pk=job.pk)
        record.status = ImportJob.Status.RUNNING
        record.save(update_fields=["status"])
        jobs.start_job(kind=ORDER_IMPORT, company=record.company, started_by=request.actor.acting_employee(), total=record.rows,
                       params={"import": record.pk}, dedupe_key=import_key(record), url=import_url(record))
    return redirect("sales:order_import_job", pk=job.pk)
