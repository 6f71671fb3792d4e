from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "salesdesk.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from salesdesk.core.navigation import MenuItem, add

        from . import daily_org, housekeeping, scope_rules  # noqa: F401
        from .selectors import sees_all_jobs

        add(MenuItem(key="jobs", group="org", label=_("Background jobs"), url_name="jobs:list", icon="hourglass-split",
                     order=60, visible=lambda request: sees_all_jobs(request.user)))
