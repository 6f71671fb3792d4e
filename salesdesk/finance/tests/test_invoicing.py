import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from salesdesk.core.access import Denied
from salesdesk.finance import invoicing
from salesdesk.finance.models import FinanceSettings, Invoice
from salesdesk.workbench.registry import cards_for

from .conftest import ship

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 30)


def lines_of(order):
    return {line.product.code: line for line in order.lines.select_related("product")}


def ask(org, order, by="owner", kind="special", **quantities):
    lines = lines_of(order)
    return invoicing.request_invoice(order=order, by=org.people[by], kind=kind, buyer_tax_id="91430600MA4L000000",
                                     quantities={lines[code].pk: Decimal(q) for code, q in quantities.items()})


def test_an_invoice_goes_from_request_through_the_second_person_to_the_customer(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="6")
    invoice = ask(org, confirmed, SBS="6")
    assert invoice.number.startswith("KP-")
    assert (invoice.amount, invoice.tax_amount) == (Decimal("75000.00"), Decimal("8628.32"))
    invoicing.submit(invoice=invoice, by=org.people["owner"])
    with pytest.raises(Denied, match="invoicing clerks"):  # the rep holds no invoice-check duty
        invoicing.check(invoice=invoice, by=org.people["owner"], approve=True)
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    with pytest.raises(Denied, match="invoicing clerks"):
        invoicing.issue(invoice=invoice, by=org.people["owner"], invoice_number="No.1", issued_on=DAY)
    invoicing.issue(invoice=invoice, by=org.people["clerk"], invoice_number="43000123", issued_on=DAY)
    line = lines_of(confirmed)["SBS"]
    assert line.invoiced_quantity == Decimal("6")
    invoicing.mail(invoice=invoice, by=org.people["checker"], tracking="SF888", mailed_on=DAY)
    invoicing.receive(invoice=invoice, by=org.people["checker"], received_on=DAY + datetime.timedelta(days=2))
    invoice.refresh_from_db()
    assert (invoice.status, invoice.invoice_number, invoice.mail_tracking) == ("received", "43000123", "SF888")


def test_a_clerk_who_asked_for_an_invoice_neither_checks_nor_issues_it(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="2")
    invoice = ask(org, confirmed, by="clerk", SBS="2")
    invoicing.submit(invoice=invoice, by=org.people["clerk"])
    with pytest.raises(ValidationError, match="second person"):
        invoicing.check(invoice=invoice, by=org.people["clerk"], approve=True)
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    with pytest.raises(ValidationError, match="does not issue"):
        invoicing.issue(invoice=invoice, by=org.people["clerk"], invoice_number="No.1", issued_on=DAY)


def test_the_requester_acting_through_his_log_in_or_an_actor_still_neither_checks_nor_issues(checkers, confirmed):
    from salesdesk.core.access import actor_of

    org = checkers
    ship(org, confirmed, SBS="2")
    invoice = ask(org, confirmed, by="clerk", SBS="2")
    invoicing.submit(invoice=invoice, by=org.people["clerk"])
    for who in (org.user("clerk"), actor_of(org.people["clerk"])):
        with pytest.raises(ValidationError, match="second person"):
            invoicing.check(invoice=invoice, by=who, approve=True)
    invoicing.check(invoice=invoice, by=actor_of(org.user("checker")), approve=True)
    assert type(invoice).objects.get(pk=invoice.pk).checked_by == org.people["checker"]
    with pytest.raises(ValidationError, match="does not issue"):
        invoicing.issue(invoice=invoice, by=org.user("clerk"), invoice_number="No.1", issued_on=DAY)


def test_invoiced_never_exceeds_shipped_counting_open_requests(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="6")
    with pytest.raises(ValidationError, match="only 6"):
        ask(org, confirmed, SBS="7")
    ask(org, confirmed, SBS="4")
    with pytest.raises(ValidationError, match="only 2"):
        ask(org, confirmed, SBS="3")
    with pytest.raises(ValidationError, match="only 0"):
        ask(org, confirmed, AGT="1")  # nothing of it shipped


def test_a_company_that_invoices_against_orders_may_invoice_before_shipping(checkers, confirmed):
    org = checkers
    FinanceSettings.objects.filter(company=org.company).update(invoice_basis=FinanceSettings.Basis.ORDERED)
    invoice = ask(org, confirmed, SBS="10", AGT="5")
    assert invoice.amount == Decimal("126500.00")
    with pytest.raises(ValidationError):
        ask(org, confirmed, SBS="1")


