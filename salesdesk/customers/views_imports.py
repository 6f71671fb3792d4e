"""Import pages: upload, map the columns, preview with per-row errors and duplicates, commit (all
rows or the valid ones), download the template and the rejected rows. The work is done by
`imports`; progress of a long commit is kept in the cache and polled by the page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.downloads import xlsx_response
from salesdesk.core.forms import BootstrapForm
from salesdesk.core.scope import get_scoped_or_404

from . import imports
from .models import CustomerPool, ImportJob
from .views import company_of, me

PREVIEW_ROWS = 50
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
    return get_scoped_or_404(ImportJob.objects.select_related("pool").filter(kind__in=imports.FIELDS), request.user,
                             pk=pk)


def _table(job):
    return imports.read_table(job.file_name, bytes(job.content))


def _mapping(job) -> dict[int, str]:
    return {int(index): key for index, key in job.mapping.items()}


@login_required
def import_new(request):
    company = company_of(request, with_defaults=True)
    actor = me(request)
    if actor is None:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            headers, rows = imports.read_table(upload.name, content)
        except imports.UnreadableFile as error:
            form.add_error("file", error.messages)
        else:
            kind = form.cleaned_data["kind"]
            job = ImportJob.objects.create(
                company=company, kind=kind, created_by=actor, file_name=upload.name[:200], content=content,
                mapping={str(i): key for i, key in imports.guess_mapping(kind, headers).items()},
                update=form.cleaned_data["update"] and kind == "customers", pool=form.cleaned_data["pool"],
                rows=len(rows))
            return redirect("customers:import_job", pk=job.pk)
    recent = ImportJob.objects.restrict(request.user).filter(created_by=actor, kind__in=imports.FIELDS)[:10]
    return render(request, "customers/import_new.html", {"form": form, "recent": recent, "kinds": imports.KINDS},
                  status=400 if request.method == "POST" else 200)


@login_required
def import_job(request, pk):
    job = _job(request, pk)
    headers, rows = _table(job)
    fields = imports.FIELDS[job.kind]
    if request.method == "POST" and job.status == ImportJob.Status.UPLOADED:
        job = _own_job(request, pk)
        mapping, used = {}, set()
        for index in range(len(headers)):
            key = request.POST.get(f"column-{index}", "")
            if key in {spec.key for spec in fields} and key not in used:
                mapping[str(index)] = key
                used.add(key)
        job.mapping = mapping
        job.save(update_fields=["mapping"])
        return redirect("customers:import_job", pk=job.pk)
    context = {"job": job, "headers": headers, "fields": fields, "mapping": _mapping(job)}
    if job.status == ImportJob.Status.UPLOADED:
        results = imports.check(company=job.company, user=request.user, kind=job.kind, rows=rows,
                                mapping=_mapping(job), update=job.update)
        missing = [spec.label for spec in fields if spec.required and spec.key not in job.mapping.values()]
        context.update({
            "results": results[:PREVIEW_ROWS], "total": len(results),
            "bad": sum(1 for result in results if not result.ok),
            "warned": sum(1 for result in results if result.warnings),
            "missing": missing,
            "columns": [(index, header, context["mapping"].get(index, "")) for index, header in enumerate(headers)],
        })
    return render(request, "customers/import_job.html", context)


def _to_job(request, job):
    """Back to the job page; an htmx request (the commit button) is told to load it whole."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("customers:import_job", args=[job.pk])
        return response
    return redirect("customers:import_job", pk=job.pk)


def _progress_key(job) -> str:
    return f"salesdesk:import-progress:{job.pk}"


def _own_job(request, pk) -> ImportJob:
    """A job only its uploader may change or run; managers who see it only look."""
    job = _job(request, pk)
    if job.created_by_id != getattr(me(request), "pk", None):
        raise Http404
    return job


@login_required
@require_POST
def import_commit(request, pk):
    job = _own_job(request, pk)
    if job.status != ImportJob.Status.UPLOADED:
        messages.info(request, _("This file has been imported already."))
        return _to_job(request, job)
    headers, rows = _table(job)
    valid_only = request.POST.get("valid_only") == "1"
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(done, total):
        cache.set(_progress_key(job), {"done": done, "total": total}, 3600)

    try:
        outcome = imports.commit(company=job.company, user=request.user, kind=job.kind, rows=rows,
                                 mapping=_mapping(job), valid_only=valid_only, update=job.update, pool=job.pool,
                                 progress=progress)
    except imports.NothingImported as error:
        job.status = ImportJob.Status.UPLOADED
        job.save(update_fields=["status"])
        messages.error(request, " ".join(error.messages))
        return _to_job(request, job)
    job.status = ImportJob.Status.DONE
    job.created, job.updated, job.rejected = outcome.created, outcome.updated, len(outcome.rejected)
    if outcome.rejected:
        job.rejected_file = imports.rejected_workbook(headers, rows, outcome.rejected)
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job))
    messages.success(request, _("Imported: %(created)d new, %(updated)d updated, %(rejected)d rejected.")
                     % {"created": job.created, "updated": job.updated, "rejected": job.rejected})
    return _to_job(request, job)


@login_required
def import_progress(request, pk):
    job = _job(request, pk)
    state = cache.get(_progress_key(job)) or {"done": 0, "total": job.rows}
    if request.htmx:
        return HttpResponse(_("Importing… %(done)d of %(total)d rows") % state)
    return JsonResponse({**state, "status": job.status})


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
