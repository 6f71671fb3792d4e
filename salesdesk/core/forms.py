"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


class BootstrapForm(forms.Form):
    """Gives widgets Bootstrap classes, and marks fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
    `{"results": [{"id", "name", "label"}], "empty": "…"}`) and how a chosen value reads."""

    template_name = "forms/picker.html"
    url_name = ""
    placeholder = ""

    def label_for(self, value) -> str:
        raise NotImplementedError

    def get_context(self, name, value, attrs):
        from django.urls import reverse

        value = getattr(value, "pk", value)
        context = super().get_context(name, value, attrs)
        label = self.label_for(value) if value not in (None, "") else ""
        context["widget"].update(label=label, url=reverse(self.url_name), placeholder=self.placeholder)
        return context
