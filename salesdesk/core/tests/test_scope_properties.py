"""Property tests of the data scope: random organisations, people and records, checked against an
independent oracle.

Hypothesis draws a plain description of a company (department tree, positions with reporting
lines and scope levels, people holding one or two positions — the first person two whenever there
are two — some of whom left, accounts with collaborators, tickets hanging off accounts). With
`worlds(second_company=True)` it draws a second, smaller company beside it, built in the same
database: its own departments, positions and people — one of whom sees everything (`all` in every
module) and holds a second position — and its own records, some owned by nobody. The test builds
both through `org.services` and then asks, for every user of either company, what `restrict()`
returns out of all the records of both. The oracle answers the same question in plain Python from
the drawn descriptions alone, each person within their own company: it walks parent pointers and
reporting lines and never looks at `scope.py`, materialised paths or the database. Half-way through,
a department subtree and a reporting line move and an account changes hands; the oracle follows the
new pointers.
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.org import services
from salesdesk.org.models import Department, Employee, Position
from tests.scopetest.models import Account, Ticket

LEVELS = list(ScopeLevel.values)
MAX_DEPTH = 4  # depth counted from 0, so trees are up to five levels deep
READ, WRITE = Collaborator.Access.READ, Collaborator.Access.WRITE


# --- the drawn description -----------------------------------------------------------------


@dataclass
class Grant:
    level: str
    departments: frozenset = frozenset()  # used by the "departments" level
    read_only: bool = False  # the level is for reading; for changing, own records only


@dataclass
class World:
    dept_parent: list  # department index -> parent index or None
    pos_dept: list  # position index -> department index
    pos_reports_to: list  # position index -> superior position index or None
    grants: dict  # (position index, module) -> Grant
    emp_positions: list  # employee index -> list of position indexes held now
    emp_ended: list  # employee index -> position indexes whose assignment was ended
    emp_left: list  # employee index -> bool
    account_owner: list  # account index -> employee index or None
    account_collaborators: dict  # (account index, employee index) -> access
    ticket_account: list  # ticket index -> account index or None
    ticket_owner: list  # ticket index -> employee index or None
    ticket_collaborators: dict  # (ticket index, employee index) -> access
    moves: list = field(default_factory=list)  # ("department"|"line"|"transfer", subject, target)
    all_seeing: bool = False  # position 0 sees everything in every module; person 0 holds it
    other: "World | None" = None  # a second company in the same database (second_company=True)


def companies(world) -> list:
    """The drawn company, then the second one when there is one."""
    return [world] + ([world.other] if world.other is not None else [])


def _depth(parents, index):
    depth = 0
    while parents[index] is not None:
        index = parents[index]
        depth += 1
    return depth


def grants(draw, departments: int):
    level = draw(st.sampled_from(LEVELS))
    named = frozenset()
    if level == ScopeLevel.DEPARTMENTS:
        named = frozenset(draw(st.sets(st.integers(0, departments - 1), max_size=3)))
    return Grant(level, named, read_only=level != ScopeLevel.SELF and draw(st.booleans()))


def level_grants(draw, world, modules, *, read_only: bool = False, named: int = 2) -> None:
    """Draw a level in each of `modules` for every position of the drawn companies (`read_only`: may
    be for reading only); the second company's all-seeing position gets everything in them."""
    for company in companies(world):
        departments = len(company.dept_parent)
        for position in range(len(company.pos_dept)):
            for module in modules:
                if company.all_seeing and position == 0:
                    company.grants[(position, module)] = Grant(ScopeLevel.ALL)
                    continue
                level = draw(st.sampled_from(LEVELS))
                chosen = frozenset(draw(st.sets(st.integers(0, departments - 1), max_size=named))) \
                    if level == ScopeLevel.DEPARTMENTS else frozenset()
                company.grants[(position, module)] = Grant(
                    level, chosen, read_only=read_only and level != ScopeLevel.SELF and draw(st.booleans()))


