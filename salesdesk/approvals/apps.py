from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "salesdesk.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.audit import registry as audit
        from salesdesk.core.navigation import MenuItem, add

        from . import capabilities, models, notices, queues, scope_rules  # noqa: F401

        audit.register(models.ApprovalChain, exclude=("updated_at",))
        audit.register(models.ApprovalStep)
        audit.register(models.ApprovalRequest)
        audit.register(models.ApprovalTask)
        audit.register(models.ApprovalNote)
        from .orgfile import register as register_org_section

        register_org_section()
        add(MenuItem(key="approvals", label=_("Approvals"), url_name="approvals:inbox", icon="check2-square",
                     order=8))

        from . import api

        resources.register(api.RESOURCES)
