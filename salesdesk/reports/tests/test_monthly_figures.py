"""The monthly figures (reports.summaries): kept by the services in their transactions, equal to a
rebuild from the documents after any sequence of bookings, cancellations and undos, and the reports
read from them equal the same reports read from the documents; only someone who sees the whole
company reads them."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.core.access import Actor
from salesdesk.core.scope import ScopeLevel, scope_for
from salesdesk.customers import services as customer_services
from salesdesk.finance import invoicing, payments
from salesdesk.finance.models import Allocation, FinanceSettings, Invoice, Payment
from salesdesk.finance.receivables import narrow
from salesdesk.org import services as org_services
from salesdesk.reports import execution, summaries
from salesdesk.reports.collection import collection, receivable_invoices
from salesdesk.reports.models import MonthlyFigures
from salesdesk.reports.selectors import MEASURES, sales_summary
from salesdesk.reports.tables import sales_report
from salesdesk.reports.views import contracts_for
from salesdesk.sales import contracts, orders, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract, SalesOrder, Warehouse

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
FIELDS = [field.attname for field in MonthlyFigures._meta.concrete_fields if field.attname != "id"]


# --- the services, with their dates ------------------------------------------------------------


@pytest.fixture
def books(finance, deal):
    """The owner's customer and one of the outsider's (another department); the director sees the whole
    company in sales and finance; write-offs and contracts are approved by the director. Invoices fall due after years,
    so that no credit check stops an order of the sequence (they are not what is tested here)."""
    org = finance
    FinanceSettings.objects.filter(company=org.company).update(default_payment_days=5000)
    org_services.set_position_scope(position=org.positions["director"], module="finance", level=ScopeLevel.ALL)
    for document_type, name in (("write_off", "坏账核销"), ("contract", "合同评审")):
        chain = ApprovalChain.objects.create(company=org.company, document_type=document_type, name=name)
        step = ApprovalStep.objects.create(chain=chain, order=1, name="总监审批", approver="positions")
        step.positions.set([org.positions["director"]])
    outsider = org.people["outsider"]
    deal["customers"] = {
        "owner": deal["customer"],
        "outsider": customer_services.create_customer(company=org.company, by=outsider, owner=outsider,
                                                      name="燕山石化", contacts=[{"name": "采购李经理"}])}
    deal["org"] = org
    return deal


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def confirmed_order(books, *, who="owner", ordered_on=None, quantity="2", contract=None) -> SalesOrder:
    org, customer = books["org"], books["customers"][who]
    if contract is not None:
        order = orders.order_from_contract(contract=contract, by=org.people[who], delivery_on=days_ago(-5),
                                           quantities={contract.lines.get().pk: Decimal(quantity)})
    else:
        order = orders.create_order(by=org.people[who], customer=customer, ordered_on=ordered_on or TODAY(),
                                    lines=[LineInput(books["sbs"], Decimal(quantity))], delivery_on=days_ago(-5))
    orders.submit_for_review(order=order, by=org.people[who])
    order.refresh_from_db()
    return order


def ship_all(books, order, *, shipped_on):
    org = books["org"]
    warehouse, _created = Warehouse.objects.get_or_create(company=org.company, code="WH", defaults={"name": "总库"})
    lines = list(order.lines.select_related("product"))
    for line in lines:
        shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=line.product,
                               quantity=line.quantity)
    shipment = shipping.create_shipment(order=order, by=org.people["clerk"], warehouse=warehouse,
                                        quantities={line.pk: line.quantity - line.shipped_quantity for line in lines})
    return shipping.release(shipment=shipment, shipped_on=shipped_on)


def invoice_shipped(books, order, *, issued_on) -> Invoice:
    org = books["org"]
    lines = [line for line in order.lines.all() if line.shipped_quantity > line.invoiced_quantity]
    if not lines:
        raise ValidationError("nothing to invoice")
    invoice = invoicing.request_invoice(order=order, by=order.owner, buyer_tax_id="91430600MA4L000000",
                                        quantities={line.pk: line.shipped_quantity - line.invoiced_quantity
                                                    for line in lines})
    invoicing.submit(invoice=invoice, by=order.owner)
    invoicing.check(invoice=invoice, by=org.people["checker"], approve=True)
    return invoicing.issue(invoice=invoice, by=org.people["clerk"], invoice_number=f"4300{invoice.pk:04d}",
                           issued_on=issued_on)


def confirmed_payment(books, *, who="owner", amount="12500", received_on) -> Payment:
    org = books["org"]
    payment = payments.register(customer=books["customers"][who], by=org.people[who], amount=Decimal(amount),
                                received_on=received_on)
    return payments.confirm(payment=payment, by=org.people["checker"])


def allocate(books, payment, invoice, *, on):
    payment.refresh_from_db()
    invoice.refresh_from_db()
    amount = min(payment.unapplied, invoice.open_amount)
    if amount <= 0:
        raise ValidationError("nothing to allocate")
    payments.allocate(payment=payment, by=books["org"].people["checker"], on=on,
                      targets=[payments.Target(amount=amount, invoice=invoice)])


def write_off(books, invoice, amount="1000"):
    org = books["org"]
    request = payments.request_write_off(invoice=invoice, by=org.people["checker"], amount=Decimal(amount),
                                         reason="客户破产清算")
    approvals.decide(request=request, actor=org.people["director"], decision="approve")


def contract_in_force(books, *, signed_on) -> Contract:
    org = books["org"]
    contract = contracts.create_contract(
        by=org.people["owner"], customer=books["customer"], title="年度框架", signed_on=signed_on,
        lines=[LineInput(books["sbs"], Decimal("4"))], starts_on=TODAY(), ends_on=days_ago(-365),
        installments=[contracts.InstallmentInput("advance", Decimal("15000"), TODAY()),
                      contracts.InstallmentInput("retention", Decimal("35000"), days_ago(-90))])
    request = contracts.submit_for_review(contract=contract, by=org.people["owner"])
    approvals.decide(request=request, actor=org.people["director"], decision="approve")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ACTIVE
    return contract


# --- what must hold ------------------------------------------------------------------------------


def kept_figures() -> list[tuple]:
    return sorted(MonthlyFigures.objects.values_list(*FIELDS), key=repr)


def year_of(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def periods() -> list[tuple[datetime.date, datetime.date]]:
    """Whole years, a run of whole months, the last months up to the end of this one (money allocated
    before its invoice was issued belongs to a period's opening from the issue on) and up to today."""
    this_year = TODAY().year
    return [year_of(this_year - 1), year_of(this_year),
            (summaries.month_of(days_ago(150)), summaries.month_end(days_ago(31))),
            (summaries.month_of(days_ago(60)), summaries.month_end(TODAY())),
            (summaries.month_of(days_ago(60)), TODAY()), (summaries.month_of(TODAY()), TODAY())]


def every_report(org, user) -> dict:
    """The sales report by each measure and grouping (and as its page shows it: the largest row and the
    totals), the collection analysis per owner and department (of everyone, of a department, of no
    department, of one owner) and the contract execution per month, quarter and year, for each period."""
    found = {}
    for date_from, date_to in [*periods(), (None, None)]:
        for measure in MEASURES:
            for by in (("owner", "year", "month"), ("department", "quarter"), ("month",), ()):
                found[measure, by, date_from, date_to] = sales_summary(user, measure=measure, by=by, date_from=date_from,
                                                              date_to=date_to)
    for date_from, date_to in periods():
        for by in ("owner", "department"):
            for narrowed in ({}, {"department": str(department_of(org, "owner"))}, {"department": "none"},
                             {"owner": str(org.people["outsider"].pk)}):
                rows, total = _collection(user, date_from, date_to, by, **narrowed)
                found["collection", by, date_from, date_to, tuple(narrowed.items())] = [
                    _collection_row(row) for row in [*rows, total]]
        for unit in execution.UNITS:
            found["statistics", unit, date_from, date_to] = _statistics(user, date_from, date_to, unit)
            for rows_by in ("owner", "department"):  # the page: its largest row, the totals of all
                report = sales_report(user, measure="orders", rows_by=rows_by, unit=unit, date_from=date_from,
                                      date_to=date_to, largest=1)
                found["sales report", rows_by, unit, date_from, date_to] = (
                    [_report_row(row) for row in [*report.rows[:1], report.totals]], report.row_count)
    return found


def _report_row(row) -> tuple:
    return row.key, row.name, row.cells, row.total, row.count


def department_of(org, who: str) -> int:
    return org.people[who].active_assignments().get().position.department_id


def _collection(user, date_from, date_to, by, **narrowed):
    """As the collection page asks: the figures when they can answer, else the documents."""
    answer = summaries.collection(user, date_from=date_from, date_to=date_to, by=by, **narrowed)
    if answer is not None:
        return answer
    invoices = narrow(receivable_invoices(user), **narrowed)[0] if narrowed else None
    return collection(user, date_from=date_from, date_to=date_to, by=by, invoices=invoices)


def _collection_row(row) -> tuple:
    return (row.key, row.name, row.opening, row.invoiced, row.collected, row.written_off, row.invoiced_in_window,
            row.days)


def _statistics(user, date_from, date_to, unit) -> list[tuple]:
    rows = summaries.contract_statistics(user, date_from=date_from, date_to=date_to, unit=unit)
    if rows is None:
        rows = execution.statistics(contracts_for(user, QueryDict())[0], date_from=date_from, date_to=date_to,
                                    unit=unit)
    return [(row.key, row.figures) for row in rows]


def from_the_documents(monkeypatch, org, user) -> dict:
    with monkeypatch.context() as patched:
        patched.setattr(summaries, "readable", lambda *args, **kwargs: None)  # nobody reads the figures
        return every_report(org, user)


def assert_the_figures_equal_the_documents(books, monkeypatch):
    kept = kept_figures()
    summaries.rebuild()
    assert kept_figures() == kept, "the figures the services kept differ from a rebuild from the documents"
    director = books["org"].user("director")
    scope_for(director, refresh=True)
    assert summaries.readable(director, "sales") is not None and summaries.readable(director, "finance") is not None
    assert every_report(books["org"], director) == from_the_documents(monkeypatch, books["org"], director)


# --- the tests -------------------------------------------------------------------------------------


def test_it_keeps_the_figures_equal_to_the_documents_through_cancellation_and_undo(books, monkeypatch):
    # The contract first: its coming into force adds up all its owner's months, which would hide a
    # refresh that missed one later.
    contract = contract_in_force(books, signed_on=days_ago(45))
    early = confirmed_order(books, ordered_on=days_ago(400), quantity="3")
    ship_all(books, early, shipped_on=days_ago(395))
    old_invoice = invoice_shipped(books, early, issued_on=days_ago(390))
    recent = confirmed_order(books, who="outsider", ordered_on=days_ago(70))
    ship_all(books, recent, shipped_on=days_ago(65))
    recent_invoice = invoice_shipped(books, recent, issued_on=days_ago(60))
    orders.cancel(order=confirmed_order(books, ordered_on=days_ago(40)))
    paid = confirmed_payment(books, amount="30000", received_on=days_ago(200))
    allocate(books, paid, old_invoice, on=days_ago(150))  # booked weeks after the money came in
    allocate(books, confirmed_payment(books, who="outsider", received_on=days_ago(90)), recent_invoice,
             on=days_ago(90))  # allocated before the invoice was issued: it settles from the issue on
    payments.unallocate(allocation=Allocation.objects.filter(payment=paid).get(), by=books["org"].people["checker"])
    allocate(books, paid, old_invoice, on=days_ago(30))
    write_off(books, old_invoice)
    order = confirmed_order(books, contract=contract, quantity="2")
    ship_all(books, order, shipped_on=TODAY())
    payments.allocate(payment=confirmed_payment(books, amount="15000", received_on=days_ago(2)),
                      by=books["org"].people["checker"],
                      targets=[payments.Target(amount=Decimal("15000"), installment=contract.installments.get(
                          kind="advance"))])
    this_months = invoice_shipped(books, order, issued_on=TODAY())
    allocate(books, confirmed_payment(books, amount="5000", received_on=TODAY()), this_months, on=TODAY())

    assert MonthlyFigures.objects.filter(contract_entries__gt=0).exists()
    assert_the_figures_equal_the_documents(books, monkeypatch)


OPERATIONS = st.lists(st.one_of(
    st.tuples(st.just("order"), st.sampled_from(["owner", "outsider"]), st.integers(0, 420), st.integers(1, 3)),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("ship"), st.integers(0, 9), st.integers(0, 40)),
    st.tuples(st.just("invoice"), st.integers(0, 9), st.integers(0, 40)),
    st.tuples(st.just("pay"), st.sampled_from(["owner", "outsider"]), st.sampled_from(["5000", "12500", "40000"]),
              st.integers(0, 420)),
    st.tuples(st.just("allocate"), st.integers(0, 9), st.integers(0, 9), st.integers(-40, 60)),
    st.tuples(st.just("undo"), st.integers(0, 9)),
    st.tuples(st.just("write_off"), st.integers(0, 9)),
    st.tuples(st.just("contract"), st.integers(0, 420)),
), min_size=1, max_size=12)


