"""What finance duties can allow (see core.capabilities)."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import capabilities

CREDIT = capabilities.register(
    "credit", _("Rate customers and set their credit limits"), app="finance",
    denied=_("Only those who manage credit rate customers."))
CONFIRM_PAYMENTS = capabilities.register(
    "confirm_payments", _("Confirm, allocate and refund payments"), app="finance",
    denied=_("Only finance confirms, allocates and refunds payments."))
CHECK_INVOICES = capabilities.register(
    "check_invoices", _("Check, issue and mail invoices"), app="finance",
    denied=_("Only the invoicing clerks check and issue invoices."))
