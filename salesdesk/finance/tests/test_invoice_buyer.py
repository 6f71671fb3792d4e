"""A new invoice request starts from the customer's invoicing information (开票信息), and the invoice
says whether that information had been verified (核实登记) — as it was when the request was made."""

from decimal import Decimal

import pytest
from django.test import Client

from salesdesk.customers import services as customer_services
from salesdesk.finance import invoicing

from .conftest import ship

pytestmark = pytest.mark.django_db

PROFILE = {"title": "巴陵石化有限责任公司", "tax_number": "91430600MA4L00000X", "address": "湖南省岳阳市云溪区",
           "phone": "0730-8450000", "bank": "工商银行岳阳分行", "account": "1907021009000012345"}


def client_for(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user(key))
    return client


def ask(org, order, **buyer):
    line = order.lines.get(product__code="SBS")
    return invoicing.request_invoice(order=order, by=org.people["owner"], quantities={line.pk: Decimal("1")},
                                     **buyer)


@pytest.fixture
def profile(checkers, confirmed):
    ship(checkers, confirmed, SBS="2")
    return customer_services.update_invoicing_profile(customer=confirmed.customer, by=checkers.people["owner"],
                                                      **PROFILE)


def verify(org, order):
    return customer_services.verify_invoicing_profile(customer=order.customer, by=org.people["owner"])


def test_a_request_takes_the_buyers_details_from_the_invoicing_information(checkers, confirmed, profile):
    invoice = ask(checkers, confirmed)

    assert (invoice.buyer_name, invoice.buyer_tax_id) == ("巴陵石化有限责任公司", "91430600MA4L00000X")
    assert invoice.buyer_address_phone == "湖南省岳阳市云溪区 0730-8450000"
    assert invoice.buyer_bank_account == "工商银行岳阳分行 1907021009000012345"
    assert invoice.buyer_verified_at is None  # nobody has verified it yet


def test_a_request_from_verified_information_keeps_who_verified_it_and_when(checkers, confirmed, profile):
    verified = verify(checkers, confirmed)
    invoice = ask(checkers, confirmed, buyer_name="巴陵石化有限责任公司", buyer_tax_id="91430600MA4L00000X")

    assert (invoice.buyer_verified_by, invoice.buyer_verified_at) == (verified.verified_by, verified.verified_at)
    customer_services.update_invoicing_profile(customer=confirmed.customer, by=checkers.people["owner"],
                                               bank="建设银行岳阳分行")
    invoice.refresh_from_db()
    assert invoice.buyer_verified_by == checkers.people["owner"]  # it was verified when the request was made


def test_details_typed_other_than_the_verified_ones_are_not_called_verified(checkers, confirmed, profile):
    verify(checkers, confirmed)
    invoice = ask(checkers, confirmed, buyer_tax_id="91430600MA4L99999Y")

    assert invoice.buyer_tax_id == "91430600MA4L99999Y" and invoice.buyer_verified_at is None


def test_the_request_form_is_filled_from_the_information_and_says_it_was_verified(checkers, confirmed, profile):
    rep = client_for(checkers, "owner")
    page = rep.get(f"/finance/invoices/new/{confirmed.pk}/").content.decode()
    assert 'value="91430600MA4L00000X"' in page and 'value="工商银行岳阳分行 1907021009000012345"' in page
    assert "which nobody has verified yet" in page

    verify(checkers, confirmed)
    page = rep.get(f"/finance/invoices/new/{confirmed.pk}/").content.decode()
    assert "invoicing information, verified by 李代表 on" in page


def test_the_invoice_page_says_whether_the_buyers_details_were_verified(checkers, confirmed, profile):
    rep = client_for(checkers, "owner")
    unverified = ask(checkers, confirmed)
    page = rep.get(f"/finance/invoices/{unverified.pk}/").content.decode()
    assert "not from verified invoicing information" in page

    verify(checkers, confirmed)
    verified = ask(checkers, confirmed)
    page = rep.get(f"/finance/invoices/{verified.pk}/").content.decode()
    assert "verified invoicing information (by 李代表 on" in page


def test_a_customer_without_invoicing_information_starts_from_its_name_and_credit_code(checkers, confirmed):
    ship(checkers, confirmed, SBS="1")
    page = client_for(checkers, "owner").get(f"/finance/invoices/new/{confirmed.pk}/").content.decode()
    assert 'value="巴陵石化"' in page and "has no invoicing information yet" in page
    assert ask(checkers, confirmed, buyer_tax_id="91430600MA4L000000").buyer_name == "巴陵石化"
