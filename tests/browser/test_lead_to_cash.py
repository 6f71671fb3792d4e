"""Lead to cash in Chromium, for each template that sells goods, each step by whoever the template
gives it to: the rep finds a lead and turns it into a customer, quotes, turns the quotation into a
contract and submits it for 合同评审 — the reviewers the template's chain finds approve from
待我审批, with 法务 and finance countersigning; the order is reviewed (订单评审) and confirmed; the
holder of the shipping duty ships it; the rep asks for the invoice and the invoice checker (a second
person) issues it; the rep registers the customer's money and finance confirms and allocates it. The
order, shipment and invoice are booked in the rep's own office. (The industrial template's longer
walk, with a price below the floor and a credit override, is test_quote_to_contract; the real-estate
site, which sells units rather than shipments, has its own walk below.)"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.core.access import Actor
from salesdesk.finance.models import FinanceSettings, Invoice, Payment
from salesdesk.org import orgfile
from salesdesk.org.models import Employee
from salesdesk.sales import pricing, services, shipping
from salesdesk.sales.models import Contract, SalesOrder, Shipment, Warehouse

from .conftest import login

PASSWORD = orgfile.DEMO_PASSWORD
# (template, the rep who sells, the words that name legal and finance among the contract's reviewers)
TEMPLATES = [
    ("industrial", "nanjing-rep-1", ("法务", "账务")),
    ("standard-sales", "jiangsu-rep-1", ("法务", "财务")),
    ("fmcg-brand", "rep-north-1", ("财务",)),
    ("sales-company", "sales-rep-1", ("法务", "财核")),
]


def holders(company, capability):
    return list(Employee.objects.filter(company=company, status="active", user__isnull=False,
                                        assignments__ended_on__isnull=True,
                                        assignments__position__duties__capability=capability)
                .distinct().order_by("pk"))


def prepare(code):
    """The template with demo people, one product whose price is checked, stock, and open credit
    for customers nobody has rated (the walk is about who does what, not about credit)."""
    company = orgfile.load_org(data=orgfile.load_template(code), demo_people=True)
    system = Actor.command("test")
    keepers = holders(company, "pricing")  # the template's price keepers: one enters, another checks
    keepers = [keepers[0], next(person for person in keepers if person.pk != keepers[0].pk)]
    product = services.create_product(company=company, by=keepers[0], code="P-100", name="工业胶", unit="桶",
                                      standard_price=Decimal("1000"))
    pricing.confirm_price_change(by=keepers[1], change=product.price_changes.get())
    warehouse = Warehouse.objects.create(company=company, code="WH", name="总库")
    shipping.receive_stock(by=system, warehouse=warehouse, product=product, quantity=Decimal("500"))
    FinanceSettings.objects.update_or_create(company=company, defaults={
        "default_credit_policy": "credit", "default_credit_limit": Decimal("10000000")})
    return company


def log_in(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def approve_whatever_waits(page, live_server, document, number) -> list[tuple[str, str]]:
    """Each pending task's approver logs in and approves from 待我审批, until nothing waits;
    [(step, approver's position)] in the order they approved."""
    done = []
    content_type = ContentType.objects.get_for_model(document)
    for _turn in range(15):
        request = ApprovalRequest.objects.filter(content_type=content_type, object_id=document.pk,
                                                 status=ApprovalRequest.Status.PENDING).first()
        if request is None:
            return done
        task = (ApprovalTask.objects.filter(request=request, step=request.current_step,
                                            status=ApprovalTask.Status.PENDING)
                .select_related("approver__user").order_by("pk").first())
        approver = task.approver
        log_in(page, live_server, approver.user.username)
        page.goto(f"{live_server.url}{reverse('approvals:inbox')}")
        with page.expect_navigation():
            page.locator("#approval-rows tbody a", has_text=number).first.click()
        page.fill("#id_comment", "同意")
        with page.expect_navigation():
            page.click("#approve")
        position = approver.assignments.filter(ended_on__isnull=True).select_related("position").first().position
        done.append((task.step_name, position.title))
    raise AssertionError(f"{number} is still waiting after {done}")


def someone_who_sees(people, model, pk, exclude=()):
    for person in people:
        if person.pk not in exclude and model.objects.restrict(person.user).filter(pk=pk).exists():
            return person
    raise AssertionError(f"nobody among {[p.user.username for p in people]} sees {model.__name__} {pk}")


def quote_and_review_contract(page, live_server, customer_id, title, product_code, quantity):
    """The rep (logged in) quotes `quantity` of the product at its price, sends the quotation, turns it
    into a contract and submits it; the chain's reviewers approve. Returns (contract, review)."""
    page.goto(f"{live_server.url}{reverse('sales:quotation_new')}?customer={customer_id}")
    page.fill("#id_title", title)
    page.fill("#id_lines-0-product", product_code[:-1])
    page.locator(".sd-picker-results button", has_text=product_code).click()
    page.fill("#id_lines-0-quantity", quantity)
    for button in ("#save-quotation", "#send", "#to-contract", "#save-contract", "#submit-review"):
        with page.expect_navigation():
            page.click(button)
    contract = Contract.objects.get(customer_id=customer_id)
    review = approve_whatever_waits(page, live_server, contract, contract.number)
    contract.refresh_from_db()
    return contract, review


def register_and_confirm_payment(page, live_server, company, payer, customer_id, amount, reference):
    """`payer` (the rep) registers the customer's money, which he may not confirm; finance confirms it
    and stays on the payment page to allocate it. Returns the payment."""
    log_in(page, live_server, payer.user.username)
    page.goto(f"{live_server.url}{reverse('finance:payment_new')}?customer={customer_id}")
    page.fill("#id_amount", amount)
    page.fill("#id_received_on", timezone.localdate().isoformat())
    page.fill("#id_reference", reference)
    with page.expect_navigation():
        page.click("#save-payment")
    assert page.locator("#confirm-payment").count() == 0  # the rep does not confirm money
    payment = Payment.objects.get(reference=reference)
    finance = someone_who_sees(holders(company, "confirm_payments"), Payment, payment.pk, exclude={payer.pk})
    log_in(page, live_server, finance.user.username)
    page.goto(f"{live_server.url}{reverse('finance:payment', args=[payment.pk])}")
    with page.expect_navigation():
        page.click("#confirm-payment")
    return payment


@pytest.mark.parametrize("code, rep_username, reviewers", TEMPLATES, ids=[code for code, *_ in TEMPLATES])
def test_each_step_from_lead_to_cash_is_taken_by_the_position_the_template_gives_it(
        page, live_server, transactional_db, code, rep_username, reviewers):
    company = prepare(code)
    rep = Employee.objects.get(user__username=rep_username)
    today = timezone.localdate()

    # The rep finds a lead and, after a call, makes it a customer.
    log_in(page, live_server, rep_username)
    page.goto(f"{live_server.url}{reverse('customers:lead_create')}")
    page.fill("#id_name", "王经理")
    page.fill("#id_company_name", "江南精细化工有限公司")
    page.fill("#id_mobile", "13900001234")
    with page.expect_navigation():
        page.click("#lead-form button.btn-primary")
    with page.expect_navigation():
        page.click("#convert-lead")
    with page.expect_navigation():
        page.click("#convert-form button.btn-success")
    assert "/customers/" in page.url
    customer_id = int(page.url.rstrip("/").split("/")[-1])

    # A quotation at the list price, sent, and turned into a contract that goes to 合同评审.
    contract, review = quote_and_review_contract(page, live_server, customer_id, "首批采购", "P-100", "20")
    assert contract.status == Contract.Status.ACTIVE, review
    titles = " ".join(title for _step, title in review)
    assert all(word in titles for word in reviewers), review
    assert rep_username not in titles

    # The order against the contract, reviewed (订单评审) until confirmed.
    log_in(page, live_server, rep_username)
    page.goto(f"{live_server.url}{reverse('sales:contract', args=[contract.pk])}")
    page.fill("#order-form input[name=delivery_on]", (today + datetime.timedelta(days=5)).isoformat())
    with page.expect_navigation():
        page.click("#place-order")
    with page.expect_navigation():
        page.click("#submit-order")
    order = SalesOrder.objects.get(contract=contract)
    order_review = approve_whatever_waits(page, live_server, order, order.number)
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CONFIRMED and order_review, order_review

    # The holder of the shipping duty ships it.
    shipper = someone_who_sees(holders(company, "ship_goods"), SalesOrder, order.pk)
    log_in(page, live_server, shipper.user.username)
    page.goto(f"{live_server.url}{reverse('sales:order', args=[order.pk])}")
    with page.expect_navigation():
        page.click("#ship")
    page.fill(f"#ship-lines input[name=ship-{order.lines.get().pk}]", "20")
    with page.expect_navigation():
        page.click("#save-shipment")
    with page.expect_navigation():
        page.click("#release")
    assert page.locator("#shipment-status").inner_text() == "已出库"

    # The rep asks for the invoice; a second person, the invoice checker, issues it.
    log_in(page, live_server, rep_username)
    page.goto(f"{live_server.url}{reverse('sales:order', args=[order.pk])}")
    with page.expect_navigation():
        page.click("#request-invoice")
    page.fill("#buyer_tax_id", "91320100MA1N000000")
    with page.expect_navigation():
        page.click("#save-invoice")
    with page.expect_navigation():
        page.click("#submit-invoice")
    invoice = Invoice.objects.get(order=order)
    checker = someone_who_sees(holders(company, "check_invoices"), Invoice, invoice.pk, exclude={rep.pk})
    log_in(page, live_server, checker.user.username)
    page.goto(f"{live_server.url}{reverse('finance:invoice', args=[invoice.pk])}")
    with page.expect_navigation():
        page.click("#check-invoice")
    page.fill("input[name=invoice_number]", "44000001")
    page.fill("input[name=issued_on]", today.isoformat())
    with page.expect_navigation():
        page.click("#issue-invoice")
    assert page.locator("#invoice-status").inner_text() == "已开具"

    # The customer pays; the rep registers it, finance confirms it and allocates it to the invoice.
    register_and_confirm_payment(page, live_server, company, rep, customer_id, "20000", "BANK-0001")
    page.fill(f"#allocate-form input[name=invoice-{invoice.pk}]", "20000")
    with page.expect_navigation():
        page.click("#allocate")
    invoice.refresh_from_db()
    assert invoice.paid_amount == Decimal("20000")

    # The figures are booked in the rep's own office, not in a clerk's or a reviewer's.
    office = rep.assignments.get(is_primary=True).position.department
    order.refresh_from_db()
    shipment = Shipment.objects.get(order=order)
    assert (order.booked_department, shipment.booked_department, invoice.booked_department) == (office,) * 3


def test_on_the_property_site_a_visitor_becomes_a_buyer_whose_down_payment_finance_confirms(
        page, live_server, transactional_db):
    """The real-estate template sells units, not shipments: the sales secretary registers a walk-in
    with the consultant whose turn it is; the consultant makes the visitor a customer, quotes the
    unit and turns it into a contract that the template's chain reviews; the buyer's down payment is
    registered by the consultant and confirmed and set against the contract's installment by the
    finance specialist."""
    from salesdesk.customers import visitors
    from salesdesk.org.models import Department
    from salesdesk.sales.models import Installment

    company = orgfile.load_org(data=orgfile.load_template("real-estate"), demo_people=True)
    keepers = holders(company, "pricing")
    unit = services.create_product(company=company, by=keepers[0], code="A-1201", name="A栋1201 三房", unit="套",
                                   standard_price=Decimal("2800000"))
    pricing.confirm_price_change(by=keepers[1], change=unit.price_changes.get())
    site = Department.objects.get(company=company, code="site")
    consultants = list(Employee.objects.filter(assignments__position__code="team-a-sales").order_by("pk"))
    visitors.set_rotation(site=site, employees=consultants)
    consultant = consultants[0]

    log_in(page, live_server, "sales-secretary-1")
    page.goto(f"{live_server.url}{reverse('customers:visitors')}")
    page.fill("#visitor-form input[name=name]", "李女士")
    page.fill("#visitor-form input[name=mobile]", "13822223333")
    with page.expect_navigation():
        page.click("#register-visitor")

    log_in(page, live_server, consultant.user.username)
    page.goto(f"{live_server.url}{reverse('customers:visitors')}")
    with page.expect_navigation():
        page.locator("[data-convert]").first.click()
    customer_id = int(page.url.rstrip("/").split("/")[-1])
    contract, review = quote_and_review_contract(page, live_server, customer_id, "A栋1201 认购", "A-1201", "1")
    assert contract.status == Contract.Status.ACTIVE and review, review
    assert consultant.name not in " ".join(title for _step, title in review)

    payment = register_and_confirm_payment(page, live_server, company, consultant, customer_id, "840000", "DOWN-0001")
    installment = Installment.objects.filter(contract=contract).order_by("due_on", "pk").first()
    page.fill(f"#allocate-form input[name=installment-{installment.pk}]", "840000")
    with page.expect_navigation():
        page.click("#allocate")
    payment.refresh_from_db()
    assert payment.status == "confirmed" and payment.allocations.get().installment == installment