@st.composite
def company_worlds(draw, *, departments_max=8, positions_max=8, people_max=7, records_max=8,
                   all_seeing: bool = False, reorganises: bool = True):
    """One company. `all_seeing`: its first position sees everything in every module and its first
    person holds it (with a second position when there is one), stays and keeps it. `reorganises`:
    with the moves made half-way through."""
    dept_parent = []
    for index in range(draw(st.integers(1, departments_max))):
        candidates = [None] + [other for other in range(index) if _depth(dept_parent, other) < MAX_DEPTH]
        dept_parent.append(None if index == 0 else draw(st.sampled_from(candidates)))
    departments = len(dept_parent)

    pos_dept, pos_reports_to, position_grants = [], [], {}
    for index in range(draw(st.integers(2 if all_seeing else 1, positions_max))):
        pos_dept.append(draw(st.integers(0, departments - 1)))
        # Reporting lines only point to earlier positions, so they are acyclic.
        pos_reports_to.append(draw(st.none() | st.integers(0, index - 1)) if index else None)
        for module in ("testing", "org"):
            position_grants[(index, module)] = Grant(ScopeLevel.ALL) if all_seeing and index == 0 \
                else grants(draw, departments)
    positions = len(pos_dept)

    emp_positions, emp_ended, emp_left = [], [], []
    for index in range(draw(st.integers(2 if all_seeing else 1, people_max))):
        # The first person holds two positions whenever there are two: a person's scope is the union.
        two = index == 0 and positions >= 2
        held = draw(st.lists(st.integers(0, positions - 1), min_size=2 if two else 1, max_size=2, unique=True))
        if all_seeing and index == 0 and 0 not in held:
            held[0] = 0
        keeps_all = all_seeing and index == 0
        ended = draw(st.sets(st.sampled_from(held), max_size=1)) if draw(st.integers(0, 4)) == 0 else set()
        ended = {p for p in ended if not (keeps_all and p == 0)}
        emp_positions.append([p for p in held if p not in ended])
        emp_ended.append(sorted(ended))
        emp_left.append(not keeps_all and draw(st.integers(0, 5)) == 0)
    employees = len(emp_positions)
    someone = st.none() | st.integers(0, employees - 1)
    access = st.sampled_from([READ, WRITE])

    account_owner = draw(st.lists(someone, max_size=records_max))
    accounts = len(account_owner)
    account_collaborators = {}
    if accounts:
        account_collaborators = draw(st.dictionaries(
            st.tuples(st.integers(0, accounts - 1), st.integers(0, employees - 1)), access, max_size=5))
    ticket_account = draw(st.lists(st.none() | st.integers(0, accounts - 1), max_size=records_max)) \
        if accounts else []
    ticket_owner = [draw(someone) for _ticket in ticket_account]
    ticket_collaborators = {}
    if ticket_account:
        ticket_collaborators = draw(st.dictionaries(
            st.tuples(st.integers(0, len(ticket_account) - 1), st.integers(0, employees - 1)), access, max_size=4))

    moves = []
    if reorganises:
        department_move = st.tuples(st.just("department"), st.integers(0, departments - 1),
                                    st.none() | st.integers(0, departments - 1))
        line_move = st.tuples(st.just("line"), st.integers(0, positions - 1), st.none() | st.integers(0, positions - 1))
        transfer = [st.tuples(st.just("transfer"), st.integers(0, accounts - 1), someone)] if accounts else []
        move = st.one_of(
            department_move, line_move, *transfer,
            # Edits through instances held since they were created, which later moves made stale.
            st.tuples(st.just("rename"), st.integers(0, departments - 1), st.none()),
            st.tuples(st.just("retitle"), st.integers(0, positions - 1), st.none()),
        )
        # At least one of each kind, a few more at random, in random order: later moves then act on
        # departments and positions that earlier moves already relocated.
        required = [draw(kind) for kind in (department_move, line_move, *transfer)]
        moves = draw(st.permutations(required + draw(st.lists(move, max_size=3))))
    return World(dept_parent, pos_dept, pos_reports_to, position_grants, emp_positions, emp_ended, emp_left,
                 account_owner, account_collaborators, ticket_account, ticket_owner, ticket_collaborators, moves,
                 all_seeing=all_seeing)


