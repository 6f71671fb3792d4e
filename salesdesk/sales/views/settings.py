"""Document numbering (编号规则) for organisation administrators: prefix, separator, the period the
sequence restarts in, and the digits, per document series. A change applies to the next number."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.db import transaction
from django.forms import modelformset_factory
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesdesk.core.forms import CleanTextMixin
from salesdesk.core.models import NumberSeries
from salesdesk.core.numbering import DEFAULT_PREFIXES, PERIOD_FORMATS, format_number, series_for
from salesdesk.org.access import current_company, org_admin_required

DOCUMENT_LABELS = {
    "quotation": gettext_lazy("Quotations"), "contract": gettext_lazy("Contracts"), "order": gettext_lazy("Orders"),
    "shipment": gettext_lazy("Shipments"), "invoice": gettext_lazy("Invoice requests"),
    "payment": gettext_lazy("Payments"), "refund": gettext_lazy("Refunds"), "complaint": gettext_lazy("Complaints"),
}


class SeriesForm(CleanTextMixin, forms.ModelForm):
    separator = forms.ChoiceField(label=gettext_lazy("separator"), required=False,
                                  choices=[("-", "-"), ("/", "/"), ("_", "_"), ("", gettext_lazy("none"))])

    class Meta:
        model = NumberSeries
        fields = ["prefix", "separator", "reset", "digits"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = "form-select form-select-sm" if isinstance(widget, forms.Select) else \
                "form-control form-control-sm"

    def clean_prefix(self):
        prefix = (self.cleaned_data.get("prefix") or "").strip().upper()
        if not prefix.isalnum() or not prefix.isascii():
            raise forms.ValidationError(_("Letters and digits only, e.g. HT."))
        return prefix

    def clean_digits(self):
        digits = self.cleaned_data.get("digits")
        if digits is None or not 3 <= digits <= 8:
            raise forms.ValidationError(_("Between 3 and 8 digits."))
        return digits


SeriesRows = modelformset_factory(NumberSeries, form=SeriesForm, extra=0)


def example(series: NumberSeries, on: datetime.date) -> str:
    period = on.strftime(PERIOD_FORMATS[series.reset]) if PERIOD_FORMATS[series.reset] else ""
    return format_number(series, period, 1)


@org_admin_required
def numbering(request):
    company = current_company(request)
    for document in DEFAULT_PREFIXES:
        series_for(company, document)
    queryset = NumberSeries.objects.filter(company=company).order_by("id")
    formset = SeriesRows(request.POST or None, queryset=queryset)
    if request.method == "POST" and formset.is_valid():
        prefixes = [form.cleaned_data["prefix"] for form in formset.forms]
        if len(set(prefixes)) != len(prefixes):
            messages.error(request, _("Two series may not share a prefix."))
        else:
            with transaction.atomic():
                formset.save()
            messages.success(request, _("Numbering saved; it applies to the next number of each series."))
            return redirect("sales:numbering")
    today = timezone.localdate()
    rows = [{"form": form, "label": DOCUMENT_LABELS.get(form.instance.document, form.instance.document),
             "example": example(form.instance, today)} for form in formset.forms]
    return render(request, "sales/numbering.html", {"formset": formset, "rows": rows})
