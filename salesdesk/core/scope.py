"""Data scope (数据权限): the one mechanism that decides which records a person may see or change.

Every model that people browse registers a `ScopeRule`; every list, detail, search, export,
report and API path reads through `Model.objects.restrict(user, action)`. A model without a rule
shows nothing to anyone but a system administrator (fail closed).

How a user's scope is computed, once per request (cached on the user object):

* each active assignment gives a position; each position grants one level per module
  (default: only the holder's own records);
* the levels turn into a set of *visible owners* (employee ids) per module, the union over the
  user's positions, or `ALL`;
* a record is visible when its current owner is a visible owner, or the user collaborates on
  it, or (for records hanging off a parent such as a customer) the parent's owner is a visible
  owner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ScopeLevel(models.TextChoices):
    SELF = "self", _("own records only")
    SUBORDINATES = "subordinates", _("own and subordinates'")
    DEPARTMENT = "department", _("own department")
    DEPARTMENT_TREE = "department_tree", _("own department and below")
    DEPARTMENTS = "departments", _("specified departments")
    ALL = "all", _("everything")


class Action:
    VIEW = "view"
    CHANGE = "change"


# Modules that a position grants a scope level for. Apps add theirs with `register_module`.
MODULES: dict[str, object] = {}


def register_module(key: str, label) -> None:
    MODULES[key] = label


register_module("org", _("Organisation and people"))
register_module("audit", _("Audit log"))


@dataclass(frozen=True)
class ScopeRule:
    """How one model is scoped.

    module        the module whose scope level applies
    owner         lookup to the owning employee's id ("owner", "actor_employee", or "pk" for Employee)
    via           relations to parents whose owner also grants visibility, e.g. ("customer",)
    collaborators per-record collaborators (read / read-write) grant visibility
    parents       relations whose record, when visible (by its own rule, collaborators and all),
                  makes this one visible too: contacts and follow-ups of a customer. With
                  owner="" the record has no owner of its own and follows its parents alone.
    unowned       for records without an owner (customers in a pool, leads waiting for a rep):
                  unowned(scope, action) -> Q saying which of them the user sees
    handed_over   the owner's records pass to someone else when they leave (customers, leads);
                  False for records that are history of what they did (follow-ups)
    company_wide  reference data every active employee of the company may read (departments,
                  positions, territories); changing it is for administrators only
    company       lookup from the record to its company
    personal      only the owner sees the record, whatever their scope (notifications); no module
    """

    module: str = ""
    owner: str = "owner"
    via: tuple[str, ...] = ()
    collaborators: bool = False
    parents: tuple[str, ...] = ()
    unowned: Callable | None = None
    handed_over: bool = True
    company_wide: bool = False
    company: str = "company"  # lookup to the record's company
    personal: bool = False


_RULES: dict[type, ScopeRule] = {}


def register(model: type, rule: ScopeRule) -> None:
    if not rule.company_wide and not rule.personal and rule.module not in MODULES:
        raise ValueError(f"Unknown scope module {rule.module!r} for {model.__name__}")
    _RULES[model] = rule


def rule_for(model: type) -> ScopeRule | None:
    return _RULES.get(model._meta.concrete_model)


def registered_models() -> dict[type, ScopeRule]:
    return dict(_RULES)


class _All:
    """Sentinel: the user sees every owner in the module."""

    def __repr__(self):
        return "ALL"

    def __contains__(self, item):
        return True


ALL = _All()


@dataclass
class UserScope:
    user_id: int | None
    employee_id: int | None
    company_id: int | None
    is_admin: bool
    positions: list = field(default_factory=list)
    _owners: dict = field(default_factory=dict)
    _owner_sets: dict = field(default_factory=dict)
    _shared: dict = field(default_factory=dict)  # (model label, action) -> ids collaborated on
    _collaborations: list | None = None  # (content type id, object id, access): all of them, read once
    _via: dict = field(default_factory=dict)  # (parent model label, module) -> ids of parents seen by owner, or None
    _capabilities: frozenset | None = None  # what the positions' duties grant (core.access)

    def owners(self, module: str, writing: bool = False):
        """Employee ids whose records this user sees in `module` (or, `writing`, may change), or ALL.
        A read-only level (PositionScope.read_only) counts for reading only."""
        if self.is_admin:
            return ALL
        key = (module, writing)
        if key not in self._owners:
            self._owners[key] = _visible_owners(self, module, writing)
        return self._owners[key]

    def sees_others(self, module: str, writing: bool = False) -> bool:
        """Whether the user's scope in `module` reaches beyond their own records (a manager's, a clerk's)."""
        if self.is_admin:
            return True
        return any(position.scope_level(module, writing) not in (None, ScopeLevel.SELF) for position in self.positions)

    def level_for(self, module: str) -> str | None:
        """The widest level any of the user's positions grants (for display)."""
        order = [level for level, _label in ScopeLevel.choices]
        levels = [position.scope_level(module) for position in self.positions]
        return max(levels, key=order.index) if levels else None


