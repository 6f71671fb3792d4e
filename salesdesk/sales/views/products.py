"""Products, price lists and the two-person price check. Everyone in the company reads products and
prices; holders of the pricing duty (and organisation administrators) maintain them; a price change
is confirmed by a second such person."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.access import capability_required, person_of
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer
from salesdesk.org.access import current_company

from .. import pricing, selectors, services
from ..capabilities import PRICING
from ..forms import CheckForm, PriceChangeForm, PriceListForm, ProductFilter, ProductForm
from ..models import PriceChange, PriceList, PriceListItem, Product


def _company(request):
    company = current_company(request)
    if company is None:
        raise Http404
    return company


pricing_required = capability_required(PRICING, employee=True)


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def product_list(request):
    company = _company(request)
    form = ProductFilter(request.GET or None, company_id=company.pk)
    search, line = "", None
    if form.is_valid():
        search, line = form.cleaned_data["q"] or "", form.cleaned_data["line"]
    rows = selectors.products_for(request.user, search=search.strip(), line=line.pk if line else None)
    # A company's catalogue is bounded (thousands of products at most): the exact count.
    page = list_page(rows.filter(company=company), request, capped=False)
    return render(request, "sales/product_list.html", {
        "form": form, "page": page, "may_price": pricing.may_price(request.user),
        "see_floor": pricing.may_see_floor(request.user),
        "waiting": selectors.price_changes_to_check(request.user).count(),
    })


@login_required
def product_detail(request, pk: int):
    product = get_scoped_or_404(Product.objects.select_related("product_line"), request.user, pk=pk)
    list_prices = (PriceListItem.objects.restrict(request.user).filter(product=product)
                   .select_related("price_list").order_by("price_list__name"))
    changes = selectors.price_changes_for(request.user).filter(product=product)[:30]
    may_price = pricing.may_price(request.user)
    return render(request, "sales/product_detail.html", {
        "product": product, "list_prices": list_prices, "changes": changes, "may_price": may_price,
        "me": person_of(request.actor),  # the maker of a change sees "cancel", never "confirm"
        "see_floor": pricing.may_see_floor(request.user),
        "change_form": PriceChangeForm(company_id=product.company_id) if may_price else None,
    })


@pricing_required
def product_edit(request, pk: int | None = None):
    company = _company(request)
    product = None
    if pk is not None:
        product = get_scoped_or_404(Product.objects.filter(company=company), request.user, pk=pk)
    initial = None
    if product is not None:
        initial = {name: getattr(product, name) for name in ("code", "name", "spec", "unit", "product_line",
                                                              "tax_rate", "is_active")}
    form = ProductForm(request.POST or None, initial=initial, company_id=company.pk, editing=product is not None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        new_line = data.pop("new_line", "").strip()
        try:
            with transaction.atomic():
                if new_line:
                    data["product_line"] = services.create_product_line(company=company, name=new_line)
                if product is None:
                    product = services.create_product(company=company, by=request.actor.employee, **data)
                    messages.success(request, _("Product %(code)s created; its price waits for a second person's "
                                                "check.") % {"code": product.code})
                else:
                    data.pop("code", None)
                    services.update_product(product=product, **data)
                    messages.success(request, _("Product saved."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("sales:product", pk=product.pk)
    return render(request, "sales/product_form.html", {"form": form, "product": product})


@pricing_required
@require_POST
def price_change_propose(request, pk: int):
    product = get_scoped_or_404(Product, request.user, pk=pk)
    form = PriceChangeForm(request.POST, company_id=product.company_id)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        return redirect("sales:product", pk=pk)
    try:
        pricing.propose_price_change(by=request.actor.employee, product=product, **form.cleaned_data)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Price change entered; it takes effect when a second person confirms it."))
    return redirect("sales:product", pk=pk)


@login_required
def price_changes(request):
    status = request.GET.get("status", PriceChange.Status.PENDING)
    if status not in PriceChange.Status.values:
        status = ""
    rows = selectors.price_changes_for(request.user, status=status)
    page = list_page(rows, request)
    me = person_of(request.actor)
    return render(request, "sales/price_changes.html", {
        "page": page, "status": status, "statuses": PriceChange.Status.choices, "may_price": pricing.may_price(request.user),
        "me": me, "form": CheckForm(), "see_floor": pricing.may_see_floor(request.user),
    })


@pricing_required
@require_POST
def price_change_decide(request, pk: int, action: str):
    change = get_scoped_or_404(PriceChange, request.user, pk=pk)
    me = request.actor.employee
    form = CheckForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "") if hasattr(form, "cleaned_data") else ""
    try:
        if action == "confirm":
            pricing.confirm_price_change(by=me, change=change)
            messages.success(request, _("Price confirmed; it applies from now on."))
        elif action == "reject":
            pricing.reject_price_change(by=me, change=change, comment=comment)
            messages.success(request, _("Price change rejected."))
        elif action == "cancel":
            pricing.cancel_price_change(by=me, change=change)
            messages.success(request, _("Price change cancelled."))
        else:
            raise Http404
    except ValidationError as error:
        _show_errors(request, error)
    return redirect(request.POST.get("next") or "sales:price_changes")


@login_required
def price_lists(request):
    company = _company(request)
    rows = selectors.price_lists_for(request.user).filter(company=company)
    return render(request, "sales/price_lists.html", {"price_lists": rows, "may_price": pricing.may_price(request.user)})


@login_required
def price_list_detail(request, pk: int):
    price_list = get_scoped_or_404(PriceList, request.user, pk=pk)
    items = (PriceListItem.objects.restrict(request.user).filter(price_list=price_list)
             .select_related("product").order_by("product__code"))
    return render(request, "sales/price_list_detail.html", {"price_list": price_list, "items": items,
                                                            "may_price": pricing.may_price(request.user),
                                                            "see_floor": pricing.may_see_floor(request.user)})


@pricing_required
def price_list_edit(request, pk: int | None = None):
    company = _company(request)
    price_list = None
    if pk is not None:
        price_list = get_scoped_or_404(PriceList.objects.filter(company=company), request.user, pk=pk)
    form = PriceListForm(request.POST or None, instance=price_list)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.company = company
        saved.save()
        messages.success(request, _("Price list saved. Its prices are entered per product and checked by a second "
                                    "person."))
        return redirect("sales:price_list", pk=saved.pk)
    return render(request, "sales/price_list_form.html", {"form": form, "price_list": price_list})


@login_required
def price_lookup(request):
    """JSON: the price a customer gets for products today (for document lines)."""
    ids = [int(value) for value in request.GET.getlist("product") if value.isdigit()][:200]
    products = list(Product.objects.restrict(request.user).filter(pk__in=ids))
    customer = None
    if (request.GET.get("customer") or "").isdigit():
        customer = get_scoped_or_404(Customer, request.user, pk=int(request.GET["customer"]))
    prices = pricing.prices_for(products, customer=customer)
    see_floor = pricing.may_see_floor(request.user)
    return JsonResponse({"prices": {
        str(product.pk): {"price": str(prices[product.pk].price),
                          "floor": None if prices[product.pk].floor is None or not see_floor
                          else str(prices[product.pk].floor),
                          "source": prices[product.pk].source or _("Standard price"),
                          "tax_rate": str(product.tax_rate), "unit": product.unit, "name": product.name,
                          "checked": product.price_checked}
        for product in products}})
