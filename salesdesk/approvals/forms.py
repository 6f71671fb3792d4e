"""Forms of the approvals pages: a decision, and a chain with its steps (for administrators)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from salesdesk.core.forms import BootstrapForm, CleanTextMixin
from salesdesk.org.forms import active_employees, employee_field
from salesdesk.org.models import Position

from . import registry
from .models import ApprovalChain, ApprovalStep, ApproverKind


class DecisionForm(BootstrapForm):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject")),
                                          ("return", _("Return for changes"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class AddReviewerForm(BootstrapForm):
    reviewer = employee_field(_("Reviewer"))
    reason = forms.CharField(label=_("Why"), required=False, max_length=200,
                             help_text=_("E.g. the equipment's technical terms need the technical department."))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = active_employees(company)


class ReviewRecordForm(BootstrapForm):
    held_on = forms.DateField(label=_("Meeting date"), widget=forms.DateInput(attrs={"type": "date"}))
    attendees = forms.CharField(label=_("Attendees"), required=False, max_length=300)
    conclusion = forms.CharField(label=_("Conclusion"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                                 error_messages={"required": _("Write down what the review concluded.")})


def _split_list(value) -> list[str]:
    if isinstance(value, list):
        return value
    parts = [part.strip() for part in str(value or "").replace("，", ",").replace("、", ",").split(",")]
    return [part for part in parts if part]


class ListField(forms.CharField):
    """A comma-separated list kept as a JSON list (customer levels, product lines)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(value)
        return value

    def to_python(self, value):
        return _split_list(super().to_python(value))


class StyledModelForm(CleanTextMixin, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = ("form-check-input" if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)) else
                   "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


CONDITION_FIELDS = ["min_amount", "max_amount", "min_discount", "customer_levels", "channels", "product_lines",
                    "below_floor"]


class ChannelsField(forms.MultipleChoiceField):
    """The customers' channels (filled in by the customers app), kept as a JSON list."""

    def __init__(self, **kwargs):
        super().__init__(label=_("channels"), required=False, widget=forms.CheckboxSelectMultiple,
                         help_text=_("Empty: any channel."), **kwargs)

    def valid_value(self, value):
        self.choices = registry.CHANNEL_CHOICES
        return super().valid_value(value)


class ChainForm(StyledModelForm):
    document_type = forms.ChoiceField(label=_("document type"))
    customer_levels = ListField(label=_("customer levels"), required=False,
                                help_text=_("Comma-separated, e.g. C, D. Empty: any."))
    product_lines = ListField(label=_("product lines"), required=False, help_text=_("Comma-separated. Empty: any."))
    channels = ChannelsField()

    class Meta:
        model = ApprovalChain
        fields = ["document_type", "name", "priority", "is_active", *CONDITION_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = registry.choices()
        self.fields["channels"].choices = registry.CHANNEL_CHOICES

    def clean(self):
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and high <= low:
            self.add_error("max_amount", _("The upper amount must be above the lower one."))
        return data


class StepForm(StyledModelForm):
    customer_levels = ListField(label=_("customer levels"), required=False)
    product_lines = ListField(label=_("product lines"), required=False)
    channels = ChannelsField()

    class Meta:
        model = ApprovalStep
        fields = ["order", "name", "approver", "levels", "positions", "mode", *CONDITION_FIELDS]
        widgets = {"positions": forms.SelectMultiple(attrs={"size": 4})}

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        positions = Position.objects.filter(is_active=True).select_related("department").order_by("department__path", "title")
        if company is not None:
            positions = positions.filter(company=company)
        self.fields["positions"].queryset = positions
        self.fields["channels"].choices = registry.CHANNEL_CHOICES
        self.fields["positions"].label_from_instance = lambda position: f"{position.department.name} · {position.title}"

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        if data.get("approver") in (ApproverKind.POSITIONS, ApproverKind.LINE) and not data.get("positions"):
            self.add_error("positions", _("Choose the positions whose holders approve this step."))
        if data.get("approver") == ApproverKind.LEVELS_UP and not (data.get("levels") or 0) >= 1:
            self.add_error("levels", _("At least one level up."))
        return data


StepRows = inlineformset_factory(ApprovalChain, ApprovalStep, form=StepForm, extra=2, can_delete=True)


def step_rows(*, data=None, instance=None, company=None):
    formset = StepRows(data=data, instance=instance, form_kwargs={"company": company}, prefix="steps")
    return formset


def validate_steps(formset) -> None:
    kept = [form for form in formset.forms if form.has_changed() or form.instance.pk]
    kept = [form for form in kept if not form.cleaned_data.get("DELETE") and form.cleaned_data.get("name")]
    if not kept:
        raise ValidationError(_("A chain needs at least one step."))
