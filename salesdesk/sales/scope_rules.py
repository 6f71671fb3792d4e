"""Who sees what in the sales module (module "sales").

* Products, product lines, price lists and their prices are company reference data: everyone in
  the company reads them; prices change only through the two-person check (pricing.py), products
  through the services, by holders of the pricing duty.
* A quotation: its owner's scope, its collaborators (approvers read it), and whoever sees its
  customer's owner (the account's rep sees the quotations a colleague made to his customer).
* A contract, an order, a shipment: the same; their lines, installments and attachments follow them.
* Warehouses and their stock levels are company reference data.
"""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import scope

from .models import (
    Contract,
    ContractAttachment,
    ContractLine,
    Installment,
    PriceChange,
    PriceList,
    PriceListItem,
    Product,
    ProductLine,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    StockLevel,
    Warehouse,
)

MODULE = "sales"

scope.register_module(MODULE, _("Sales"))
for reference in (ProductLine, Product, PriceList, PriceChange):
    scope.register(reference, scope.ScopeRule(company_wide=True))
scope.register(PriceListItem, scope.ScopeRule(company_wide=True, company="price_list__company"))
scope.register(Quotation, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
scope.register(QuotationLine, scope.ScopeRule(module=MODULE, owner="", parents=("quotation",),
                                              company="quotation__company"))
scope.register(Contract, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
for part in (ContractLine, Installment, ContractAttachment):
    scope.register(part, scope.ScopeRule(module=MODULE, owner="", parents=("contract",), company="contract__company"))
scope.register(SalesOrder, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
scope.register(SalesOrderLine, scope.ScopeRule(module=MODULE, owner="", parents=("order",), company="order__company"))
scope.register(Shipment, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
scope.register(ShipmentLine, scope.ScopeRule(module=MODULE, owner="", parents=("shipment",), company="shipment__company"))
scope.register(Warehouse, scope.ScopeRule(company_wide=True))
scope.register(StockLevel, scope.ScopeRule(company_wide=True, company="warehouse__company"))
