from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import AuditEntry


@login_required
def log(request):
    entries = AuditEntry.objects.restrict(request.user, "view").select_related("content_type")[:100]
    return render(request, "audit/log.html", {"entries": entries})
