"""Property tests of the customers module's scope rules against an independent oracle.

On top of the random organisations of `core/tests/test_scope_properties.py` — two companies in one
database, the second with someone who sees everything, people with two positions — Hypothesis draws
for each company customers (owned, or in the company pool or a department's pool, with read/write
collaborators), their contacts, follow-ups written by anyone on customers or leads, leads (owned,
or waiting in a team, or in none), visit plans, visitor registrations, imports and the ownership
history. The oracle decides in plain Python from the description who sees what, each person within
their own company; it knows the rules (pools: the pool's department and below, plus managers whose
department scope covers it; unassigned leads: managers whose department scope covers the team) but
nothing of `scope.py`. Every person's `restrict()` is compared with it over the records of both
companies, so a pool, an unassigned lead or an all-seeing manager that reached into the other
company fails. The check runs before and after departments move.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.core.tests.test_scope_properties import (
    EVERYONE,
    apply_move,
    build,
    held_now,
    in_subtree,
    level_grants,
    set_levels,
    visible_owners,
    worlds,
)
from salesdesk.customers import services
from salesdesk.customers.models import (
    Contact,
    Customer,
    CustomerPool,
    FollowUp,
    ImportJob,
    Lead,
    OwnershipChange,
    VisitorRegistration,
    VisitPlan,
)

READ, WRITE = Collaborator.Access.READ, Collaborator.Access.WRITE
MODULE = "customers"


@dataclass
class Records:
    customer_owner: list  # customer -> employee index or None (in a pool)
    customer_pool: list  # customer -> None (company pool) or department index (that department's pool)
    collaborators: dict  # (customer, employee) -> access
    contact_customer: list  # contact -> customer
    followups: list  # (author employee, customer or None, lead or None)
    lead_owner: list  # lead -> employee index or None
    lead_team: list  # lead -> department index or None
    visit_plans: list = ()  # (rep employee, customer)
    receptions: list = ()  # visitor registration -> receptionist employee
    imports: list = ()  # import job -> employee who uploaded it
    history_customer: list = ()  # ownership change -> customer (read back after building)
    other: "Records | None" = None  # the second company's


def company_records(draw, world, *, most: int = 8) -> Records:
    """The customers-module records of one company of the description."""
    departments, employees = len(world.dept_parent), len(world.emp_positions)
    someone = st.none() | st.integers(0, employees - 1)
    customer_owner = draw(st.lists(someone, min_size=1, max_size=most))
    customers = len(customer_owner)
    customer_pool = [draw(st.none() | st.integers(0, departments - 1)) for _c in customer_owner]
    collaborators = draw(st.dictionaries(st.tuples(st.integers(0, customers - 1), st.integers(0, employees - 1)),
                                         st.sampled_from([READ, WRITE]), max_size=4))
    contact_customer = draw(st.lists(st.integers(0, customers - 1), max_size=min(6, most)))
    lead_owner = draw(st.lists(someone, max_size=min(5, most)))
    lead_team = [draw(st.none() | st.integers(0, departments - 1)) for _l in lead_owner]
    followups = []
    for _index in range(draw(st.integers(0, min(6, most)))):
        author = draw(st.integers(0, employees - 1))
        if lead_owner and draw(st.booleans()):
            followups.append((author, None, draw(st.integers(0, len(lead_owner) - 1))))
        else:
            followups.append((author, draw(st.integers(0, customers - 1)), None))
    visit_plans = draw(st.lists(st.tuples(st.integers(0, employees - 1), st.integers(0, customers - 1)), max_size=4))
    receptions = draw(st.lists(st.integers(0, employees - 1), max_size=3))
    imports = draw(st.lists(st.integers(0, employees - 1), max_size=3))
    return Records(customer_owner, customer_pool, collaborators, contact_customer, followups, lead_owner,
                   lead_team, visit_plans, receptions, imports)


@st.composite
def customer_worlds(draw):
    """The two companies, a level in the customers module for every position (the second company's
    all-seeing position: everything), and each company's records (the second's: fewer)."""
    world = draw(worlds(second_company=True))
    level_grants(draw, world, [MODULE], read_only=True)
    records = company_records(draw, world)
    records.other = company_records(draw, world.other, most=4)
    # Department moves only: they change which pools and teams a manager covers.
    world.moves = [move for move in world.moves if move[0] in ("department", "rename")]
    return world, records


# --- the oracle -----------------------------------------------------------------------------


def covers(world, employee, department, writing=False) -> bool:
    """The employee's customers-module levels cover `department` (for unowned records)."""
    for position in held_now(world, employee):
        grant = world.grants[(position, MODULE)]
        if writing and grant.read_only:
            continue
        own = world.pos_dept[position]
        if grant.level == ScopeLevel.ALL:
            return True
        if grant.level == ScopeLevel.DEPARTMENT and department == own:
            return True
        if grant.level == ScopeLevel.DEPARTMENT_TREE and in_subtree(world, department, own):
            return True
        if grant.level == ScopeLevel.DEPARTMENTS and any(in_subtree(world, department, n) for n in grant.departments):
            return True
    return False


