"""The organisation as data: company, department tree, positions with reporting lines and
duties, employees holding positions, territories.

Trees (departments, territories, the reporting line of positions) store a materialised path
delimited at both ends (`/1/5/9/`), so "this node and everything below" is one indexed
`LIKE '/1/5/%'` condition. Paths are maintained by the services in `org.services`, never by hand.
"""

import contextlib
import contextvars

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from salesdesk.core import capabilities
from salesdesk.core.scope import ScopedManager, ScopeLevel


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self):
        return self.name


class TreeNode(models.Model):
    """Shared fields of the department and territory trees."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    sort_order = models.IntegerField(_("sort order"), default=0)

    class Meta:
        abstract = True

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    def is_descendant_of(self, other) -> bool:
        return self.path.startswith(other.path) and self.pk != other.pk


class Territory(TreeNode):
    class Level(models.TextChoices):
        REGION = "region", _("region")
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="territories")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.REGION)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="territory_code_unique")]

    def __str__(self):
        return self.name


class Department(TreeNode):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="departments")
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    territories = models.ManyToManyField(Territory, blank=True, related_name="departments", verbose_name=_("territories"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="department_code_unique")]

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    SENIOR = "senior", _("senior management")
    MIDDLE = "middle", _("middle management")
    JUNIOR = "junior", _("staff")


class Position(models.Model):
    """A post in a department (岗位). Headcount is the number of people planned (编制)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="positions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="positions", verbose_name=_("department"))
    code = models.CharField(_("code"), max_length=64)
    # A position's title is its name (岗位名称); a change set's or version's title is a heading (标题).
    title = models.CharField(pgettext_lazy("position", "title"), max_length=100)
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subordinates", verbose_name=_("reports to")
    )
    # Path along the reporting line, e.g. /3/7/12/: the subtree of a position is its reports.
    line_path = models.CharField(max_length=1000, db_index=True, editable=False, default="")
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)
    grade = models.CharField(_("grade"), max_length=16, choices=Grade.choices, default=Grade.JUNIOR)
    is_department_head = models.BooleanField(_("heads the department"), default=False)
    main_work = models.TextField(_("main work"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    authority = models.TextField(_("management authority"), blank=True)
    meetings = models.TextField(_("meetings attended"), blank=True)
    sort_order = models.IntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    territories = models.ManyToManyField(Territory, blank=True, related_name="positions", verbose_name=_("territories"))
    # {module: [level, [department ids], read only]}: a copy of the PositionScope rows, so that resolving a
    # person's scope needs no extra query for them. Kept in step by signals (see below).
    scope_levels = models.JSONField(default=dict, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["department__path", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="position_code_unique")]

    def __str__(self):
        return f"{self.department.name} · {self.title}"

    def save(self, *args, **kwargs):
        # Only the signals write scope_levels: an instance loaded before a scope change must not
        # write its stale copy back.
        if self.pk is not None and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [field.name for field in self._meta.concrete_fields
                                       if not field.primary_key and field.name != "scope_levels"]
        super().save(*args, **kwargs)

    def scope_level(self, module: str, writing: bool = False) -> str:
        """The level the position grants in `module`; for changing records, a read-only level
        grants the holder's own records alone."""
        entry = self.scope_levels.get(module)
        if not entry or (writing and len(entry) > 2 and entry[2]):
            return ScopeLevel.SELF
        return entry[0]

    def scope_department_ids(self, module: str, writing: bool = False) -> list[int]:
        """The named departments of a "specified departments" (指定部门) scope."""
        if self.scope_level(module, writing) != ScopeLevel.DEPARTMENTS:
            return []
        return list(self.scope_levels[module][1])

    def scope_is_read_only(self, module: str) -> bool:
        entry = self.scope_levels.get(module)
        return bool(entry and len(entry) > 2 and entry[2])

    def refresh_scope_levels(self) -> None:
        """Copy the PositionScope rows into `scope_levels` (signals call this on every change)."""
        levels = {row.module: [row.level, sorted(department.pk for department in row.departments.all()), row.read_only]
                  for row in PositionScope.objects.filter(position=self).prefetch_related("departments")}
        Position.objects.filter(pk=self.pk).update(scope_levels=levels)
        self.scope_levels = levels


class Duty(models.Model):
    """One line of a position's duties (岗位职责). Where the system has a work queue or a
    capability for the duty, `queue`/`capability` name it, so the holder's workbench shows it."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="duties")
    text = models.TextField(_("duty"))
    queue = models.CharField(_("work queue"), max_length=64, blank=True)
    capability = models.CharField(_("capability"), max_length=64, blank=True)
    sort_order = models.IntegerField(default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        ordering = ["position", "sort_order", "id"]

    def __str__(self):
        return self.text[:60]

    def clean(self):
        if self.capability and not capabilities.is_registered(self.capability):
            raise ValidationError({"capability": _('There is no capability "%(key)s".') % {"key": self.capability}})


class PositionScope(models.Model):
    """The data scope (数据权限) a position grants in one module."""

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="scopes")
    module = models.CharField(_("module"), max_length=32)
    level = models.CharField(_("scope"), max_length=24, choices=ScopeLevel.choices, default=ScopeLevel.SELF)
    # Used by the "specified departments" level; each named department counts with its subtree.
    departments = models.ManyToManyField(Department, blank=True, related_name="+", verbose_name=_("departments"))
    # The level is for reading only: holders change no more than their own records in the module
    # (service staff read the files of every customer they serve, but the owners keep them).
    read_only = models.BooleanField(_("read only"), default=False)

    class Meta:
        verbose_name = _("data scope")
        verbose_name_plural = _("data scopes")
        constraints = [models.UniqueConstraint(fields=["position", "module"], name="position_scope_unique")]

    def __str__(self):
        return f"{self.position.title}: {self.module}={self.level}"


class Employee(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        LEFT = "left", _("left")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="employees")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="employee"
    )
    employee_no = models.CharField(_("employee number"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=64)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    language = models.CharField(_("language"), max_length=16, blank=True, choices=settings.LANGUAGES)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    # Personal settings of the pages (saved list scenes …), read with the person on every request
    # at no extra query; written only by the person, through the services of the page concerned.
    preferences = models.JSONField(_("preferences"), default=dict, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def active_assignments(self):
        return self.assignments.filter(ended_on__isnull=True).select_related("position", "position__department")

    def direct_superiors(self) -> list["Employee"]:
        """Holders of the positions above this person's positions, skipping vacant posts."""
        from .selectors import direct_superiors_of

        return direct_superiors_of(self)


class Assignment(models.Model):
    """An employee holding a position (兼任 when they hold several)."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments")
    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="assignments")
    is_primary = models.BooleanField(_("primary position"), default=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "position"],
                condition=models.Q(ended_on__isnull=True),
                name="assignment_active_unique",
            )
        ]

    def __str__(self):
        return f"{self.employee.name} @ {self.position.title}"


class OrgChangeSet(models.Model):
    """A planned change to the organisation (编制调整): drafted, submitted to a named approver,
    approved or rejected, and applied on its effective date. `operations` is a list of
    operations that name departments and positions by code (see `org.versions`)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        EFFECTIVE = "effective", _("effective")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="org_change_sets")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    drafted_by = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("drafted by"))
    drafted_by_name = models.CharField(_("drafted by"), max_length=150, blank=True)
    approver = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("approver"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    effective_date = models.DateField(_("effective date"))
    operations = models.JSONField(_("operations"), default=list, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("org change set")
        verbose_name_plural = _("org change sets")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class OrgVersion(models.Model):
    """One published version of the organisation (编制 / 批准 / 生效日期), with a snapshot of the
    whole chart in the org file format."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="org_versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    effective_date = models.DateField(_("effective date"))
    drafted_by_name = models.CharField(_("drafted by"), max_length=150, blank=True)
    approved_by_name = models.CharField(_("approved by"), max_length=150, blank=True)
    change_set = models.ForeignKey(OrgChangeSet, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="versions", verbose_name=_("change set"))
    snapshot = models.JSONField(_("snapshot"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("org version")
        verbose_name_plural = _("org versions")
        ordering = ["company", "-number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="org_version_number_unique")]

    def __str__(self):
        return f"V{self.number} {self.title}"


_deferred_refresh: contextvars.ContextVar[set | None] = contextvars.ContextVar("deferred_scope_refresh", default=None)


@contextlib.contextmanager
def deferred_scope_refresh():
    """Within the block, refresh each touched position's `scope_levels` once at the end
    instead of after every row (loading an org file writes a few hundred scope rows)."""
    if _deferred_refresh.get() is not None:  # nested: the outer block refreshes
        yield
        return
    pending: set = set()
    token = _deferred_refresh.set(pending)
    try:
        yield
    finally:
        _deferred_refresh.reset(token)
    for position in Position.objects.filter(pk__in=pending):
        position.refresh_scope_levels()


def _refresh_position_scope_levels(sender, instance, **kwargs):
    pending = _deferred_refresh.get()
    if pending is not None:
        pending.add(instance.position_id)
        return
    position = Position.objects.filter(pk=instance.position_id).first()
    if position is not None:
        position.refresh_scope_levels()


def _refresh_after_department_change(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, PositionScope):
        _refresh_position_scope_levels(sender, instance)


models.signals.post_save.connect(_refresh_position_scope_levels, sender=PositionScope,
                                 dispatch_uid="position-scope-levels-save")
models.signals.post_delete.connect(_refresh_position_scope_levels, sender=PositionScope,
                                   dispatch_uid="position-scope-levels-delete")
models.signals.m2m_changed.connect(_refresh_after_department_change, sender=PositionScope.departments.through,
                                   dispatch_uid="position-scope-levels-departments")
