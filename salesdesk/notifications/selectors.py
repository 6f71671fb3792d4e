"""Reads of notifications: always the signed-in person's own (the scope rule is personal)."""

from salesdesk.core.scope import scope_for

from .models import Notification


def notifications_for(user, *, unread_only: bool = False):
    scope = scope_for(user)
    queryset = Notification.objects.restrict(user).filter(recipient_id=scope.employee_id).select_related("actor")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset


def unread_count(user) -> int:
    scope = scope_for(user)
    if scope.employee_id is None:
        return 0
    return Notification.objects.filter(recipient_id=scope.employee_id, read_at__isnull=True).count()
