"""Who is acting and what they may do: the one answer for pages, the API, commands and services.

An `Actor` is made once per request (ActorMiddleware: `request.actor`), per API token (the API's
authentication) and per management command (`acting_as(Actor.command(...))`). It knows the user,
the employee, their current positions, the duties' capabilities and the data scope (the scope of
core.scope, computed once and shared). Services check capabilities themselves:

    actor = actor_of(user)            # the request's actor when given a user
    actor.require(PRICING)            # Denied (a 403 in the user's language) without the duty

Nothing is derived from work-queue membership: queues show work, capabilities allow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.utils.translation import gettext as _

from . import capabilities

ADMINISTER = "org_admin"  # declared by the org app: maintains the organisation and its settings


class Denied(PermissionDenied):
    """Refused: the message says why, in the user's language (403 page, JSON error in the API)."""


@dataclass(frozen=True, eq=False)
class Actor:
    user_id: int | None
    name: str
    employee_id: int | None = None
    source: str = "web"  # web, api, admin, command
    user: object = field(default=None, repr=False)
    # A command run on the server by its operator (demo_setup, load_org, the daily work) acting by
    # itself, as trusted as the system administrator; recorded under its name.
    system: bool = False

    @classmethod
    def command(cls, name: str) -> Actor:
        return cls(user_id=None, name=name, source="command", system=True)

    # --- who ---------------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None and getattr(self.user, "is_authenticated", False) and self.user.is_active

    @property
    def is_superuser(self) -> bool:
        return self.is_authenticated and bool(self.user.is_superuser)

    @property
    def scope(self):
        from .scope import scope_for

        return scope_for(self.user)  # computed once per request and kept on the user

    @cached_property
    def employee(self):
        """The acting employee record, if they are still with the company (None for a system
        administrator without one, someone who has left, or a command)."""
        if self.user is None:
            return None
        try:
            employee = self.user.employee  # loaded with the user by the language middleware
        except (AttributeError, ObjectDoesNotExist):
            return None
        return employee if employee is not None and employee.status == "active" else None

    @property
    def company_id(self) -> int | None:
        return self.scope.company_id

    @property
    def positions(self) -> list:
        return self.scope.positions

    def acting_employee(self):
        """The employee, or Denied for someone who acts for no company."""
        if self.employee is None:
            raise Denied(_("Only employees of the company can do this."))
        return self.employee

    # --- what --------------------------------------------------------------------------------

    @property
    def duties(self) -> list:
        from django.db.models import prefetch_related_objects

        positions = self.positions
        prefetch_related_objects(positions, "duties")  # read once: the positions are the scope's
        return [duty for position in positions for duty in position.duties.all()]

    @property
    def capabilities(self) -> frozenset[str]:
        """The capabilities the current positions' duties grant (kept with the scope)."""
        scope = self.scope
        if scope._capabilities is None:
            scope._capabilities = frozenset(duty.capability for duty in self.duties if duty.capability)
        return scope._capabilities

    @property
    def is_org_admin(self) -> bool:
        """System administrators and holders of a duty with the org_admin capability."""
        return self.is_superuser or (self.is_authenticated and ADMINISTER in self.capabilities)

    def can(self, capability: str) -> bool:
        declared = capabilities.get(capability)  # an undeclared name is a programming error
        if self.system:
            return True
        if not self.is_authenticated:
            return False
        if capability in self.capabilities:
            return True
        return declared.org_admins and self.is_org_admin

    def require(self, capability: str, message=None) -> None:
        if not self.can(capability):
            declared = capabilities.get(capability)
            raise Denied(message or declared.denied or _("Your positions do not allow this."))

    def require_employee(self, capability: str | None = None, message=None):
        """The acting employee, after checking the capability (when one is named)."""
        if capability:
            self.require(capability, message)
        return self.acting_employee()


def actor_for_user(user, source: str = "web") -> Actor | None:
    """The actor for a signed-in user, made once and kept on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_salesdesk_actor", None)
    if cached is not None and cached.source == source:
        return cached
    employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
    actor = Actor(user_id=user.pk, name=employee.name if employee else user.get_username(),
                  employee_id=employee.pk if employee else None, source=source, user=user)
    try:
        user._salesdesk_actor = actor
    except AttributeError:
        pass
    return actor


_ANONYMOUS = Actor(user_id=None, name="", source="web")


def actor_of(who) -> Actor:
    """The Actor for what a caller passes: an Actor; a user; or an employee, as services receive the
    acting person (`by=`), whose rights are those of the employee's log-in (none without one).
    None or an anonymous user has no rights."""
    if isinstance(who, Actor):
        return who
    if who is not None and getattr(getattr(who, "_meta", None), "model_name", "") == "employee":
        from .contextvars import current_actor

        current = current_actor.get()
        if current is not None and current.user is not None and current.employee_id == who.pk:
            return current  # the request's own actor: its scope is already read
        if not who.user_id:
            return _ANONYMOUS
        # A user object of its own: the one hanging on the employee may be kept for long (a command, a
        # job, a test) and must not carry a scope read before the organisation changed.
        from django.contrib.auth import get_user_model

        user = get_user_model()._default_manager.filter(pk=who.user_id).first()
        return actor_for_user(user) or _ANONYMOUS
    return actor_for_user(who) or _ANONYMOUS


def person_of(who):
    """The person (org Employee) behind what a caller passes as `by` — an employee, an Actor or a
    user — or None (a command, a system administrator without an employee record).

    Maker-checker rules (price changes, payments, invoices) compare people with it: one person
    whatever positions he holds or acts through, and never a user id taken for an employee id."""
    if who is None:
        return None
    if getattr(getattr(who, "_meta", None), "model_name", "") == "employee":
        return who
    if isinstance(who, Actor):
        who = who.user
        if who is None:
            return None
    try:
        return who.employee
    except (AttributeError, ObjectDoesNotExist):
        return None


def capability_required(capability: str, message=None, *, employee: bool = False):
    """A view decorator: log-in first (anonymous people go to the log-in page), then the capability
    (a 403 in the user's language otherwise); with `employee`, an employee record too."""
    from functools import wraps

    from django.contrib.auth.decorators import login_required

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.actor.require(capability, message)
            if employee:
                request.actor.acting_employee()
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
