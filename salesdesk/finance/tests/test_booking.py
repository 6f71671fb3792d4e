"""An invoice is booked when it is issued and a payment when finance confirms it: each records its
owner's department and its customer's territory at that moment, not when it was asked for or
registered, and keeps them when the owner moves on."""

from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.customers import services as customer_services
from salesdesk.finance import invoicing, payments
from salesdesk.finance.tests.conftest import ship
from salesdesk.org import services as org_services

pytestmark = pytest.mark.django_db


def transfer(org, key, position):
    person = org.people[key]
    for assignment in person.assignments.filter(ended_on__isnull=True):
        org_services.end_assignment(assignment=assignment)
    org_services.assign(employee=person, position=org.positions[position], is_primary=True)


def booked(document):
    document.refresh_from_db()
    return document.booked_department, document.booked_territory


@pytest.fixture
def east(finance, confirmed):
    territory = org_services.create_territory(company=finance.company, name="华东片区", code="T-EAST")
    customer_services.update_customer(customer=confirmed.customer, by=finance.people["owner"], territory=territory)
    return territory


def test_an_invoice_is_booked_when_it_is_issued(finance, confirmed, east):
    ship(finance, confirmed, SBS="1")
    line = confirmed.lines.get(product__code="SBS")
    invoice = invoicing.request_invoice(order=confirmed, by=finance.people["owner"], buyer_tax_id="91430600MA4L000000",
                                        quantities={line.pk: Decimal("1")})
    invoicing.submit(invoice=invoice, by=finance.people["owner"])
    invoicing.check(invoice=invoice, by=finance.people["checker"], approve=True)
    assert booked(invoice) == (None, None)
    transfer(finance, "owner", "bj-rep")
    invoicing.issue(invoice=invoice, by=finance.people["clerk"], invoice_number="43000001",
                    issued_on=timezone.localdate())
    assert booked(invoice) == (finance.departments["beijing"], east)
    transfer(finance, "owner", "sh-rep")
    assert booked(invoice) == (finance.departments["beijing"], east)


def test_a_payment_is_booked_when_finance_confirms_it(finance, confirmed, east):
    payment = payments.register(customer=confirmed.customer, by=finance.people["owner"], amount=Decimal("5000"),
                                received_on=timezone.localdate())
    assert booked(payment) == (None, None)
    payments.confirm(payment=payment, by=finance.people["checker"])
    assert booked(payment) == (finance.departments["shanghai"], east)
    transfer(finance, "owner", "bj-rep")
    assert booked(payment) == (finance.departments["shanghai"], east)
