"""Org maintenance pages (/org/manage/): the department tree, positions with their duties and data
scopes, and people with their log-ins and assignments. For org administrators only
(`versions.is_org_admin`); every write goes through `org.services` (and `orgfile.set_scope`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..access import current_company, org_admin_required
from ..forms import (
    AssignForm,
    DeactivateForm,
    DepartmentCreateForm,
    DepartmentMoveForm,
    DepartmentRenameForm,
    EmployeeCreateForm,
    PositionForm,
    departments_in_tree_order,
)
from ..models import Assignment, Company, Department, Employee, Position
from ..orgfile import set_scope


def managed(request, model, company_field: str = "company", **lookup):
    """One record the administrator may maintain: of their own company (system administrators:
    any company); anything else is a 404."""
    queryset = model._default_manager.all()
    if not request.user.is_superuser:
        employee = request.actor.employee
        if employee is None:
            raise Http404
        queryset = queryset.filter(**{f"{company_field}_id": employee.company_id})
    return get_object_or_404(queryset, **lookup)


def _company_or_404(request) -> Company:
    company = current_company(request)
    if company is None:
        raise Http404
    return company


# --- the tree ---------------------------------------------------------------------------------


@org_admin_required
def index(request):
    company = _company_or_404(request)
    departments = departments_in_tree_order(company)
    positions = (selectors.positions_with_filled(Position.objects.filter(company=company, is_active=True))
                 .select_related("reports_to", "department").order_by("sort_order", "id"))
    by_department: dict[int, list[Position]] = {}
    for position in positions:
        by_department.setdefault(position.department_id, []).append(position)
    rows = [{"department": department, "positions": by_department.get(department.pk, [])}
            for department in departments]
    return render(request, "org/manage/index.html", {
        "company": company,
        "companies": Company.objects.order_by("id") if request.user.is_superuser else [],
        "rows": rows,
        "people_count": Employee.objects.filter(company=company, status=Employee.Status.ACTIVE).count(),
    })


# --- departments ------------------------------------------------------------------------------


@org_admin_required
def department_create(request):
    company = _company_or_404(request)
    initial = {}
    if request.method == "GET" and str(request.GET.get("parent", "")).isdigit():
        initial["parent"] = request.GET["parent"]
    form = DepartmentCreateForm(request.POST or None, company=company, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.create_department(company=company, name=form.cleaned_data["name"],
                                                    code=form.cleaned_data["code"],
                                                    parent=form.cleaned_data["parent"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Department %(name)s created.") % {"name": department.name})
            return redirect("org:manage")
    return render(request, "org/manage/department_form.html", {
        "form": form, "company": company, "heading": _("New department"),
    }, status=400 if form.is_bound and form.errors else 200)


@org_admin_required
def department_rename(request, pk):
    department = managed(request, Department, pk=pk)
    form = DepartmentRenameForm(request.POST or None, initial={"name": department.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(department=department, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Department renamed to %(name)s.") % {"name": department.name})
            return redirect("org:manage")
    return render(request, "org/manage/department_form.html", {
        "form": form, "company": department.company, "department": department,
        "heading": _("Rename department %(name)s") % {"name": department.name},
    }, status=400 if form.is_bound and form.errors else 200)


@org_admin_required
def department_move(request, pk):
    department = managed(request, Department, pk=pk)
    form = DepartmentMoveForm(request.POST or None, department=department,
                              initial={"parent": department.parent_id})
    if request.method == "POST" and form.is_valid():
        try:
            department = services.move_department(department=department, new_parent=form.cleaned_data["parent"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Department %(name)s moved.") % {"name": department.name})
            return redirect("org:manage")
    subtree = selectors.department_subtree(department)
    return render(request, "org/manage/department_form.html", {
        "form": form, "company": department.company, "department": department,
        "heading": _("Move department %(name)s") % {"name": department.name},
        "subtree": departments_in_tree_order(department.company, subtree),
    }, status=400 if form.is_bound and form.errors else 200)


# --- positions --------------------------------------------------------------------------------


def _save_scopes(position: Position, scopes: dict) -> None:
    existing = {scope.module: scope for scope in position.scopes.prefetch_related("departments")}
    for module, (level, departments, read_only) in scopes.items():
        current = existing.get(module)
        if current is None and level == "self":
            continue  # the default; no row needed
        if current is not None and current.level == level and current.read_only == read_only and \
                {item.pk for item in current.departments.all()} == {item.pk for item in departments}:
            continue
        set_scope(position=position, module=module, level=level, departments=departments, read_only=read_only)


@org_admin_required
def position_create(request):
    company = _company_or_404(request)
    initial = {}
    if request.method == "GET" and str(request.GET.get("department", "")).isdigit():
        initial["department"] = request.GET["department"]
    form = PositionForm(request.POST or None, company=company, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                position = services.create_position(
                    department=data["department"], title=data["title"], code=data["code"],
                    reports_to=data["reports_to"], headcount=data["headcount"], grade=data["grade"],
                    is_department_head=data["is_department_head"], main_work=data["main_work"],
                    requirements=data["requirements"], authority=data["authority"], meetings=data["meetings"],
                    duties=data["duties"])
                _save_scopes(position, data["scopes"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Position %(title)s created.") % {"title": position.title})
            return redirect("org:manage_position_edit", pk=position.pk)
    return render(request, "org/manage/position_form.html", {
        "form": form, "company": company, "heading": _("New position"),
    }, status=400 if form.is_bound and form.errors else 200)


@org_admin_required
def position_edit(request, pk):
    position = managed(request, Position, pk=pk)
    form = PositionForm(request.POST or None, company=position.company, position=position)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.update_position(
                    position=position, title=data["title"], department=data["department"],
                    headcount=data["headcount"], grade=data["grade"], is_department_head=data["is_department_head"],
                    main_work=data["main_work"], requirements=data["requirements"], authority=data["authority"],
                    meetings=data["meetings"])
                if data["reports_to"] != position.reports_to:
                    services.change_reporting_line(position=position, reports_to=data["reports_to"])
                services.set_duties(position=position, duties=data["duties"])
                _save_scopes(position, data["scopes"])
        except ValidationError as error:
            position.refresh_from_db()
            form.add_service_error(error)
        else:
            messages.success(request, _("Position %(title)s saved.") % {"title": position.title})
            return redirect("org:manage_position_edit", pk=position.pk)
    return render(request, "org/manage/position_form.html", {
        "form": form, "company": position.company, "position": position,
        "heading": _("Edit position %(title)s") % {"title": position.title},
        "holders": selectors.active_holders(position),
    }, status=400 if form.is_bound and form.errors else 200)


# --- people -----------------------------------------------------------------------------------


@org_admin_required
def people(request):
    company = _company_or_404(request)
    status = request.GET.get("status", "active")
    search = request.GET.get("q", "").strip()
    queryset = Employee.objects.filter(company=company).select_related("user").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.filter(ended_on__isnull=True)
                 .select_related("position__department"), to_attr="open_assignments"))
    if status in (Employee.Status.ACTIVE, Employee.Status.LEFT):
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(employee_no__icontains=search)
                                   | Q(mobile__icontains=search) | Q(user__username__icontains=search))
    counts = Employee.objects.filter(company=company).aggregate(
        active=Count("pk", filter=Q(status=Employee.Status.ACTIVE)),
        left=Count("pk", filter=Q(status=Employee.Status.LEFT)))
    return render(request, "org/manage/people.html", {
        "company": company, "employees": queryset, "status": status, "search": search, "counts": counts,
    })


@org_admin_required
def employee_create(request):
    company = _company_or_404(request)
    form = EmployeeCreateForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employee = services.create_employee_with_login(
                company=company, name=data["name"], username=data["username"], password=data["password"],
                mobile=data["mobile"], email=data["email"], employee_no=data["employee_no"],
                positions=[data["position"]] if data["position"] else [])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s can now log in as %(username)s.")
                             % {"name": employee.name, "username": data["username"]})
            return redirect("org:manage_employee", pk=employee.pk)
    return render(request, "org/manage/employee_form.html", {"form": form, "company": company},
                  status=400 if form.is_bound and form.errors else 200)


def _render_employee(request, employee, assign_form=None, status=200):
    return render(request, "org/manage/employee.html", {
        "employee": employee, "company": employee.company,
        "open_assignments": employee.active_assignments(),
        "ended_assignments": employee.assignments.filter(ended_on__isnull=False)
        .select_related("position__department").order_by("-ended_on", "-id"),
        "assign_form": assign_form or AssignForm(employee=employee),
    }, status=status)


@org_admin_required
def employee_detail(request, pk):
    employee = managed(request, Employee, pk=pk)
    return _render_employee(request, employee)


@org_admin_required
@require_POST
def employee_assign(request, pk):
    employee = managed(request, Employee, pk=pk)
    form = AssignForm(request.POST, employee=employee)
    if form.is_valid():
        try:
            assignment = services.assign(employee=employee, position=form.cleaned_data["position"],
                                         is_primary=form.cleaned_data["is_primary"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(name)s now holds %(position)s.")
                             % {"name": employee.name, "position": assignment.position.title})
            return redirect("org:manage_employee", pk=employee.pk)
    return _render_employee(request, employee, assign_form=form, status=400)


@org_admin_required
@require_POST
def assignment_end(request, pk):
    assignment = managed(request, Assignment, company_field="employee__company", pk=pk)
    if assignment.ended_on is not None:
        messages.info(request, _("This assignment had already ended."))
    else:
        services.end_assignment(assignment=assignment)
        messages.success(request, _("%(name)s no longer holds %(position)s.")
                         % {"name": assignment.employee.name, "position": assignment.position.title})
    return redirect("org:manage_employee", pk=assignment.employee_id)


def _owned_records(employee) -> dict:
    """What they own, per kind of record. Their positions are listed on their own, so the
    assignments `selectors.owned_records` also counts are left out here."""
    assignments = str(Assignment._meta.verbose_name_plural)
    return {label: count for label, count in selectors.owned_records(employee).items()
            if str(label) != assignments}


@org_admin_required
def employee_deactivate(request, pk):
    employee = managed(request, Employee, pk=pk)
    form = DeactivateForm(request.POST or None)
    problem = ""
    if not employee.is_active:
        problem = _("%(name)s has already left.") % {"name": employee.name}
    elif employee.user_id is not None and employee.user_id == request.user.pk:
        problem = _("You cannot deactivate yourself; ask another administrator.")
    if request.method == "POST" and not problem and form.is_valid():
        services.deactivate_employee(employee=employee, left_on=form.cleaned_data["left_on"])
        messages.success(request, _("%(name)s is marked as left; their log-in no longer works.")
                         % {"name": employee.name})
        return redirect("org:manage_employee", pk=employee.pk)
    status = 200
    if request.method == "POST":
        status = 409 if problem else 400
    return render(request, "org/manage/employee_deactivate.html", {
        "employee": employee, "company": employee.company, "form": form, "problem": problem,
        "owned": _owned_records(employee), "open_assignments": employee.active_assignments(),
        "handover_pages": [(label, reverse(url_name, kwargs={"employee_pk": employee.pk}))
                           for label, url_name in selectors.HANDOVER_PAGES],
    }, status=status)


@org_admin_required
def employee_password(request, pk):
    """Set a new password for someone who forgot theirs and has no e-mail address to reset it."""
    from salesdesk.accounts.forms import AdministratorPasswordForm

    employee = managed(request, Employee, pk=pk)
    if employee.user is None:
        raise Http404
    form = AdministratorPasswordForm(employee.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(employee=employee, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has a new password. Tell it to them in person; they can change "
                                        "it under their profile.") % {"name": employee.name})
            return redirect("org:manage_employee", pk=employee.pk)
    return render(request, "org/manage/employee_password.html", {"employee": employee, "form": form},
                  status=400 if form.is_bound and form.errors else 200)
