"""{% change_list changes %}: the audit log's column of changes, [(label, before, after)] as a list of
"label: before → after" items. Built in Python rather than with template tags: a page of 50 entries
holds some 500 changes, and as template nodes they were most of the page's time."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

LONGEST = 80
NONE = "—"


def shown(value) -> str:
    """A value as the page shows it: "—" for none, at most LONGEST characters, the last an ellipsis
    (as truncatechars, without its care for combining characters, which change values do not hold)."""
    if value is None:
        return NONE
    text = str(value)
    return text if len(text) <= LONGEST else text[:LONGEST - 1] + "…"


@register.simple_tag
def change_list(changes):
    if not changes:
        return mark_safe(f'<li class="sd-muted">{NONE}</li>')
    return format_html_join(
        "\n", '<li data-field-change><span class="fw-semibold">{}</span>: '
        '<span class="text-decoration-line-through sd-muted" data-before>{}</span> → <span data-after>{}</span></li>',
        ((str(label), shown(before), shown(after)) for label, before, after in changes))


__all__ = ["change_list", "shown"]
