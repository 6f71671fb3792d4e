"""Each list page's first page is read from an index in the list's order — no sort of the company's
rows — on PostgreSQL (issue 16: the quotation list took 675 ms at a million quotations because it
sorted them all for every page). The queries are the ones the pages run, built by the same selector
functions, for a director whose scope is the whole company and, where the list has a "mine" scene, for
a rep on his own records; their plans come from EXPLAIN over a few thousand rows, analysed.

SQLite plans differently and is not what a large company runs on: these tests run on PostgreSQL only."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from salesdesk.approvals import selectors as approval_selectors
from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.audit.filters import AuditFilterForm, filter_entries
from salesdesk.audit.models import AuditEntry
from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import selectors as customer_selectors
from salesdesk.customers.models import Customer, Lead
from salesdesk.customers.views.customers import customers_for_query
from salesdesk.finance import selectors as finance_selectors
from salesdesk.finance.models import CollectionTask, Invoice, Payment
from salesdesk.finance.views.receivables import credit_rows
from salesdesk.org.models import Company
from salesdesk.reports.views import contracts_for as execution_contracts_for
from salesdesk.sales import selectors as sales_selectors
from salesdesk.sales.models import Contract, Quotation, SalesOrder, Shipment, Warehouse
from tests.factories import PersonFactory, PositionFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans; SQLite plans otherwise"),
]

ROWS = 3000
PAGE = 50
MODULES = ("sales", "finance", "customers", "audit")


class World:
    """One company, a director who sees all of it, a rep who owns one record in fifty, four busy reps
    who own the rest, and ROWS rows
    of every listed table (bulk-created: the plans, not the services, are under test)."""

    def __init__(self):
        director_position = PositionFactory(title="销售总监", scopes=dict.fromkeys(MODULES, ScopeLevel.ALL))
        self.company = director_position.company
        self.director = PersonFactory(positions=[director_position])
        self.rep = PersonFactory(positions=[PositionFactory(department=director_position.department)])
        others = [PersonFactory(positions=[PositionFactory(department=director_position.department)])
                  for _n in range(4)]
        self.busy_rep = others[0]  # a quarter of everything: too many of his own to sort for a page
        self.owners = [self.rep if n % 50 == 0 else others[n % len(others)] for n in range(ROWS)]
        self._make_rows()

    def owner(self, n):
        return self.owners[n]

    def _make_rows(self):
        company, now, today = self.company, timezone.now(), timezone.localdate()
        customers = Customer.objects.bulk_create([
            Customer(company=company, name=f"客户{n:05d}", owner=None if n % 7 == 6 else self.owner(n),
                     created_at=now - datetime.timedelta(minutes=n)) for n in range(ROWS)])
        warehouse = Warehouse.objects.create(company=company, code="W1", name="总仓")

        def day(n):
            return today - datetime.timedelta(days=n % 700)

        def customer(n):
            return customers[n]

        Quotation.objects.bulk_create([
            Quotation(company=company, number=f"Q{n:05d}", owner=self.owner(n), customer=customer(n), quoted_on=day(n),
                      valid_until=day(n) + datetime.timedelta(days=30),
                      status=Quotation.Status.SUPERSEDED if n % 10 == 9 else Quotation.Status.SENT)
            for n in range(ROWS)])
        signed = [Contract.Status.ACTIVE, Contract.Status.COMPLETED, Contract.Status.TERMINATED, Contract.Status.DRAFT]
        Contract.objects.bulk_create([
            Contract(company=company, number=f"C{n:05d}", owner=self.owner(n), customer=customer(n), title="供货合同",
                     starts_on=day(n), ends_on=day(n) + datetime.timedelta(days=365), status=signed[n % 4],
                     signed_on=None if signed[n % 4] == Contract.Status.DRAFT else day(n))
            for n in range(ROWS)])
        orders = SalesOrder.objects.bulk_create([
            SalesOrder(company=company, number=f"O{n:05d}", owner=self.owner(n), customer=customer(n), ordered_on=day(n),
                       delivery_on=day(n) + datetime.timedelta(days=7), status=SalesOrder.Status.SHIPPED)
            for n in range(ROWS)])
        Shipment.objects.bulk_create([
            Shipment(company=company, number=f"S{n:05d}", owner=self.owner(n), customer=customer(n), order=orders[n],
                     warehouse=warehouse, created_by=self.owner(n), status=Shipment.Status.DELIVERED)
            for n in range(ROWS)])
        Invoice.objects.bulk_create([
            Invoice(company=company, number=f"I{n:05d}", owner=self.owner(n), customer=customer(n), order=orders[n],
                    requested_by=self.owner(n), buyer_name="买方", status=Invoice.Status.RECEIVED)
            for n in range(ROWS)])
        Payment.objects.bulk_create([
            Payment(company=company, number=f"P{n:05d}", owner=self.owner(n), customer=customer(n), amount=Decimal("100.00"),
                    received_on=day(n), registered_by=self.owner(n), status=Payment.Status.CONFIRMED)
            for n in range(ROWS)])
        CollectionTask.objects.bulk_create([
            CollectionTask(company=company, customer=customer(n), owner=self.owner(n), opened_on=day(n),
                           oldest_due_on=day(n), status=CollectionTask.Status.OPEN if n % 5 == 0 else CollectionTask.Status.DONE)
            for n in range(ROWS)])
        Lead.objects.bulk_create([
            Lead(company=company, name=f"线索{n:05d}", owner=self.owner(n), created_at=now - datetime.timedelta(minutes=n),
                 status=Lead.Status.FOLLOWING if n % 3 == 0 else Lead.Status.CONVERTED)
            for n in range(ROWS)])
        order_type = ContentType.objects.get_for_model(SalesOrder)
        requests = ApprovalRequest.objects.bulk_create([
            ApprovalRequest(company=company, document_type="order", content_type=order_type, object_id=orders[n].pk,
                            title=orders[n].number, submitter=self.owner(n), status=ApprovalRequest.Status.APPROVED)
            for n in range(ROWS)])
        ApprovalTask.objects.bulk_create([
            ApprovalTask(request=requests[n], step=0, step_name="经理审批", approver=self.director if n % 2 else self.rep,
                         status=ApprovalTask.Status.APPROVED, acted_at=now - datetime.timedelta(minutes=n))
            for n in range(ROWS)])
        AuditEntry.objects.bulk_create([
            AuditEntry(action=AuditEntry.Action.UPDATE, content_type=order_type, object_id=str(orders[n].pk),
                       object_repr=orders[n].number, company=company, actor_employee=self.owner(n))
            for n in range(ROWS)])
        # The log is shared by every company (and by records of none): the company's entries are a
        # part of it, as they are in a real installation, or reading by time alone would do as well.
        other = Company.objects.create(name="另一家公司", code="other")
        AuditEntry.objects.bulk_create([
            AuditEntry(action=AuditEntry.Action.UPDATE, content_type=order_type, object_id=str(n),
                       object_repr=f"O{n:05d}", company=other) for n in range(3 * ROWS)])
        with connection.cursor() as cursor:
            for model in (Customer, Quotation, Contract, SalesOrder, Shipment, Invoice, Payment, CollectionTask, Lead,
                          ApprovalRequest, ApprovalTask, AuditEntry):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')


@pytest.fixture
def world(db):
    return World()


def _nodes(plan, above=()):
    yield plan, above
    for child in plan.get("Plans", []):
        yield from _nodes(child, (*above, plan))


def plan_of(queryset) -> dict:
    explained = queryset[:PAGE].explain(format="json")
    return json.loads(explained)[0]["Plan"]


def scans_of(plan: dict, model) -> list[tuple[dict, tuple]]:
    return [(node, above) for node, above in _nodes(plan) if node.get("Relation Name") == model._meta.db_table]


def assert_read_in_order(queryset, model, index: str):
    """The list's table is read through `index`, in the list's order: no Sort above its scan."""
    plan = plan_of(queryset)
    scans = scans_of(plan, model)
    described = json.dumps(plan, indent=1)
    assert scans, described
    for node, above in scans:
        assert node["Node Type"] in ("Index Scan", "Index Only Scan"), described
        assert node["Index Name"] == index, described
        assert not any(parent["Node Type"] == "Sort" for parent in above), described


def assert_not_read_whole(queryset, model):
    """A rep's own rows: an index finds them (a top-N sort of those few is fine), no Seq Scan."""
    plan = plan_of(queryset)
    scans = scans_of(plan, model)
    assert scans and all(node["Node Type"] != "Seq Scan" for node, _above in scans), json.dumps(plan, indent=1)


