"""API resources of the sales module under /api/v1/: `products` (with the standard and floor price,
and `?customer=` for the price that customer gets today) and `price-lists` (with their prices).
Read-only here: prices change through the two-person check on the pages."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.schemas import Message, Ref
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer

from . import pricing, selectors
from .models import Contract, PriceList, PriceListItem, Product, Quotation, SalesOrder, Shipment


class ProductOut(Schema):
    id: int
    code: str
    name: str
    spec: str
    unit: str
    product_line: Ref | None = None
    tax_rate: Decimal
    standard_price: Decimal
    floor_price: Decimal | None
    price_checked: bool
    is_active: bool
    customer_price: Decimal | None = None
    customer_price_source: str | None = None


class ProductPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ProductOut]


products = Router(tags=["products"])


def _with_customer_prices(request, rows, customer_id):
    if not customer_id:
        return rows
    customer = get_scoped_or_404(Customer, request.auth, pk=customer_id)
    prices = pricing.prices_for(rows, customer=customer)
    for product in rows:
        product.customer_price = prices[product.pk].price
        product.customer_price_source = prices[product.pk].source
    return rows


@products.get("/", response={200: ProductPage, 404: Message}, summary="List products")
def list_products(request, page: Query[PageParams], q: str = "", line: int | None = None, customer: int | None = None):
    """Products of the caller's company; `customer`: also the price that customer gets today."""
    queryset = selectors.products_for(request.auth, search=q.strip(), line=line).order_by("code")
    return paginate(queryset, page, lambda rows: _with_customer_prices(
        request, pricing.hide_floor(request.auth, rows), customer))


@products.get("/{int:id}/", response=ProductOut, summary="One product")
def get_product(request, id: int, customer: int | None = None):
    product = get_scoped_or_404(Product.objects.select_related("product_line"), request.auth, pk=id)
    return _with_customer_prices(request, pricing.hide_floor(request.auth, [product]), customer)[0]


class ListPriceOut(Schema):
    product: Ref
    price: Decimal
    floor_price: Decimal | None

    @staticmethod
    def resolve_product(obj):
        return {"id": obj.product_id, "name": f"{obj.product.code} {obj.product.name}"}


class PriceListOut(Schema):
    id: int
    name: str
    customer_level: str
    channel: str
    valid_from: str | None
    valid_until: str | None
    is_active: bool

    @staticmethod
    def resolve_valid_from(obj):
        return obj.valid_from.isoformat() if obj.valid_from else None

    @staticmethod
    def resolve_valid_until(obj):
        return obj.valid_until.isoformat() if obj.valid_until else None


class PriceListDetail(PriceListOut):
    items: list[ListPriceOut]

    @staticmethod
    def resolve_items(obj, context):
        return pricing.hide_floor(context["request"].auth, list(
            PriceListItem.objects.filter(price_list=obj).select_related("product").order_by("product__code")))


class PriceListPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PriceListOut]


price_lists = Router(tags=["price-lists"])


@price_lists.get("/", response=PriceListPage, summary="List price lists")
def list_price_lists(request, page: Query[PageParams]):
    return paginate(selectors.price_lists_for(request.auth).order_by("name", "pk"), page)


@price_lists.get("/{int:id}/", response=PriceListDetail, summary="One price list with its prices")
def get_price_list(request, id: int):
    return get_scoped_or_404(PriceList, request.auth, pk=id)


class QuotationLineOut(Schema):
    product: Ref
    description: str
    quantity: Decimal
    unit: str
    list_price: Decimal
    discount: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal

    @staticmethod
    def resolve_product(obj):
        return {"id": obj.product_id, "name": f"{obj.product.code} {obj.product.name}"}


class QuotationOut(Schema):
    id: int
    number: str
    version: int
    customer: Ref
    owner: Ref
    title: str
    quoted_on: str
    valid_until: str
    status: str
    list_amount: Decimal
    amount: Decimal
    lost_reason: str

    @staticmethod
    def resolve_quoted_on(obj):
        return obj.quoted_on.isoformat()

    @staticmethod
    def resolve_valid_until(obj):
        return obj.valid_until.isoformat()


