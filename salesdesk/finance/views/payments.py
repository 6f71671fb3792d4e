"""Payment pages (回款): the list, registering a receipt, and the payment with confirmation by finance,
allocation to invoices and installments, and refunds. Thin: payments.py writes, selectors read
through the data scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.dates import parse_day
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.documents.pages import page_context
from salesdesk.sales.models import Installment

from .. import payments
from ..capabilities import CONFIRM_PAYMENTS
from ..forms import PaymentForm
from ..installments import open_amounts
from ..models import Allocation, Invoice, Payment
from ..selectors import payments_for
from .invoices import amount_from, errors


@login_required
def payment_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = list_page(payments_for(request.user, status=status, search=q), request)
    return render(request, "finance/payment_list.html", {"page": page, "status": status, "q": q,
                                                         "statuses": Payment.Status.choices})


@login_required
def payment_new(request):
    me = request.actor.acting_employee()
    initial = {"customer": request.GET.get("customer")} if request.GET.get("customer") else None
    form = PaymentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.register(
                customer=data["customer"], by=me, amount=data["amount"], received_on=data["received_on"],
                method=data["method"], payer=data["payer"], reference=data["reference"],
                bill_number=data["bill_number"], bill_due_on=data["bill_due_on"], note=data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Payment %(number)s registered; finance confirms it.") % {
                "number": payment.number})
            return redirect("finance:payment", pk=payment.pk)
    return render(request, "finance/payment_form.html", {"form": form})


def _open_targets(payment: Payment):
    """The customer's issued invoices and contract installments with something open."""
    invoices = [invoice for invoice in Invoice.objects.filter(customer_id=payment.customer_id,
                                                              status__in=payments.RECEIVABLE)
                .order_by("due_on", "pk") if invoice.open_amount > 0]
    installments = list(Installment.objects.filter(contract__customer_id=payment.customer_id,
                                                   contract__status__in=["active", "completed"])
                        .select_related("contract").order_by("due_on", "pk"))
    still_open = open_amounts(installments)  # less what the contract's invoices have brought in
    open_installments = []
    for item in installments:
        item.open_amount = still_open[item.pk]
        if item.open_amount > 0:
            open_installments.append(item)
    return invoices, open_installments


@login_required
def payment_detail(request, pk: int):
    payment = get_scoped_or_404(Payment.objects.select_related("customer", "owner", "registered_by", "confirmed_by"),
                                request.user, pk=pk)
    may_confirm = payments.may_confirm(request.user)
    invoices, installments = _open_targets(payment) if may_confirm and payment.status == "confirmed" else ([], [])
    return render(request, "finance/payment_detail.html", {
        **page_context(request, payment),
        "payment": payment, "may_confirm": may_confirm, "open_invoices": invoices, "open_installments": installments,
        "is_registrar": payments.is_registrar(payment, request.actor),  # confirmed by someone else
        "allocations": payment.allocations.select_related("invoice", "installment__contract", "allocated_by"),
        "refunds": payment.refunds.select_related("refunded_by"),
    })


def _targets(request, payment: Payment) -> list[payments.Target]:
    targets = []
    invoices = {invoice.pk: invoice for invoice in Invoice.objects.filter(customer_id=payment.customer_id)}
    installments = {item.pk: item for item in Installment.objects.filter(contract__customer_id=payment.customer_id)}
    for key, value in request.POST.items():
        if not value.strip():
            continue
        kind, _sep, ident = key.partition("-")
        if kind == "invoice" and ident.isdigit() and int(ident) in invoices:
            targets.append(payments.Target(amount=amount_from(value), invoice=invoices[int(ident)]))
        elif kind == "installment" and ident.isdigit() and int(ident) in installments:
            targets.append(payments.Target(amount=amount_from(value), installment=installments[int(ident)]))
    return targets


@login_required
@require_POST
def payment_action(request, pk: int, action: str):
    payment = get_scoped_or_404(Payment, request.user, pk=pk)
    request.actor.require(CONFIRM_PAYMENTS)
    me = request.actor.acting_employee()
    try:
        if action == "confirm":
            payments.confirm(payment=payment, by=me)
            messages.success(request, _("Payment confirmed."))
        elif action == "reject":
            payments.reject(payment=payment, by=me, reason=request.POST.get("reason", ""))
            messages.success(request, _("Marked as not received."))
        elif action == "allocate":
            made = payments.allocate(payment=payment, by=me, targets=_targets(request, payment))
            messages.success(request, _("%(count)d allocations made.") % {"count": len(made)})
        elif action == "oldest":
            made = payments.allocate_oldest_first(payment=payment, by=me)
            messages.success(request, _("%(count)d allocations made.") % {"count": len(made)})
        elif action == "unallocate":
            allocation = Allocation.objects.filter(payment=payment, pk=request.POST.get("allocation") or 0).first()
            if allocation is None:
                raise ValidationError(_("That allocation is not on this payment."))
            payments.unallocate(allocation=allocation, by=me)
            messages.success(request, _("Allocation undone."))
        elif action == "refund":
            refunded_on = parse_day(request.POST.get("refunded_on"))
            if refunded_on is None:
                raise ValidationError(_("Give the day the money was paid back."))
            payments.refund(payment=payment, by=me, amount=amount_from(request.POST.get("amount", "")),
                            refunded_on=refunded_on, reason=request.POST.get("reason", ""))
            messages.success(request, _("Refund registered."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        errors(request, error)
    return redirect("finance:payment", pk=pk)