def member_of_pool(world, employee, department) -> bool:
    """Works in the pool's department or below (any position held now)."""
    return any(in_subtree(world, world.pos_dept[position], department) for position in held_now(world, employee))


def customer_seen(world, records, employee, customer, action="view") -> bool:
    if world.emp_left[employee]:
        return False
    owners = visible_owners(world, employee, MODULE, writing=action != "view")
    owner = records.customer_owner[customer]
    if owners == EVERYONE:
        return True
    if owner is not None and owner in owners:
        return True
    accesses = {READ, WRITE} if action == "view" else {WRITE}
    if records.collaborators.get((customer, employee)) in accesses:
        return True
    if owner is None and action == "view":
        pool = records.customer_pool[customer]
        return pool is None or member_of_pool(world, employee, pool) or covers(world, employee, pool)
    return False


def lead_seen(world, records, employee, lead, action="view") -> bool:
    if world.emp_left[employee]:
        return False
    writing = action != "view"
    owners = visible_owners(world, employee, MODULE, writing=writing)
    owner = records.lead_owner[lead]
    if owners == EVERYONE or (owner is not None and owner in owners):
        return True
    team = records.lead_team[lead]
    return owner is None and team is not None and covers(world, employee, team, writing=writing)


def expected(world, records, employee) -> dict:
    customers = {c for c in range(len(records.customer_owner)) if customer_seen(world, records, employee, c)}
    leads = {lead for lead in range(len(records.lead_owner)) if lead_seen(world, records, employee, lead)}
    owners = visible_owners(world, employee, MODULE) if not world.emp_left[employee] else set()
    followups = {
        index for index, (author, customer, lead) in enumerate(records.followups)
        if not world.emp_left[employee] and (
            owners == EVERYONE or author in owners
            or (customer is not None and customer in customers) or (lead is not None and lead in leads))
    }
    return {
        "customers/view": customers,
        "customers/change": {c for c in range(len(records.customer_owner))
                             if customer_seen(world, records, employee, c, "change")},
        "contacts": {i for i, c in enumerate(records.contact_customer) if c in customers},
        "followups": followups,
        "leads": leads,
        "leads/change": {lead for lead in range(len(records.lead_owner))
                         if lead_seen(world, records, employee, lead, "change")},
        # A rep's plans: theirs and whoever's scope covers them; the customer grants nothing.
        "visit_plans": {index for index, (rep, _customer) in enumerate(records.visit_plans)
                        if not world.emp_left[employee] and (owners == EVERYONE or rep in owners)},
        # Receptions and uploads: whoever's scope covers the receptionist or the uploader.
        "receptions": {index for index, person in enumerate(records.receptions)
                       if not world.emp_left[employee] and (owners == EVERYONE or person in owners)},
        "imports": {index for index, person in enumerate(records.imports)
                    if not world.emp_left[employee] and (owners == EVERYONE or person in owners)},
        # Ownership history follows its customer.
        "ownership": {index for index, customer in enumerate(records.history_customer) if customer in customers},
    }


# --- building and comparing -----------------------------------------------------------------


