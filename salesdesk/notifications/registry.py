"""Notification kinds. A module registers each kind it sends with a function that turns the stored
parameters into a sentence in the active language."""

from collections.abc import Callable

from django.utils.translation import gettext as _

KINDS: dict[str, Callable[[dict], str]] = {}


def register(kind: str, render_params: Callable[[dict], str]) -> None:
    KINDS[kind] = render_params


def render(kind: str, params: dict) -> str:
    renderer = KINDS.get(kind)
    if renderer is None:
        return _("Notification")
    try:
        return renderer(params)
    except (KeyError, TypeError, ValueError):  # an old notification whose parameters changed
        return _("Notification")