class RolledBack(Exception):
    pass


def play(books, operations) -> None:
    """Each operation on the documents made so far; one the state does not allow (cancelling a shipped
    order, paying a paid invoice) is refused by its service and changes nothing."""
    made = {"orders": [], "invoices": [], "payments": []}

    def pick(kind, index):
        found = made[kind]
        if not found:
            raise ValidationError("none yet")
        return found[index % len(found)]

    def later(day, days):
        return min(day + datetime.timedelta(days=days), TODAY())

    for operation in operations:
        kind, *args = operation
        try:
            if kind == "order":
                who, ago, quantity = args
                made["orders"].append(confirmed_order(books, who=who, ordered_on=days_ago(ago), quantity=quantity))
            elif kind == "cancel":
                orders.cancel(order=pick("orders", args[0]))
            elif kind == "ship":
                order = pick("orders", args[0])
                ship_all(books, order, shipped_on=later(order.ordered_on, args[1]))
            elif kind == "invoice":
                order = pick("orders", args[0])
                made["invoices"].append(invoice_shipped(books, order, issued_on=later(order.ordered_on, args[1])))
            elif kind == "pay":
                who, amount, ago = args
                made["payments"].append(confirmed_payment(books, who=who, amount=amount, received_on=days_ago(ago)))
            elif kind == "allocate":
                invoice = pick("invoices", args[1])
                allocate(books, pick("payments", args[0]), invoice, on=later(invoice.issued_on, args[2]))
            elif kind == "undo":
                allocations = list(Allocation.objects.order_by("pk"))
                if allocations:
                    payments.unallocate(allocation=allocations[args[0] % len(allocations)],
                                        by=books["org"].people["checker"])
            elif kind == "write_off":
                write_off(books, pick("invoices", args[0]))
            elif kind == "contract":
                contract = contract_in_force(books, signed_on=days_ago(args[0]))
                made["orders"].append(confirmed_order(books, contract=contract, quantity="1"))
        except ValidationError:
            continue


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(operations=OPERATIONS)
def test_after_any_sequence_of_bookings_the_figures_equal_the_documents(books, monkeypatch, operations):
    try:
        with transaction.atomic():  # each example starts from the same books
            play(books, operations)
            assert_the_figures_equal_the_documents(books, monkeypatch)
            raise RolledBack
    except RolledBack:
        pass


