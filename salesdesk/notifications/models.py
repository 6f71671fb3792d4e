"""In-app notifications (消息中心). A notification keeps what happened as a kind and its
parameters, not as text, so that it reads in whatever language its recipient uses that day."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from salesdesk.core.scope import ScopedManager


class Notification(models.Model):
    recipient = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    actor = models.ForeignKey("org.Employee", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("from"))
    kind = models.CharField(_("kind"), max_length=48)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.text()

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def text(self) -> str:
        from .registry import render

        return render(self.kind, self.params)
