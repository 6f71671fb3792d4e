from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "salesdesk.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self):
        from salesdesk.api import resources
        from salesdesk.audit import registry as audit
        from salesdesk.core.navigation import MenuItem, add

        from . import (  # noqa: F401
            approval_panels,
            capabilities,
            contracts,
            customer_sections,
            models,
            orders,
            queues,
            quotations,
            scope_rules,
        )
        from .jobs import register_jobs

        register_jobs()

        for model in (models.ProductLine, models.Product, models.PriceList, models.PriceListItem, models.PriceChange,
                      models.Quotation, models.QuotationLine, models.Contract, models.ContractLine,
                      models.Installment, models.SalesOrder, models.SalesOrderLine, models.Warehouse,
                      models.StockLevel, models.Shipment, models.ShipmentLine):
            audit.register(model)
        audit.register(models.ContractAttachment, exclude=("content",))
        quotations.register_approvals()
        contracts.register_approvals()
        orders.register_approvals()
        approval_panels.register_panels()
        customer_sections.register_sections()
        add(MenuItem(key="quotations", group="sales", label=_("Quotations"), url_name="sales:quotations", icon="file-earmark-text",
                     order=7))
        add(MenuItem(key="contracts", group="sales", label=_("Contracts"), url_name="sales:contracts",
                     icon="file-earmark-check", order=8))
        add(MenuItem(key="orders", group="sales", label=_("Orders"), url_name="sales:orders", icon="cart-check",
                     order=8))
        add(MenuItem(key="shipments", group="sales", label=_("Shipments"), url_name="sales:shipments", icon="truck",
                     order=8))
        add(MenuItem(key="products", group="sales", label=_("Products"), url_name="sales:products", icon="box-seam", order=9))

        from . import api

        resources.register(api.RESOURCES)
