"""Property tests of the sales documents' scope rules against an independent oracle.

On the random organisations of `core/tests/test_scope_properties.py` — two companies in one
database, the second with someone who sees everything, people with two positions — Hypothesis draws
for each company customers (owned by someone, or by nobody), documents (a kind, an owner, a customer;
at least one of each kind under test) with collaborators with read or write access, and a line per
document. Every position gets a level in the sales module and, independently, one in the finance
module, so a rule that reads the other module's levels disagrees with the oracle. The oracle, in
plain Python: a document is seen by whoever's scope in its module covers its owner or its
customer's owner, and by its collaborators; changed by whoever's scope covers its owner and by
write collaborators; a line goes with its document, for reading and for changing — and nobody sees
anything of the other company's, whatever their level.

The pieces here are shared: finance/tests/test_scope_properties.py draws invoices and payments with
the same strategy, oracle and checks, in the finance module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from unittest.mock import patch

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.core import scope as core_scope
from salesdesk.core.models import Collaborator
from salesdesk.core.tests.test_scope_properties import (
    EVERYONE,
    apply_move,
    build,
    level_grants,
    set_levels,
    visible_owners,
    worlds,
)
from salesdesk.customers.models import Customer
from salesdesk.sales.models import (
    Contract,
    ContractLine,
    Product,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLine,
    Warehouse,
)

MODULE = "sales"
# Every position gets a level in each of these; the documents under test are scoped by one of them.
MODULES = ("sales", "finance")
READ, WRITE = Collaborator.Access.READ, Collaborator.Access.WRITE
LINE = {"quantity": 1, "unit": "件", "list_price": 1, "unit_price": 1, "tax_rate": 0, "amount": Decimal(1)}


@dataclass
class Records:
    customer_owner: list  # customer -> employee or None
    documents: list  # (kind, owner, customer)
    collaborators: dict  # (document, employee) -> access
    other: "Records | None" = None  # the second company's


@dataclass
class Basics:
    """What every document needs, made once per example."""

    company: object
    product: object
    customers: list
    people: list
    _warehouse: object = None

    @property
    def warehouse(self):
        if self._warehouse is None:
            self._warehouse = Warehouse.objects.create(company=self.company, code="W", name="总库")
        return self._warehouse

    def order(self, index, owner, customer):
        """The document's order (same owner and customer, as the services make it) and its line."""
        order = SalesOrder.objects.create(company=self.company, number=f"O{index}", customer=customer, owner=owner,
                                          ordered_on="2026-11-26", delivery_on="2026-12-26",
                                          status=SalesOrder.Status.CONFIRMED)
        return order, SalesOrderLine.objects.create(order=order, product=self.product, **LINE)


@dataclass(frozen=True)
class Kind:
    """One kind of document: its model, the part that follows it (a line, a refund) and how to make
    both, `make(basics, index, owner, customer) -> document`."""

    model: type
    part: type
    part_parent: str  # the part's foreign key to the document
    make: Callable


def make_quotation(basics, index, owner, customer):
    document = Quotation.objects.create(company=basics.company, number=f"N{index}", customer=customer, owner=owner,
                                        quoted_on="2026-11-26", valid_until="2026-12-26")
    QuotationLine.objects.create(quotation=document, product=basics.product, **LINE)
    return document


def make_contract(basics, index, owner, customer):
    document = Contract.objects.create(company=basics.company, number=f"N{index}", customer=customer, owner=owner,
                                       title="合同", starts_on="2026-11-26", ends_on="2027-11-25")
    ContractLine.objects.create(contract=document, product=basics.product, **LINE)
    return document


def make_shipment(basics, index, owner, customer):
    order, order_line = basics.order(index, owner, customer)
    document = Shipment.objects.create(company=basics.company, number=f"N{index}", order=order, customer=customer,
                                       owner=owner, warehouse=basics.warehouse, created_by=owner)
    ShipmentLine.objects.create(shipment=document, order_line=order_line, product=basics.product, quantity=1,
                                unit="件", unit_price=1, amount=1)
    return document


SALES_KINDS = {
    "quotation": Kind(Quotation, QuotationLine, "quotation", make_quotation),
    "contract": Kind(Contract, ContractLine, "contract", make_contract),
    "shipment": Kind(Shipment, ShipmentLine, "shipment", make_shipment),
}