@st.composite
def worlds(draw, second_company: bool = False):
    """A company; with `second_company`, a second, smaller one beside it (`world.other`) with an
    all-seeing person, which does not reorganise."""
    world = draw(company_worlds())
    if second_company:
        world.other = draw(company_worlds(departments_max=3, positions_max=3, people_max=3, records_max=4,
                                          all_seeing=True, reorganises=False))
    return world


# --- the oracle: plain Python over the description -----------------------------------------

EVERYONE = "everyone"


def _ancestors_or_self(parents, index):
    while index is not None:
        yield index
        index = parents[index]


def in_subtree(world, department, root) -> bool:
    return root in _ancestors_or_self(world.dept_parent, department)


def is_below(world, position, superior) -> bool:
    """True when `position` reports, directly or up the line, to `superior`."""
    return position != superior and superior in _ancestors_or_self(world.pos_reports_to, position)


def held_now(world, employee):
    """Positions someone holds today: people who left hold none."""
    return [] if world.emp_left[employee] else world.emp_positions[employee]


def visible_owners(world, employee, module, writing=False):
    """Employee indexes whose records `employee` sees (`writing`: may change) in `module`, or EVERYONE."""
    if world.emp_left[employee]:
        return set()
    owners = {employee}
    for position in held_now(world, employee):
        grant = world.grants[(position, module)]
        if writing and grant.read_only:
            continue  # a read-only level lets its holder change their own records alone
        if grant.level == ScopeLevel.ALL:
            return EVERYONE
        for other in range(len(world.emp_positions)):
            for other_position in held_now(world, other):
                department = world.pos_dept[other_position]
                if (
                    (grant.level == ScopeLevel.SUBORDINATES and is_below(world, other_position, position))
                    or (grant.level == ScopeLevel.DEPARTMENT and department == world.pos_dept[position])
                    or (grant.level == ScopeLevel.DEPARTMENT_TREE
                        and in_subtree(world, department, world.pos_dept[position]))
                    or (grant.level == ScopeLevel.DEPARTMENTS
                        and any(in_subtree(world, department, named) for named in grant.departments))
                ):
                    owners.add(other)
    return owners


def sees_owner(owners, owner) -> bool:
    if owners == EVERYONE:
        return True  # including records nobody owns
    return owner is not None and owner in owners


def expected_accounts(world, employee, action):
    owners = visible_owners(world, employee, "testing", writing=action != "view")
    if world.emp_left[employee]:
        return set()
    accesses = {READ, WRITE} if action == "view" else {WRITE}
    return {
        account for account, owner in enumerate(world.account_owner)
        if sees_owner(owners, owner) or world.account_collaborators.get((account, employee)) in accesses
    }


def expected_tickets(world, employee):
    owners = visible_owners(world, employee, "testing")
    if world.emp_left[employee]:
        return set()
    visible = set()
    for ticket, owner in enumerate(world.ticket_owner):
        account = world.ticket_account[ticket]
        account_owner = world.account_owner[account] if account is not None else None
        if (
            sees_owner(owners, owner)
            or (account_owner is not None and sees_owner(owners, account_owner))
            or (ticket, employee) in world.ticket_collaborators
        ):
            visible.add(ticket)
    return visible


def expected_people(world, employee):
    owners = visible_owners(world, employee, "org")
    if owners == EVERYONE:
        return set(range(len(world.emp_positions)))
    return owners


# --- building the description through the services -----------------------------------------


@dataclass
class Built:
    departments: list
    positions: list
    employees: list
    accounts: list
    tickets: list
    superuser: object
    stranger: object
    other: "Built | None" = None  # the second company, when drawn


def build(world) -> Built:
    """Both companies of the description, in one database; the second is `built.other`."""
    built = _build_company(world, code="prop", name="性质测试公司", prefix="prop")
    if world.other is not None:
        built.other = _build_company(world.other, code="prop2", name="第二家公司", prefix="prop2")
    return built


def each_company(world, built) -> list:
    """(description, built) of each company."""
    return [(world, built)] + ([(world.other, built.other)] if world.other is not None else [])


