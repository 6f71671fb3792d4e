"""Numbers typed or sent by people and programs, checked against the columns that keep them.

Every amount, price and quantity goes through `checked_decimal` before it reaches arithmetic or the
database: not a number, NaN, Infinity, `1e400`, thirty digits or more decimals than the column keeps
are refused with a ValidationError that says so (in the reader's language), never a 500 from a
Decimal operation or the database. The sizes are those of the model columns (sales.models MONEY,
PRICE and the quantity columns; finance the same)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# (max_digits, decimal_places) of the DecimalField columns
MONEY = (16, 2)
PRICE = (16, 4)
QUANTITY = (14, 3)


def largest(digits: tuple[int, int]) -> Decimal:
    """The largest value a column of `digits` keeps: (16, 2) → 99,999,999,999,999.99."""
    max_digits, places = digits
    return Decimal(10) ** (max_digits - places) - Decimal(1).scaleb(-places)


def parse_decimal(value, *, what=None) -> Decimal:
    """A typed or sent value (text, Decimal, int) as a Decimal; empty is zero. Not a number: refused."""
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value if value is not None else "").strip().replace(",", "")
        try:
            number = Decimal(text or "0")
        except (InvalidOperation, ValueError):
            raise ValidationError(_("%(what)s must be a number, e.g. 1200.50.") % {"what": what or _("The value")},
                                  code="invalid") from None
    return number


def checked_decimal(value, digits: tuple[int, int], *, what=None) -> Decimal:
    """`value` as a Decimal that fits a column of `digits` = (max_digits, decimal_places): finite, no
    more decimals than the column keeps, no larger than it holds (either sign)."""
    what = what or _("The value")
    number = parse_decimal(value, what=what)
    if not number.is_finite():  # NaN, sNaN, Infinity
        raise ValidationError(_("%(what)s must be a finite number.") % {"what": what}, code="invalid")
    if abs(number) > largest(digits):
        raise ValidationError(_("%(what)s is too large: at most %(largest)s.") % {
            "what": what, "largest": f"{largest(digits):,}"}, code="max_value")
    places = digits[1]
    if number != number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN):
        raise ValidationError(_("%(what)s has at most %(places)s decimals.") % {"what": what, "places": places},
                              code="max_decimal_places")
    return number