def covered_departments(scope: UserScope, module: str, path_lookup: str = "department__path", writing: bool = False):
    """Q over `path_lookup` (a department path) for the departments the user's levels in `module`
    cover: own department (本部门), own subtree (本部门及下级), the named subtrees (指定部门); for
    本人及下属, the own subtree of a department head. ALL covers every department (returns None);
    own records only covers none. Used for records that belong to a department rather than a
    person, such as leads waiting for a rep. `writing`: read-only levels cover none."""
    if scope.is_admin:
        return None
    condition = Q(pk__in=[])
    for position in scope.positions:
        level = position.scope_level(module, writing)
        path = position.department.path
        if level == ScopeLevel.ALL:
            return None
        if level == ScopeLevel.DEPARTMENT:
            condition |= Q(**{path_lookup: path})
        elif level == ScopeLevel.DEPARTMENT_TREE or (level == ScopeLevel.SUBORDINATES and position.is_department_head):
            condition |= Q(**{f"{path_lookup}__startswith": path})
        elif level == ScopeLevel.DEPARTMENTS:
            for department_path in _department_paths(position.scope_department_ids(module, writing)):
                condition |= Q(**{f"{path_lookup}__startswith": department_path})
    return condition


def _department_paths(ids: list[int]) -> list[str]:
    return _provider().department_paths(ids) if ids else []


def _visible_owners(scope: UserScope, module: str, writing: bool = False):
    if scope.employee_id is None:
        return frozenset()
    conditions = Q()
    for position in scope.positions:
        level = position.scope_level(module, writing)
        if level == ScopeLevel.ALL:
            return ALL
        if level == ScopeLevel.SUBORDINATES:
            conditions |= Q(position__line_path__startswith=position.line_path) & ~Q(position_id=position.pk)
        elif level == ScopeLevel.DEPARTMENT:
            conditions |= Q(position__department_id=position.department_id)
        elif level == ScopeLevel.DEPARTMENT_TREE:
            conditions |= Q(position__department__path__startswith=position.department.path)
        elif level == ScopeLevel.DEPARTMENTS:
            for path in _department_paths(position.scope_department_ids(module, writing)):
                conditions |= Q(position__department__path__startswith=path)
    if not conditions:
        return frozenset({scope.employee_id})
    # Modules whose levels come out the same share one query (org and audit usually do).
    key = str(conditions)
    if key not in scope._owner_sets:
        owners = {scope.employee_id}
        owners.update(_provider().holders(conditions, company_id=scope.company_id))
        scope._owner_sets[key] = frozenset(owners)
    return scope._owner_sets[key]


class ScopeSource:
    """Where the organisation comes from: who holds which positions. The org app provides it
    (`set_source` in its AppConfig.ready()), so that this module imports no app.

    positions_of(user) -> (employee id, company id, the current positions with their departments),
                          the primary position first; (None, None, []) for someone who is no
                          active employee
    holders(condition, company_id) -> ids of the employees holding a position now that matches
                          `condition` (a Q over Assignment: position__line_path, position__department…)
    department_paths(ids) -> the materialised paths of these departments
    employee(employee_id) -> the employee record
    """

    def positions_of(self, user):
        return None, None, []

    def holders(self, condition: Q, *, company_id: int | None) -> list[int]:
        return []

    def department_paths(self, ids: list[int]) -> list[str]:
        return []

    def employee(self, employee_id: int):
        return None


_SOURCE: list[ScopeSource] = [ScopeSource()]  # fail closed until the org app provides its own


def set_source(source: ScopeSource) -> None:
    _SOURCE[0] = source


def _provider() -> ScopeSource:
    return _SOURCE[0]


def scope_for(user, refresh: bool = False) -> UserScope:
    """The user's scope, computed once and cached on the user object (one per request). An Actor may
    stand for its user (restrict(request.actor) is restrict(request.user))."""
    from .access import Actor

    if isinstance(user, Actor):
        user = user.user
    cached = getattr(user, "_salesdesk_scope", None)
    if cached is not None and not refresh:
        return cached
    scope = _compute_scope(user)
    if user is not None:
        try:
            user._salesdesk_scope = scope
        except AttributeError:  # AnonymousUser is fine to recompute
            pass
    return scope


def _compute_scope(user) -> UserScope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return UserScope(user_id=None, employee_id=None, company_id=None, is_admin=False)
    employee_id, company_id, positions = _provider().positions_of(user)
    return UserScope(user_id=user.pk, employee_id=employee_id, company_id=company_id,
                     is_admin=bool(user.is_superuser), positions=positions)


