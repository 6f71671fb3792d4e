"""Who sees invoices (module "finance"): the order owner's scope (the rep, his superiors, the
sales assistants and finance people whose finance scope covers him), the customer owner's, and
collaborators; the lines follow their invoice. The company's finance settings are reference data."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import scope

from .models import FinanceSettings, Invoice, InvoiceLine

MODULE = "finance"

scope.register_module(MODULE, _("Finance"))
scope.register(FinanceSettings, scope.ScopeRule(company_wide=True))
scope.register(Invoice, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
scope.register(InvoiceLine, scope.ScopeRule(module=MODULE, owner="", parents=("invoice",), company="invoice__company"))