def test_a_rep_reads_his_own_documents_not_the_companys_figures(books):
    ship_all(books, confirmed_order(books, ordered_on=days_ago(100)), shipped_on=days_ago(99))
    confirmed_order(books, who="outsider", ordered_on=days_ago(100), quantity="1")
    date_from, date_to = year_of(TODAY().year)
    org = books["org"]

    def orders_seen(who):
        user = org.user(who)
        scope_for(user, refresh=True)
        return [(row["owner_name"], row["amount"]) for row in sales_summary(
            user, measure="orders", by=("owner",), date_from=date_from, date_to=date_to)]

    assert summaries.readable(org.user("owner"), "sales") is None
    assert orders_seen("owner") == [("李代表", Decimal("25000.00"))]
    assert orders_seen("outsider") == [("吴代表", Decimal("12500.00"))]
    assert orders_seen("director") == [("李代表", Decimal("25000.00")), ("吴代表", Decimal("12500.00"))]
    assert orders_seen("teammate") == []
    rows, total = collection(org.user("outsider"), date_from=date_from, date_to=date_to, by="owner")
    assert (rows, total.invoiced) == ([], Decimal("0.00"))


def test_the_director_gets_a_years_statistics_and_collection_in_the_request_however_large(books):
    contract = contract_in_force(books, signed_on=days_ago(10))
    invoice_shipped(books, ship_all(books, confirmed_order(books, contract=contract), shipped_on=TODAY()).order,
                    issued_on=TODAY())
    director = Client(HTTP_ACCEPT_LANGUAGE="en")
    director.force_login(books["org"].user("director"))
    date_from, date_to = year_of(TODAY().year)
    query = {"from": date_from.isoformat(), "to": date_to.isoformat()}

    with override_settings(SALESDESK={**_salesdesk_settings(), "REPORT_JOB_ABOVE": 0}):
        statistics = director.get(reverse("reports:contracts"), {**query, "part": "statistics"}).content.decode()
        page = director.get(reverse("reports:collection"), {**query, "by": "owner"}).content.decode()

    assert "data-job=" not in statistics and "50,000.00" in statistics
    assert "data-job=" not in page and "李代表" in page


