"""Invoice pages: the list, a request from an order's lines, the invoice with the check (双人复核),
issue, mailing and receipt. Thin: invoicing.py writes, selectors read through the data scope."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.dates import parse_day
from salesdesk.core.numbers import parse_decimal
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404, scope_for
from salesdesk.documents.pages import page_context
from salesdesk.sales.models import SalesOrder

from .. import invoicing
from ..models import Invoice
from ..payments import RECEIVABLE
from ..selectors import invoices_for


def amount_from(text: str) -> Decimal:
    """A typed amount; empty is zero (the services refuse it, NaN, Infinity or too many digits with
    their own message)."""
    try:
        return parse_decimal(text, what=_("The amount"))
    except ValidationError:
        raise ValidationError(_("Amounts are numbers, e.g. 1200.50.")) from None


def errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def invoice_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    rows = invoices_for(request.user, status=status, search=q)
    page = list_page(rows, request)
    return render(request, "finance/invoice_list.html", {"page": page, "status": status, "q": q,
                                                         "statuses": Invoice.Status.choices})


@login_required
def invoice_new(request, order: int):
    order = get_scoped_or_404(SalesOrder.objects.select_related("customer"), request.user, pk=order)
    allowed = invoicing.invoiceable(order)
    lines = [(line, allowed[line.pk]) for line in order.lines.select_related("product")]
    if request.method == "POST":
        try:
            quantities = {}
            for line, _allowed in lines:
                try:
                    quantities[line.pk] = parse_decimal(request.POST.get(f"invoice-{line.pk}"))
                except ValidationError:
                    raise ValidationError(_("Quantities are numbers, e.g. 2.5.")) from None
            invoice = invoicing.request_invoice(
                order=order, by=request.actor.acting_employee(), quantities=quantities, kind=request.POST.get("kind", ""),
                buyer_name=request.POST.get("buyer_name", ""), buyer_tax_id=request.POST.get("buyer_tax_id", ""),
                buyer_address_phone=request.POST.get("buyer_address_phone", ""),
                buyer_bank_account=request.POST.get("buyer_bank_account", ""))
        except ValidationError as error:
            errors(request, error)
        else:
            messages.success(request, _("Invoice request %(number)s drafted.") % {"number": invoice.number})
            return redirect("finance:invoice", pk=invoice.pk)
    # The buyer's details start from the customer's invoicing profile, reached through the order in scope.
    return render(request, "finance/invoice_form.html", {"order": order, "lines": lines, "posted": request.POST,
                                                         "kinds": Invoice.Kind.choices,
                                                         "buyer": invoicing.buyer_details(order.customer)})


@login_required
def invoice_detail(request, pk: int):
    invoice = get_scoped_or_404(Invoice.objects.select_related("order", "customer", "requested_by", "checked_by",
                                                               "buyer_verified_by"), request.user, pk=pk)
    me = scope_for(request.user).employee_id
    today = timezone.localdate()
    receivable = invoice.status in RECEIVABLE
    return render(request, "finance/invoice_detail.html", {
        **page_context(request, invoice),
        "invoice": invoice, "lines": invoice.lines.select_related("product", "order_line"),
        "is_requester": me == invoice.requested_by_id, "may_check": invoicing.may_check(request.user),
        "receivable": receivable,
        "overdue_days": (today - invoice.due_on).days if receivable and invoice.due_on and invoice.due_on < today
        and invoice.open_amount > 0 else 0,
        "allocations": invoice.allocations.select_related("payment") if receivable else [],
        "write_offs": invoice.write_offs.all() if receivable else [],
    })


@login_required
@require_POST
def invoice_action(request, pk: int, action: str):
    invoice = get_scoped_or_404(Invoice, request.user, pk=pk)
    me = request.actor.acting_employee()
    try:
        if action == "submit":
            invoicing.submit(invoice=invoice, by=me)
            messages.success(request, _("Sent for checking."))
        elif action == "check":
            invoicing.check(invoice=invoice, by=me, approve=True, comment=request.POST.get("comment", ""))
            messages.success(request, _("Checked: it matches the order."))
        elif action == "return":
            invoicing.check(invoice=invoice, by=me, approve=False, comment=request.POST.get("comment", ""))
            messages.success(request, _("Returned to the requester."))
        elif action == "issue":
            issued_on = parse_day(request.POST.get("issued_on"))
            if issued_on is None:
                raise ValidationError(_("Give the date of the invoice."))
            invoicing.issue(invoice=invoice, by=me, invoice_number=request.POST.get("invoice_number", ""),
                            issued_on=issued_on)
            messages.success(request, _("Invoice issued."))
        elif action == "mail":
            mailed_on = parse_day(request.POST.get("mailed_on"))
            if mailed_on is None:
                raise ValidationError(_("Give the day it was mailed."))
            invoicing.mail(invoice=invoice, by=me, tracking=request.POST.get("tracking", ""), mailed_on=mailed_on)
            messages.success(request, _("Mailing registered."))
        elif action == "receive":
            received_on = parse_day(request.POST.get("received_on"))
            if received_on is None:
                raise ValidationError(_("Give the day the customer received it."))
            invoicing.receive(invoice=invoice, by=me, received_on=received_on)
            messages.success(request, _("Receipt registered."))
        elif action == "cancel":
            invoicing.cancel(invoice=invoice)
            messages.success(request, _("Invoice request cancelled."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        errors(request, error)
    return redirect("finance:invoice", pk=pk)
