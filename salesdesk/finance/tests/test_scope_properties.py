"""Property tests of the finance documents' scope rules against an independent oracle.

The strategy, oracle and checks of sales/tests/test_scope_properties.py, on invoices (with a line)
and payments (with a refund), judged in the finance module: every position's finance level is drawn
independently of its sales level, so an invoice or payment that followed the sales levels (or a
line or refund that did not follow its document) disagrees with the oracle. As there: a document is
seen by whoever's finance scope covers its owner or its customer's owner, and by its collaborators;
changed by whoever's finance scope covers its owner and by write collaborators.
"""

import pytest
from hypothesis import HealthCheck, given, settings

from salesdesk.finance.models import Invoice, InvoiceLine, Payment, Refund
from salesdesk.sales.tests.test_scope_properties import Kind, document_worlds, run

MODULE = "finance"


def make_invoice(basics, index, owner, customer):
    order, order_line = basics.order(index, owner, customer)
    document = Invoice.objects.create(company=basics.company, number=f"N{index}", order=order, customer=customer,
                                      owner=owner, requested_by=owner, buyer_name=customer.name, amount=1)
    InvoiceLine.objects.create(invoice=document, order_line=order_line, product=basics.product, quantity=1,
                               unit_price=1, tax_rate=0, amount=1, tax_amount=0)
    return document


def make_payment(basics, index, owner, customer):
    document = Payment.objects.create(company=basics.company, number=f"N{index}", customer=customer, owner=owner,
                                      amount=1, received_on="2026-11-26", registered_by=owner)
    Refund.objects.create(payment=document, amount=1, refunded_on="2026-11-27", reason="退款", refunded_by=owner)
    return document


FINANCE_KINDS = {
    "invoice": Kind(Invoice, InvoiceLine, "invoice", make_invoice),
    "payment": Kind(Payment, Refund, "payment", make_payment),
}


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=document_worlds(FINANCE_KINDS))
def test_invoices_and_payments_agree_with_the_oracle_in_the_finance_module_before_and_after_departments_move(drawn):
    run(drawn, FINANCE_KINDS, MODULE)
