"""Document lines shared by quotations, contracts and orders: a product, a quantity and a price, priced
from the customer's price lists; the list price and floor are kept on the line, so that a later
price change does not change a document already written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from salesdesk.core.numbers import MONEY, PRICE, QUANTITY, checked_decimal, largest

from . import pricing
from .models import Product

CENT = Decimal("0.01")


@dataclass
class LineInput:
    product: Product
    quantity: Decimal
    unit_price: Decimal | None = None  # None: the customer's price from the price lists
    description: str = ""


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def priced_lines(*, customer, lines: list[LineInput], on: datetime.date) -> list[dict]:
    """Turn inputs into line values: list price and floor from the price lists (on `on`), the net
    unit price (given, or the list price), the discount against the list price, the amount."""
    if not lines:
        raise ValidationError(_("Add at least one line."))
    products = [line.product for line in lines]
    for product in products:
        if product.company_id != customer.company_id:
            raise ValidationError(_("Product %(code)s belongs to another company.") % {"code": product.code})
        if not product.is_active:
            raise ValidationError(_("Product %(code)s is not on sale.") % {"code": product.code})
        if not product.price_checked:
            raise ValidationError(_("The price of product %(code)s has not been checked yet.") % {"code": product.code})
    prices = pricing.prices_for(products, customer=customer, on=on)
    rows = []
    for position, line in enumerate(lines, start=1):
        if line.quantity is None:
            raise ValidationError(_("Line %(n)s: the quantity must be above zero.") % {"n": position})
        quantity = checked_decimal(line.quantity, QUANTITY, what=_("Line %(n)s: the quantity") % {"n": position})
        if quantity <= 0:
            raise ValidationError(_("Line %(n)s: the quantity must be above zero.") % {"n": position})
        found = prices[line.product.pk]
        unit_price = found.price if line.unit_price is None else checked_decimal(
            line.unit_price, PRICE, what=_("Line %(n)s: the price") % {"n": position})
        if unit_price < 0:
            raise ValidationError(_("Line %(n)s: a price cannot be negative.") % {"n": position})
        if quantity * max(unit_price, found.price) > largest(MONEY):  # the amount, and at list prices
            raise ValidationError(_("Line %(n)s: quantity × price is more than an amount can be (at most "
                                    "%(largest)s).") % {"n": position, "largest": f"{largest(MONEY):,}"})
        discount = Decimal(0)
        if found.price:
            discount = ((found.price - unit_price) * 100 / found.price).quantize(CENT, rounding=ROUND_HALF_UP)
        rows.append({
            "position": position, "product": line.product, "description": line.description.strip(),
            "quantity": quantity, "unit": line.product.unit, "list_price": found.price,
            "discount": max(min(discount, Decimal("100")), Decimal("-999")), "unit_price": unit_price,
            "floor_price": found.floor, "tax_rate": line.product.tax_rate,
            "amount": money(quantity * unit_price),
        })
    return rows


LINE_FIELDS = ("position", "product", "description", "quantity", "unit", "list_price", "discount", "unit_price",
               "floor_price", "tax_rate", "amount")


def copied(line) -> dict:
    """The values of a line of one document, for a line of another (quotation → contract → order)."""
    return {field: getattr(line, field) for field in LINE_FIELDS}


def totals(rows) -> tuple[Decimal, Decimal]:
    """(amount, amount at list prices) of line values or lines."""
    def get(row, key):
        return row[key] if isinstance(row, dict) else getattr(row, key)
    amount = sum((get(row, "amount") for row in rows), Decimal(0))
    listed = sum((money(get(row, "quantity") * get(row, "list_price")) for row in rows), Decimal(0))
    if max(amount, listed) > largest(MONEY):
        raise ValidationError(_("The lines add up to more than a document's amount can be (at most %(largest)s).")
                              % {"largest": f"{largest(MONEY):,}"})
    return amount, listed