def _salesdesk_settings() -> dict:
    from django.conf import settings as django_settings

    return django_settings.SALESDESK


def test_the_rebuild_command_gives_the_same_figures_twice(books):
    ship_all(books, confirmed_order(books, ordered_on=days_ago(30)), shipped_on=days_ago(29))
    kept = kept_figures()
    MonthlyFigures.objects.all().delete()

    said = io.StringIO()
    call_command("rebuild_report_figures", stdout=said)
    once = kept_figures()
    call_command("rebuild_report_figures", "--company", books["org"].company.code, stdout=io.StringIO())

    assert once == kept_figures() == kept
    assert said.getvalue() == f"{len(kept)} rows of monthly figures rebuilt from the documents.\n"


def test_the_dso_window_leaves_out_the_invoices_of_its_first_month_issued_before_it(books):
    """A year to 31 December: the window of 90 days starts on 3 October; an invoice of 1 October is
    in the month's figures but not in the window."""
    year = TODAY().year - 1
    for day in (datetime.date(year, 10, 1), datetime.date(year, 10, 3)):
        order = confirmed_order(books, ordered_on=day, quantity="1")
        ship_all(books, order, shipped_on=day)
        invoice_shipped(books, order, issued_on=day)
    director = books["org"].user("director")
    scope_for(director, refresh=True)

    _rows, total = collection(director, date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))
    in_window = receivable_invoices(director).filter(issued_on__gt=datetime.date(year, 10, 2))

    assert total.invoiced_in_window == Decimal("12500.00") == sum(invoice.amount for invoice in in_window)
    assert summaries.collection(director, date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31),
                                by="owner") is not None
