from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst

from .filters import AuditFilterForm, filter_entries
from .models import AuditEntry
from .selectors import changed_fields


def type_label(entry):
    model = entry.content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else entry.content_type.model


@login_required
def log(request):
    """The audit log, limited to the user's audit scope (by default: the changes they made)."""
    form = AuditFilterForm(request.GET or None)
    entries = filter_entries(
        AuditEntry.objects.restrict(request.user, "view").select_related("content_type"), form)
    page = Paginator(entries, settings.SALESDESK["PAGE_SIZE"]).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(entry, type_label(entry), changed_fields(entry)) for entry in page],
        "query": query.urlencode(),
    }
    template = "audit/_log_table.html" if request.htmx and not request.htmx.boosted else "audit/log.html"
    return render(request, template, context)