def company_documents(draw, world, kinds, *, most: int = 4) -> Records:
    """Customers, documents of `kinds` (each at least once) and collaborators of one company."""
    person = st.integers(0, len(world.emp_positions) - 1)
    customer_owner = draw(st.lists(st.none() | person, min_size=1, max_size=4))
    document = st.tuples(st.sampled_from(sorted(kinds)), person, st.integers(0, len(customer_owner) - 1))
    documents = [(kind, draw(person), draw(st.integers(0, len(customer_owner) - 1))) for kind in sorted(kinds)]
    documents += draw(st.lists(document, max_size=most))
    collaborators = draw(st.dictionaries(st.tuples(st.integers(0, len(documents) - 1), person),
                                         st.sampled_from([READ, WRITE]), max_size=4))
    return Records(customer_owner, documents, collaborators)


@st.composite
def document_worlds(draw, kinds):
    """Two companies with levels in every module of MODULES (the second company's all-seeing
    position: everything), and each company's customers, documents of `kinds` and collaborators."""
    world = draw(worlds(second_company=True))
    level_grants(draw, world, MODULES)
    records = company_documents(draw, world, kinds)
    records.other = company_documents(draw, world.other, kinds, most=1)
    world.moves = [move for move in world.moves if move[0] in ("department", "rename")]
    return world, records


def sales_worlds():
    return document_worlds(SALES_KINDS)


def expected(world, records, employee, module=MODULE) -> dict:
    if world.emp_left[employee]:
        return {"view": set(), "change": set()}
    owners = visible_owners(world, employee, module)
    view, change = set(), set()
    for index, (_kind, owner, customer) in enumerate(records.documents):
        access = records.collaborators.get((index, employee))
        customer_owner = records.customer_owner[customer]
        if owners == EVERYONE or owner in owners or access == WRITE:
            view.add(index)
            change.add(index)
        elif access == READ or (customer_owner is not None and customer_owner in owners):
            view.add(index)
    return {"view": view, "change": change}


def build_records(records, built, kinds=SALES_KINDS):
    company = built.departments[0].company
    people = built.employees
    product = Product.objects.create(company=company, code="P", name="产品", price_checked=True, standard_price=1)
    customers = [Customer.objects.create(company=company, name=f"客户{i}", created_at=timezone.now(),
                                         owner=people[owner] if owner is not None else None)
                 for i, owner in enumerate(records.customer_owner)]
    basics = Basics(company, product, customers, people)
    made = [kinds[kind].make(basics, index, people[owner], customers[customer])
            for index, (kind, owner, customer) in enumerate(records.documents)]
    for (index, employee), access in records.collaborators.items():
        Collaborator.objects.create(content_type=ContentType.objects.get_for_model(made[index]), object_id=made[index].pk,
                                    employee=people[employee], access=access)
    return made


def check(world, records, built, made, kinds=SALES_KINDS, module=MODULE):
    """Every person of either company sees (and changes), out of the documents and parts of both, what
    the oracle says of their own company's."""
    User = get_user_model()
    everything = [document for documents in made for document in documents]
    pairs = [(world, records, built, made[0])]
    if world.other is not None:
        pairs.append((world.other, records.other, built.other, made[1]))
    for number, (company, own, people, documents) in enumerate(pairs, 1):
        for index, employee in enumerate(people.employees):
            user = User.objects.get(pk=employee.user_id)
            wanted = expected(company, own, index, module)
            for action in ("view", "change"):
                seen = {document.pk for document in everything
                        if type(document).objects.restrict(user, action).filter(pk=document.pk).exists()}
                assert seen == {documents[i].pk for i in wanted[action]}, f"company {number}, employee {index} {action}"
                parts = {(name, getattr(part, f"{kind.part_parent}_id")) for name, kind in kinds.items()
                         for part in kind.part.objects.restrict(user, action)}
                assert parts == {(own.documents[i][0], documents[i].pk) for i in wanted[action]}, \
                    f"company {number}, employee {index} {action} parts"


def run(drawn, kinds=SALES_KINDS, module=MODULE):
    """Build the drawn organisations and documents, check, move departments, check again."""
    world, records = drawn
    with transaction.atomic():
        built = build(world)
        set_levels(world, built, MODULES)
        made = [build_records(records, built, kinds)]
        if world.other is not None:
            made.append(build_records(records.other, built.other, kinds))
        check(world, records, built, made, kinds, module)
        for move in world.moves:
            apply_move(world, built, move)
        check(world, records, built, made, kinds, module)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=sales_worlds())
def test_quotations_contracts_and_shipments_agree_with_the_oracle_before_and_after_departments_move(drawn):
    run(drawn)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=sales_worlds())
def test_documents_seen_through_customers_agree_with_the_oracle_when_there_are_too_many_customers_to_list(drawn):
    """Past VIA_IDS_UP_TO customers the scope joins the documents to their customers instead of
    naming the customers: the same documents either way."""
    with patch.object(core_scope, "VIA_IDS_UP_TO", 0):
        run(drawn)
