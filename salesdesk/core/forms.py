"""Form helpers shared by every app."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .dates import parse_day

# Control characters (C0, DEL, C1): invisible, and some of them (a vertical tab, a form feed …) cannot
# be written to an .xlsx file or an XML document at all. Multi-line text keeps tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_character(value: str, *, multiline: bool = False) -> str | None:
    """The first control character in `value` as U+XXXX, or None."""
    found = (CONTROL_CHARACTERS_MULTILINE if multiline else CONTROL_CHARACTERS).search(value or "")
    return f"U+{ord(found.group()):04X}" if found else None


def refuse_control_characters(value: str, *, multiline: bool = False) -> str:
    """`value` itself, or a ValidationError naming the control character it contains."""
    character = control_character(value, multiline=multiline)
    if character:
        raise ValidationError(
            _("Remove the invisible control character %(character)s from this text (tabs and line breaks "
              "only belong in multi-line text).") % {"character": character}, code="control_character")
    return value


class NoControlCharacters:
    """A validator for a text field: refuses control characters (tab and line breaks allowed when
    `multiline`)."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value):
        if isinstance(value, str):
            refuse_control_characters(value, multiline=self.multiline)

    def __eq__(self, other):
        return isinstance(other, NoControlCharacters) and other.multiline == self.multiline


class WithinCalendar:
    """A validator for a date field: a day within 1900–2999 (core.dates), so that a period starting at
    0001-01-01 or ending at 9999-12-31 never overflows later."""

    def __call__(self, value):
        if value is not None:
            parse_day(value)

    def __eq__(self, other):
        return isinstance(other, WithinCalendar)


def refuse_control_characters_in(form: forms.BaseForm) -> None:
    """Give every text field of `form` the NoControlCharacters validator (multi-line for a textarea;
    passwords are left alone), and every date field the WithinCalendar one."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            validator = NoControlCharacters(multiline=isinstance(field.widget, forms.Textarea))
        elif isinstance(field, forms.DateField):
            validator = WithinCalendar()
        else:
            continue
        if validator not in field.validators:
            field.validators = [*field.validators, validator]


class CleanTextMixin:
    """For forms that are not BootstrapForms (ModelForms): refuse control characters in text fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters_in(self)


class BootstrapForm(forms.Form):
    """Gives widgets Bootstrap classes, marks fields with errors as invalid, and refuses control
    characters in every text field (tab and line breaks allowed in a textarea)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        refuse_control_characters_in(self)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"

    def add_service_error(self, error: ValidationError) -> None:
        """Show what a service refused: next to the field it names, else at the top."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class Picker(forms.Widget):
    """Choose one record by typing (search as you type; static/salesdesk/picker.js): for lists
    too long for a select. Renders only the chosen record; the form field still validates the
    value against its queryset. Subclasses name the search URL (answering JSON
    `{"results": [{"id", "name", "label"}], "empty": "…"}`) and how a chosen record reads
    (`label_for`).

    The chosen record is looked up in the field's queryset alone (a ModelChoiceField hands its
    widget its choices, `self.choices.queryset`): a value from the query string or a posted form
    that the queryset does not hold — another company's record, one outside the reader's data scope
    (ScopedChoiceField) — reads like one that does not exist, an empty box. Outside such a field the
    picker names nothing (fail closed)."""

    template_name = "forms/picker.html"
    url_name = ""
    placeholder = ""
    choices = ()  # set by the ModelChoiceField that uses the widget

    def label_for(self, record) -> str:
        return str(record)

    def chosen(self, value):
        """The record `value` stands for, among the field's choices; None when it is none of them."""
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None or value in (None, ""):
            return None
        field = self.choices.field
        try:
            return field.to_python(value)  # reads through the field's queryset; None for an empty value
        except ValidationError:
            return None

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        value = getattr(value, "pk", value)
        context = super().get_context(name, value, attrs)
        record = self.chosen(value)
        label = self.label_for(record) if record is not None else ""
        context["widget"].update(label=label, url=reverse(self.url_name), placeholder=self.placeholder)
        return context


class ScopedChoiceField(forms.ModelChoiceField):
    """One record chosen among those the reader sees: the queryset is
    `model.objects.restrict(user, action)` once the form knows its reader (`scope_choices(form, user)`
    in the form's __init__), nothing before (fail closed). Validation and the picker's name of the
    chosen record read through that one queryset, so a record out of scope — posted, or put in the
    query string as the form's initial value — is refused and shown exactly like one that does not
    exist. `fixed`: the record a page has already read through the scope (a document's customer
    while it is edited), the only choice and not to be changed."""

    def __init__(self, model, *, action: str = "view", **kwargs):
        self.scope_model, self.scope_action = model, action
        super().__init__(queryset=model._default_manager.none(), **kwargs)

    def scope_to(self, user, *, fixed=None) -> None:
        if fixed is not None:
            self.queryset = self.scope_model._default_manager.filter(pk=fixed.pk)
            self.disabled = True
        else:
            self.queryset = self.scope_model._default_manager.restrict(user, self.scope_action)


def scope_choices(form, user, **fixed) -> None:
    """Limit every ScopedChoiceField of `form` to what `user` sees; `fixed`: field name → a record
    the page already read through the scope (that field then offers it alone, disabled)."""
    for name, field in form.fields.items():
        if isinstance(field, ScopedChoiceField):
            field.scope_to(user, fixed=fixed.get(name))
