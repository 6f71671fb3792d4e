"""Per-request context shared by the audit log and anything else that must know who acts.

Context variables work for threads (runserver, gunicorn sync workers) and for management
commands, which set the actor explicitly with `acting_as`.
"""

import contextlib
import uuid
from contextvars import ContextVar

from .access import Actor, actor_for_user

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


__all__ = ["Actor", "acting_as", "actor_for_user", "current_actor", "current_request_id", "new_request_id"]
