"""Demo finance records for the industrial template: credit profiles, the chains for credit overrides
and write-offs, and per demo order a shipment, an invoice issued six weeks ago (so overdue), one
payment confirmed and partly allocated and one waiting for finance; then the collection tasks.

The 内勤 ships, checks and issues the invoices; the 账务部's 出纳 confirms and allocates the receipts
(回款确认 is finance's, not the sales line's)."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.demo.clock import as_of, days_ago
from salesdesk.demo.sales import _holder
from salesdesk.finance import credit, invoicing, payments, receivables
from salesdesk.sales import shipping
from salesdesk.sales.models import SalesOrder, Warehouse

LEVELS = ("A", "B", "C", "D")


@transaction.atomic
def add_demo_finance(company) -> dict:
    clerk = _holder(company, "inside-sales-sbs")  # ships, checks and issues invoices (开票复核)
    cashier = _holder(company, "cashier")  # confirms and allocates payments (回款确认)
    manager = _holder(company, "sales-manager") or clerk
    if clerk is None or cashier is None:
        return {"invoices": 0}
    today = timezone.localdate()
    # 信用特批 and 坏账核销 chains come with the industrial template.
    warehouse = Warehouse.objects.filter(company=company, code="WH-MAIN").first()
    invoices = 0
    for index, order in enumerate(SalesOrder.objects.filter(company=company, status=SalesOrder.Status.CONFIRMED)
                                  .select_related("customer", "owner__user").order_by("pk")):
        rep = order.owner
        with as_of(order.ordered_on), acting_as(actor_for_user(manager.user, source="command")):
            credit.set_profile(customer=order.customer, by=manager, level=LEVELS[index % 4],
                               limit=Decimal("500000") if index % 4 < 3 else Decimal("0"),
                               policy="cash" if index % 4 == 3 else "credit", payment_days=30)
        if warehouse is None:
            continue
        lines = list(order.lines.all())
        cash_first = index % 4 == 3  # cash before delivery: paid first
        shipped_on = max(order.ordered_on, days_ago(45))
        with as_of(shipped_on):
            if cash_first:
                with acting_as(actor_for_user(clerk.user, source="command")):
                    paid = payments.register(customer=order.customer, by=clerk, amount=order.amount,
                                             received_on=shipped_on)
                with acting_as(actor_for_user(cashier.user, source="command")):
                    payments.confirm(payment=paid, by=cashier)
            with acting_as(actor_for_user(clerk.user, source="command")):
                shipment = shipping.create_shipment(order=order, by=clerk, warehouse=warehouse,
                                                    quantities={line.pk: line.quantity for line in lines})
                shipping.release(shipment=shipment, shipped_on=shipped_on)
        with as_of(shipped_on + datetime.timedelta(days=1)):
            with acting_as(actor_for_user(rep.user, source="command")):
                invoice = invoicing.request_invoice(order=order, by=rep, kind="normal",
                                                    quantities={line.pk: line.quantity for line in lines})
                invoicing.submit(invoice=invoice, by=rep)
            with acting_as(actor_for_user(clerk.user, source="command")):
                invoicing.check(invoice=invoice, by=clerk, approve=True)
                invoice = invoicing.issue(invoice=invoice, by=clerk, invoice_number=f"4300{7000 + index:04d}",
                                          issued_on=timezone.localdate())
            invoices += 1
        if not cash_first:
            with as_of(days_ago(3)):
                with acting_as(actor_for_user(clerk.user, source="command")):
                    part = (invoice.amount / 2).quantize(Decimal("0.01"))
                    paid = payments.register(customer=order.customer, by=clerk, amount=part,
                                             received_on=timezone.localdate(), reference=f"CMB{index:05d}")
                with acting_as(actor_for_user(cashier.user, source="command")):
                    payments.confirm(payment=paid, by=cashier)
        with acting_as(actor_for_user(cashier.user, source="command")):
            payments.allocate_oldest_first(payment=paid, by=cashier)
        if cash_first:
            continue
        with acting_as(actor_for_user(rep.user, source="command")):
            payments.register(customer=order.customer, by=rep, amount=Decimal("5000"), received_on=today,
                              note="客户来电称已付款")
    first = SalesOrder.objects.filter(company=company).select_related("customer").order_by("pk").first()
    if first is not None and invoices:
        # A raise beyond the sales manager's authority, waiting for 账务部 and the 总经理 (信用额度审批).
        with acting_as(actor_for_user(manager.user, source="command")):
            credit.set_profile(customer=first.customer, by=manager, level="A", limit=Decimal("1500000"),
                               policy="credit", payment_days=45, note="年度框架合同，申请提高额度")
    with acting_as(actor_for_user(clerk.user, source="command")):
        tasks = receivables.refresh_collection_tasks(company=company)
    return {"invoices": invoices, "collection_tasks": tasks["opened"]}
