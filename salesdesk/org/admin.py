"""The organisation in the Django admin (system administrators only, see salesdesk.admin_site).

Tree paths and reporting lines are kept by `org.services`; here the fields that place a record
in a tree (company, parent, reports to, department) are read-only after creation, and
departments, positions and territories are added through the org pages, org files or services.
Published versions and change sets follow their own workflow and are read-only here.
"""

from django.contrib import admin

from .models import (
    Assignment,
    Company,
    Department,
    Duty,
    Employee,
    OrgChangeSet,
    OrgVersion,
    Position,
    Territory,
)


class StructureAdmin(admin.ModelAdmin):
    """Plain fields may be corrected; structure changes go through the services."""

    structural_fields: tuple[str, ...] = ()

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *self.structural_fields)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "created_at")
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(StructureAdmin):
    list_display = ("name", "code", "company", "parent", "depth", "is_active")
    list_filter = ("company", "is_active", "depth")
    search_fields = ("name", "code", "path")
    structural_fields = ("company", "parent", "path", "depth")
    filter_horizontal = ("territories",)
    list_select_related = ("company", "parent")


@admin.register(Territory)
class TerritoryAdmin(StructureAdmin):
    list_display = ("name", "code", "company", "level", "parent")
    list_filter = ("company", "level")
    search_fields = ("name", "code")
    structural_fields = ("company", "parent", "path", "depth")
    list_select_related = ("company", "parent")


class DutyInline(admin.TabularInline):
    model = Duty
    extra = 0
    fields = ("sort_order", "text", "queue", "capability")


@admin.register(Position)
class PositionAdmin(StructureAdmin):
    list_display = ("title", "code", "department", "reports_to", "headcount", "grade", "is_active")
    list_filter = ("company", "grade", "is_active")
    search_fields = ("title", "code", "department__name")
    structural_fields = ("company", "department", "reports_to", "line_path")
    filter_horizontal = ("territories",)
    list_select_related = ("department", "reports_to", "reports_to__department")
    inlines = [DutyInline]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("position", "is_primary", "started_on", "ended_on")
    readonly_fields = ("position",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ("name", "employee_no", "company", "user", "mobile", "status")
    list_filter = ("company", "status")
    search_fields = ("name", "employee_no", "mobile", "email", "user__username")
    raw_id_fields = ("user",)
    list_select_related = ("company", "user")
    inlines = [AssignmentInline]

    def get_readonly_fields(self, request, obj=None):
        return ("company",) if obj is not None else ()


@admin.register(Assignment)
class AssignmentAdmin(StructureAdmin):
    list_display = ("employee", "position", "is_primary", "started_on", "ended_on")
    list_filter = ("is_primary", "position__company")
    search_fields = ("employee__name", "position__title")
    structural_fields = ("employee", "position")
    list_select_related = ("employee", "position")


@admin.register(OrgChangeSet)
class OrgChangeSetAdmin(ReadOnlyAdmin):
    list_display = ("title", "company", "status", "effective_date", "drafted_by_name", "applied_at")
    list_filter = ("company", "status")
    search_fields = ("title",)


@admin.register(OrgVersion)
class OrgVersionAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "company", "effective_date", "approved_by_name", "created_at")
    list_filter = ("company",)
    search_fields = ("title",)
    exclude = ("snapshot",)
