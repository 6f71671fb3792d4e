from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "salesdesk.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import models, scope_rules  # noqa: F401
