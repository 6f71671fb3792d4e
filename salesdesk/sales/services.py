"""Writes of the sales module: products and product lines (prices go through `pricing`)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import pricing
from .models import Product, ProductLine

PRODUCT_FIELDS = {"name", "spec", "unit", "product_line", "tax_rate", "is_active"}


def _check_tax_rate(tax_rate) -> None:
    if tax_rate is not None and not (Decimal(0) <= Decimal(tax_rate) < 1):
        raise ValidationError({"tax_rate": _("Write the tax rate as a fraction, e.g. 0.13 for 13 %.")})


@transaction.atomic
def create_product(*, company, by, code: str, name: str, standard_price: Decimal, floor_price: Decimal | None = None,
                   **fields) -> Product:
    """A new product; its standard price waits for a second person's check like any price change."""
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ValidationError({"code" if not code else "name": _("This field is required.")})
    if Product.objects.filter(company=company, code=code).exists():
        raise ValidationError({"code": _("Another product has the code %(code)s.") % {"code": code}})
    _check_tax_rate(fields.get("tax_rate"))
    line = fields.get("product_line")
    if line is not None and line.company_id != company.pk:
        raise ValidationError({"product_line": _("The product line belongs to another company.")})
    product = Product.objects.create(company=company, code=code, name=name, standard_price=Decimal(0), **fields)
    pricing.propose_price_change(by=by, product=product, price=standard_price, floor_price=floor_price,
                                 reason=_("New product"))
    return product


@transaction.atomic
def update_product(*, product: Product, **fields) -> Product:
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _check_tax_rate(fields.get("tax_rate"))
    for name, value in fields.items():
        setattr(product, name, value)
    product.save()
    return product


@transaction.atomic
def create_product_line(*, company, name: str) -> ProductLine:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("This field is required.")})
    line, _created = ProductLine.objects.get_or_create(company=company, name=name)
    return line
