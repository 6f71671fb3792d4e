"""Navigation by module. Each app appends its entries in its AppConfig.ready()."""

from dataclasses import dataclass
from typing import Callable

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
        url = reverse(item.url_name)
        items.append({"key": item.key, "label": item.label, "url": url, "icon": item.icon,
                      "active": request.path.startswith(url) and url != "/"})
    return items
