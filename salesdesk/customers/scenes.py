"""Saved personal scenes (自定义场景): a person names the filters of a list (customers or leads)
and finds them again as a tab next to the built-in scenes. They live in the person's
`Employee.preferences` (read with the person on every request, so the list pays no query for
them) and only the person sees or changes them.

    preferences["scenes"] = {"customers": [{"id": "a1b2c3", "name": "华东A类", "query": "level=A&…"}], …}
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from salesdesk.org.models import Employee

# The filters a scene may keep, per list: anything else in a query string (the page, a stale
# parameter, something typed into the address bar) is dropped.
KEYS = {
    "customers": ("scene", "q", "customer_class", "level", "source", "tag", "owner", "sort"),
    "leads": ("scene", "q", "status"),
}
MOST = 20
NAME_LENGTH = 30


def scenes_of(employee: Employee | None, list_name: str) -> list[dict]:
    if employee is None:
        return []
    return list((employee.preferences or {}).get("scenes", {}).get(list_name, []))


def clean_query(list_name: str, query: str) -> str:
    given = QueryDict(query or "")
    return urlencode([(key, value) for key in KEYS[list_name] for value in given.getlist(key)
                      if value.strip()][:20])


@transaction.atomic
def save_scene(*, employee: Employee, list_name: str, name: str, query: str) -> dict:
    """Save the filters `query` of `list_name` as `name`; a scene of the same name is replaced."""
    if list_name not in KEYS:
        raise ValidationError(_("There is no such list."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the scene a name."))
    if len(name) > NAME_LENGTH:
        raise ValidationError(_("A scene name has at most %(count)d characters.") % {"count": NAME_LENGTH})
    query = clean_query(list_name, query)
    if not query:
        raise ValidationError(_("Choose some filters first: a scene keeps the filters of the list."))
    person = Employee.objects.select_for_update().get(pk=employee.pk)  # two tabs saving at once
    preferences = dict(person.preferences or {})
    scenes = dict(preferences.get("scenes", {}))
    mine = [scene for scene in scenes.get(list_name, []) if scene["name"] != name]
    if len(mine) >= MOST:
        raise ValidationError(_("You have %(count)d scenes on this list already; delete one first.")
                              % {"count": MOST})
    scene = {"id": secrets.token_hex(4), "name": name, "query": query}
    scenes[list_name] = [*mine, scene]
    preferences["scenes"] = scenes
    # A plain UPDATE: page settings are not part of the person's audited record.
    Employee.objects.filter(pk=person.pk).update(preferences=preferences)
    employee.preferences = preferences
    return scene


@transaction.atomic
def delete_scene(*, employee: Employee, list_name: str, scene_id: str) -> bool:
    person = Employee.objects.select_for_update().get(pk=employee.pk)
    preferences = dict(person.preferences or {})
    scenes = dict(preferences.get("scenes", {}))
    mine = scenes.get(list_name, [])
    kept = [scene for scene in mine if scene["id"] != scene_id]
    if len(kept) == len(mine):
        return False
    scenes[list_name] = kept
    preferences["scenes"] = scenes
    Employee.objects.filter(pk=person.pk).update(preferences=preferences)
    employee.preferences = preferences
    return True
