"""Navigation by module. Each app appends its entries in its AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: object
    url_name: str
    icon: str = ""
    visible: Callable | None = None  # visible(request) -> bool
    order: int = 100


MENU: list[MenuItem] = []


def add(item: MenuItem) -> None:
    if all(existing.key != item.key for existing in MENU):
        MENU.append(item)
        MENU.sort(key=lambda entry: entry.order)


def menu_for(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for item in MENU:
        if item.visible is not None and not item.visible(request):
            continue
        items.append({"key": item.key, "label": item.label, "url": reverse(item.url_name), "icon": item.icon,
                      "active": False})
    # The entry whose URL is the longest prefix of the path is the current one, so /org/manage/
    # lights "org maintenance" rather than the org chart at /org/.
    matches = [entry for entry in items
               if (request.path == entry["url"] if entry["url"] == "/" else request.path.startswith(entry["url"]))]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items
