"""Forms of the org maintenance and versions pages. They validate input and hand clean values
to the views, which write through `org.services` and `org.versions`."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core import capabilities
from salesdesk.core.forms import BootstrapForm, Picker
from salesdesk.core.scope import MODULES, ScopeLevel

from .models import Department, Employee, Grade, OrgChangeSet, Position
from .orgfile import FUTURE_MODULES
from .versions import OPERATIONS

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+$")
CODE_HELP = _("Letters, digits, dot, dash and underscore; change sets and org files name it by this code.")

# Labels of modules that templates already grant scopes for but that are not installed yet.
FUTURE_MODULE_LABELS = {
    "customers": _("Customers and leads"),
    "sales": _("Quotations, contracts and orders"),
    "finance": _("Invoices and payments"),
    "service": _("Complaints and after-sales service"),
    "targets": _("Sales targets"),
    "expenses": _("Expenses"),
    "reports": _("Reports"),
}


def scope_modules() -> list[tuple[str, object]]:
    """(key, label) of every module a position grants a scope level for."""
    modules = [(key, label) for key, label in MODULES.items()]
    modules += [(key, FUTURE_MODULE_LABELS.get(key, key)) for key in FUTURE_MODULES if key not in MODULES]
    return modules


def indented(department: Department) -> str:
    return "\u00a0\u00a0\u00a0\u00a0" * department.depth + f"{department.name} ({department.code})"


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return indented(obj)


class DepartmentMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return indented(obj)


class PositionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} · {obj.department.name} ({obj.code})"


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.employee_no})" if obj.employee_no else obj.name


class EmployeePicker(Picker):
    """A person, chosen by typing: a company has thousands of employees, and a select with all of
    them costs the page more than its data."""

    url_name = "org:people_pick"
    placeholder = _("Type a name or employee number")

    def label_for(self, record) -> str:
        return f"{record.name} ({record.employee_no})" if record.employee_no else record.name


def employee_field(label, *, required: bool = True) -> forms.ModelChoiceField:
    """A field for one active employee, chosen with the picker; the form limits its queryset."""
    return EmployeeChoiceField(label=label, queryset=Employee.objects.none(), required=required,
                               widget=EmployeePicker)


def active_employees(company):
    return Employee.objects.filter(company=company, status=Employee.Status.ACTIVE)


def departments_in_tree_order(company, queryset=None) -> list[Department]:
    """The company's departments depth first, siblings by sort order, then code."""
    queryset = queryset if queryset is not None else Department.objects.filter(company=company)
    nodes = list(queryset)
    children: dict[int | None, list[Department]] = {}
    known = {node.pk for node in nodes}
    for node in nodes:
        parent = node.parent_id if node.parent_id in known else None
        children.setdefault(parent, []).append(node)
    ordered: list[Department] = []

    def walk(parent_id):
        for node in sorted(children.get(parent_id, []), key=lambda item: (item.sort_order, item.code, item.pk)):
            ordered.append(node)
            walk(node.pk)

    walk(None)
    return ordered


def _code_field(required: bool = True):
    return forms.CharField(label=_("Code"), max_length=64, required=required, help_text=CODE_HELP)


def _clean_code(value: str) -> str:
    value = (value or "").strip()
    if value and not CODE_PATTERN.match(value):
        raise ValidationError(_("Use letters, digits, dot, dash or underscore, starting with a letter or digit."))
    return value


# --- departments ------------------------------------------------------------------------------


class DepartmentCreateForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    code = _code_field(required=False)
    parent = DepartmentChoiceField(label=_("Parent department"), queryset=Department.objects.none(),
                                   required=False, empty_label=_("(top level)"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["code"].help_text = _("Leave empty to have one made up.") + " " + str(CODE_HELP)
        self.fields["parent"].queryset = Department.objects.filter(company=company)
        self.fields["parent"].choices = [("", _("(top level)"))] + [
            (department.pk, indented(department)) for department in departments_in_tree_order(company)]

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_code(self):
        code = _clean_code(self.cleaned_data.get("code"))
        if code and Department.objects.filter(company=self.company, code__iexact=code).exists():
            raise ValidationError(_('The code "%(code)s" is already used by another department.') % {"code": code})
        return code


class DepartmentRenameForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=100)

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class DepartmentMoveForm(BootstrapForm):
    parent = DepartmentChoiceField(label=_("New parent department"), queryset=Department.objects.none(),
                                   required=False, empty_label=_("(top level)"))

    def __init__(self, *args, department: Department, **kwargs):
        super().__init__(*args, **kwargs)
        self.department = department
        # Neither the department itself nor anything below it can become its parent.
        allowed = Department.objects.filter(company_id=department.company_id).exclude(
            path__startswith=department.path)
        self.fields["parent"].queryset = allowed
        self.fields["parent"].choices = [("", _("(top level)"))] + [
            (item.pk, indented(item)) for item in departments_in_tree_order(department.company, allowed)]
        self.fields["parent"].help_text = _(
            "Everything below the department moves with it; people in it then count for the new parent.")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if (parent.pk if parent else None) == self.department.parent_id:
            raise ValidationError(_("The department is already there; choose another parent."))
        return parent


# --- positions --------------------------------------------------------------------------------


DUTIES_HELP = _(
    "One duty per line. To give the holder a work queue or a capability, add them after vertical bars: "
    "<code>text | queue</code> or <code>text | queue | capability</code> (e.g. "
    "<code>Approve org changes | org_changes | org_admin</code>); leave a part empty with "
    "<code>text | | capability</code>.")


def parse_duties(text: str) -> list[dict]:
    """The duties typed one per line as `text | queue | capability`; raises with the line numbers."""
    duties, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 3:
            problems.append(_("Line %(n)d has more than two vertical bars.") % {"n": number})
            continue
        text_part, queue, capability = (parts + ["", ""])[:3]
        if not text_part:
            problems.append(_("Line %(n)d has no duty text before the bar.") % {"n": number})
            continue
        bad = [value for value in (queue, capability) if value and (len(value) > 64 or not KEY_PATTERN.match(value))]
        if bad:
            problems.append(_('Line %(n)d: "%(key)s" is not a valid queue or capability name '
                              '(letters, digits, dot, dash, underscore).') % {"n": number, "key": bad[0]})
            continue
        if capability and not capabilities.is_registered(capability):
            problems.append(_('Line %(n)d: there is no capability "%(key)s" (known: %(known)s).') % {
                "n": number, "key": capability, "known": ", ".join(capabilities.registered())})
            continue
        duty = {"text": text_part}
        if queue:
            duty["queue"] = queue
        if capability:
            duty["capability"] = capability
        duties.append(duty)
    if problems:
        raise ValidationError(problems)
    return duties


def format_duties(duties) -> str:
    lines = []
    for duty in duties:
        parts = [duty.text]
        if duty.queue or duty.capability:
            parts.append(duty.queue)
        if duty.capability:
            parts.append(duty.capability)
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class PositionForm(BootstrapForm):
    title = forms.CharField(label=pgettext_lazy("position", "Title"), max_length=100)
    code = _code_field(required=False)
    department = DepartmentChoiceField(label=_("Department"), queryset=Department.objects.none())
    reports_to = PositionChoiceField(label=_("Reports to"), queryset=Position.objects.none(), required=False,
                                     empty_label=_("(nobody: top of the reporting line)"))
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, max_value=9999, initial=1,
                                   help_text=_("How many people the position is planned for (编制)."))
    grade = forms.ChoiceField(label=_("Grade"), choices=Grade.choices, initial=Grade.JUNIOR)
    is_department_head = forms.BooleanField(label=_("Heads the department"), required=False)
    main_work = forms.CharField(label=_("Main work"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(label=_("Requirements"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    authority = forms.CharField(label=_("Management authority"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    meetings = forms.CharField(label=_("Meetings attended"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    duties = forms.CharField(label=_("Duties"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                             help_text=DUTIES_HELP)

    def __init__(self, *args, company, position: Position | None = None, **kwargs):
        self.company = company
        self.position = position
        if position is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(position)
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(company=company)
        self.fields["department"].queryset = departments
        self.fields["department"].choices = [("", "---------")] + [
            (item.pk, indented(item)) for item in departments_in_tree_order(company)]
        superiors = Position.objects.filter(company=company, is_active=True).select_related("department")
        if position is not None:
            # A position cannot report to itself or to anyone who (indirectly) reports to it.
            superiors = superiors.exclude(line_path__startswith=position.line_path)
            self.fields["code"].disabled = True
            self.fields["code"].required = False
            self.fields["code"].help_text = _("The code stays fixed once the position exists.")
        else:
            self.fields["code"].help_text = _("Leave empty to have one made up.") + " " + str(CODE_HELP)
        self.fields["reports_to"].queryset = superiors
        self.scope_fields = []
        department_choices = [(item.pk, indented(item)) for item in departments_in_tree_order(company)]
        for module, label in scope_modules():
            level_name, departments_name = f"scope_{module}", f"scope_{module}_departments"
            read_only_name = f"scope_{module}_read_only"
            self.fields[level_name] = forms.ChoiceField(
                label=label, choices=ScopeLevel.choices, initial=ScopeLevel.SELF,
                widget=forms.Select(attrs={"class": "form-select", "data-scope-level": module}))
            self.fields[departments_name] = DepartmentMultipleChoiceField(
                label=_("Departments for %(module)s") % {"module": label}, queryset=departments, required=False,
                help_text=_("Only for the level “specified departments”; each counts with everything below it."),
                widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 4,
                                                   "data-scope-departments": module}))
            self.fields[departments_name].choices = department_choices
            self.fields[read_only_name] = forms.BooleanField(
                label=_("Read only"), required=False,
                help_text=_("Holders read the records of this scope but change only their own."),
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "data-scope-read-only": module}))
            self.scope_fields.append((module, level_name, departments_name, read_only_name))

    @staticmethod
    def initial_for(position: Position) -> dict:
        initial = {
            "title": position.title, "code": position.code, "department": position.department_id,
            "reports_to": position.reports_to_id, "headcount": position.headcount, "grade": position.grade,
            "is_department_head": position.is_department_head, "main_work": position.main_work,
            "requirements": position.requirements, "authority": position.authority, "meetings": position.meetings,
            "duties": format_duties(position.duties.order_by("sort_order", "id")),
        }
        for scope in position.scopes.prefetch_related("departments"):
            initial[f"scope_{scope.module}"] = scope.level
            initial[f"scope_{scope.module}_departments"] = [item.pk for item in scope.departments.all()]
            initial[f"scope_{scope.module}_read_only"] = scope.read_only
        return initial

    def scope_rows(self):
        """(level field, departments field, read-only field) per module, for the template."""
        return [(self[level], self[departments], self[read_only])
                for _module, level, departments, read_only in self.scope_fields]

    def clean_title(self):
        return self.cleaned_data["title"].strip()

    def clean_code(self):
        if self.position is not None:
            return self.position.code
        code = _clean_code(self.cleaned_data.get("code"))
        if code and Position.objects.filter(company=self.company, code__iexact=code).exists():
            raise ValidationError(_('The code "%(code)s" is already used by another position.') % {"code": code})
        return code

    def clean_duties(self):
        return parse_duties(self.cleaned_data.get("duties", ""))

    def clean(self):
        cleaned = super().clean()
        scopes = {}
        for module, level_name, departments_name, read_only_name in self.scope_fields:
            level = cleaned.get(level_name)
            departments = list(cleaned.get(departments_name) or [])
            if level == ScopeLevel.DEPARTMENTS:
                if not departments:
                    self.add_error(departments_name, _("Choose at least one department for this level."))
            else:
                departments = []
            scopes[module] = (level, departments, bool(cleaned.get(read_only_name)) and level != ScopeLevel.SELF)
        cleaned["scopes"] = scopes
        return cleaned


# --- people -----------------------------------------------------------------------------------


class EmployeeCreateForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    employee_no = forms.CharField(label=_("Employee number"), max_length=32, required=False)
    username = forms.CharField(label=_("Username"), max_length=150,
                               help_text=_("What they log in with: letters, digits and @ . + - _"))
    password = forms.CharField(label=_("Initial password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Tell it to them in person; they can change it on their profile page."))
    mobile = forms.CharField(label=_("Mobile"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    position = PositionChoiceField(label=_("Position"), queryset=Position.objects.none(), required=False,
                                   empty_label=_("(assign later)"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["position"].queryset = Position.objects.filter(company=company, is_active=True).select_related(
            "department")

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User = get_user_model()
        User.username_validator(username)
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            User = get_user_model()
            try:
                validate_password(password, User(username=cleaned.get("username", ""), email=cleaned.get("email", "")))
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AssignForm(BootstrapForm):
    position = PositionChoiceField(label=_("Position"), queryset=Position.objects.none())
    is_primary = forms.BooleanField(label=_("Primary position"), required=False)

    def __init__(self, *args, employee: Employee, **kwargs):
        super().__init__(*args, **kwargs)
        held = employee.assignments.filter(ended_on__isnull=True).values("position_id")
        self.fields["position"].queryset = Position.objects.filter(
            company_id=employee.company_id, is_active=True).exclude(pk__in=held).select_related("department")


class DeactivateForm(BootstrapForm):
    left_on = forms.DateField(label=_("Left on"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()


# --- versions and change sets -----------------------------------------------------------------


class ChangeSetForm(BootstrapForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_date = forms.DateField(label=_("Effective date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
                                     help_text=_("The change is carried out on this day once approved."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_title(self):
        return self.cleaned_data["title"].strip()


OPERATION_LABELS = {
    "create_department": _("Create a department"),
    "rename_department": _("Rename a department"),
    "move_department": _("Move a department"),
    "create_position": _("Create a position"),
    "update_position": _("Change a position"),
    "retire_position": _("Retire a position"),
}

# Which inputs each operation uses (the form shows only those), and which of them it needs.
OPERATION_INPUTS = {
    "create_department": ("code", "name", "parent"),
    "rename_department": ("department", "name"),
    "move_department": ("department", "parent"),
    "create_position": ("code", "title", "department", "reports_to", "headcount", "grade"),
    "update_position": ("position", "title", "department", "reports_to", "no_superior", "headcount", "grade"),
    "retire_position": ("position",),
}


class OperationForm(BootstrapForm):
    op = forms.ChoiceField(label=_("Operation"), choices=list(OPERATION_LABELS.items()))
    position = forms.CharField(label=_("Position (code)"), max_length=64, required=False)
    department = forms.CharField(label=_("Department (code)"), max_length=64, required=False)
    code = forms.CharField(label=_("New code"), max_length=64, required=False, help_text=CODE_HELP)
    name = forms.CharField(label=_("Department name"), max_length=100, required=False)
    title = forms.CharField(label=_("Position title"), max_length=100, required=False)
    parent = forms.CharField(label=_("Parent department (code)"), max_length=64, required=False,
                             help_text=_("Empty: at the top level."))
    reports_to = forms.CharField(label=_("Reports to (position code)"), max_length=64, required=False)
    no_superior = forms.BooleanField(label=_("Reports to nobody from now on"), required=False)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, max_value=9999, required=False)
    grade = forms.ChoiceField(label=_("Grade"), choices=[("", "---------"), *Grade.choices], required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        for name in ("department", "parent"):
            self.fields[name].widget.attrs["list"] = "sd-department-codes"
        for name in ("position", "reports_to"):
            self.fields[name].widget.attrs["list"] = "sd-position-codes"
        self.fields["op"].widget.attrs["data-operation-select"] = "1"

    def department_codes(self):
        return Department.objects.filter(company=self.company).order_by("path")

    def position_codes(self):
        return Position.objects.filter(company=self.company, is_active=True).select_related("department")

    def fields_with_operations(self):
        """(bound field, the operations that use it) for everything but the operation select."""
        rows = []
        for name in self.fields:
            if name == "op":
                continue
            ops = [op for op, inputs in OPERATION_INPUTS.items() if name in inputs]
            rows.append((self[name], " ".join(ops)))
        return rows

    def clean(self):
        cleaned = super().clean()
        op = cleaned.get("op")
        if op not in OPERATIONS:
            return cleaned
        spec = OPERATIONS[op]
        operation = {"op": op}
        for name in OPERATION_INPUTS[op]:
            if name == "no_superior":
                continue
            value = cleaned.get(name)
            if isinstance(value, str):
                value = value.strip()
            if name in spec["required"] and value in (None, ""):
                self.add_error(name, _("This operation needs it."))
                continue
            if value not in (None, ""):
                if name == "code" and not CODE_PATTERN.match(value):
                    self.add_error(name, _("Use letters, digits, dot, dash or underscore, "
                                           "starting with a letter or digit."))
                    continue
                operation[name] = value
        if op == "move_department" and "parent" not in operation:
            operation["parent"] = None
        if op == "update_position" and cleaned.get("no_superior"):
            if operation.get("reports_to"):
                self.add_error("no_superior", _("Either name a new superior or tick this, not both."))
            operation["reports_to"] = None
        if op == "update_position" and len(operation) == 2 and not self.errors:
            self.add_error(None, _("Say what changes: a new title, headcount, grade, department or superior."))
        self.operation = operation
        return cleaned


class SubmitForm(BootstrapForm):
    approver = EmployeeChoiceField(label=_("Approver"), queryset=Employee.objects.none(),
                                   help_text=_("The colleague who approves or rejects this change set."))

    def __init__(self, *args, change_set: OrgChangeSet, **kwargs):
        super().__init__(*args, **kwargs)
        approvers = Employee.objects.filter(company_id=change_set.company_id, status=Employee.Status.ACTIVE)
        if change_set.drafted_by_id is not None:
            approvers = approvers.exclude(pk=change_set.drafted_by_id)
        self.fields["approver"].queryset = approvers


class ApproveForm(BootstrapForm):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RejectForm(BootstrapForm):
    comment = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("Say why the change set is rejected.")})
