"""The organisation as the browsing pages show it: the department tree with its positions and
their headcount (编制), filled seats (在岗) and vacancies (空缺).

Everything here reads the whole visible structure in a constant number of queries (all
departments, all positions annotated with their filled seats) and builds the tree in Python, so
a company with hundreds of departments costs the same handful of queries as a small one.

Numbers: a position's vacancies are `max(headcount - filled, 0)`; an over-staffed position never
fills another one's vacancy. A department's `own` numbers count its own positions, its `total`
numbers count its whole subtree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from .models import Assignment, Company, Department, Employee, Grade, Position
from .selectors import positions_with_filled

GRADES = [value for value, _label in Grade.choices]


@dataclass
class Counts:
    planned: int = 0
    filled: int = 0
    vacant: int = 0

    def add(self, other: Counts) -> None:
        self.planned += other.planned
        self.filled += other.filled
        self.vacant += other.vacant

    def as_dict(self) -> dict:
        return {"planned": self.planned, "filled": self.filled, "vacant": self.vacant}

    @property
    def over(self) -> int:
        """Seats filled beyond the headcount (超编), never negative."""
        return max(self.filled - self.planned, 0)


@dataclass
class PositionRow:
    id: int
    title: str
    code: str
    grade: str
    headcount: int
    filled: int
    department_id: int
    reports_to_id: int | None
    is_department_head: bool
    url: str = ""

    @property
    def vacant(self) -> int:
        return max(self.headcount - self.filled, 0)

    @property
    def counts(self) -> Counts:
        return Counts(self.headcount, self.filled, self.vacant)

    def get_grade_display(self):
        return Grade(self.grade).label if self.grade in GRADES else self.grade


@dataclass
class DepartmentNode:
    id: int
    name: str
    code: str
    company_id: int
    parent_id: int | None
    path: str = ""
    url: str = ""
    depth: int = 0  # depth in the visible tree (0 for roots)
    positions: list[PositionRow] = field(default_factory=list)
    children: list[DepartmentNode] = field(default_factory=list)
    own: Counts = field(default_factory=Counts)
    total: Counts = field(default_factory=Counts)
    by_grade: dict = field(default_factory=dict)  # grade -> Counts of the own positions

    @property
    def indent(self) -> float:
        return self.depth * 1.25


@dataclass
class Structure:
    companies: list[Company]
    roots: dict[int, list[DepartmentNode]]  # company id -> root departments
    by_id: dict[int, DepartmentNode]

    def preorder(self, company_id: int | None = None):
        """Departments in tree order (parents before children, siblings by sort order)."""
        for company in self.companies:
            if company_id is not None and company.pk != company_id:
                continue
            stack = list(reversed(self.roots.get(company.pk, [])))
            while stack:
                node = stack.pop()
                yield node
                stack.extend(reversed(node.children))

    def totals(self, company_id: int | None = None) -> Counts:
        counts = Counts()
        for company in self.companies:
            if company_id is None or company.pk == company_id:
                for root in self.roots.get(company.pk, []):
                    counts.add(root.total)
        return counts

    def outline(self, company_id: int):
        """The tree as a flat list of ("open", node) / ("close", node) steps in tree order, so a
        template draws nested lists with one loop instead of one include per department."""
        steps = []
        stack = [(root, False) for root in reversed(self.roots.get(company_id, []))]
        while stack:
            node, closing = stack.pop()
            if closing:
                steps.append(("close", node))
                continue
            steps.append(("open", node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.children))
        return steps

    def subtree(self, department_id: int):
        node = self.by_id.get(department_id)
        if node is None:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            yield current
            stack.extend(reversed(current.children))


def _companies_for(user, company_ids) -> list[Company]:
    return list(Company.objects.filter(pk__in=set(company_ids)).order_by("name", "pk"))


def load_structure(user, *, with_positions: bool = True, under: Department | None = None) -> Structure:
    """The departments (and positions) `user` may see, as a tree; `under` limits it to one
    department's subtree. Three queries, or two without positions; departments and positions
    are the company's published chart."""
    departments = Department.objects.restrict(user).filter(is_active=True)
    positions = Position.objects.restrict(user).filter(is_active=True, department__is_active=True)
    if under is not None:
        departments = departments.filter(path__startswith=under.path)
        positions = positions.filter(department__path__startswith=under.path)
    departments = departments.order_by("sort_order", "pk").values_list(
        "pk", "name", "code", "company_id", "parent_id", "path")
    department_url, position_url = url_maker("org:department"), url_maker("org:position")
    by_id = {pk: DepartmentNode(id=pk, name=name, code=code, company_id=company_id, parent_id=parent_id, path=path,
                                url=department_url(pk))
             for pk, name, code, company_id, parent_id, path in departments}
    roots: dict[int, list[DepartmentNode]] = defaultdict(list)
    for node in by_id.values():  # insertion order keeps siblings sorted
        parent = by_id.get(node.parent_id) if node.parent_id else None
        if parent is not None and parent.company_id == node.company_id:
            parent.children.append(node)
        else:
            roots[node.company_id].append(node)
    companies = _companies_for(user, roots.keys()) if roots else []
    structure = Structure(companies=companies, roots=dict(roots), by_id=by_id)
    if with_positions:
        rows = (
            positions_with_filled(positions)
            .order_by("sort_order", "pk")
            .values_list("pk", "title", "code", "grade", "headcount", "filled", "department_id", "reports_to_id",
                         "is_department_head")
        )
        for values in rows:
            position = PositionRow(*values, url=position_url(values[0]))
            node = by_id.get(position.department_id)
            if node is not None:
                node.positions.append(position)
    # Depths and sums, children before parents.
    for company in companies:
        stack = [(root, 0) for root in roots[company.pk]]
        order = []
        while stack:
            node, depth = stack.pop()
            node.depth = depth
            order.append(node)
            stack.extend((child, depth + 1) for child in node.children)
        if not with_positions:
            continue
        for node in reversed(order):
            node.by_grade = {grade: Counts() for grade in GRADES}
            for position in node.positions:
                node.own.add(position.counts)
                node.by_grade.setdefault(position.grade, Counts()).add(position.counts)
            node.total.add(node.own)
            for child in node.children:
                node.total.add(child.total)
    return structure