def director_lists(world):
    """(label, queryset as the page builds it for the director, model, the index that serves it)."""
    user = world.director.user
    scene = sales_selectors.default_scene(user)
    request = RequestFactory().get("/")
    return [
        ("quotations", sales_selectors.quotations_for(user, scene=scene), Quotation, "quotation_list_order"),
        ("contracts", sales_selectors.contracts_for(user, scene=scene), Contract, "contract_ledger_order"),
        ("orders", sales_selectors.orders_for(user, scene=scene), SalesOrder, "order_list_order"),
        ("shipments", sales_selectors.shipments_for(user), Shipment, "shipment_list_order"),
        ("invoices", finance_selectors.invoices_for(user), Invoice, "invoice_list_order"),
        ("payments", finance_selectors.payments_for(user), Payment, "payment_list_order"),
        ("collection tasks", finance_selectors.collection_tasks_for(user), CollectionTask, "collection_task_list"),
        ("credit overview", credit_rows(user), Customer, "customer_company_name"),
        # The index on created_at serves the customer list as it does the leads.
        ("customers", customers_for_query(user, world.company, request.GET), Customer,
         "customers_customer_created_at_b0f7c38c"),
        # The pool page orders its customers itself (customers.views.pool), as here.
        ("pool", customer_selectors.pool_customers(user).order_by("-pk"), Customer, "customer_pool_order"),
        # So does the lead page (customers.views.leads.lead_list).
        # The index on created_at serves it (ties on created_at sorted incrementally, a few rows at a time).
        ("leads", customer_selectors.lead_scene(user, "open").order_by("-created_at", "-pk"), Lead,
         "customers_lead_created_at_20cce74a"),
        ("approvals decided", approval_selectors.my_decided_tasks(user), ApprovalTask, "approval_decided_order"),
        ("audit log", filter_entries(AuditEntry.objects.restrict(user, "view"), AuditFilterForm(None)), AuditEntry,
         "audit_company_at_idx"),
        ("contract execution", execution_contracts_for(user, {})[0], Contract, "contract_execution_order"),
    ]


