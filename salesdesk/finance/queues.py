"""Workbench queues of finance:

* invoices_to_check (开票复核): invoice requests a colleague made, for the second person to check;
* payments_to_confirm (回款确认): registered receipts waiting for finance to find them on the account —
  not the ones the user registered, which another person confirms;
* receivables_overdue (应收催办): open collection tasks of my scope — the rep's own customers, the
  whole company for finance.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.workbench.registry import Queue, register

from .selectors import collection_tasks_for, invoices_to_check, payments_to_confirm

register(Queue(
    key="invoices_to_check",
    title=_("Invoices to check"),
    description=_("Invoice requests a colleague made, waiting for the second person"),
    count=lambda user: invoices_to_check(user).count(),
    url=lambda user: reverse("finance:invoices") + "?status=to_check",
    order=30,
))

register(Queue(
    key="payments_to_confirm",
    title=_("Payments to confirm"),
    description=_("Receipts registered, waiting for finance to find them on the account"),
    count=lambda user: payments_to_confirm(user).count(),
    url=lambda user: reverse("finance:payments") + "?status=registered",
    order=31,
))

register(Queue(
    key="receivables_overdue",
    title=_("Receivables to chase"),
    description=_("Customers with overdue invoices, oldest first"),
    count=lambda user: collection_tasks_for(user).count(),
    url=lambda user: reverse("finance:collection"),
    order=32,
))
