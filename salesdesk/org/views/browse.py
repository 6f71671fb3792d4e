"""Browsing the organisation: org chart, departments, positions (job descriptions), headcount,
people, vacancies. Thin views: the reads live in `chart`, `queues` and `selectors`; every list
and detail goes through the data scope."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from salesdesk.audit import selectors as audit_selectors
from salesdesk.core.paging import list_page
from salesdesk.core.scope import MODULES, ScopeLevel, get_scoped_or_404, scope_for

from .. import chart as org_chart
from .. import queues, selectors
from ..models import Assignment, Department, Employee, Position
from ..versions import is_org_admin

TIMELINE_LIMIT = audit_selectors.TIMELINE_LIMIT


# --- org chart ------------------------------------------------------------------------------


@login_required
def chart(request):
    structure = org_chart.load_structure(request.user)
    companies = [
        {"company": company, "outline": structure.outline(company.pk), "total": structure.totals(company.pk)}
        for company in structure.companies
    ]
    return render(request, "org/chart.html", {
        "companies": companies,
        "total": structure.totals(),
        "department_count": len(structure.by_id),
        "is_org_admin": is_org_admin(request.user),
        "chart_labels": _chart_labels(),
    })


def _chart_labels() -> dict:
    """Texts the chart script shows, in the user's language."""
    return {
        "planned": pgettext("headcount", "Planned"), "filled": str(_("Filled")), "vacant": str(_("Vacant")),
        "full": str(_("Fully staffed")), "over": str(_("Over headcount")),
        "positions": str(_("Positions")), "own": str(_("This department")),
        "total": str(_("With sub-departments")), "no_positions": str(_("No positions")),
        "open": str(_("Click the card to open the department")),
        "toggle": str(_("Click the dot to expand or collapse")),
        "not_found": str(_("No department matches")),
        "head": str(_("head")), "all": str(_("All companies")),
        "grades": {"senior": str(_("senior")), "middle": str(_("middle")), "junior": str(_("staff"))},
    }


@login_required
def chart_json(request):
    return JsonResponse(org_chart.chart_data(request.user), json_dumps_params={"ensure_ascii": False})


# --- department and position ----------------------------------------------------------------------


@login_required
def department(request, pk):
    department = get_scoped_or_404(Department, request.user, pk=pk)
    structure = org_chart.load_structure(request.user, under=department)
    node = structure.by_id.get(department.pk)
    ancestors = list(Department.objects.restrict(request.user).filter(pk__in=department.ancestor_ids())
                     .order_by("depth"))
    people = list(_with_current_assignments(
        org_chart.people_in_department(request.user, department).filter(status=Employee.Status.ACTIVE)))
    holders = org_chart.holders_by_position(position.id for position in (node.positions if node else []))
    visible_ids = {person.pk for person in people}
    positions = []
    for position in node.positions if node else []:
        named = [person for person in holders.get(position.id, []) if person.pk in visible_ids]
        positions.append({"row": position, "named": named,
                          "others": len(holders.get(position.id, [])) - len(named)})
    return render(request, "org/department.html", {
        "department": department,
        "node": node,
        "ancestors": ancestors,
        "positions": positions,
        "children": node.children if node else [],
        "territories": department.territories.order_by("path"),
        "people": people,
        "subtree_people": org_chart.people_in_department(request.user, department, subtree=True)
        .filter(status=Employee.Status.ACTIVE).count(),
    })


@login_required
def position(request, pk):
    from salesdesk.workbench.registry import QUEUES

    position = get_scoped_or_404(Position.objects.select_related("department", "reports_to__department"),
                                 request.user, pk=pk)
    holders, hidden_holders = org_chart.split_by_visibility(request.user, selectors.active_holders(position))
    superior = position.reports_to
    superior_holders, superior_hidden = ([], 0)
    if superior is not None:
        superior_holders, superior_hidden = org_chart.split_by_visibility(
            request.user, selectors.active_holders(superior))
    subordinates = list(selectors.positions_with_filled(
        Position.objects.restrict(request.user).filter(reports_to=position, is_active=True))
        .select_related("department").order_by("sort_order", "pk"))
    duties = [{"duty": duty, "queue": QUEUES.get(duty.queue)} for duty in position.duties.order_by("sort_order", "pk")]
    scopes = [{"module": MODULES.get(row.module, row.module), "level": row.get_level_display(),
               "departments": list(row.departments.all()) if row.level == ScopeLevel.DEPARTMENTS else [],
               "read_only": row.read_only and row.level != ScopeLevel.SELF}
              for row in position.scopes.prefetch_related("departments").order_by("module")]
    filled = len(holders) + hidden_holders
    return render(request, "org/position.html", {
        "position": position,
        "filled": filled,
        "vacant": max(position.headcount - filled, 0),
        "holders": holders,
        "hidden_holders": hidden_holders,
        "superior": superior,
        "superior_holders": superior_holders,
        "superior_hidden": superior_hidden,
        "subordinates": subordinates,
        "duties": duties,
        "scopes": scopes,
        "territories": position.territories.order_by("path"),
    })


# --- headcount and vacancies ------------------------------------------------------------------------


@login_required
def headcount(request):
    structure = org_chart.load_structure(request.user)
    tables = []
    for company in structure.companies:
        rows = list(structure.preorder(company.pk))
        grade_totals = {grade: org_chart.Counts() for grade in org_chart.GRADES}
        for row in rows:
            for grade, counts in row.by_grade.items():
                grade_totals.setdefault(grade, org_chart.Counts()).add(counts)
        tables.append({
            "company": company,
            "rows": [{"node": row, "cells": _headcount_cells(row)} for row in rows],
            "grade_totals": [grade_totals[grade] for grade in org_chart.GRADES],
            "total": structure.totals(company.pk),
        })
    from ..models import Grade

    return render(request, "org/headcount.html", {
        "tables": tables,
        "grades": [Grade(grade).label for grade in org_chart.GRADES],
    })


