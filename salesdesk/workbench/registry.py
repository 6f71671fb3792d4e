"""Work queues (工作队列). Each module registers the queues it has; a position's duties name the
queues their holder gets (`Duty.queue`). The workbench shows one card per queue the user has."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Queue:
    key: str
    title: object
    count: Callable  # count(user) -> int, always within the user's scope
    url: Callable  # url(user) -> str
    description: object = ""
    order: int = 100
    # Duty queues that bring this one along: "about to return to the pool" comes with "follow-ups
    # due", so the templates' duties need not name every queue a rep's work implies.
    comes_with: tuple[str, ...] = ()
    # Shown to anyone with something in it, duty or not: approvals reach 法务 and 财务 too.
    shown_when_waiting: bool = False


QUEUES: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    QUEUES[queue.key] = queue


def _positions_with_duties(user) -> list:
    from salesdesk.core.access import actor_of

    actor = actor_of(user)
    actor.duties  # noqa: B018 — reads the positions' duties once per request
    return actor.positions


def queue_keys_for(user) -> list[str]:
    """The queues the user's positions' duties give them, in registry order."""
    from salesdesk.core.scope import scope_for

    scope = scope_for(user)
    if scope.is_admin and scope.employee_id is None:
        return sorted(QUEUES, key=lambda key: QUEUES[key].order)
    keys = set()
    for position in _positions_with_duties(user):
        keys.update(duty.queue for duty in position.duties.all() if duty.queue)
    keys.update(key for key, queue in QUEUES.items() if keys.intersection(queue.comes_with))
    return sorted((key for key in keys if key in QUEUES), key=lambda key: QUEUES[key].order)


def cards_for(user) -> list[dict]:
    cards = []
    keys = queue_keys_for(user)
    for key in sorted(set(QUEUES), key=lambda key: QUEUES[key].order):
        queue = QUEUES[key]
        if key not in keys and not queue.shown_when_waiting:
            continue
        count = queue.count(user)
        if key not in keys and not count:
            continue
        cards.append({"key": key, "title": queue.title, "description": queue.description,
                      "count": count, "url": queue.url(user)})
    return cards


def duties_for(user) -> list[dict]:
    """The user's positions with their duties; a duty whose queue is registered links to it, the
    others are listed as text (their modules register the queue when they arrive)."""
    rows = []
    for position in _positions_with_duties(user):
        duties = []
        for duty in position.duties.all():
            queue = QUEUES.get(duty.queue) if duty.queue else None
            duties.append({"text": duty.text, "queue": queue, "url": queue.url(user) if queue else ""})
        rows.append({"position": position, "duties": duties})
    return rows
