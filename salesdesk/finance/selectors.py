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
