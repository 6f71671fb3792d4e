"""Collection analysis: receivable at the start and the end of a period, invoiced and collected in it,
the collection rate and the DSO, per department, owner and customer, within the finance scope."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from salesdesk.core.scope import ScopeLevel
from salesdesk.finance import payments
from salesdesk.finance.tests.conftest import issued_invoice
from salesdesk.org import services as org_services
from salesdesk.reports.collection import collection

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def period(finance, confirmed):
    """Over the last eleven days: an invoice of 12,500 issued before them, another within them, and
    10,000 of the first collected within them."""
    today = TODAY()
    old = issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=20), SBS="1")
    issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=2), SBS="1")
    payment = payments.register(customer=confirmed.customer, by=finance.people["owner"], amount=Decimal("10000"),
                                received_on=today - datetime.timedelta(days=1))
    payments.confirm(payment=payment, by=finance.people["checker"])
    payments.allocate(payment=payment, by=finance.people["checker"],
                      targets=[payments.Target(amount=Decimal("10000"), invoice=old)],
                      on=today - datetime.timedelta(days=1))
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)
    return {"from": today - datetime.timedelta(days=10), "to": today}


def test_it_works_out_the_receivables_the_collection_rate_and_the_dso(finance, period):
    rows, total = collection(finance.user("director"), date_from=period["from"], date_to=period["to"], by="owner")

    assert [(row.name, row.opening, row.invoiced, row.collected, row.closing) for row in rows] == [
        ("李代表", Decimal("12500.00"), Decimal("12500.00"), Decimal("10000.00"), Decimal("15000.00"))]
    assert total.rate == Decimal("40.0")  # 10,000 of 25,000
    assert total.dso == Decimal("54.0")  # 15,000 / 25,000 invoiced in the 90 days to the end × 90


def test_a_past_period_keeps_its_figures_when_money_comes_in_later(finance, period):
    before = period["from"] - datetime.timedelta(days=1)
    rows, total = collection(finance.user("director"), date_from=before - datetime.timedelta(days=29), date_to=before)

    assert (total.opening, total.invoiced, total.collected, total.closing) == (
        Decimal("0.00"), Decimal("12500.00"), Decimal("0.00"), Decimal("12500.00"))
    assert total.rate == Decimal("0.0")


def test_departments_are_where_the_invoices_were_booked_and_each_one_sees_his_scope(finance, period):
    rows, _total = collection(finance.user("director"), date_from=period["from"], date_to=period["to"], by="department")
    assert [row.name for row in rows] == [finance.people["owner"].assignments.first().position.department.name]
    assert collection(finance.user("outsider"), date_from=period["from"], date_to=period["to"])[0] == []
    assert collection(finance.user("owner"), date_from=period["from"], date_to=period["to"])[1].closing == \
        Decimal("15000.00")


def test_a_reversed_period_or_unknown_grouping_is_refused(finance):
    with pytest.raises(ValueError):
        collection(finance.user("director"), date_from=TODAY(), date_to=TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ValueError):
        collection(finance.user("director"), date_from=TODAY(), date_to=TODAY(), by="colour")


def test_the_dso_counts_the_receivable_in_days_of_the_last_ninety_days_invoicing(finance, confirmed):
    """Invoices of 12,500 100 days ago (paid), 25,000 60 days ago (paid) and 12,500 yesterday (open),
    asked about a period of two days: 12,500 open ÷ 37,500 invoiced in the 90 days × 90 = 30 days —
    not 2 days, as the two days of the period alone would say."""
    today = TODAY()

    def paid(invoice, days_ago):  # paid in full, so that the credit check lets the next shipment go
        payment = payments.register(customer=confirmed.customer, by=finance.people["owner"], amount=invoice.amount,
                                    received_on=today - datetime.timedelta(days=days_ago))
        payments.confirm(payment=payment, by=finance.people["checker"])
        payments.allocate(payment=payment, by=finance.people["checker"], on=today - datetime.timedelta(days=days_ago),
                          targets=[payments.Target(amount=invoice.amount, invoice=invoice)])

    paid(issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=100), SBS="1"), 95)
    paid(issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=60), SBS="2"), 30)
    issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=1), SBS="1")
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)

    rows, total = collection(finance.user("director"), date_from=today - datetime.timedelta(days=1), date_to=today)

    assert (total.closing, total.invoiced_in_window, total.dso) == (Decimal("12500.00"), Decimal("37500.00"),
                                                                    Decimal("30.0"))
    assert [row.dso for row in rows] == [Decimal("30.0")]


def test_without_invoicing_in_the_ninety_days_there_is_no_dso(finance, confirmed):
    today = TODAY()
    issued_invoice(finance, confirmed, issued_on=today - datetime.timedelta(days=120), SBS="1")
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)

    _rows, total = collection(finance.user("director"), date_from=today - datetime.timedelta(days=1), date_to=today)

    assert (total.closing, total.dso) == (Decimal("12500.00"), None)


def test_the_collection_page_states_how_the_dso_is_worked_out(finance, period):
    from django.test import Client
    from django.urls import reverse

    director = Client(HTTP_ACCEPT_LANGUAGE="en")
    director.force_login(finance.user("director"))
    page = director.get(reverse("reports:collection"), {"from": period["from"].isoformat(),
                                                       "to": period["to"].isoformat()}).content.decode()

    assert "receivable at the end ÷ invoiced in the 90 days up to the end of the period × 90" in page
    assert 'id="summary-dso">54.0<' in page
