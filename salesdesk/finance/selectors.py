"""Reads of the finance module through the data scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Invoice


def invoices_for(user, *, status: str = "", search: str = ""):
    queryset = Invoice.objects.restrict(user).select_related("customer", "order", "owner", "requested_by")
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                                   | Q(invoice_number__icontains=search) | Q(order__number__icontains=search))
    return queryset


def invoices_to_check(user):
    """双人复核: requests waiting for a second person — not the ones the user asked for."""
    from salesdesk.core.scope import scope_for

    from .invoicing import may_check

    if not may_check(user):
        return Invoice.objects.none()
    return invoices_for(user, status=Invoice.Status.TO_CHECK).exclude(requested_by_id=scope_for(user).employee_id)


def payments_for(user, *, status: str = "", search: str = "", customer: int | None = None):
    from .models import Payment

    queryset = Payment.objects.restrict(user).select_related("customer", "owner", "registered_by")
    if status:
        queryset = queryset.filter(status=status)
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(customer__name__icontains=search)
                                   | Q(payer__icontains=search) | Q(reference__icontains=search))
    return queryset


def payments_to_confirm(user):
    """回款确认: registered receipts waiting for finance — not the ones the user registered, which
    another person confirms (payments.confirm)."""
    from salesdesk.core.scope import scope_for

    from .models import Payment

    return payments_for(user, status=Payment.Status.REGISTERED).exclude(registered_by_id=scope_for(user).employee_id)


def collection_tasks_for(user, *, status: str = "open"):
    from .models import CollectionTask

    queryset = CollectionTask.objects.restrict(user).select_related("customer", "owner")
    return queryset.filter(status=status) if status else queryset


def write_offs_for(user):
    from .models import WriteOff

    return WriteOff.objects.restrict(user).select_related("invoice", "customer", "requested_by")


def credit_overrides_for(user):
    from .models import CreditOverride

    return CreditOverride.objects.restrict(user).select_related("order", "customer", "requested_by")


def customers_for_finance(user):
    """Customers whose money the user follows: those of owners in their finance scope, and those they
    see anyway (a finance clerk sees the whole company's accounts without being given its customers)."""
    from salesdesk.core.scope import ALL, scope_for
    from salesdesk.customers.models import Customer

    scope = scope_for(user)
    if scope.company_id is None:
        return Customer.objects.none()
    company_customers = Customer.objects.filter(company_id=scope.company_id)
    owners = scope.owners("finance")
    if owners is ALL:
        return company_customers
    return company_customers.filter(Q(owner_id__in=owners) | Q(pk__in=Customer.objects.restrict(user).values("pk")))


def customers_with_credit_in_sight(user):
    """The customers whose credit the reader sees (`sees_credit`, as a queryset): those of owners in
    his finance scope — the credit overview's rows. Seeing a customer otherwise (a collaborator, a
    pool) does not show what its invoices, orders and payments add up to."""
    from salesdesk.core.scope import ALL, scope_for
    from salesdesk.customers.models import Customer

    scope = scope_for(user)
    if scope.company_id is None:
        return Customer.objects.none()
    company_customers = Customer.objects.filter(company_id=scope.company_id)
    owners = scope.owners("finance")
    return company_customers if owners is ALL else company_customers.filter(owner_id__in=owners)


def sees_credit(customer, user) -> bool:
    """Whether the reader sees the customer's credit — its profile, its terms, what it has used: within
    the finance scope of the customer's owner, the credit profile's own rule (scope_rules.py), also
    for a customer nobody has rated yet. The customer page and the statement page ask the same."""
    from salesdesk.core.scope import scope_for

    return customer.owner_id in scope_for(user).owners("finance")  # ALL holds every owner, and nobody


@dataclass(frozen=True)
class CustomerAccount:
    """One customer's money as one reader sees it: the statement of account (page and .xlsx), the
    open invoices and the API's receivables of the customer read these querysets and nothing else.

    The one rule for documents hanging off a customer: each document is shown within its own scope
    (`Invoice.objects.restrict(user)`, `Payment…`, refunds with their payment, write-offs), the
    same as on its own page, in its list and in the API — being allowed to open the customer's
    account shows none of them by itself. The credit (profile, exposure) only with `sees_credit`."""

    customer: object
    invoices: QuerySet
    payments: QuerySet
    refunds: QuerySet
    write_offs: QuerySet
    tasks: QuerySet  # collection tasks (催收)
    credit_shown: bool


def customer_account(user, customer) -> CustomerAccount:
    """The account of `customer` — an id: a 404 unless the reader may open that customer's account
    (`customers_for_finance`), as for a customer that does not exist; or a Customer the caller has
    already read through the scope (the customer of a collection task the reader sees)."""
    from django.http import Http404

    from .models import CollectionTask, Payment, Refund, WriteOff

    if not hasattr(customer, "pk"):
        customer = customers_for_finance(user).filter(pk=customer).first()
        if customer is None:
            raise Http404
    return CustomerAccount(
        customer=customer,
        invoices=Invoice.objects.restrict(user).filter(customer=customer),
        payments=Payment.objects.restrict(user).filter(customer=customer),
        refunds=Refund.objects.restrict(user).filter(payment__customer=customer),
        write_offs=WriteOff.objects.restrict(user).filter(customer=customer),
        tasks=CollectionTask.objects.restrict(user).filter(customer=customer),
        credit_shown=sees_credit(customer, user),
    )
