"""The notification centre (消息中心): my notifications, newest first; opening one marks it read
and goes to what it is about."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404, scope_for

from . import selectors, services
from .models import Notification


@login_required
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    rows = selectors.notifications_for(request.user, unread_only=unread_only)
    page = list_page(rows, request)
    return render(request, "notifications/list.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def open_notification(request, pk: int):
    notification = get_scoped_or_404(Notification, request.user, pk=pk)
    services.mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request):
    scope = scope_for(request.user)
    if scope.employee_id is not None:
        count = services.mark_all_read(recipient=scope.employee_id)
        if count:
            messages.success(request, _("All notifications marked as read."))
    return redirect("notifications:list")
