"""Workbench queue of finance: invoices_to_check (开票复核), requests a colleague made, for the second
person to check."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from salesdesk.workbench.registry import Queue, register

from .selectors import invoices_to_check

register(Queue(
    key="invoices_to_check",
    title=_("Invoices to check"),
    description=_("Invoice requests a colleague made, waiting for the second person"),
    count=lambda user: invoices_to_check(user).count(),
    url=lambda user: reverse("finance:invoices") + "?status=to_check",
    order=30,
))
