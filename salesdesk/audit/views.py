from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from salesdesk.core.paging import list_page

from .filters import AuditFilterForm, filter_entries
from .models import AuditEntry
from .selectors import log_rows


@login_required
def log(request):
    """The audit log, limited to the user's audit scope (by default: the changes they made), in the
    words of the pages; related records are named only from the reader's own company."""
    form = AuditFilterForm(request.GET or None)
    entries = filter_entries(
        AuditEntry.objects.restrict(request.user, "view").select_related("content_type"), form)
    page = list_page(entries, request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        # Names only from the reader's company (None for a system administrator without one).
        "rows": log_rows(page, company=request.actor.company_id),
        "query": query.urlencode(),
    }
    template = "audit/_log_table.html" if request.htmx and not request.htmx.boosted else "audit/log.html"
    return render(request, template, context)
