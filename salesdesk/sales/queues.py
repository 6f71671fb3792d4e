"""Workbench queues of the sales module.

* prices_to_check (价格待复核): price changes someone else entered, for holders of the pricing duty;
* contracts_review (合同评审): contracts in review within the user's scope, for the 内勤 who
  organise the reviews;
* contracts_expiring (合同即将到期): my contracts in force that end within 30 days (comes with the
  rep's follow-ups);
* orders_to_follow (跟单): confirmed orders of my scope not yet fully shipped, late ones first;
* to_ship (待出库): shipments of my scope drafted and waiting to be released from the warehouse.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.workbench.registry import Queue, register

from .models import Contract, Shipment
from .selectors import contracts_for, expiring_contracts, orders_for, price_changes_to_check, shipments_for

register(Queue(
    key="prices_to_check",
    title=_("Prices to check"),
    description=_("Price changes a colleague entered, waiting for a second person"),
    count=lambda user: price_changes_to_check(user).count(),
    url=lambda user: reverse("sales:price_changes"),
    order=20,
    shown_when_waiting=True,
))

register(Queue(
    key="contracts_review",
    title=_("Contracts in review"),
    description=_("Contracts of my scope going through 合同评审"),
    count=lambda user: contracts_for(user, scene="all", status=Contract.Status.IN_REVIEW).count(),
    url=lambda user: reverse("sales:contracts") + "?scene=all&status=in_review",
    order=22,
))

register(Queue(
    key="contracts_expiring",
    title=_("Contracts about to expire"),
    description=_("My contracts in force that end within 30 days"),
    count=lambda user: expiring_contracts(contracts_for(user, scene="mine")).count(),
    url=lambda user: reverse("sales:contracts") + "?scene=mine&expiring=1",
    order=24,
    comes_with=("followups_today", "receivables_overdue"),
))

register(Queue(
    key="orders_to_follow",
    title=_("Orders to follow"),
    description=_("Confirmed orders not yet fully shipped, late ones first"),
    count=lambda user: orders_for(user, scene="follow").count(),
    url=lambda user: reverse("sales:orders") + "?scene=follow",
    order=26,
))

register(Queue(
    key="to_ship",
    title=_("Shipments to release"),
    description=_("Shipments drafted from orders, waiting to leave the warehouse"),
    count=lambda user: shipments_for(user, status=Shipment.Status.DRAFT).count(),
    url=lambda user: reverse("sales:shipments") + "?status=draft",
    order=28,
))
