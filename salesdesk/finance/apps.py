from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "salesdesk.finance"
    label = "finance"
    verbose_name = _("Finance")

    def ready(self):
        from salesdesk.audit import registry as audit
        from salesdesk.core.navigation import MenuItem, add

        from . import models, queues, scope_rules  # noqa: F401

        for model in (models.FinanceSettings, models.Invoice, models.InvoiceLine):
            audit.register(model)
        add(MenuItem(key="invoices", group="sales", label=_("Invoices"), url_name="finance:invoices",
                     icon="receipt", order=9))
