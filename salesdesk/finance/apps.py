from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "salesdesk.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.audit import registry as audit
        from salesdesk.core.navigation import MenuItem, add

        from . import (  # noqa: F401
            approval_panels,
            capabilities,
            credit,
            customer_sections,
            models,
            payments,
            queues,
            scope_rules,
        )
        from .jobs import register_jobs

        register_jobs()

        for model in (models.FinanceSettings, models.Invoice, models.InvoiceLine, models.Payment, models.Allocation,
                      models.Refund, models.WriteOff, models.CollectionTask, models.CollectionNote,
                      models.CreditProfile, models.CreditOverride, models.CreditChange):
            audit.register(model)
        payments.register_approvals()
        credit.register_approvals()
        credit.register_gate()
        approval_panels.register_panels()
        customer_sections.register_sections()
        add(MenuItem(key="invoices", group="sales", label=_("Invoices"), url_name="finance:invoices",
                     icon="receipt", order=9))
        add(MenuItem(key="payments", group="sales", label=_("Payments"), url_name="finance:payments",
                     icon="cash-coin", order=9))
        add(MenuItem(key="receivables", group="sales", label=_("Receivables"), url_name="finance:receivables",
                     icon="hourglass-split", order=9))
        add(MenuItem(key="credit", group="sales", label=_("Credit"), url_name="finance:credit",
                     icon="shield-check", order=9))

        from . import api

        resources.register(api.RESOURCES)
