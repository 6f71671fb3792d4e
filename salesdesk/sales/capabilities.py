"""What sales duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities

PRICING = capabilities.register(
    "pricing", _("Maintain products and prices, check price changes"), app="sales",
    denied=_("Only holders of the pricing duty maintain products and prices."))
SHIP_GOODS = capabilities.register(
    "ship_goods", _("Release shipments, keep the stock and the warehouses"), app="sales",
    denied=_("Only the shipping clerks and administrators keep the stock."))
SEE_FLOOR_PRICES = capabilities.register(
    "see_floor_prices", _("See floor prices (to judge and approve discounts)"), app="sales",
    denied=_("Floor prices are shown only to those who price or approve discounts."))
