"""API resource `invoices` under /api/v1/: the invoice requests the caller may see, with their lines."""

from __future__ import annotations

from decimal import Decimal

from ninja import Query, Router, Schema

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.schemas import Ref
from salesdesk.core.scope import get_scoped_or_404

from .models import Invoice
from .selectors import invoices_for


class InvoiceLineOut(Schema):
    product: Ref
    order_line: int
    quantity: Decimal
    unit_price: Decimal
    tax_rate: Decimal
    amount: Decimal
    tax_amount: Decimal

    @staticmethod
    def resolve_product(obj):
        return {"id": obj.product_id, "name": f"{obj.product.code} {obj.product.name}"}

    @staticmethod
    def resolve_order_line(obj):
        return obj.order_line_id


class InvoiceOut(Schema):
    id: int
    number: str
    order: int
    customer: Ref
    kind: str
    status: str
    amount: Decimal
    tax_amount: Decimal
    invoice_number: str
    issued_on: str | None

    @staticmethod
    def resolve_order(obj):
        return obj.order_id

    @staticmethod
    def resolve_issued_on(obj):
        return obj.issued_on.isoformat() if obj.issued_on else None


class InvoiceDetail(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.select_related("product"))


class InvoicePage(Schema):
    count: int
    page: int
    page_size: int
    results: list[InvoiceOut]


invoices = Router(tags=["invoices"])


@invoices.get("/", response=InvoicePage, summary="List invoice requests")
def list_invoices(request, page: Query[PageParams], status: str = "", order: int | None = None, q: str = ""):
    queryset = invoices_for(request.auth, status=status, search=q.strip())
    if order is not None:
        queryset = queryset.filter(order_id=order)
    return paginate(queryset.order_by("-created_at", "-pk"), page)


@invoices.get("/{int:id}/", response=InvoiceDetail, summary="One invoice request with its lines")
def get_invoice(request, id: int):
    return get_scoped_or_404(Invoice.objects.select_related("customer"), request.auth, pk=id)


RESOURCES = {"invoices": invoices}