def _headcount_cells(node) -> list[str]:
    """Planned and filled per grade, as text (blank for none): hundreds of rows render fast."""
    cells = []
    for grade in org_chart.GRADES:
        counts = node.by_grade[grade]
        cells += [str(counts.planned or ""), str(counts.filled or "")]
    return cells


@login_required
def vacancies(request):
    positions = list(queues.vacant_positions(request.user))
    for row in positions:
        row.vacant = row.headcount - row.filled
    return render(request, "org/vacancies.html", {
        "positions": positions,
        "seats": sum(row.vacant for row in positions),
    })


# --- people -----------------------------------------------------------------------------------------


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off",
                                                      "placeholder": _("Name, employee number or mobile")}))
    department = forms.TypedChoiceField(label=_("Department"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False, initial="active", choices=[
        ("active", _("active")), ("left", _("left")), ("all", _("all")),
    ])

    def __init__(self, *args, structure, **kwargs):
        super().__init__(*args, **kwargs)
        self.structure = structure
        self.fields["department"].choices = [("", _("All departments"))] + [
            (node.id, "\u3000" * node.depth + node.name) for node in structure.preorder()
        ]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm"
                                          if isinstance(field.widget, forms.Select) else "form-control form-control-sm")


def _with_current_assignments(queryset):
    return queryset.prefetch_related(Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(ended_on__isnull=True).select_related("position__department")
        .order_by("-is_primary", "pk"),
        to_attr="current_assignments",
    ))


PICK_LIMIT = 20


@login_required
def people_pick(request):
    """Search as you type for the employee picker: active people in the user's org scope whose
    name, number or mobile matches, with their primary department, at most PICK_LIMIT."""
    from django.db.models import OuterRef, Subquery

    search = (request.GET.get("q") or "").strip()[:50]
    results = []
    if search:
        department = Assignment.objects.filter(employee=OuterRef("pk"), ended_on__isnull=True).order_by(
            "-is_primary", "pk").values("position__department__name")[:1]
        rows = (selectors.people_for(request.user, search=search).filter(status=Employee.Status.ACTIVE)
                .annotate(department_name=Subquery(department)).order_by("name", "pk")
                .values("pk", "name", "employee_no", "department_name")[:PICK_LIMIT])
        for row in rows:
            name = f"{row['name']} ({row['employee_no']})" if row["employee_no"] else row["name"]
            results.append({"id": row["pk"], "name": name,
                            "label": " · ".join(filter(None, [name, row["department_name"]]))})
    return JsonResponse({"results": results, "empty": str(_("Nobody found"))})


@login_required
def people(request):
    structure = org_chart.load_structure(request.user, with_positions=False)
    form = PeopleFilterForm(request.GET or None, structure=structure)
    search, department, status = "", None, "active"
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        search = (data.get("q") or "").strip()
        node = structure.by_id.get(data.get("department") or 0)
        if node is not None:
            department = Department(pk=node.id, path=node.path, company_id=node.company_id)
        status = data.get("status") or "active"
    queryset = selectors.people_for(request.user, search=search, department=department)
    if status in ("active", "left"):
        queryset = queryset.filter(status=status)
    # A company's people are bounded by its headcount: the exact count.
    page = list_page(_with_current_assignments(queryset), request, capped=False)
    employee_url, position_url, department_url = (org_chart.url_maker(name) for name in (
        "org:employee", "org:position", "org:department"))
    for person in page:  # links built without a reverse() per cell: the list stays fast
        person.url = employee_url(person.pk)
        for assignment in person.current_assignments:
            assignment.position_url = position_url(assignment.position_id)
            assignment.department_url = department_url(assignment.position.department_id)
    query = request.GET.copy()
    query.pop("page", None)
    selected = str(form["department"].value() or "") if form.is_bound else ""
    context = {"form": form, "page": page, "query": query.urlencode(),
               "department_options": format_html_join("", '<option value="{}"{}>{}</option>', (
                   (value, mark_safe(" selected") if str(value) == selected else "", label)
                   for value, label in form.fields["department"].choices))}
    if request.htmx and not request.htmx.boosted:
        return render(request, "org/_people_table.html", context)
    return render(request, "org/people.html", context)


@login_required
def employee(request, pk):
    person = get_scoped_or_404(Employee.objects.select_related("user"), request.user, pk=pk)
    assignments = list(person.assignments.select_related("position__department").order_by(
        "ended_on", "-is_primary", "-started_on", "pk"))
    superiors, hidden_superiors = org_chart.split_by_visibility(request.user, selectors.direct_superiors_of(person))
    reports, hidden_reports = org_chart.split_by_visibility(request.user, org_chart.direct_reports_of(person))
    scope = scope_for(request.user)
    return render(request, "org/employee.html", {
        "person": person,
        "current": [row for row in assignments if row.ended_on is None],
        "past": [row for row in assignments if row.ended_on is not None],
        "superiors": superiors,
        "hidden_superiors": hidden_superiors,
        "reports": reports,
        "hidden_reports": hidden_reports,
        "is_me": scope.employee_id == person.pk,
        "timeline": timeline_of(person, [row.pk for row in assignments]),
    })


def timeline_of(person: Employee, assignment_ids, limit: int = TIMELINE_LIMIT) -> list:
    """The person's audit timeline, newest first: changes to the employee record and to the
    positions they took or left."""
    return audit_selectors.timeline(person, related={Assignment: assignment_ids}, company=person.company,
                                    limit=limit)
