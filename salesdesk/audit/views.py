from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .filters import AuditFilterForm, filter_entries
from .models import AuditEntry


def _label_of(model, name):
    try:
        return capfirst(model._meta.get_field(name).verbose_name) if model else name
    except Exception:
        return name


def _shown(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or None
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items()) or None
    return str(value)


def type_label(entry):
    model = entry.content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else entry.content_type.model


def changed_fields(entry):
    """[(label, before, after)] of one entry, in the model's field order where known."""
    model = entry.content_type.model_class()
    return [(_label_of(model, name), _shown(before), _shown(after))
            for name, (before, after) in (entry.changes or {}).items()]


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
