"""Import pages: upload, map the columns, preview with per-row errors and duplicates, commit (all
rows or the valid ones), download the template and the rejected rows. The work is done by
`imports`; reading and checking a large file for its preview (previews.py) and the commit run as
background jobs (customers/jobs.py) whose progress the page polls, so every request answers at once."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.downloads import xlsx_response
from salesdesk.core.forms import BootstrapForm
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.jobs import services as jobs
from salesdesk.jobs.views import progress_context

from .. import imports, previews
from ..jobs import IMPORT, IMPORT_CHECK, import_key, import_url
from ..models import CustomerPool, ImportJob
from .customers import company_of

MAX_UPLOAD = 30 * 1024 * 1024


class UploadForm(BootstrapForm):
    kind = forms.ChoiceField(label=gettext_lazy("What to import"), choices=list(imports.KINDS.items()))
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))
    update = forms.BooleanField(label=gettext_lazy("Update the customers the rows match instead of adding new ones"),
                                required=False)
    pool = forms.ModelChoiceField(label=gettext_lazy("Into a pool (nobody owns them)"),
                                  queryset=CustomerPool.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pool"].queryset = CustomerPool.objects.restrict(user).filter(is_active=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 30 MB."))
        return upload


def _job(request, pk) -> ImportJob:
    # Past orders are uploaded as import jobs too; they have pages of their own (sales/views_imports.py).
    return get_scoped_or_404(ImportJob.objects.select_related("pool").filter(kind__in=imports.FIELDS)
                             .defer("content"), request.user, pk=pk)


def _mapping(job) -> dict[int, str]:
    return {int(index): key for index, key in job.mapping.items()}


def _check(request, record, size=None):
    """Read and check the file for its preview: a small one now, a large one in the worker."""
    previews.start(record, kind=IMPORT_CHECK, work=previews.customers_checked, user=request.user,
                   employee=request.actor.employee, url=import_url(record), size=size)


@login_required
def import_new(request):
    company = company_of(request, with_defaults=True)
    actor = request.actor.employee
    if actor is None:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            # A small file is read here (one that cannot be read is refused at once); a large one by the worker.
            if not previews.in_worker(len(content)):
                imports.read_table(upload.name, content)
            elif not upload.name.lower().endswith((".xlsx", ".csv")):
                raise imports.UnreadableFile(_("Upload an .xlsx or a .csv file."))
        except imports.UnreadableFile as error:
            form.add_error("file", error.messages)
        else:
            kind = form.cleaned_data["kind"]
            with transaction.atomic():
                job = ImportJob.objects.create(
                    company=company, kind=kind, created_by=actor, file_name=upload.name[:200], content=content,
                    update=form.cleaned_data["update"] and kind == "customers", pool=form.cleaned_data["pool"])
                _check(request, job, size=len(content))
            return redirect("customers:import_job", pk=job.pk)
    recent = (ImportJob.objects.restrict(request.user).filter(created_by=actor, kind__in=imports.FIELDS)
              .defer("content", "rejected_file")[:10])
    return render(request, "customers/import_new.html", {"form": form, "recent": recent, "kinds": imports.KINDS},
                  status=400 if request.method == "POST" else 200)


@login_required
def import_job(request, pk):
    job = _job(request, pk)
    run = jobs.latest(import_key(job))
    if job.status == ImportJob.Status.RUNNING:
        # Being imported by the worker: the page shows its progress (or, if the worker was stopped,
        # a button to start again: nothing of the stopped run was kept).
        context = {"job": job, "run": run, "stopped": not jobs.is_live(run),
                   "mine": job.created_by_id == getattr(request.actor.employee, "pk", None)}
        if run is not None:
            context.update({"progress": progress_context(run)})
        return render(request, "customers/import_job.html", context)
    headers = job.headers
    fields = imports.FIELDS[job.kind]
    if request.method == "POST" and job.status == ImportJob.Status.UPLOADED:
        job = _own_job(request, pk)
        mapping, used = {}, set()
        for index in range(len(headers)):
            key = request.POST.get(f"column-{index}", "")
            if key in {spec.key for spec in fields} and key not in used:
                mapping[str(index)] = key
                used.add(key)
        with transaction.atomic():
            job.mapping, job.preview = mapping, None
            job.save(update_fields=["mapping", "preview"])
            _check(request, job)
        return redirect("customers:import_job", pk=job.pk)
    context = {"job": job, "headers": headers, "fields": fields, "mapping": _mapping(job),
               "failed": run if run is not None and run.status == run.Status.FAILED else None,
               "mine": job.created_by_id == getattr(request.actor.employee, "pk", None),
               "check_url": reverse("customers:import_check", args=[job.pk]),
               "upload_url": reverse("customers:import_new")}
    if job.status == ImportJob.Status.UPLOADED:
        context["columns"] = [(index, header, context["mapping"].get(index, "")) for index, header in enumerate(headers)]
        if job.preview is None:  # being read and checked by the worker (or that failed or stopped)
            context.update(previews.checking(job, IMPORT_CHECK))
        else:
            errors_only = request.GET.get("errors") == "1"
            page = previews.rows_page(job, request.GET.get("page"), problems_only=errors_only)
            context.update({
                "results": page.object_list, "page": page, "errors_only": errors_only,
                "total": job.preview["total"], "bad": job.preview["bad"], "warned": job.preview["warned"],
                "missing": [spec.label for spec in fields if spec.required and spec.key not in job.mapping.values()],
            })
    return render(request, "customers/import_job.html", context)


@login_required
@require_POST
def import_check(request, pk):
    """Read and check the file again, after its check failed or its worker was stopped."""
    job = _own_job(request, pk)
    if job.status == ImportJob.Status.UPLOADED and job.preview is None:
        with transaction.atomic():
            _check(request, job)
    return redirect("customers:import_job", pk=job.pk)


def _to_job(request, job):
    """Back to the job page; an htmx request (the commit button) is told to load it whole."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("customers:import_job", args=[job.pk])
        return response
    return redirect("customers:import_job", pk=job.pk)


