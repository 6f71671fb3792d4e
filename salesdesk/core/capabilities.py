"""Capabilities (权限能力): what a duty allows its holder to do beyond seeing data.

Each app declares its capabilities once, with a label, in its `capabilities.py` (imported by its
AppConfig.ready()); a position's duty grants one by naming it (`Duty.capability`). A name that is
not declared is an error wherever it appears: when an org file or a duty form is checked, and at
start-up (the system check `salesdesk.E001`). Services ask the acting person with
`actor.require(NAME)`, so a page, the API and a command cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Capability:
    key: str
    label: object
    app: str
    # Organisation administrators may do it too, without the duty (keeping the data in order is
    # their job); not so for what protects people's privacy, such as reading full mobile numbers.
    org_admins: bool = True
    denied: object = ""  # what a person without it is told; a generic sentence when empty


class UnknownCapability(LookupError):
    pass


_REGISTRY: dict[str, Capability] = {}


def register(key: str, label, *, app: str, org_admins: bool = True, denied="") -> str:
    """Declare a capability; returns its key, for the app's constant (PRICING = register("pricing", …))."""
    existing = _REGISTRY.get(key)
    if existing is not None and existing.app != app:
        raise ValueError(f"Capability {key!r} is declared by {existing.app} and {app}")
    _REGISTRY[key] = Capability(key=key, label=label, app=app, org_admins=org_admins, denied=denied)
    return key


def get(key: str) -> Capability:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownCapability(key) from None


def is_registered(key: str) -> bool:
    return key in _REGISTRY


def registered() -> dict[str, Capability]:
    return dict(sorted(_REGISTRY.items()))


def unknown(keys) -> list[str]:
    """The names among `keys` that no app declared (blank names are no capability)."""
    return sorted({key for key in keys if key and key not in _REGISTRY})
