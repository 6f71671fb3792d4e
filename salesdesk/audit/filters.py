"""The filter form of the audit log page and the query it builds.

A field with bad input shows its error next to it and is simply left out of the query, so the
other filters still apply."""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import registry
from .models import AuditEntry


def object_type_choices():
    """Every audited model, as ("app_label.model", "Readable name"), sorted by name."""
    choices = [(f"{model._meta.app_label}.{model._meta.model_name}", capfirst(model._meta.verbose_name))
               for model in registry._AUDITED]
    return [("", _("All types")), *sorted(choices, key=lambda choice: str(choice[1]))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    object_type = forms.ChoiceField(label=_("Type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("All actions")), *AuditEntry.Action.choices])
    actor = forms.CharField(label=_("By"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    request_id = forms.CharField(label=_("Request id"), required=False, max_length=32)
    q = forms.CharField(label=_("Record"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = object_type_choices()
        for field in self.fields.values():
            css = "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or id of the changed record")
        self.fields["actor"].widget.attrs["placeholder"] = _("Name of who made the change")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def value_of(self, name):
        """The cleaned value of a field that passed validation, else None."""
        if not self.is_bound:
            return None
        self.is_valid()
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(queryset, form: AuditFilterForm):
    object_type = form.value_of("object_type")
    if object_type:
        app_label, _dot, model = object_type.partition(".")
        content_type = ContentType.objects.filter(app_label=app_label, model=model).first()
        queryset = queryset.filter(content_type=content_type) if content_type else queryset.none()
    if action := form.value_of("action"):
        queryset = queryset.filter(action=action)
    if actor := form.value_of("actor"):
        queryset = queryset.filter(actor_name__icontains=actor)
    if start := form.value_of("date_from"):
        queryset = queryset.filter(at__gte=_start_of(start))
    if end := form.value_of("date_to"):
        queryset = queryset.filter(at__lt=_start_of(end + timedelta(days=1)))
    if request_id := form.value_of("request_id"):
        queryset = queryset.filter(request_id=request_id.strip())
    if text := form.value_of("q"):
        queryset = queryset.filter(Q(object_repr__icontains=text) | Q(object_id=text))
    return queryset
