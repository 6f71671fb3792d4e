"""A rep moves from one office to another: last year's figures stay where they were booked.

李代表 sells for a year in 上海办事处 — an order a quarter, each shipped, invoiced and (but the last)
paid — to his customer in 华东片区. Then he is transferred to 北京办事处 (his customer goes to 华北片区
with him) and takes a new order. The sales report per department and territory, the aging and the
collection analysis keep last year in 上海 / 华东 and put the new business in 北京 / 华北; only "by
current organisation" puts everything where it is now. An approved org change that moves his
position to Beijing leaves history alone the same way."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customer_services
from salesdesk.finance import credit, invoicing, payments, receivables
from salesdesk.org import services as org_services
from salesdesk.org import versions
from salesdesk.reports.collection import collection
from salesdesk.reports.selectors import sales_summary
from salesdesk.sales import orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import StockLevel, Warehouse

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
LAST_YEAR = TODAY().year - 1
THIS_YEAR = TODAY().year
DAYS = [datetime.date(LAST_YEAR, month, 10) for month in (2, 5, 8, 11)]  # one order a quarter


def past_the_credit_check(org, order, action, step):
    """Run `step`; when the credit rules stop it (last year's invoice is overdue), the director grants
    a credit override (信用特批) for it and the step runs again."""
    try:
        return step()
    except credit.CreditBlocked:
        request = credit.request_override(order=order, action=action, by=org.people["owner"],
                                          reason="老客户，已承诺月底付清旧款")
        approvals.decide(request=request, actor=org.people["director"], decision="approve")
        return step()


def book(org, deal, day: datetime.date, *, paid: bool = True):
    """An order of 10 AGT (3,000.00) placed and confirmed on `day`, shipped two days later, invoiced
    five days later, paid and allocated twenty days later (unless not `paid`) — each step through
    the services, by the people whose work it is."""
    owner, customer = org.people["owner"], deal["customer"]
    order = orders.create_order(by=owner, customer=customer, lines=[LineInput(deal["agent"], Decimal("10"))],
                                ordered_on=day, delivery_on=TODAY() + datetime.timedelta(days=7))
    past_the_credit_check(org, order, "confirm", lambda: orders.submit_for_review(order=order, by=owner))
    line = order.lines.get()
    warehouse, _created = Warehouse.objects.get_or_create(company=org.company, code="WH", defaults={"name": "总库"})
    StockLevel.objects.update_or_create(warehouse=warehouse, product=deal["agent"],
                                        defaults={"quantity": Decimal("10")})  # the goods are in store
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={line.pk: Decimal("10")})
    past_the_credit_check(org, order, "release", lambda: shipping.release(
        shipment=shipment, shipped_on=min(day + datetime.timedelta(days=2), TODAY())))
    invoice = invoicing.request_invoice(order=order, by=owner, buyer_tax_id="91430600MA4L000000",
                                        quantities={line.pk: Decimal("10")})
    invoicing.submit(invoice=invoice, by=owner)
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    invoice = past_the_credit_check(org, order, "issue", lambda: invoicing.issue(
        invoice=invoice, by=org.people["clerk"], invoice_number=f"4300{invoice.pk:04d}",
        issued_on=min(day + datetime.timedelta(days=5), TODAY())))
    if paid:
        received_on = day + datetime.timedelta(days=20)
        payment = payments.register(customer=customer, by=owner, amount=Decimal("3000"), received_on=received_on)
        payments.confirm(payment=payment, by=org.people["checker"])
        invoice.refresh_from_db()
        payments.allocate(payment=payment, by=org.people["checker"], on=received_on,
                          targets=[payments.Target(amount=Decimal("3000"), invoice=invoice)])
    return order


@pytest.fixture
def territories(finance, deal):
    """华东片区 and 华北片区; the customer in 华东. The director sees the whole company's finance too."""
    org_services.set_position_scope(position=finance.positions["director"], module="finance", level=ScopeLevel.ALL)
    east = org_services.create_territory(company=finance.company, name="华东片区", code="T-EAST")
    north = org_services.create_territory(company=finance.company, name="华北片区", code="T-NORTH")
    customer_services.update_customer(customer=deal["customer"], by=finance.people["owner"], territory=east)
    return {"east": east, "north": north}


@pytest.fixture
def a_year_in_shanghai(finance, deal, territories):
    for day in DAYS:
        book(finance, deal, day, paid=day != DAYS[-1])
    return finance


@pytest.fixture
def moved(a_year_in_shanghai, deal, territories):
    """李代表 is transferred to 北京办事处 (调岗, through the org services), his customer goes to 华北片区,
    and he books a new order there this year (shipped and invoiced, not yet paid)."""
    org = a_year_in_shanghai
    owner = org.people["owner"]
    chain = ApprovalChain.objects.create(company=org.company, document_type="credit_override", name="信用特批")
    ApprovalStep.objects.create(chain=chain, name="销售总监审批", approver="positions").positions.set(
        [org.positions["director"]])
    for assignment in owner.assignments.filter(ended_on__isnull=True):
        org_services.end_assignment(assignment=assignment)
    org_services.assign(employee=owner, position=org.positions["bj-rep"], is_primary=True)
    customer_services.update_customer(customer=deal["customer"], by=owner, territory=territories["north"])
    book(org, deal, TODAY(), paid=False)
    return org


def per(user, measure, dimension, org="booked"):
    """{(department or territory name, year): amount} of the sales report."""
    return {(row[f"{dimension}_name"], row["year"]): row["amount"]
            for row in sales_summary(user, measure=measure, by=(dimension, "year"), org=org)}


def test_last_years_figures_stay_in_the_office_they_were_booked_in_and_new_business_counts_in_the_new_one(moved):
    director = moved.user("director")
    for measure in ("orders", "shipments", "invoices"):
        assert per(director, measure, "department") == {
            ("上海办事处", LAST_YEAR): Decimal("12000.00"), ("北京办事处", THIS_YEAR): Decimal("3000.00")}, measure
        assert per(director, measure, "territory") == {
            ("华东片区", LAST_YEAR): Decimal("12000.00"), ("华北片区", THIS_YEAR): Decimal("3000.00")}, measure
    assert per(director, "collections", "department") == {("上海办事处", LAST_YEAR): Decimal("9000.00")}
    assert per(director, "collections", "territory") == {("华东片区", LAST_YEAR): Decimal("9000.00")}


def test_by_current_organisation_everything_moves_to_where_the_rep_and_his_customer_are_now(moved):
    director = moved.user("director")
    for measure in ("orders", "shipments", "invoices"):
        assert per(director, measure, "department", org="current") == {
            ("北京办事处", LAST_YEAR): Decimal("12000.00"), ("北京办事处", THIS_YEAR): Decimal("3000.00")}, measure
        assert per(director, measure, "territory", org="current") == {
            ("华北片区", LAST_YEAR): Decimal("12000.00"), ("华北片区", THIS_YEAR): Decimal("3000.00")}, measure
    assert per(director, "collections", "department", org="current") == {("北京办事处", LAST_YEAR): Decimal("9000.00")}


def test_the_aging_keeps_last_years_open_invoice_in_shanghai_and_drills_down_from_there(moved):
    director = moved.user("director")
    open_amounts = {row.name: row.total for row in receivables.aging(director, by="department").rows}
    assert open_amounts == {"上海办事处": Decimal("3000.00"), "北京办事处": Decimal("3000.00")}
    shanghai = moved.departments["shanghai"]
    invoices, narrowed = receivables.narrow(receivables.open_invoices(director), department=str(shanghai.pk))
    assert narrowed == [("department", str(shanghai.pk))]
    assert [(row.name, row.overdue) for row in receivables.aging(director, by="owner", queryset=invoices).rows] == [
        ("李代表", Decimal("3000.00"))]


def test_the_collection_analysis_keeps_last_year_in_shanghai_and_this_year_splits_by_booking(moved):
    director = moved.user("director")
    rows, total = collection(director, date_from=datetime.date(LAST_YEAR, 1, 1),
                             date_to=datetime.date(LAST_YEAR, 12, 31), by="department")
    assert [(row.name, row.invoiced, row.collected, row.closing) for row in rows] == [
        ("上海办事处", Decimal("12000.00"), Decimal("9000.00"), Decimal("3000.00"))]
    rows, _total = collection(director, date_from=datetime.date(THIS_YEAR, 1, 1), date_to=TODAY(), by="department")
    assert sorted((row.name, row.opening, row.invoiced) for row in rows) == [
        ("上海办事处", Decimal("3000.00"), Decimal("0.00")), ("北京办事处", Decimal("0.00"), Decimal("3000.00"))]


def test_the_sales_report_page_shows_offices_as_booked_and_by_current_organisation_when_ticked(moved):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(moved.user("director"))
    query = {"measure": "orders", "rows": "department", "unit": "year", "from": f"{LAST_YEAR}-01-01",
             "to": f"{THIS_YEAR}-12-31"}
    page = client.get(reverse("reports:sales"), query).content.decode()
    assert 'data-row="上海办事处"' in page and 'data-row="北京办事处"' in page
    assert 'id="org-current" checked' not in page
    current = client.get(reverse("reports:sales"), {**query, "org": "current"}).content.decode()
    assert 'data-row="上海办事处"' not in current and 'data-row="北京办事处"' in current
    assert 'id="org-current" checked' in current and "&amp;org=current&amp;format=xlsx" in current


def test_an_approved_org_change_moving_the_reps_position_leaves_last_years_figures_where_they_were(finance, deal,
                                                                                                   territories):
    book(finance, deal, DAYS[0])
    change_set = versions.draft_change_set(
        company=finance.company, title="上海代表岗并入北京办事处", effective_date=TODAY(),
        drafted_by=finance.people["regional"],
        operations=[{"op": "update_position", "position": "sh-rep", "department": "BJ"}])
    versions.submit(change_set=change_set, approver=finance.people["director"])
    versions.approve(change_set=change_set, by=finance.people["director"])
    assert len(versions.apply_due_change_sets(company=finance.company)["applied"]) == 1
    assert finance.people["owner"].active_assignments().get().position.department == finance.departments["beijing"]

    director = finance.user("director")
    for measure in ("orders", "shipments", "invoices", "collections"):
        assert per(director, measure, "department") == {("上海办事处", LAST_YEAR): Decimal("3000.00")}, measure
        assert per(director, measure, "department", org="current") == {
            ("北京办事处", LAST_YEAR): Decimal("3000.00")}, measure
