"""Importing past orders: upload, preview with the errors of each row, import (every order or none),
and the template to start from. The work is done by `history`; the uploaded file waits between the
steps as an ImportJob (kind "orders"), like the customers import's files."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.downloads import xlsx_response
from salesdesk.core.forms import BootstrapForm
from salesdesk.core.scope import get_scoped_or_404, scope_for
from salesdesk.customers.models import ImportJob
from salesdesk.org.models import Employee

from . import history

PREVIEW_ROWS = 50
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


def _me(request) -> Employee:
    scope = scope_for(request.user)
    employee = Employee.objects.filter(pk=scope.employee_id).first() if scope.employee_id else None
    if employee is None:
        raise PermissionDenied(_("Only employees import orders."))
    return employee


def _job(request, pk) -> ImportJob:
    return get_scoped_or_404(ImportJob.objects.filter(kind=history.KIND), request.user, pk=pk)


def _own_job(request, pk) -> ImportJob:
    """A job only its uploader may change or run; managers who see it only look."""
    job = _job(request, pk)
    if job.created_by_id != _me(request).pk:
        raise Http404
    return job


def _mapping(job) -> dict[int, str]:
    return {int(index): key for index, key in job.mapping.items()}


@login_required
def order_import(request):
    me = _me(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            headers, rows = history.read_table(upload.name, content)
        except history.UnreadableFile as error:
            form.add_error("file", error.messages)
        else:
            job = ImportJob.objects.create(
                company_id=me.company_id, kind=history.KIND, created_by=me, file_name=upload.name[:200],
                content=content, rows=len(rows),
                mapping={str(index): key for index, key in history.guess_mapping(headers).items()})
            return redirect("sales:order_import_job", pk=job.pk)
    recent = ImportJob.objects.restrict(request.user).filter(kind=history.KIND, created_by=me)[:10]
    return render(request, "sales/order_import.html", {"form": form, "recent": recent, "fields": history.FIELDS},
                  status=400 if request.method == "POST" else 200)


@login_required
def order_import_template(request):
    return xlsx_response(history.template_workbook(), "salesdesk-orders-template.xlsx")


@login_required
def order_import_job(request, pk):
    job = _job(request, pk)
    headers, rows = history.read_table(job.file_name, bytes(job.content))
    if request.method == "POST" and job.status == ImportJob.Status.UPLOADED:
        job = _own_job(request, pk)
        keys, mapping = {spec.key for spec in history.FIELDS}, {}
        for index in range(len(headers)):
            key = request.POST.get(f"column-{index}", "")
            if key in keys and key not in mapping.values():
                mapping[str(index)] = key
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        return redirect("sales:order_import_job", pk=job.pk)
    context = {"job": job, "fields": history.FIELDS, "mine": job.created_by_id == _me(request).pk}
    if job.status == ImportJob.Status.UPLOADED:
        mapping = _mapping(job)
        try:
            results = history.check(company=job.company, user=request.user, rows=rows, mapping=mapping)
        except ValidationError as error:
            results = []
            messages.error(request, " ".join(error.messages))
        bad = [result for result in results if not result.ok]
        orders, amount = history.totals(results)
        context.update({
            # With errors, the rows to correct come first; without, the first rows as they will be read.
            "results": (bad or results)[:PREVIEW_ROWS], "total": len(results), "bad": len(bad),
            "orders": orders, "amount": amount,
            "missing": [spec.label for spec in history.FIELDS if spec.required and spec.key not in mapping.values()],
            "columns": [(index, header, mapping.get(index, "")) for index, header in enumerate(headers)],
        })
    return render(request, "sales/order_import_job.html", context)


@login_required
@require_POST
def order_import_commit(request, pk):
    job = _own_job(request, pk)
    with transaction.atomic():
        # Locked while it runs: a second click waits, then finds the file imported.
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.UPLOADED:
            messages.info(request, _("This file has been imported already."))
            return redirect("sales:order_import_job", pk=job.pk)
        _headers, rows = history.read_table(job.file_name, bytes(job.content))
        try:
            outcome = history.commit(company=job.company, user=request.user, rows=rows, mapping=_mapping(job))
        except history.OrdersNotImported as error:
            messages.error(request, error.messages[0])  # the preview lists the rows
            return redirect("sales:order_import_job", pk=job.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("sales:order_import_job", pk=job.pk)
        job.status, job.created, job.finished_at = ImportJob.Status.DONE, outcome.orders, timezone.now()
        job.message = _("Orders imported: %(orders)d (lines: %(lines)d; shipped: %(shipments)d).") % {
            "orders": outcome.orders, "lines": outcome.lines, "shipments": outcome.shipments}
        job.save(update_fields=["status", "created", "finished_at", "message"])
    messages.success(request, job.message)
    return redirect("sales:order_import_job", pk=job.pk)
