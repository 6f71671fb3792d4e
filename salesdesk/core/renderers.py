"""The form renderer (settings.FORM_RENDERER): Django's TemplatesSetting, with the plainest widgets —
<select> with its options, <input>, <textarea> — written out in Python instead of through their
templates.

A select of 60 options is some 180 template renders (the select, each option, each option's
attributes); the filter forms above the lists hold several such selects (owners, classes, types), so
their widgets were a large part of a list page's time. The HTML is exactly what Django's own
templates give (tests/test_form_renderer.py compares them widget by widget); should a project ever
override one of these templates, that template is used instead (checked once, at the first render).
"""

from __future__ import annotations

from pathlib import Path

import django
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape

DJANGO_WIDGETS = Path(django.__file__).resolve().parent / "forms" / "templates" / "django" / "forms" / "widgets"
INPUTS = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search",
    "tel", "color", "checkbox")}
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes its bare name.
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{value}{_attrs(widget['attrs'])}>")


def _option(option: dict) -> str:
    return (f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>")


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f"\n  {_option(option)}\n")  # the option's template ends with a line break
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(TemplatesSetting):
    _own_templates: bool | None = None

    def _templates_are_djangos(self) -> bool:
        if FormRenderer._own_templates is None:
            names = [*INPUTS, SELECT, OPTION, TEXTAREA, "django/forms/widgets/attrs.html"]
            FormRenderer._own_templates = all(
                Path(self.get_template(name).origin.name).resolve().parent == DJANGO_WIDGETS for name in names)
        return FormRenderer._own_templates

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and self._templates_are_djangos():
            # The templates' outer line breaks go: Django strips what a widget template renders.
            if template_name in INPUTS:
                return _input(widget)
            if template_name == SELECT and all(option["template_name"] == OPTION
                                               for _group, options, _index in widget["optgroups"]
                                               for option in options):
                return _select(widget)
            if template_name == TEXTAREA:
                return _textarea(widget)
        return super().render(template_name, context, request)


__all__ = ["FormRenderer"]
