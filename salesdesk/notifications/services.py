"""Sending and reading notifications."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, recipients: Iterable, kind: str, params: dict, url: str = "", actor=None) -> list[Notification]:
    """One notification per distinct recipient (employees or their ids); the actor is not told of
    their own action."""
    actor_id = getattr(actor, "pk", actor)
    ids = []
    for recipient in recipients:
        recipient_id = getattr(recipient, "pk", recipient)
        if recipient_id is not None and recipient_id != actor_id and recipient_id not in ids:
            ids.append(recipient_id)
    return Notification.objects.bulk_create([
        Notification(recipient_id=recipient_id, actor_id=actor_id, kind=kind, params=params, url=url)
        for recipient_id in ids
    ])


@transaction.atomic
def mark_read(*, notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
        notification.read_at = timezone.now()


@transaction.atomic
def mark_all_read(*, recipient) -> int:
    recipient_id = getattr(recipient, "pk", recipient)
    return Notification.objects.filter(recipient_id=recipient_id, read_at__isnull=True).update(read_at=timezone.now())
