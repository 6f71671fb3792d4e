from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    name = "salesdesk.workbench"
    label = "workbench"

    def ready(self):
        from salesdesk.core.navigation import MenuItem, add

        add(MenuItem(key="workbench", label=_("Workbench"), url_name="workbench:home", icon="grid-1x2", order=0))
