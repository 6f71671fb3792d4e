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
    group: str = ""  # a key of GROUPS: shown in that group's drop-down


@dataclass(frozen=True)
class MenuGroup:
    key: str
    label: object
    icon: str = ""


GROUPS: dict[str, MenuGroup] = {}


def add_group(group: MenuGroup) -> None:
    GROUPS[group.key] = group


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
                      "active": False, "group": item.group})
    # The entry whose URL is the longest prefix of the path is the current one, so /org/manage/
    # lights "org maintenance" rather than the org chart at /org/.
    matches = [entry for entry in items
               if (request.path == entry["url"] if entry["url"] == "/" else request.path.startswith(entry["url"]))]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items


def tree_for(entries: list[dict]) -> list[dict]:
    """The menu as the top bar shows it: entries of a group gathered into one drop-down where the
    group's first entry stands (a group with a single visible entry shows that entry itself)."""
    tree, groups = [], {}
    for entry in entries:
        group = GROUPS.get(entry.get("group") or "")
        if group is None:
            tree.append(entry)
            continue
        if group.key not in groups:
            groups[group.key] = {"key": group.key, "label": group.label, "icon": group.icon, "children": [],
                                 "active": False}
            tree.append(groups[group.key])
        groups[group.key]["children"].append(entry)
        groups[group.key]["active"] = groups[group.key]["active"] or entry["active"]
    return [node["children"][0] if "children" in node and len(node["children"]) == 1 else node for node in tree]