class QuotationDetail(QuotationOut):
    lines: list[QuotationLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product").order_by("position", "pk"))


class QuotationPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[QuotationOut]


quotations_router = Router(tags=["quotations"])


@quotations_router.get("/", response=QuotationPage, summary="List quotations")
def list_quotations(request, page: Query[PageParams], status: str = "", customer: int | None = None, q: str = ""):
    """Quotations the caller may see (own, team's as the scope allows, and those to customers whose
    owner they see); superseded versions only with `status=superseded`."""
    queryset = selectors.quotations_for(request.auth, scene="all", status=status, search=q.strip())
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    return paginate(queryset.order_by("-quoted_on", "-pk"), page)


@quotations_router.get("/{int:id}/", response=QuotationDetail, summary="One quotation with its lines")
def get_quotation(request, id: int):
    return get_scoped_or_404(Quotation.objects.select_related("customer", "owner"), request.auth, pk=id)


class InstallmentOut(Schema):
    kind: str
    amount: Decimal
    due_on: str
    note: str

    @staticmethod
    def resolve_due_on(obj):
        return obj.due_on.isoformat()


class ContractOut(Schema):
    id: int
    number: str
    customer: Ref
    owner: Ref
    quotation: int | None = None
    title: str
    signed_on: str | None
    starts_on: str
    ends_on: str
    status: str
    amount: Decimal

    @staticmethod
    def resolve_quotation(obj):
        return obj.quotation_id

    @staticmethod
    def resolve_signed_on(obj):
        return obj.signed_on.isoformat() if obj.signed_on else None

    @staticmethod
    def resolve_starts_on(obj):
        return obj.starts_on.isoformat()

    @staticmethod
    def resolve_ends_on(obj):
        return obj.ends_on.isoformat()


class ContractDetail(ContractOut):
    lines: list[QuotationLineOut]
    installments: list[InstallmentOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product").order_by("position", "pk"))

    @staticmethod
    def resolve_installments(obj):
        return list(obj.installments.all())


class ContractPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ContractOut]


contracts_router = Router(tags=["contracts"])


@contracts_router.get("/", response=ContractPage, summary="List contracts (the contract ledger)")
def list_contracts(request, page: Query[PageParams], status: str = "", customer: int | None = None, q: str = "",
                   expiring: bool = False):
    """Contracts the caller may see; `expiring=true`: in force and ending within 30 days."""
    queryset = selectors.contracts_for(request.auth, scene="all", status=status, search=q.strip(), expiring=expiring)
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    return paginate(queryset.order_by("-created_at", "-pk"), page)


@contracts_router.get("/{int:id}/", response=ContractDetail, summary="One contract with lines and payment terms")
def get_contract(request, id: int):
    return get_scoped_or_404(Contract.objects.select_related("customer", "owner"), request.auth, pk=id)


class OrderLineOut(QuotationLineOut):
    shipped_quantity: Decimal
    invoiced_quantity: Decimal


class OrderOut(Schema):
    id: int
    number: str
    customer: Ref
    owner: Ref
    contract: int | None = None
    ordered_on: str
    delivery_on: str
    status: str
    amount: Decimal

    @staticmethod
    def resolve_contract(obj):
        return obj.contract_id

    @staticmethod
    def resolve_ordered_on(obj):
        return obj.ordered_on.isoformat()

    @staticmethod
    def resolve_delivery_on(obj):
        return obj.delivery_on.isoformat()


class OrderDetail(OrderOut):
    ship_to: str
    entered_by: Ref | None = None  # who keyed it in, when not its owner
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product").order_by("position", "pk"))


class OrderPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[OrderOut]


orders_router = Router(tags=["orders"])


@orders_router.get("/", response=OrderPage, summary="List sales orders")
def list_orders(request, page: Query[PageParams], status: str = "", customer: int | None = None, q: str = "",
                to_follow: bool = False):
    """Orders the caller may see; `to_follow=true`: confirmed and not yet fully shipped (跟单), by delivery date."""
    queryset = selectors.orders_for(request.auth, scene="follow" if to_follow else "all", status=status,
                                    search=q.strip())
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    if not to_follow:
        queryset = queryset.order_by("-ordered_on", "-pk")
    return paginate(queryset, page)


@orders_router.get("/{int:id}/", response=OrderDetail, summary="One order with its lines")
def get_order(request, id: int):
    return get_scoped_or_404(SalesOrder.objects.select_related("customer", "owner", "entered_by"), request.auth, pk=id)


class ShipmentLineOut(Schema):
    product: Ref
    kind: str
    order_line: int | None = None
    quantity: Decimal
    unit: str
    unit_price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_product(obj):
        return {"id": obj.product_id, "name": f"{obj.product.code} {obj.product.name}"}

    @staticmethod
    def resolve_order_line(obj):
        return obj.order_line_id


class ShipmentOut(Schema):
    id: int
    number: str
    order: int
    customer: Ref
    warehouse: Ref
    status: str
    carrier: str
    tracking_number: str
    shipped_on: str | None
    delivered_on: str | None

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_shipped_on(obj):
        return obj.shipped_on.isoformat() if obj.shipped_on else None

    @staticmethod
    def resolve_delivered_on(obj):
        return obj.delivered_on.isoformat() if obj.delivered_on else None


class ShipmentDetail(ShipmentOut):
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product"))


class ShipmentPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ShipmentOut]


shipments_router = Router(tags=["shipments"])


@shipments_router.get("/", response=ShipmentPage, summary="List shipments")
def list_shipments(request, page: Query[PageParams], status: str = "", order: int | None = None, q: str = ""):
    queryset = selectors.shipments_for(request.auth, status=status, search=q.strip())
    if order is not None:
        queryset = queryset.filter(order_id=order)
    return paginate(queryset.order_by("-created_at", "-pk"), page)


@shipments_router.get("/{int:id}/", response=ShipmentDetail, summary="One shipment with its lines")
def get_shipment(request, id: int):
    return get_scoped_or_404(Shipment.objects.select_related("customer", "warehouse"), request.auth, pk=id)


RESOURCES = {"products": products, "price-lists": price_lists, "quotations": quotations_router,
             "contracts": contracts_router, "orders": orders_router, "shipments": shipments_router}
