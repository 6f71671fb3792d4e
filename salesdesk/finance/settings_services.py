"""Company settings of the finance module, written by organisation administrators: what an invoice
may cover (what has been shipped or what has been ordered) and the default days to pay an invoice."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.org.models import Company

from .models import CreditPolicy, FinanceSettings

MAX_PAYMENT_DAYS = 365


def payment_days_error() -> ValidationError:
    return ValidationError({"default_payment_days": _("Between 0 and 365 days.")})


@transaction.atomic
def update_finance_settings(*, company: Company, invoice_basis: str, default_payment_days: int,
                            default_credit_policy: str | None = None,
                            default_credit_limit: Decimal | None = None) -> FinanceSettings:
    """Save the company's finance settings (made on first save). Applies to invoices requested and
    issued from now on; invoices already issued keep their due dates. The terms of unrated customers
    apply to the next order, shipment and invoice checked."""
    if invoice_basis not in FinanceSettings.Basis.values:
        raise ValidationError({"invoice_basis": _("Choose what an invoice may cover.")})
    if isinstance(default_payment_days, bool) or not isinstance(default_payment_days, int) \
            or not 0 <= default_payment_days <= MAX_PAYMENT_DAYS:
        raise payment_days_error()
    values = {"invoice_basis": invoice_basis, "default_payment_days": default_payment_days}
    if default_credit_policy is not None:
        if default_credit_policy not in CreditPolicy.values:
            raise ValidationError({"default_credit_policy": _("Choose a payment policy.")})
        values["default_credit_policy"] = default_credit_policy
    if default_credit_limit is not None:
        limit = Decimal(default_credit_limit)
        if not limit.is_finite() or limit < 0 or limit >= Decimal("1e14"):
            raise ValidationError({"default_credit_limit": _("The credit limit cannot be negative.")})
        values["default_credit_limit"] = limit.quantize(Decimal("0.01"))
    settings, created = FinanceSettings.objects.select_for_update().get_or_create(company=company, defaults=values)
    if not created:
        for name, value in values.items():
            setattr(settings, name, value)
        settings.save()  # the audit log records what changed, nothing when nothing did
    return settings
