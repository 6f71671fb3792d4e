"""Shipping pages: shipments (list, new from an order, the shipment with release and proof of
delivery), the delivery note (送货单, with or without prices), and warehouses with their stock; the
shipping clerks and administrators keep the stock and maintain the warehouses."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.access import actor_of, capability_required
from salesdesk.core.dates import parse_day
from salesdesk.core.numbers import parse_decimal
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.documents.pages import page_context
from salesdesk.org.access import current_company

from .. import shipping
from ..capabilities import SHIP_GOODS
from ..forms import WarehouseForm
from ..models import Product, SalesOrder, Shipment, ShipmentLine, Warehouse
from ..selectors import shipments_for
from .quotations import _errors


def may_keep_stock(user) -> bool:
    return actor_of(user).can(SHIP_GOODS)


stock_keeper_required = capability_required(
    SHIP_GOODS, gettext_lazy("Only the shipping clerks and administrators maintain the warehouses."))


def _decimal(value) -> Decimal:
    try:  # NaN, Infinity, too many digits or decimals: the services refuse them with their own message
        return parse_decimal(value)
    except ValidationError:
        raise ValidationError(_("Quantities are numbers, e.g. 2.5.")) from None


@login_required
def shipment_list(request):
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    page = list_page(shipments_for(request.user, status=status, search=q), request)
    return render(request, "sales/shipment_list.html", {"page": page, "status": status, "q": q,
                                                        "statuses": Shipment.Status.choices})


@login_required
def shipment_new(request, order: int):
    order = get_scoped_or_404(SalesOrder.objects.select_related("customer"), request.user, "change", pk=order)
    me = request.actor.acting_employee()
    warehouses = Warehouse.objects.restrict(request.user).filter(company_id=order.company_id, is_active=True)
    open_now = shipping.still_to_ship(order)
    lines = [(line, open_now[line.pk]) for line in order.lines.select_related("product")]
    if request.method == "POST":
        try:
            warehouse = warehouses.filter(pk=request.POST.get("warehouse") or 0).first()
            if warehouse is None:
                raise ValidationError(_("Choose a warehouse of the company in use."))
            quantities = {line.pk: _decimal(request.POST.get(f"ship-{line.pk}")) for line, _open in lines}
            free = []
            if request.POST.get("free_product"):
                product = Product.objects.restrict(request.user).get(pk=request.POST["free_product"])
                free.append(shipping.FreeLine(product=product, quantity=_decimal(request.POST.get("free_quantity")),
                                              kind=request.POST.get("free_kind") or ShipmentLine.Kind.SAMPLE))
            shipment = shipping.create_shipment(order=order, by=me, warehouse=warehouse, quantities=quantities,
                                                free_lines=free, carrier=request.POST.get("carrier", ""),
                                                ship_to=request.POST.get("ship_to", ""))
        except (ValidationError, Product.DoesNotExist) as error:
            _errors(request, error if isinstance(error, ValidationError) else ValidationError(_("Unknown product.")))
        else:
            messages.success(request, _("Shipment %(number)s drafted.") % {"number": shipment.number})
            return redirect("sales:shipment", pk=shipment.pk)
    return render(request, "sales/shipment_form.html", {
        "order": order, "lines": lines, "warehouses": warehouses, "posted": request.POST,
        "products": Product.objects.restrict(request.user).filter(company_id=order.company_id, is_active=True),
        "free_kinds": [(ShipmentLine.Kind.SAMPLE, ShipmentLine.Kind.SAMPLE.label),
                       (ShipmentLine.Kind.GIFT, ShipmentLine.Kind.GIFT.label)],
    })


@login_required
def shipment_detail(request, pk: int):
    shipment = get_scoped_or_404(Shipment.objects.select_related("order", "customer", "warehouse", "owner"),
                                 request.user, pk=pk)
    return render(request, "sales/shipment_detail.html", {
        **page_context(request, shipment),
        "shipment": shipment, "lines": shipment.lines.select_related("product", "order_line"),
    })


@login_required
@require_POST
def shipment_action(request, pk: int, action: str):
    shipment = get_scoped_or_404(Shipment, request.user, "change", pk=pk)
    try:
        if action == "release":
            shipping.release(shipment=shipment, shipped_on=parse_day(request.POST.get("shipped_on")),
                             carrier=request.POST.get("carrier"), tracking_number=request.POST.get("tracking_number"))
            messages.success(request, _("Released from the warehouse."))
        elif action == "deliver":
            delivered_on = parse_day(request.POST.get("delivered_on"))
            if delivered_on is None:
                raise ValidationError(_("Give the day the customer signed."))
            shipping.register_delivery(shipment=shipment, delivered_on=delivered_on, note=request.POST.get("note", ""))
            messages.success(request, _("Proof of delivery registered."))
        elif action == "cancel":
            shipping.cancel(shipment=shipment)
            messages.success(request, _("Shipment cancelled."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        _errors(request, error)
    return redirect("sales:shipment", pk=pk)


@login_required
def delivery_note(request, pk: int):
    shipment = get_scoped_or_404(Shipment.objects.select_related("order", "customer", "warehouse", "owner", "company"),
                                 request.user, pk=pk)
    return render(request, "sales/delivery_note.html", {
        "shipment": shipment, "lines": shipment.lines.select_related("product"), "company": shipment.company,
        "with_prices": request.GET.get("prices") != "0",
    })


@login_required
def warehouses(request):
    rows = Warehouse.objects.restrict(request.user).prefetch_related("stock__product")
    return render(request, "sales/warehouses.html", {"warehouses": rows, "may_keep": may_keep_stock(request.user),
                                                     "products": Product.objects.restrict(request.user).filter(is_active=True)})


@login_required
@require_POST
def stock_receive(request, pk: int):
    request.actor.require(SHIP_GOODS)
    warehouse = get_scoped_or_404(Warehouse, request.user, pk=pk)
    try:
        product = Product.objects.restrict(request.user).filter(company_id=warehouse.company_id).get(
            pk=request.POST.get("product") or 0)
        shipping.receive_stock(by=request.actor, warehouse=warehouse, product=product, quantity=_decimal(request.POST.get("quantity")))
    except (ValidationError, Product.DoesNotExist) as error:
        _errors(request, error if isinstance(error, ValidationError) else ValidationError(_("Unknown product.")))
    else:
        messages.success(request, _("Stock updated."))
    return redirect("sales:warehouses")


WAREHOUSE_FIELDS = ("code", "name", "kind", "address", "is_active")


@stock_keeper_required
def warehouse_edit(request, pk: int | None = None):
    company = current_company(request)
    if company is None:
        raise Http404
    warehouse = None
    if pk is not None:
        warehouse = get_scoped_or_404(Warehouse.objects.filter(company=company), request.user, pk=pk)
    initial = {name: getattr(warehouse, name) for name in WAREHOUSE_FIELDS} if warehouse is not None else None
    form = WarehouseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if warehouse is None:
                created = shipping.create_warehouse(by=request.actor, company=company, **form.cleaned_data)
                messages.success(request, _("Warehouse %(code)s created.") % {"code": created.code})
            else:
                shipping.update_warehouse(by=request.actor, warehouse=warehouse, **form.cleaned_data)
                messages.success(request, _("Warehouse saved."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("sales:warehouses")
    return render(request, "sales/warehouse_form.html", {"form": form, "warehouse": warehouse})
