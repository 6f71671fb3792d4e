"""Which price applies, and the two-person check of price changes (价格双人复核).

`price_for(product, customer, on)` finds the price a customer gets on a day: among the price
lists in use on that day that fit the customer (level and channel; a list naming both fits better
than one naming one, which fits better than a list for everyone), the best-fitting one with an
item for the product wins, the most recent first; without one, the product's standard price.

A price change is entered by one person (`propose_price_change`) and takes effect when a second
person confirms it (`confirm_price_change`); the one who entered it can never confirm it. "Person"
is the employee (`core.access.person_of`), compared on the locked row at the moment of the
confirmation: not a position (someone holding two pricing positions is still one person), not the
user id, and not what a page showed when it was opened (a stale form is judged by the row as it is).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.access import Denied, actor_of, person_of

from .capabilities import PRICING, SEE_FLOOR_PRICES
from .models import PriceChange, PriceList, PriceListItem, Product


@dataclass(frozen=True)
class Price:
    price: Decimal
    floor: Decimal | None
    source: str  # the price list's name, or "" for the standard price
    price_list_id: int | None = None


def _fit(price_list: PriceList, level: str, channel: str) -> int:
    return (2 if price_list.customer_level and price_list.customer_level == level else 0) + (
        1 if price_list.channel and price_list.channel == channel else 0)


def applicable_lists(*, company_id: int, level: str = "", channel: str = "", on: datetime.date | None = None):
    on = on or timezone.localdate()
    lists = (PriceList.objects.filter(company_id=company_id, is_active=True)
             .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on))
             .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
             .filter(Q(customer_level="") | Q(customer_level=level))
             .filter(Q(channel="") | Q(channel=channel)))
    return sorted(lists, key=lambda price_list: (-_fit(price_list, level, channel),
                                                 -(price_list.valid_from or datetime.date.min).toordinal(),
                                                 price_list.pk))


def prices_for(products, *, customer=None, on: datetime.date | None = None) -> dict[int, Price]:
    """The applicable price of each product, in two queries whatever their number."""
    products = list(products)
    if not products:
        return {}
    level = getattr(customer, "level", "") or ""
    channel = getattr(customer, "channel", "") or ""
    lists = applicable_lists(company_id=products[0].company_id, level=level, channel=channel, on=on)
    items = {}
    for item in PriceListItem.objects.filter(price_list__in=[price_list.pk for price_list in lists],
                                             product__in=[product.pk for product in products]):
        items[(item.price_list_id, item.product_id)] = item
    result = {}
    for product in products:
        for price_list in lists:
            item = items.get((price_list.pk, product.pk))
            if item is not None:
                floor = item.floor_price if item.floor_price is not None else product.floor_price
                result[product.pk] = Price(item.price, floor, price_list.name, price_list.pk)
                break
        else:
            result[product.pk] = Price(product.standard_price, product.floor_price, "")
    return result


def price_for(product: Product, *, customer=None, on: datetime.date | None = None) -> Price:
    return prices_for([product], customer=customer, on=on)[product.pk]


# --- the two-person check ----------------------------------------------------------------------


def _person(by):
    """The employee acting, for the record of who entered or checked a price; a price is entered
    and checked by people, never by a command or an administrator without an employee record."""
    person = person_of(by)
    if person is None:
        raise Denied(_("Only employees of the company can do this."))
    return person


def is_maker(change: PriceChange, who) -> bool:
    """Whether `who` (employee, actor or user) is the person who entered the change."""
    person = person_of(who)
    return person is not None and person.pk == change.entered_by_id


def may_price(user) -> bool:
    return actor_of(user).can(PRICING)


def may_see_floor(user) -> bool:
    """The floor price (底价) is what a discount may not go below: those who keep prices and those
    who approve discounts see it; a rep sees only that a price is below it, not where it lies."""
    actor = actor_of(user)
    return actor.can(PRICING) or actor.can(SEE_FLOOR_PRICES)


def hide_floor(user, rows):
    """`rows` (products or price list items) with the floor price blanked, in memory, for
    whoever may not see it."""
    if not may_see_floor(user):
        for row in rows:
            row.floor_price = None
    return rows


def _current(product: Product, price_list: PriceList | None) -> tuple[Decimal | None, Decimal | None]:
    if price_list is None:
        return product.standard_price, product.floor_price
    item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
    return (item.price, item.floor_price) if item else (None, None)


@transaction.atomic
def propose_price_change(*, by, product: Product, price: Decimal, floor_price: Decimal | None = None,
                         price_list: PriceList | None = None, reason: str = "") -> PriceChange:
    actor_of(by).require(PRICING)
    by = _person(by)
    product = Product.objects.select_for_update().get(pk=product.pk)
    if price is None or price < 0:
        raise ValidationError({"price": _("A price cannot be negative.")})
    if floor_price is not None and (floor_price < 0 or floor_price > price):
        raise ValidationError({"floor_price": _("The floor price must lie between 0 and the price.")})
    if price_list is not None and price_list.company_id != product.company_id:
        raise ValidationError(_("The price list belongs to another company."))
    waiting = PriceChange.objects.filter(product=product, price_list=price_list, status=PriceChange.Status.PENDING)
    if waiting.exists():
        raise ValidationError(_("A change of this price is already waiting for its check; confirm, reject or "
                                "cancel it first."))
    old_price, old_floor = _current(product, price_list)
    return PriceChange.objects.create(company_id=product.company_id, product=product, price_list=price_list,
                                      price=price, floor_price=floor_price, old_price=old_price,
                                      old_floor_price=old_floor, reason=reason.strip(), entered_by=by)


def _locked_pending(change: PriceChange) -> PriceChange:
    change = PriceChange.objects.select_for_update(of=("self",)).select_related("product", "price_list").get(pk=change.pk)
    if change.status != PriceChange.Status.PENDING:
        raise ValidationError(_("This price change has already been dealt with (%(status)s).") % {
            "status": change.get_status_display()})
    return change


@transaction.atomic
def confirm_price_change(*, by, change: PriceChange) -> PriceChange:
    actor_of(by).require(PRICING)
    by = _person(by)
    change = _locked_pending(change)
    if is_maker(change, by):
        raise ValidationError(_("A price change is confirmed by a second person, not by the one who entered it."))
    product = Product.objects.select_for_update().get(pk=change.product_id)
    change.old_price, change.old_floor_price = _current(product, change.price_list)
    if change.price_list is None:
        product.standard_price, product.floor_price = change.price, change.floor_price
        product.price_checked = True
        product.save(update_fields=["standard_price", "floor_price", "price_checked"])
    else:
        item, created = PriceListItem.objects.get_or_create(
            price_list=change.price_list, product=product,
            defaults={"price": change.price, "floor_price": change.floor_price})
        if not created:
            item.price, item.floor_price = change.price, change.floor_price
            item.save(update_fields=["price", "floor_price"])
    change.status, change.checked_by, change.checked_at = PriceChange.Status.CONFIRMED, by, timezone.now()
    change.save(update_fields=["status", "checked_by", "checked_at", "old_price", "old_floor_price"])
    return change


@transaction.atomic
def reject_price_change(*, by, change: PriceChange, comment: str) -> PriceChange:
    actor_of(by).require(PRICING)
    by = _person(by)
    change = _locked_pending(change)
    if is_maker(change, by):
        raise ValidationError(_("The one who entered a price change cancels it rather than rejecting it."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the price is wrong.")})
    change.status, change.checked_by, change.checked_at = PriceChange.Status.REJECTED, by, timezone.now()
    change.check_comment = comment.strip()[:200]
    change.save(update_fields=["status", "checked_by", "checked_at", "check_comment"])
    return change


@transaction.atomic
def cancel_price_change(*, by, change: PriceChange) -> PriceChange:
    change = _locked_pending(change)
    if not is_maker(change, by):
        raise ValidationError(_("Only the one who entered a price change can cancel it."))
    change.status = PriceChange.Status.CANCELLED
    change.save(update_fields=["status"])
    return change