def build_records(records, built):
    company = built.departments[0].company
    services.ensure_defaults(company=company)
    pools = {}

    def pool_of(department):
        if department is None:
            return CustomerPool.objects.get(company=company, department__isnull=True)
        if department not in pools:
            pools[department] = CustomerPool.objects.create(company=company, name=f"公海{department}",
                                                            department=built.departments[department])
        return pools[department]

    def person(index):
        return built.employees[index] if index is not None else None

    customers = []
    for index, owner in enumerate(records.customer_owner):
        customers.append(services.create_customer(
            company=company, by=None, owner=person(owner), name=f"客户{index}号", check_duplicates=False,
            pool=pool_of(records.customer_pool[index]) if owner is None else None))
    for (customer, employee), access in records.collaborators.items():
        Collaborator.objects.create(content_type_id=_customer_type(), object_id=customers[customer].pk,
                                    employee=built.employees[employee], access=access)
    contacts = [Contact.objects.create(customer=customers[c], name=f"联系人{i}")
                for i, c in enumerate(records.contact_customer)]
    leads = [Lead.objects.create(company=company, name=f"线索{i}", mobile="13000000000", owner=person(owner),
                                 team=built.departments[records.lead_team[i]] if records.lead_team[i] is not None
                                 else None, created_at=customers[0].created_at)
             for i, owner in enumerate(records.lead_owner)]
    followups = [FollowUp.objects.create(owner=built.employees[author], content="跟进",
                                         customer=customers[c] if c is not None else None,
                                         lead=leads[lead] if lead is not None else None, at=customers[0].created_at)
                 for author, c, lead in records.followups]
    plans = [VisitPlan.objects.create(owner=built.employees[rep], customer=customers[c],
                                      planned_on=datetime.date(2030, 1, 1)) for rep, c in records.visit_plans]
    receptions = [VisitorRegistration.objects.create(
        company=company, site=built.departments[0], visited_at=customers[0].created_at, name=f"来访{i}",
        receptionist=built.employees[person]) for i, person in enumerate(records.receptions)]
    imports = [ImportJob.objects.create(company=company, kind="customers", created_by=built.employees[person],
                                        file_name=f"导入{i}.csv", content=b"", mapping={}, rows=0)
               for i, person in enumerate(records.imports)]
    history = list(OwnershipChange.objects.filter(customer__in=customers).order_by("pk"))
    position = {customer.pk: index for index, customer in enumerate(customers)}
    records.history_customer = [position[change.customer_id] for change in history]
    return {"customers": customers, "contacts": contacts, "leads": leads, "followups": followups,
            "visit_plans": plans, "receptions": receptions, "imports": imports, "ownership": history}


def _customer_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Customer).pk


def company_pairs(world, records, built, made) -> list:
    """(description, records, built, made) of each company."""
    pairs = [(world, records, built, made[0])]
    if world.other is not None:
        pairs.append((world.other, records.other, built.other, made[1]))
    return pairs


def check(world, records, built, made):
    """Every person of either company sees, out of the records of both, what the oracle says of their
    own company's records."""
    User = get_user_model()
    kinds = {"customers/view": "customers", "customers/change": "customers", "contacts": "contacts",
             "followups": "followups", "leads": "leads", "leads/change": "leads", "visit_plans": "visit_plans",
             "receptions": "receptions", "imports": "imports", "ownership": "ownership"}
    for number, (company, own, people, records_made) in enumerate(company_pairs(world, records, built, made), 1):
        for index, employee in enumerate(people.employees):
            user = User.objects.get(pk=employee.user_id)
            seen = {
                "customers/view": set(Customer.objects.restrict(user).values_list("pk", flat=True)),
                "customers/change": set(Customer.objects.restrict(user, "change").values_list("pk", flat=True)),
                "contacts": set(Contact.objects.restrict(user).values_list("pk", flat=True)),
                "followups": set(FollowUp.objects.restrict(user).values_list("pk", flat=True)),
                "leads": set(Lead.objects.restrict(user).values_list("pk", flat=True)),
                "leads/change": set(Lead.objects.restrict(user, "change").values_list("pk", flat=True)),
                "visit_plans": set(VisitPlan.objects.restrict(user).values_list("pk", flat=True)),
                "receptions": set(VisitorRegistration.objects.restrict(user).values_list("pk", flat=True)),
                "imports": set(ImportJob.objects.restrict(user).values_list("pk", flat=True)),
                "ownership": set(OwnershipChange.objects.restrict(user).values_list("pk", flat=True)),
            }
            wanted = {key: {records_made[kinds[key]][i].pk for i in indexes}
                      for key, indexes in expected(company, own, index).items()}
            assert seen == wanted, f"company {number}, employee {index}"


@pytest.mark.django_db
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=customer_worlds())
def test_customer_records_agree_with_the_oracle_before_and_after_departments_move(drawn):
    world, records = drawn
    with transaction.atomic():
        built = build(world)
        set_levels(world, built, [MODULE])
        made = [build_records(records, built)]
        if world.other is not None:
            made.append(build_records(records.other, built.other))
        check(world, records, built, made)
        for move in world.moves:
            apply_move(world, built, move)
        check(world, records, built, made)
        transaction.set_rollback(True)