def test_it_reads_the_first_page_of_every_list_of_a_director_from_an_index_in_its_order(world):
    for label, queryset, model, index in director_lists(world):
        try:
            assert_read_in_order(queryset, model, index)
        except AssertionError as error:
            raise AssertionError(f"{label}: {error}") from None


def test_it_reads_a_busy_reps_own_documents_from_an_index_in_their_order(world):
    user = world.busy_rep.user
    assert sales_selectors.default_scene(user) == "mine"
    assert_read_in_order(sales_selectors.quotations_for(user, scene="mine"), Quotation, "quotation_owner_order")
    assert_read_in_order(sales_selectors.contracts_for(user, scene="mine"), Contract, "contract_owner_order")
    assert_read_in_order(sales_selectors.orders_for(user, scene="mine"), SalesOrder, "order_owner_order")


def test_it_reads_what_a_busy_rep_submitted_for_approval_from_an_index_in_its_order(world):
    user = world.busy_rep.user
    assert_read_in_order(approval_selectors.my_requests(user), ApprovalRequest, "approval_submitted_order")


def test_it_finds_a_reps_few_own_documents_leads_and_submissions_without_reading_every_row(world):
    """A rep's own open leads are few (the status narrows them): the indexes on owner and status
    find them and a top-N sort of those is cheap, so leads have no index of their own for "mine"."""
    user = world.rep.user
    for rows, model in ((sales_selectors.quotations_for(user, scene="mine"), Quotation),
                        (sales_selectors.contracts_for(user, scene="mine"), Contract),
                        (sales_selectors.orders_for(user, scene="mine"), SalesOrder)):
        assert_not_read_whole(rows, model)
    assert_not_read_whole(customer_selectors.lead_scene(user, "mine").order_by("-created_at", "-pk"), Lead)
    assert_not_read_whole(approval_selectors.my_requests(user), ApprovalRequest)
