"""What the approval page shows of a quotation, contract or order: its lines (prices below the floor
marked), the contract's payment plan and files, and for an order each line's stock against its
delivery date — what the reviewers of 合同评审 and 订单评审 decide on."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from .models import Contract, Quotation, SalesOrder, StockLevel


def document_panel(request, document, user) -> dict | None:
    if not isinstance(document, (Quotation, Contract, SalesOrder)):
        return None
    lines = list(document.lines.select_related("product").order_by("position", "id"))
    panel = {"title": _("What is being approved"), "template": "sales/_approval_panel.html",
             "document": document, "lines": lines, "terms": getattr(document, "terms", "")}
    if isinstance(document, Contract):
        panel["installments"] = list(document.installments.order_by("due_on", "position"))
        panel["attachments"] = list(document.attachments.defer("content").order_by("id"))
    if isinstance(document, SalesOrder):
        # 订单评审 checks the delivery date against stock: what all warehouses hold of each product.
        products = {line.product_id for line in lines}
        held = dict(StockLevel.objects.filter(product_id__in=products).values("product_id")
                    .annotate(total=Sum("quantity")).values_list("product_id", "total"))
        for line in lines:
            line.in_stock = held.get(line.product_id) or 0
            line.short = line.in_stock < line.open_quantity
        panel["stock"] = True
    return panel


def register_panels() -> None:
    from salesdesk.approvals.registry import register_panel

    register_panel(document_panel)