def _build_company(world, *, code, name, prefix) -> Built:
    User = get_user_model()
    company = services.create_company(name=name, code=code)
    departments = []
    for index, parent in enumerate(world.dept_parent):
        departments.append(services.create_department(
            company=company, name=f"部门{index}", code=f"D-{index}",
            parent=departments[parent] if parent is not None else None))
    positions = []
    for index, department in enumerate(world.pos_dept):
        superior = world.pos_reports_to[index]
        position = services.create_position(
            department=departments[department], title=f"岗位{index}", code=f"P-{index}",
            reports_to=positions[superior] if superior is not None else None)
        for module in ("testing", "org"):
            grant = world.grants[(index, module)]
            services.set_position_scope(position=position, module=module, level=grant.level,
                                        departments=[departments[named] for named in sorted(grant.departments)],
                                        read_only=grant.read_only)
        positions.append(position)
    employees = []
    for index, held in enumerate(world.emp_positions):
        user = User.objects.create_user(username=f"{prefix}-{index}", password="x")
        everything = [positions[p] for p in held + world.emp_ended[index]]
        employee = services.create_employee(company=company, name=f"员工{index}", user=user, positions=everything)
        for assignment in employee.assignments.filter(position__in=[positions[p] for p in world.emp_ended[index]]):
            services.end_assignment(assignment=assignment)
        if world.emp_left[index]:
            services.deactivate_employee(employee=employee)
        employees.append(employee)

    def person(index):
        return employees[index] if index is not None else None

    accounts = [Account.objects.create(name=f"A{index}", owner=person(owner))
                for index, owner in enumerate(world.account_owner)]
    tickets = [
        Ticket.objects.create(name=f"T{index}", owner=person(world.ticket_owner[index]),
                              account=accounts[account] if account is not None else None)
        for index, account in enumerate(world.ticket_account)
    ]
    for model, records, collaborators in ((Account, accounts, world.account_collaborators),
                                          (Ticket, tickets, world.ticket_collaborators)):
        content_type = ContentType.objects.get_for_model(model)
        Collaborator.objects.bulk_create(
            Collaborator(content_type=content_type, object_id=records[record].pk, employee=employees[employee],
                         access=access)
            for (record, employee), access in collaborators.items()
        )
    superuser = User.objects.create_superuser(username=f"{prefix}-root", password="x", email=f"{prefix}@example.cn")
    stranger = User.objects.create_user(username=f"{prefix}-stranger", password="x")
    return Built(departments, positions, employees, accounts, tickets, superuser, stranger)


def set_levels(world, built, modules) -> None:
    """`build` set the levels of "testing" and "org"; the levels the other tests drew in `modules`
    (level_grants) come here, in both companies."""
    for company, made in each_company(world, built):
        for (position, module), grant in company.grants.items():
            if module in modules:
                services.set_position_scope(
                    position=made.positions[position], module=module, level=grant.level,
                    departments=[made.departments[named] for named in sorted(grant.departments)],
                    read_only=grant.read_only)


# --- comparing -----------------------------------------------------------------------------


def pks(records, indexes):
    return {records[index].pk for index in indexes}


def check_paths(world, built):
    """The materialised paths agree with the parent pointers the oracle holds."""
    for index, department in enumerate(built.departments):
        chain = list(_ancestors_or_self(world.dept_parent, index))[::-1]
        stored = Department.objects.values_list("path", "depth").get(pk=department.pk)
        assert stored == ("/" + "".join(f"{built.departments[i].pk}/" for i in chain), len(chain) - 1)
    for index, position in enumerate(built.positions):
        chain = list(_ancestors_or_self(world.pos_reports_to, index))[::-1]
        stored = Position.objects.values_list("line_path", flat=True).get(pk=position.pk)
        assert stored == "/" + "".join(f"{built.positions[i].pk}/" for i in chain)


def nobodys(world, built, others):
    """Accounts and tickets that nobody owns, of the companies in `others`. The stand-in models have no
    company of their own: one that nobody owns is nobody's company's, and `scope_filter` gives it to
    whoever sees everything in the module — in either company. The business models all carry their
    company (`ScopeRule.company`), so that their records without an owner (customers in a pool, leads
    waiting for a rep) stay in it: the customers, sales and finance property tests check that."""
    accounts, tickets = set(), set()
    for company, made in others:
        accounts |= {made.accounts[i].pk for i, owner in enumerate(company.account_owner) if owner is None}
        tickets |= {made.tickets[i].pk for i, owner in enumerate(company.ticket_owner) if owner is None}
    return accounts, tickets


