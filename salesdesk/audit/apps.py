from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "salesdesk.audit"
    label = "audit"

    def ready(self):
        from salesdesk.core import scope

        from .models import AuditEntry

        # Auditors (audit module scope "all") see everything; a manager sees the changes made by
        # the people in their org scope.
        scope.register(AuditEntry, scope.ScopeRule(module="audit", owner="actor_employee"))
