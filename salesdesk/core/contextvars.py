"""Per-request context shared by the audit log and anything else that must know who acts.

Context variables work for threads (runserver, gunicorn sync workers) and for management
commands, which set the actor explicitly with `acting_as`.
"""

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    employee_id: int | None = None
    source: str = "web"  # web, api, admin, command


current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
current_actor: ContextVar[Actor | None] = ContextVar("current_actor", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextlib.contextmanager
def acting_as(actor: Actor | None, request_id: str | None = None):
    actor_token = current_actor.set(actor)
    request_token = current_request_id.set(request_id or current_request_id.get() or new_request_id())
    try:
        yield
    finally:
        current_actor.reset(actor_token)
        current_request_id.reset(request_token)


def actor_for_user(user, source: str = "web") -> Actor | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    employee = getattr(user, "employee", None) if hasattr(user, "employee") else None
    name = employee.name if employee else user.get_username()
    return Actor(user_id=user.pk, name=name, employee_id=employee.pk if employee else None, source=source)