def check_scope(world, built):
    """Every person of either company sees, out of all the records of both, what the oracle says of
    their own company's records — nothing of the other company's."""
    User = get_user_model()
    pairs = each_company(world, built)
    all_accounts = {account.pk for _company, made in pairs for account in made.accounts}
    all_tickets = {ticket.pk for _company, made in pairs for ticket in made.tickets}
    all_people = {employee.pk for _company, made in pairs for employee in made.employees}
    for number, (company, made) in enumerate(pairs, 1):
        unowned_accounts, unowned_tickets = nobodys(world, built, [pair for pair in pairs if pair[1] is not made])
        for index, employee in enumerate(made.employees):
            user = User.objects.get(pk=employee.user_id)  # fresh: no scope cached from before a change
            seen = {
                "accounts/view": set(Account.objects.restrict(user, "view").values_list("pk", flat=True)),
                "accounts/change": set(Account.objects.restrict(user, "change").values_list("pk", flat=True)),
                "tickets/view": set(Ticket.objects.restrict(user, "view").values_list("pk", flat=True)),
                "people/view": set(Employee.objects.restrict(user, "view").values_list("pk", flat=True)),
            }
            everything = {action: not company.emp_left[index]
                          and visible_owners(company, index, "testing", writing=action == "change") == EVERYONE
                          for action in ("view", "change")}
            expected = {
                "accounts/view": pks(made.accounts, expected_accounts(company, index, "view"))
                | (unowned_accounts if everything["view"] else set()),
                "accounts/change": pks(made.accounts, expected_accounts(company, index, "change"))
                | (unowned_accounts if everything["change"] else set()),
                "tickets/view": pks(made.tickets, expected_tickets(company, index))
                | (unowned_tickets if everything["view"] else set()),
                "people/view": pks(made.employees,
                                   expected_people(company, index) if not company.emp_left[index] else ()),
            }
            assert seen == expected, f"company {number}, employee {index}"
        for who in (made.superuser, made.stranger):
            user = User.objects.get(pk=who.pk)
            everything = who is made.superuser
            assert set(Account.objects.restrict(user, "change").values_list("pk", flat=True)) == \
                (all_accounts if everything else set())
            assert set(Ticket.objects.restrict(user, "view").values_list("pk", flat=True)) == \
                (all_tickets if everything else set())
            assert set(Employee.objects.restrict(user, "view").values_list("pk", flat=True)) == \
                (all_people if everything else set())


def apply_move(world, built, move):
    kind, subject, target = move
    if kind == "department":
        new_parent = built.departments[target] if target is not None else None
        if target is not None and in_subtree(world, target, subject):
            with pytest.raises(ValidationError):
                services.move_department(department=built.departments[subject], new_parent=new_parent)
        else:
            services.move_department(department=built.departments[subject], new_parent=new_parent)
            world.dept_parent[subject] = target
    elif kind == "line":
        new_superior = built.positions[target] if target is not None else None
        if target is not None and (target == subject or is_below(world, target, subject)):
            with pytest.raises(ValidationError):
                services.change_reporting_line(position=built.positions[subject], reports_to=new_superior)
        else:
            services.change_reporting_line(position=built.positions[subject], reports_to=new_superior)
            world.pos_reports_to[subject] = target
    elif kind == "rename":
        services.update_department(department=built.departments[subject], name=f"改名部门{subject}")
    elif kind == "retitle":
        services.update_position(position=built.positions[subject], title=f"改名岗位{subject}")
    else:
        account = built.accounts[subject]
        account.owner = built.employees[target] if target is not None else None
        account.save()
        world.account_owner[subject] = target


@pytest.mark.django_db
@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(world=worlds(second_company=True))
def test_restrict_agrees_with_an_independent_oracle_before_and_after_reorganising(world):
    with transaction.atomic():
        built = build(world)
        check_paths(world, built)
        check_scope(world, built)
        for move in world.moves:
            apply_move(world, built, move)
            check_paths(world, built)
        check_scope(world, built)
        transaction.set_rollback(True)
