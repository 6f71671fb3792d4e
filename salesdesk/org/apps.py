from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "salesdesk.org"
    label = "org"

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.audit import registry as audit
        from salesdesk.core import scope
        from salesdesk.core.navigation import MenuItem, add

        from . import (  # noqa: F401
            capabilities,
            models,
            queues,
            scope_rules,
            scope_source,
            versions,
            versions_queues,
            versions_scope,
        )

        scope.set_source(scope_source.OrgScopeSource())

        for model in (models.Company, models.Department, models.Territory, models.Duty,
                      models.PositionScope, models.Assignment, models.OrgChangeSet, models.OrgVersion):
            audit.register(model)
        audit.register(models.Employee, exclude=("preferences",))  # page settings, not the person's record
        audit.register(models.Position, exclude=("scope_levels",))  # a copy of the PositionScope rows

        add(MenuItem(key="org", group="org", label=_("Org chart"), url_name="org:chart", icon="diagram-3", order=10))
        add(MenuItem(key="people", group="org", label=_("People"), url_name="org:people", icon="people", order=20))
        add(MenuItem(key="headcount", group="org", label=_("Headcount"), url_name="org:headcount", icon="table", order=30))
        add(MenuItem(key="org-versions", group="org", label=_("Org versions"), url_name="org:versions", icon="clock-history",
                     order=40))
        add(MenuItem(key="org-manage", group="org", label=_("Org maintenance"), url_name="org:manage", icon="pencil-square",
                     order=50, visible=lambda request: versions.is_org_admin(request.user)))

        from . import api

        resources.register(api.RESOURCES)