def _own_job(request, pk) -> ImportJob:
    """A job only its uploader may change or run; managers who see it only look."""
    job = _job(request, pk)
    if job.created_by_id != getattr(request.actor.employee, "pk", None):
        raise Http404
    return job


@login_required
@require_POST
def import_commit(request, pk):
    """Hands the import to the worker and answers at once. The row lock and the status check make a
    double click (or a second tab) start it once; a locked row is being imported right now."""
    job = _own_job(request, pk)
    valid_only = request.POST.get("valid_only") == "1"
    with transaction.atomic():
        record = ImportJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
        if record is None or (record.status == ImportJob.Status.RUNNING and jobs.is_live(jobs.latest(import_key(job)))):
            messages.info(request, _("This file is being imported."))
            return _to_job(request, job)
        if record.status == ImportJob.Status.DONE:
            messages.info(request, _("This file has been imported already."))
            return _to_job(request, job)
        record.status = ImportJob.Status.RUNNING
        record.save(update_fields=["status"])
        jobs.start_job(kind=IMPORT, company=record.company, started_by=request.actor.employee, total=record.rows,
                       params={"import": record.pk, "valid_only": valid_only}, dedupe_key=import_key(record),
                       url=import_url(record))
    return _to_job(request, job)


@login_required
def import_progress(request, pk):
    job = _job(request, pk)
    run = jobs.latest(import_key(job))
    state = {"done": run.done if run else 0, "total": (run.total if run else 0) or job.rows}
    if request.htmx:
        return HttpResponse(_("Importing… %(done)d of %(total)d rows") % state)
    return JsonResponse({**state, "status": job.status, "job": run.status if run else None})


@login_required
def import_rejected(request, pk):
    job = _job(request, pk)
    if not job.rejected_file:
        raise Http404
    return xlsx_response(bytes(job.rejected_file), f"rejected-{job.pk}.xlsx")


@login_required
def import_template(request):
    kind = request.GET.get("kind", "customers")
    if kind not in imports.FIELDS:
        raise Http404
    return xlsx_response(imports.template_workbook(kind), f"salesdesk-{kind}-template.xlsx")
