"""Property tests of the sales documents' scope rules against an independent oracle.

On the random organisations of `core/tests/test_scope_properties.py`, Hypothesis draws customers
(owned by someone, or by nobody), quotations and contracts (an owner, a customer, collaborators
with read or write access) and their lines. The oracle, in plain Python: a document is seen by
whoever's sales scope covers its owner or its customer's owner, and by its collaborators; changed
by whoever's scope covers its owner and by write collaborators; a line goes with its document.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.core.tests.test_scope_properties import (
    EVERYONE,
    Grant,
    apply_move,
    build,
    visible_owners,
    worlds,
)
from salesdesk.customers.models import Customer
from salesdesk.org import services as org_services
from salesdesk.sales.models import Contract, ContractLine, Product, Quotation, QuotationLine

MODULE = "sales"
READ, WRITE = Collaborator.Access.READ, Collaborator.Access.WRITE


@dataclass
class Records:
    customer_owner: list  # customer -> employee or None
    documents: list  # (kind "quotation"/"contract", owner, customer)
    collaborators: dict  # (document, employee) -> access


@st.composite
def sales_worlds(draw):
    world = draw(worlds())
    departments, employees = len(world.dept_parent), len(world.emp_positions)
    for position in range(len(world.pos_dept)):
        level = draw(st.sampled_from(list(ScopeLevel.values)))
        named = frozenset(draw(st.sets(st.integers(0, departments - 1), max_size=2))) \
            if level == ScopeLevel.DEPARTMENTS else frozenset()
        world.grants[(position, MODULE)] = Grant(level, named)
    person = st.integers(0, employees - 1)
    customer_owner = draw(st.lists(st.none() | person, min_size=1, max_size=4))
    documents = draw(st.lists(st.tuples(st.sampled_from(["quotation", "contract"]), person,
                                        st.integers(0, len(customer_owner) - 1)), min_size=1, max_size=6))
    collaborators = draw(st.dictionaries(st.tuples(st.integers(0, len(documents) - 1), person),
                                         st.sampled_from([READ, WRITE]), max_size=4))
    world.moves = [move for move in world.moves if move[0] in ("department", "rename")]
    return world, Records(customer_owner, documents, collaborators)


def expected(world, records, employee) -> dict:
    if world.emp_left[employee]:
        return {"view": set(), "change": set()}
    owners = visible_owners(world, employee, MODULE)
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


def build_records(records, built):
    company = built.departments[0].company
    people = built.employees
    product = Product.objects.create(company=company, code="P", name="产品", price_checked=True, standard_price=1)
    customers = [Customer.objects.create(company=company, name=f"客户{i}", created_at=timezone.now(),
                                         owner=people[owner] if owner is not None else None)
                 for i, owner in enumerate(records.customer_owner)]
    made = []
    for index, (kind, owner, customer) in enumerate(records.documents):
        common = {"company": company, "number": f"N{index}", "customer": customers[customer], "owner": people[owner]}
        line = {"product": product, "quantity": 1, "unit": "件", "list_price": 1, "unit_price": 1, "tax_rate": 0,
                "amount": Decimal(1)}
        if kind == "quotation":
            document = Quotation.objects.create(quoted_on="2026-11-26", valid_until="2026-12-26", **common)
            QuotationLine.objects.create(quotation=document, **line)
        else:
            document = Contract.objects.create(title="合同", starts_on="2026-11-26", ends_on="2027-11-25", **common)
            ContractLine.objects.create(contract=document, **line)
        made.append(document)
    for (index, employee), access in records.collaborators.items():
        Collaborator.objects.create(content_type=ContentType.objects.get_for_model(made[index]), object_id=made[index].pk,
                                    employee=people[employee], access=access)
    return made


def check(world, records, built, made):
    User = get_user_model()
    for index, employee in enumerate(built.employees):
        user = User.objects.get(pk=employee.user_id)
        wanted = expected(world, records, index)
        for action in ("view", "change"):
            seen = set()
            for position, document in enumerate(made):
                if type(document).objects.restrict(user, action).filter(pk=document.pk).exists():
                    seen.add(position)
            assert seen == wanted[action], f"employee {index} {action}"
        lines = {("quotation", line.quotation_id) for line in QuotationLine.objects.restrict(user)} | {
            ("contract", line.contract_id) for line in ContractLine.objects.restrict(user)}
        assert lines == {(records.documents[i][0], made[i].pk) for i in wanted["view"]}, f"employee {index} lines"


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=sales_worlds())
def test_quotations_and_contracts_agree_with_the_oracle_before_and_after_departments_move(drawn):
    world, records = drawn
    with transaction.atomic():
        built = build(world)
        for (position, module), grant in world.grants.items():
            if module == MODULE:
                org_services.set_position_scope(
                    position=built.positions[position], module=MODULE, level=grant.level,
                    departments=[built.departments[named] for named in sorted(grant.departments)])
        made = build_records(records, built)
        check(world, records, built, made)
        for move in world.moves:
            apply_move(world, built, move)
        check(world, records, built, made)
        transaction.set_rollback(True)
