"""Reads of the sales module, through the data scope."""

import datetime

from django.db.models import Q
from django.utils import timezone

from salesdesk.core.scope import scope_for

from . import pricing
from .models import Contract, PriceChange, PriceList, Product, ProductLine, Quotation, SalesOrder, Shipment


def products_for(user, *, search: str = "", line: int | None = None, active_only: bool = False):
    queryset = Product.objects.restrict(user).select_related("product_line")
    if search:
        queryset = queryset.filter(Q(code__icontains=search) | Q(name__icontains=search) | Q(spec__icontains=search))
    if line:
        queryset = queryset.filter(product_line_id=line)
    if active_only:
        queryset = queryset.filter(is_active=True)
    return queryset


def product_lines_for(user):
    return ProductLine.objects.restrict(user)


def price_lists_for(user):
    return PriceList.objects.restrict(user)


def price_changes_for(user, *, status: str = ""):
    queryset = PriceChange.objects.restrict(user).select_related("product", "price_list", "entered_by", "checked_by")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def price_changes_to_check(user):
    """Pending changes a colleague entered, for someone who may check prices; nothing for others."""
    if not pricing.may_price(user):
        return PriceChange.objects.none()
    scope = scope_for(user)
    return price_changes_for(user, status=PriceChange.Status.PENDING).exclude(entered_by_id=scope.employee_id)


QUOTATION_SCENES = ("mine", "team", "all")


def default_scene(user) -> str:
    """Where a document list opens: a rep on his own documents, anyone whose scope reaches further (a
    manager, a director, a clerk) on the team's — "mine" would be empty for a director."""
    return "team" if scope_for(user).sees_others("sales") else "mine"


def quotations_for(user, *, scene: str = "mine", status: str = "", search: str = ""):
    """Quotations the user sees: their own ("mine"), the rest of their scope ("team") or all of it;
    superseded versions only when asked for by status."""
    scope = scope_for(user)
    queryset = Quotation.objects.restrict(user).select_related("customer", "owner")
    if scene == "mine":
        queryset = queryset.filter(owner_id=scope.employee_id)
    elif scene == "team":
        queryset = queryset.exclude(owner_id=scope.employee_id)
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status=Quotation.Status.SUPERSEDED)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                                   | Q(title__icontains=search))
    return queryset


EXPIRY_WARNING_DAYS = 30


def contracts_for(user, *, scene: str = "mine", status: str = "", search: str = "", expiring: bool = False):
    """The contract ledger (合同台账) as the user may see it."""
    scope = scope_for(user)
    queryset = Contract.objects.restrict(user).select_related("customer", "owner")
    if scene == "mine":
        queryset = queryset.filter(owner_id=scope.employee_id)
    elif scene == "team":
        queryset = queryset.exclude(owner_id=scope.employee_id)
    if status:
        queryset = queryset.filter(status=status)
    if expiring:
        queryset = expiring_contracts(queryset)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                                   | Q(title__icontains=search))
    return queryset


def expiring_contracts(queryset, *, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
    today = today or timezone.localdate()
    return queryset.filter(status=Contract.Status.ACTIVE, ends_on__gte=today,
                           ends_on__lte=today + datetime.timedelta(days=days)).order_by("ends_on", "pk")


def orders_for(user, *, scene: str = "mine", status: str = "", search: str = ""):
    """Orders the user may see. Scene "follow" (跟单): confirmed orders not yet fully shipped, late ones
    first, then by delivery date."""
    scope = scope_for(user)
    queryset = SalesOrder.objects.restrict(user).select_related("customer", "owner", "contract")
    if scene == "mine":
        queryset = queryset.filter(owner_id=scope.employee_id)
    elif scene == "team":
        queryset = queryset.exclude(owner_id=scope.employee_id)
    elif scene == "follow":
        queryset = orders_to_follow(queryset)
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search))
    return queryset


def orders_to_follow(queryset):
    return queryset.filter(status__in=SalesOrder.TO_FOLLOW).order_by("delivery_on", "pk")


def shipments_for(user, *, status: str = "", search: str = ""):
    queryset = Shipment.objects.restrict(user).select_related("customer", "order", "warehouse", "owner")
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                                   | Q(order__number__icontains=search) | Q(tracking_number__icontains=search))
    return queryset
