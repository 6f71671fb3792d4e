"""Quote to contract in Chromium, with the seed roles of the industrial template and the chains it
ships: a rep quotes below the floor price, his office manager approves it from the notification, the
rep turns the quotation into a contract and submits it for review (合同评审); the office manager, the
regional manager and the sales manager approve it from 待我审批, then 法务 and 账务 countersign, and the
contract is in force. An order against it is reviewed by the inside-sales clerk (订单评审) and shipped in
part by the sales manager's assistant (跟单); its invoice is requested by the rep and checked and issued
by the assistant (开票双人复核). The customer pays: the rep registers the money, the cashier of the 账务部
confirms it from her workbench (回款确认) and allocates it to the invoice, and the contract shows what
was collected. Then the sales manager rates the customer with a small credit limit; the rep's next
order is blocked, he asks for a credit override, the sales manager and the head of the 账务部 approve
it, and the order goes through its review."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers.models import Customer
from salesdesk.demo.customers import add_demo_customers
from salesdesk.demo.sales import add_demo_sales
from salesdesk.finance import credit
from salesdesk.finance.models import CreditOverride, Invoice, Payment
from salesdesk.org import orgfile
from salesdesk.org.models import Employee
from salesdesk.sales.models import Contract, Quotation, SalesOrder

from .conftest import login

PASSWORD = orgfile.DEMO_PASSWORD


@pytest.fixture
def company(transactional_db):
    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    add_demo_customers(company)
    add_demo_sales(company)
    # The customer buys on credit (the industrial company's unrated customers pay cash first).
    manager = Employee.objects.get(user__username="sales-manager-1")
    rep = Employee.objects.get(user__username="nanjing-rep-2")
    with acting_as(actor_for_user(manager.user, source="command")):
        credit.set_profile(customer=Customer.objects.filter(owner=rep).order_by("pk").first(), by=manager, level="B",
                           limit=500000, policy="credit", payment_days=30)
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
    # 合同评审 as the template runs it: the office, the region, the sales manager, then 法务 and 账务 together.
    for reviewer in ("nanjing-om-1", "east-rm-1", "sales-manager-1", "accounts-manager-1", "legal-officer-1"):
        log_in(page, live_server, reviewer)
        assert int(page.locator('[data-queue="approvals"] [data-count]').inner_text()) >= 1
        approve_from_the_inbox(page, live_server, contract.number)

    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:contract', args=[contract.pk])}")
    assert page.locator("#contract-status").inner_text() == "执行中"
    assert page.locator("#approval-history").count() == 1

    # The rep orders against the contract; the inside-sales clerk reviews it (订单评审: delivery date,
    # stock, prices) and it is confirmed; the sales manager's assistant (跟单) finds it among the orders
    # to follow.
    page.fill("#order-form input[name=delivery_on]", (timezone.localdate() + datetime.timedelta(days=5)).isoformat())
    with page.expect_navigation():
        page.click("#place-order")
    with page.expect_navigation():
        page.click("#submit-order")
    assert page.locator("#order-status").inner_text() == "评审中"
    order = SalesOrder.objects.get(contract=contract)
    log_in(page, live_server, "inside-sales-sbs-1")
    approve_from_the_inbox(page, live_server, order.number)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CONFIRMED
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

    # The customer pays 10,000. The rep registers it; it counts once the cashier of the 账务部 (出纳, who
    # keeps the bank account) finds it on her workbench, confirms it against the bank and allocates it to
    # the invoice — finance confirms money, not the sales line.
    invoice = Invoice.objects.get(order=order)
    today = timezone.localdate().isoformat()
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('finance:payment_new')}?customer={order.customer_id}")
    page.fill("#id_amount", "10000")
    page.fill("#id_received_on", today)
    page.fill("#id_reference", "CMB-20261126")
    with page.expect_navigation():
        page.click("#save-payment")
    assert page.locator("#payment-status").inner_text() == "待财务确认"
    assert page.locator("#confirm-payment").count() == 0  # the rep does not confirm money
    payment = Payment.objects.get(reference="CMB-20261126")
    log_in(page, live_server, "cashier-1")
    assert int(page.locator('[data-queue="payments_to_confirm"] [data-count]').inner_text()) == 1
    page.goto(f"{live_server.url}{reverse('finance:payment', args=[payment.pk])}")
    with page.expect_navigation():
        page.click("#confirm-payment")
    assert page.locator("#payment-status").inner_text() == "已确认"
    page.fill(f"#allocate-form input[name=invoice-{invoice.pk}]", "10000")
    with page.expect_navigation():
        page.click("#allocate")
    invoice.refresh_from_db()
    assert invoice.paid_amount == 10000
    assert page.locator("#payment-unapplied").inner_text().startswith("0")
    # The contract's execution box counts it as collected.
    page.goto(f"{live_server.url}{reverse('sales:contract', args=[contract.pk])}")
    outstanding = contract.amount - 10000
    assert page.locator("#contract-outstanding").inner_text().replace(",", "") == f"{outstanding:.2f}"

    # The sales manager (who holds the credit duty) rates the customer: level C, 1,000 of credit.
    log_in(page, live_server, "sales-manager-1")
    page.goto(f"{live_server.url}{reverse('finance:credit_profile', args=[order.customer_id])}")
    page.select_option("#credit-form select[name=level]", "C")
    page.select_option("#credit-form select[name=policy]", "credit")
    page.fill("#credit-form input[name=limit]", "1000")
    with page.expect_navigation():
        page.click("#save-credit")

    # The rep's next order for the customer would take it over its limit: blocked.
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:order_new')}?customer={order.customer_id}")
    page.fill("#id_lines-0-product", "SBS-79")
    page.locator(".sd-picker-results button", has_text="SBS-791").click()
    page.fill("#id_lines-0-quantity", "1")
    with page.expect_navigation():
        page.click("#save-order")
    with page.expect_navigation():
        page.click("#submit-order")
    assert page.locator("#order-status").inner_text() == "草稿"
    assert page.locator("#credit-blocked").is_visible()
    second = SalesOrder.objects.filter(customer=order.customer, status=SalesOrder.Status.DRAFT).latest("pk")
    page.fill("#override-form input[name=reason]", "老客户，月底前回款")
    with page.expect_navigation():
        page.click("#ask-override")
    override = CreditOverride.objects.get(order=second)
    assert override.status == CreditOverride.Status.PENDING

    # The sales manager and then the head of the 账务部 approve the override from 待我审批; then the
    # order goes through its review.
    for approver in ("sales-manager-1", "accounts-manager-1"):
        log_in(page, live_server, approver)
        page.goto(f"{live_server.url}{reverse('approvals:inbox')}")
        with page.expect_navigation():
            page.locator("#approval-rows tbody a").first.click()
        page.fill("#id_comment", "同意特批")
        with page.expect_navigation():
            page.click("#approve")
    override.refresh_from_db()
    assert override.status == CreditOverride.Status.APPROVED
    log_in(page, live_server, "nanjing-rep-2")
    page.goto(f"{live_server.url}{reverse('sales:order', args=[second.pk])}")
    with page.expect_navigation():
        page.click("#submit-order")
    assert page.locator("#order-status").inner_text() == "评审中"
    log_in(page, live_server, "inside-sales-sbs-1")
    approve_from_the_inbox(page, live_server, second.number)
    second.refresh_from_db()
    assert second.status == SalesOrder.Status.CONFIRMED
    override.refresh_from_db()
    assert override.status == CreditOverride.Status.USED
