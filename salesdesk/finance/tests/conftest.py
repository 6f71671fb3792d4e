"""The sales fixtures (two inside-sales clerks who also check invoices, the owner's customer and two
products), a confirmed order of the owner and a warehouse to ship it from."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.core.access import Actor
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services as org_services
from salesdesk.sales import orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Warehouse
from salesdesk.sales.tests import conftest as sales

# The sales fixtures, shared: the organisation with its two clerks, the deal, English messages.
org, deal, english = sales.org, sales.deal, sales.english
# The clerks keep their pricing duty and also rate customers (the credit tests set profiles through them).
PRICING_DUTY = [{"text": "价格录入与复核（双人）", "capability": "pricing"}, {"text": "信用评级", "capability": "credit"}]


@pytest.fixture
def checkers(org):
    """Both clerks hold the invoice-check duty and see the whole company's invoices and orders; the rep
    asks for invoices."""
    org_services.set_duties(position=org.positions["inside"], duties=[
        *PRICING_DUTY, {"text": "开票复核", "queue": "invoices_to_check", "capability": "check_invoices"}])
    for module in ("finance", "sales"):
        org_services.set_position_scope(position=org.positions["inside"], module=module, level=ScopeLevel.ALL)
    return org


@pytest.fixture
def confirmed(checkers, deal):
    org = checkers
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                lines=[LineInput(deal["sbs"], Decimal("10")), LineInput(deal["agent"], Decimal("5"))],
                                delivery_on=timezone.localdate() + datetime.timedelta(days=3))
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    return order


def ship(org, order, **quantities):
    """Ship `code=quantity` of the order from a well-stocked warehouse."""
    warehouse, _created = Warehouse.objects.get_or_create(company=org.company, code="WH", defaults={"name": "总库"})
    lines = {line.product.code: line for line in order.lines.select_related("product")}
    for code, quantity in quantities.items():
        shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=lines[code].product, quantity=Decimal(quantity))
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={lines[code].pk: Decimal(q) for code, q in quantities.items()})
    return shipping.release(shipment=shipment)


@pytest.fixture
def finance(checkers):
    """The two clerks also confirm and allocate payments (回款确认)."""
    org = checkers
    org_services.set_duties(position=org.positions["inside"], duties=[
        *PRICING_DUTY, {"text": "开票复核", "queue": "invoices_to_check", "capability": "check_invoices"},
        {"text": "回款确认与核销", "queue": "payments_to_confirm", "capability": "confirm_payments"}])
    return org


def issued_invoice(org, order, *, issued_on=None, **quantities):
    """Ship `code=quantity` of the order and invoice it: asked by the owner, checked and issued by the
    clerks."""
    from salesdesk.finance import invoicing

    ship(org, order, **quantities)
    lines = {line.product.code: line for line in order.lines.select_related("product")}
    invoice = invoicing.request_invoice(order=order, by=org.people["owner"], buyer_tax_id="91430600MA4L000000",
                                        quantities={lines[code].pk: Decimal(q) for code, q in quantities.items()})
    invoicing.submit(invoice=invoice, by=org.people["owner"])
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    return invoicing.issue(invoice=invoice, by=org.people["clerk"], invoice_number=f"4300{invoice.pk:04d}",
                           issued_on=issued_on or timezone.localdate())
