"""Who sees what in finance (module "finance"): an invoice, payment, write-off, collection task,
credit profile, credit change or credit override is seen within the finance scope of its owner and of its
customer's owner (the rep, his superiors, the sales assistants and finance people whose finance
scope covers them), and by its collaborators (whoever asked for it, its approvers). Lines,
allocations, refunds and collection notes follow their document. The company's finance settings
are reference data."""

from django.utils.translation import gettext_lazy as _

from salesdesk.core import scope

from .models import (
    Allocation,
    CollectionNote,
    CollectionTask,
    CreditChange,
    CreditOverride,
    CreditProfile,
    FinanceSettings,
    Invoice,
    InvoiceLine,
    Payment,
    Refund,
    WriteOff,
)

MODULE = "finance"

scope.register_module(MODULE, _("Finance"))
scope.register(FinanceSettings, scope.ScopeRule(company_wide=True))
for document in (Invoice, Payment, WriteOff, CreditOverride, CreditChange):
    scope.register(document, scope.ScopeRule(module=MODULE, via=("customer",), collaborators=True))
scope.register(CollectionTask, scope.ScopeRule(module=MODULE, via=("customer",)))
# A credit profile belongs to the customer; it passes with the customer, not with who rated it.
scope.register(CreditProfile, scope.ScopeRule(module=MODULE, owner="customer__owner"))
scope.register(InvoiceLine, scope.ScopeRule(module=MODULE, owner="", parents=("invoice",), company="invoice__company"))
scope.register(Allocation, scope.ScopeRule(module=MODULE, owner="", parents=("payment",), company="payment__company"))
scope.register(Refund, scope.ScopeRule(module=MODULE, owner="", parents=("payment",), company="payment__company"))
scope.register(CollectionNote, scope.ScopeRule(module=MODULE, owner="", parents=("task",), company="task__company"))
