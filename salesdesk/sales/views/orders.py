"""Order pages: the list (mine, team's, all, and 跟单 for the order clerk), a direct order with its lines,
an order from a contract, the order with its review and shipped quantities. Thin: orders.py writes,
selectors read through the data scope."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer
from salesdesk.documents.pages import page_context

from .. import orders, selectors
from ..forms import OrderForm, OrderFromContractForm, line_rows
from ..models import Contract, SalesOrder
from .quotations import _errors, _line_inputs


@login_required
def order_list(request):
    scene = request.GET.get("scene") or selectors.default_scene(request.user)
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    rows = selectors.orders_for(request.user, scene=scene, status=status, search=q)
    page = list_page(rows, request)
    return render(request, "sales/order_list.html", {
        "page": page, "scene": scene, "status": status, "statuses": SalesOrder.Status.choices, "q": q,
        "today": timezone.localdate(),
    })


@login_required
def order_edit(request, pk: int | None = None):
    me = request.actor.acting_employee()
    order, customer = None, None
    if pk is not None:
        order = get_scoped_or_404(SalesOrder.objects.select_related("customer"), request.user, "change", pk=pk)
        if order.status != SalesOrder.Status.DRAFT or order.contract_id:
            messages.error(request, _("Only a draft order without a contract can be changed here."))
            return redirect("sales:order", pk=pk)
        customer = order.customer
    elif (request.GET.get("customer") or "").isdigit():
        customer = get_scoped_or_404(Customer, request.user, pk=int(request.GET["customer"]))
    initial = {"delivery_on": timezone.localdate() + datetime.timedelta(days=7)}
    lines_initial = []
    if order is not None:
        initial = {"customer": order.customer_id, "delivery_on": order.delivery_on, "ship_to": order.ship_to,
                   "notes": order.notes}
        lines_initial = [{"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price,
                          "description": line.description} for line in order.lines.all()]
    elif customer is not None:
        initial["customer"] = customer.pk
    form = OrderForm(request.POST or None, initial=initial, user=request.user, customer=customer)
    lines = line_rows(data=request.POST or None, initial=lines_initial, company_id=me.company_id)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            if order is None:
                order = orders.create_order(by=me, customer=customer or data["customer"], lines=_line_inputs(lines),
                                            delivery_on=data["delivery_on"], ship_to=data.get("ship_to") or "",
                                            notes=data.get("notes") or "")
                messages.success(request, _("Order %(number)s saved as a draft.") % {"number": order.number})
            else:
                orders.update_order(order=order, lines=_line_inputs(lines), delivery_on=data["delivery_on"],
                                    ship_to=data.get("ship_to") or "", notes=data.get("notes") or "")
                messages.success(request, _("Order saved."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("sales:order", pk=order.pk)
    return render(request, "sales/order_form.html", {"form": form, "lines": lines, "order": order})


@login_required
def order_detail(request, pk: int):
    order = get_scoped_or_404(SalesOrder.objects.select_related("customer", "owner", "entered_by", "contract"),
                              request.user, pk=pk)
    return render(request, "sales/order_detail.html", {
        **page_context(request, order),
        "order": order, "lines": order.lines.select_related("product"),
        "shipments": order.shipments.restrict(request.user).order_by("created_at"),
        "invoices": order.invoices.restrict(request.user).order_by("created_at"), "late": order.status in SalesOrder.TO_FOLLOW
        and order.delivery_on < timezone.localdate(),
    })


@login_required
@require_POST
def order_action(request, pk: int, action: str):
    order = get_scoped_or_404(SalesOrder, request.user, "change", pk=pk)
    try:
        if action == "submit":
            approval = orders.submit_for_review(order=order, by=request.actor.acting_employee())
            if approval.status == approval.Status.APPROVED:
                messages.success(request, _("The order is confirmed."))
            elif approval.status == approval.Status.STALLED:
                messages.warning(request, approval.stall_message())
            else:
                messages.success(request, _("The order has gone to review."))
        elif action == "cancel":
            orders.cancel(order=order)
            messages.success(request, _("Order cancelled."))
        elif action == "reopen":
            orders.reopen(order=order)
            messages.success(request, _("The order is a draft again."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        _errors(request, error)
    return redirect("sales:order", pk=pk)


@login_required
@require_POST
def order_from_contract(request, pk: int):
    contract = get_scoped_or_404(Contract, request.user, "change", pk=pk)
    form = OrderFromContractForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a delivery date."))
        return redirect("sales:contract", pk=pk)
    try:
        order = orders.order_from_contract(contract=contract, by=request.actor.acting_employee(),
                                           delivery_on=form.cleaned_data["delivery_on"])
    except ValidationError as error:
        _errors(request, error)
        return redirect("sales:contract", pk=pk)
    messages.success(request, _("Order %(number)s drafted from the contract.") % {"number": order.number})
    return redirect("sales:order", pk=order.pk)