def test_the_checker_returns_a_request_with_a_reason_and_it_is_a_draft_again(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="2")
    invoice = ask(org, confirmed, SBS="2")
    invoicing.submit(invoice=invoice, by=org.people["owner"])
    with pytest.raises(ValidationError):
        invoicing.check(invoice=invoice, by=org.people["checker"], approve=False, comment="")
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=False, comment="税号有误")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.check_comment) == (Invoice.Status.DRAFT, "税号有误")


def test_a_special_invoice_needs_the_buyers_taxpayer_id(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="1")
    line = lines_of(confirmed)["SBS"]
    with pytest.raises(ValidationError) as refused:
        invoicing.request_invoice(order=confirmed, by=org.people["owner"], kind="special", buyer_tax_id="",
                                  quantities={line.pk: Decimal("1")})
    assert "buyer_tax_id" in refused.value.message_dict
    normal = invoicing.request_invoice(order=confirmed, by=org.people["owner"], kind="normal",
                                       quantities={line.pk: Decimal("1")})
    assert normal.kind == "normal"


def test_the_check_refuses_lines_that_no_longer_match_the_order(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="2")
    invoice = ask(org, confirmed, SBS="2")
    invoicing.submit(invoice=invoice, by=org.people["owner"])
    invoice.lines.update(unit_price=Decimal("1"))  # tampered with after the request
    with pytest.raises(ValidationError, match="differs from the order"):
        invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)


def test_the_second_person_finds_the_request_on_the_workbench_the_requester_does_not(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="2")
    invoice = ask(org, confirmed, by="clerk", SBS="2")
    invoicing.submit(invoice=invoice, by=org.people["clerk"])
    assert {card["key"]: card["count"] for card in cards_for(org.user("checker"))}["invoices_to_check"] == 1
    assert {card["key"]: card["count"] for card in cards_for(org.user("clerk"))}["invoices_to_check"] == 0


def test_the_pages_request_check_and_issue_an_invoice(checkers, confirmed):
    org = checkers
    ship(org, confirmed, SBS="3")
    rep, checker = Client(), Client()
    rep.force_login(org.user("owner"))
    checker.force_login(org.user("checker"))
    assert 'id="request-invoice"' in rep.get(f"/sales/orders/{confirmed.pk}/").content.decode()
    lines = lines_of(confirmed)
    response = rep.post(f"/finance/invoices/new/{confirmed.pk}/", {
        "kind": "special", "buyer_name": "巴陵石化", "buyer_tax_id": "91430600MA4L000000",
        f"invoice-{lines['SBS'].pk}": "3", f"invoice-{lines['AGT'].pk}": "0"})
    invoice = Invoice.objects.get()
    assert response["Location"] == f"/finance/invoices/{invoice.pk}/"
    rep.post(f"/finance/invoices/{invoice.pk}/submit/")
    assert rep.post(f"/finance/invoices/{invoice.pk}/check/").status_code == 403  # the rep does not check
    page = checker.get(f"/finance/invoices/{invoice.pk}/").content.decode()
    assert 'id="check-invoice"' in page
    checker.post(f"/finance/invoices/{invoice.pk}/check/")
    checker.post(f"/finance/invoices/{invoice.pk}/issue/", {"invoice_number": "43000999", "issued_on": "2026-11-30"})
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED and lines_of(confirmed)["SBS"].invoiced_quantity == 3
    assert f'href="/finance/invoices/{invoice.pk}/"' in rep.get(f"/sales/orders/{confirmed.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(org.user("outsider"))
    assert outsider.get(f"/finance/invoices/{invoice.pk}/").status_code == 404


def test_an_assistant_outside_the_reps_scope_still_sees_the_request_she_made(checkers, confirmed):
    from salesdesk.core.scope import ScopeLevel
    from salesdesk.org import services as org_services

    org = checkers
    org_services.set_position_scope(position=org.positions["inside"], module="finance", level=ScopeLevel.SELF)
    ship(org, confirmed, SBS="1")
    invoice = ask(org, confirmed, by="clerk", SBS="1")
    assert Invoice.objects.restrict(org.user("clerk")).filter(pk=invoice.pk).exists()
    assert not Invoice.objects.restrict(org.user("checker")).filter(pk=invoice.pk).exists()