# --- the chart's JSON ---------------------------------------------------------------------------


def url_maker(name: str):
    """A fast `pk -> url` for a URL pattern with one integer argument (one reverse() in all)."""
    marker = 987654321
    template = reverse(name, args=[marker]).replace(str(marker), "{}")
    return template.format


def chart_data(user) -> dict:
    """The org chart as JSON for the ECharts tree: one node per company with its departments
    below, each with own and subtree numbers and its positions."""
    structure = load_structure(user)

    def department(node: DepartmentNode) -> dict:
        return {
            "id": node.id,
            "name": node.name,
            "code": node.code,
            "url": node.url,
            "own": node.own.as_dict(),
            "total": node.total.as_dict(),
            "positions": [
                {"id": position.id, "title": position.title, "grade": position.grade,
                 "head": position.is_department_head, "planned": position.headcount,
                 "filled": position.filled, "vacant": position.vacant, "url": position.url}
                for position in node.positions
            ],
            "children": [department(child) for child in node.children],
        }

    companies = []
    for company in structure.companies:
        companies.append({
            "id": company.pk,
            "name": company.name,
            "total": structure.totals(company.pk).as_dict(),
            "children": [department(root) for root in structure.roots.get(company.pk, [])],
        })
    return {
        "companies": companies,
        "department_count": len(structure.by_id),
        "position_count": sum(len(node.positions) for node in structure.by_id.values()),
        "total": structure.totals().as_dict(),
    }


# --- people around a person or a position ----------------------------------------------------------


def direct_reports_of(employee: Employee) -> list[Employee]:
    """Holders of the positions directly below this person's positions; where such a position is
    vacant, the line goes on downwards to the next holders (the mirror of direct superiors)."""
    frontier = set(Assignment.objects.filter(employee=employee, ended_on__isnull=True)
                   .values_list("position_id", flat=True))
    seen = set(frontier)
    found: dict[int, None] = {}
    while frontier:
        below = list(Position.objects.filter(reports_to_id__in=frontier, is_active=True)
                     .exclude(pk__in=seen).values_list("pk", flat=True))
        if not below:
            break
        seen.update(below)
        held = defaultdict(list)
        for position_id, employee_id in Assignment.objects.filter(
                position_id__in=below, ended_on__isnull=True, employee__status=Employee.Status.ACTIVE,
        ).values_list("position_id", "employee_id"):
            held[position_id].append(employee_id)
        for position_id in below:
            for employee_id in held.get(position_id, []):
                if employee_id != employee.pk:
                    found[employee_id] = None
        frontier = {position_id for position_id in below if position_id not in held}
    people = Employee.objects.in_bulk(list(found))
    return sorted(people.values(), key=lambda person: (person.name, person.pk))


def split_by_visibility(user, people) -> tuple[list[Employee], int]:
    """(the people `user` may see by name, how many others there are). A person's own direct
    superiors are always named: everybody may know who they report to."""
    people = list(people)
    if not people:
        return [], 0
    ids = {person.pk for person in people}
    visible = set(Employee.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))
    hidden = ids - visible
    if hidden:
        visible |= hidden & own_superior_ids(user)
    named = [person for person in people if person.pk in visible]
    return named, len(ids) - len(visible & ids)


def own_superior_ids(user) -> set[int]:
    from salesdesk.core.scope import scope_for

    from .selectors import direct_superiors_of

    cache = getattr(user, "_salesdesk_own_superiors", None)
    if cache is not None:
        return cache
    scope = scope_for(user)
    result: set[int] = set()
    if scope.employee_id is not None:
        me = Employee.objects.filter(pk=scope.employee_id).first()
        if me is not None:
            result = {person.pk for person in direct_superiors_of(me)}
    try:
        user._salesdesk_own_superiors = result
    except AttributeError:
        pass
    return result


def holders_by_position(position_ids) -> dict[int, list[Employee]]:
    """Active holders of these positions, one query."""
    result: dict[int, list[Employee]] = defaultdict(list)
    rows = (Assignment.objects.filter(position_id__in=list(position_ids), ended_on__isnull=True,
                                      employee__status=Employee.Status.ACTIVE)
            .select_related("employee").order_by("employee__name", "employee_id"))
    for assignment in rows:
        result[assignment.position_id].append(assignment.employee)
    return result


def people_in_department(user, department: Department, *, subtree: bool = False):
    """People holding a position in the department (or its subtree) that `user`'s scope shows."""
    condition = (Q(assignments__position__department__path__startswith=department.path) if subtree
                 else Q(assignments__position__department=department))
    ids = (Employee.objects.filter(condition, assignments__ended_on__isnull=True)
           .values("pk"))
    return Employee.objects.restrict(user).filter(pk__in=ids)
