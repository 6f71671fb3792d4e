from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def can_see_audit_menu(request) -> bool:
    """System administrators, and people whose positions let them see more than their own
    changes in the audit module (auditors, managers given an audit scope)."""
    from salesdesk.core.scope import ScopeLevel, scope_for

    user = request.user
    if user.is_superuser:
        return True
    return any(position.scope_level("audit") != ScopeLevel.SELF for position in scope_for(user).positions)


class AuditConfig(AppConfig):
    name = "salesdesk.audit"
    label = "audit"

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.core import scope
        from salesdesk.core.navigation import MenuItem, add

        from .models import AuditEntry

        # Auditors (audit module scope "all") see every entry of their company: entries carry the
        # company of the record they are about (companies.py), whoever made the change — a command,
        # an import, a system administrator. A manager sees the changes made by the people in their
        # org scope, within the company too (models.AppendOnlyQuerySet.restrict).
        scope.register(AuditEntry, scope.ScopeRule(module="audit", owner="actor_employee", company="company"))
        add(MenuItem(key="audit", label=_("Audit log"), url_name="audit:log", icon="journal-text",
                     visible=can_see_audit_menu, order=900))

        from . import api

        resources.register(api.RESOURCES)
