"""Quote to contract in Chromium, with the seed roles of the industrial template: a rep quotes below
the floor price, his office manager approves it from the notification, the rep turns the quotation
into a contract and submits it for review (合同评审), and the office manager and the sales manager
approve it from 待我审批 until the contract is in force; an order against it is shipped in part by the
sales manager's assistant (跟单), and its invoice is requested by the rep and checked and issued by
the assistant (开票双人复核)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers.demo import add_demo_customers
from salesdesk.customers.models import Customer
from salesdesk.org import orgfile
from salesdesk.org.models import Employee
from salesdesk.sales.demo import add_demo_sales
from salesdesk.sales.models import Contract, Quotation, SalesOrder

from .conftest import login

PASSWORD = orgfile.DEMO_PASSWORD


@pytest.fixture
def company(transactional_db):
    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    add_demo_customers(company)
    add_demo_sales(company)
    return company


def log_in(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def approve_from_the_inbox(page, live_server, number):
    page.goto(f"{live_server.url}{reverse('approvals:inbox')}")
    with page.expect_navigation():
        page.locator("#approval-rows tbody a", has_text=number).click()
    page.fill("#id_comment", "同意")
    with page.expect_navigation():
        page.click("#approve")


def test_a_quotation_below_the_floor_is_approved_and_becomes_a_contract_in_force(page, live_server, company):
    rep = Employee.objects.get(user__username="nanjing-rep-2")
    customer = Customer.objects.filter(owner=rep).order_by("pk").first()
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:quotation_new')}?customer={customer.pk}")
    page.fill("#id_title", "试用订单")
    page.fill("#id_lines-0-product", "SBS-79")
    page.locator(".sd-picker-results button", has_text="SBS-791").click()
    page.fill("#id_lines-0-quantity", "4")
    page.fill("#id_lines-0-unit_price", "12000")  # floor 12,600
    with page.expect_navigation():
        page.click("#save-quotation")
    assert "低于底价" in page.locator("#lines").inner_text()
    with page.expect_navigation():
        page.click("#send")
    assert page.locator("#quotation-status").inner_text() == "审批中"
    number = Quotation.objects.get(title="试用订单").number

    # The office manager hears of it on the bell and approves from the notification.
    log_in(page, live_server, "nanjing-om-1")
    unread = int(page.locator("#sd-bell [data-unread]").inner_text())
    with page.expect_navigation():
        page.click("#sd-bell")
    with page.expect_navigation():
        page.locator("#notifications button", has_text=number).click()
    page.fill("#id_comment", "考虑到后续订单量，同意")
    with page.expect_navigation():
        page.click("#approve")
    assert page.locator("#approval-status").inner_text() == "已批准"
    assert int(page.locator("#sd-bell [data-unread]").inner_text()) == unread - 1

    log_in(page, live_server, "nanjing-rep-2")
    quotation = Quotation.objects.get(title="试用订单")
    page.goto(f"{live_server.url}{reverse('sales:quotation', args=[quotation.pk])}")
    assert page.locator("#quotation-status").inner_text() == "已发送"
    with page.expect_navigation():
        page.click("#to-contract")
    with page.expect_navigation():
        page.click("#save-contract")
    with page.expect_navigation():
        page.click("#submit-review")
    assert page.locator("#contract-status").inner_text() == "评审中"

    contract = Contract.objects.get(quotation=quotation)
    for reviewer in ("nanjing-om-1", "sales-manager-1"):
        log_in(page, live_server, reviewer)
        assert int(page.locator('[data-queue="approvals"] [data-count]').inner_text()) >= 1
        approve_from_the_inbox(page, live_server, contract.number)

    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:contract', args=[contract.pk])}")
    assert page.locator("#contract-status").inner_text() == "执行中"
    assert page.locator("#approval-history").count() == 1

    # The rep orders against the contract; without an order review chain it is confirmed at once,
    # and the sales manager's assistant (跟单) finds it among the orders to follow.
    page.fill("#order-form input[name=delivery_on]", (timezone.localdate() + datetime.timedelta(days=5)).isoformat())
    with page.expect_navigation():
        page.click("#place-order")
    with page.expect_navigation():
        page.click("#submit-order")
    assert page.locator("#order-status").inner_text() == "已确认"
    order = SalesOrder.objects.get(contract=contract)
    log_in(page, live_server, "sales-manager-assistant-1")
    with page.expect_navigation():
        page.locator('[data-queue="orders_to_follow"]').click()
    with page.expect_navigation():
        page.locator(f'[data-order="{order.number}"] a').first.click()

    # … and ships it from the transit warehouse near the customer: a partial shipment first.
    with page.expect_navigation():
        page.click("#ship")
    page.select_option("#warehouse", label="南京中转库 (中转库)")
    page.fill(f"#ship-lines input[name=ship-{order.lines.get().pk}]", "3")
    with page.expect_navigation():
        page.click("#save-shipment")
    page.fill("#tracking_number", "DB-20261126")
    with page.expect_navigation():
        page.click("#release")
    assert page.locator("#shipment-status").inner_text() == "已出库"
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.PARTLY_SHIPPED
    assert order.lines.get().shipped_quantity == 3

    # The rep asks for a VAT special invoice of what was shipped; the assistant, a second person, checks
    # it against the order and issues it (开票双人复核).
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:order', args=[order.pk])}")
    with page.expect_navigation():
        page.click("#request-invoice")
    page.fill("#buyer_tax_id", "91320100MA1N000000")
    with page.expect_navigation():
        page.click("#save-invoice")
    with page.expect_navigation():
        page.click("#submit-invoice")
    assert page.locator("#invoice-status").inner_text() == "待复核"
    assert page.locator("#check-invoice").count() == 0  # not for the one who asked
    invoice_url = page.url
    log_in(page, live_server, "sales-manager-assistant-1")
    assert int(page.locator('[data-queue="invoices_to_check"] [data-count]').inner_text()) == 1
    page.goto(invoice_url)
    with page.expect_navigation():
        page.click("#check-invoice")
    page.fill("input[name=invoice_number]", "32000001")
    page.fill("input[name=issued_on]", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.click("#issue-invoice")
    assert page.locator("#invoice-status").inner_text() == "已开具"
    assert order.lines.get().invoiced_quantity == 3
