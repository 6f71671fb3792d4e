"""Reads of the finance module through the data scope."""

from django.db.models import Q

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