def scope_filter(model: type, user, action: str = Action.VIEW) -> Q | None:
    """The single Q that limits `model` to what `user` may see (None: no limit).

    Returns `Q(pk__in=[])` when nothing is visible.
    """
    nothing = Q(pk__in=[])
    scope = scope_for(user)
    if scope.user_id is None:
        return nothing
    if scope.is_admin:
        return None
    rule = rule_for(model)
    if rule is None:
        return nothing  # fail closed: a model nobody described is shown to nobody
    if scope.employee_id is None:
        return nothing
    if rule.personal:
        return Q(**{rule.owner: scope.employee_id})
    if rule.company_wide:
        if action != Action.VIEW:
            return nothing
        return Q(**{f"{rule.company}__id": scope.company_id})
    owners = scope.owners(rule.module, writing=action != Action.VIEW)
    company = Q(**{f"{rule.company}__id": scope.company_id}) if _has_field(model, rule.company.split("__")[0]) else None
    if owners is ALL and rule.owner:
        if company is not None:
            return company
        # Records without an owner (system entries, unowned records) belong to whoever sees all.
        return Q(**{f"{rule.owner}__company_id": scope.company_id}) | Q(**{f"{rule.owner}__isnull": True})
    condition = nothing
    if rule.owner:
        condition = Q(**{f"{rule.owner}__any_of": owners})
    if action == Action.VIEW:
        for parent in rule.via:
            parent_model = model._meta.get_field(parent).related_model
            parent_rule = rule_for(parent_model)
            parent_owner = parent_rule.owner if parent_rule else "owner"
            parents = _parents_owned(scope, parent_model, parent_owner, owners, rule.module)
            if parents is not None:
                condition |= Q(**{f"{parent}_id__any_of": parents})
            else:
                condition |= Q(**{f"{parent}__{parent_owner}__any_of": owners})
    if rule.unowned is not None and rule.owner:
        unowned = Q(**{f"{rule.owner}__isnull": True}) & rule.unowned(scope, action)
        condition |= unowned & company if company is not None else unowned
    for parent in rule.parents:
        parent_model = model._meta.get_field(parent).related_model
        parent_condition = scope_filter(parent_model, user, action)
        condition |= Q(**{f"{parent}__in": parent_model._default_manager.filter(parent_condition).values("pk")})
    if rule.collaborators:
        from django.contrib.contenttypes.models import ContentType

        from salesdesk.core.models import Collaborator

        accesses = [Collaborator.Access.READ, Collaborator.Access.WRITE]
        if action != Action.VIEW:
            accesses = [Collaborator.Access.WRITE]
        # Read into a literal list (a person collaborates on few records): a sub-select here would
        # keep PostgreSQL from combining the indexes of the OR's branches, and lists would scan. All
        # of the person's collaborations come in one query, as a page restricts several models.
        key = (model._meta.label, action)
        if key not in scope._shared:
            if scope._collaborations is None:
                scope._collaborations = list(Collaborator.objects.filter(employee_id=scope.employee_id)
                                             .values_list("content_type_id", "object_id", "access"))
            content_type_id = ContentType.objects.get_for_model(model).pk
            scope._shared[key] = [object_id for kind, object_id, access in scope._collaborations
                                  if kind == content_type_id and access in accesses]
        shared = scope._shared[key]
        if shared:
            condition |= Q(pk__in=shared)
    return condition


# Up to this many parents (a rep's or a regional manager's customers) are read into a literal list.
VIA_IDS_UP_TO = 5_000


def _parents_owned(scope: UserScope, parent_model, parent_owner: str, owners, module: str) -> list | None:
    """The ids of the parent records (customers) whose owner is among `owners`, read once per request;
    None when there are more than VIA_IDS_UP_TO. As a list, a document list's condition is
    `owner = ANY(…) OR customer_id = ANY(…)`: two indexes of the documents' own table, so PostgreSQL
    reads a rep's shipments or invoices without joining every one of a million rows to its customer."""
    key = (parent_model._meta.label, module)
    if key not in scope._via:
        ids = list(parent_model._base_manager.filter(**{f"{parent_owner}__any_of": owners}).order_by()
                   .values_list("pk", flat=True)[:VIA_IDS_UP_TO + 1])
        scope._via[key] = ids if len(ids) <= VIA_IDS_UP_TO else None
    return scope._via[key]


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
        return True
    except Exception:
        return False


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        condition = scope_filter(self.model, user, action)
        if condition is None:
            return self
        return self.filter(condition)


class ScopedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    pass


def get_scoped_or_404(queryset_or_model, user, action: str = Action.VIEW, **lookup):
    """Fetch one record inside the user's scope; anything outside is a plain 404."""
    from django.http import Http404

    queryset = queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404
