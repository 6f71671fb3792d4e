"""The customers module's company settings (客户设置), for organisation administrators: customer
classes, lead sources, pools and their rules, lead routing per team. Thin: the writes are in
`settings_services`; every list is read through the data scope."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesdesk.core.forms import BootstrapForm, CleanTextMixin
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.org.access import org_admin_required
from salesdesk.org.forms import DepartmentChoiceField, departments_in_tree_order
from salesdesk.org.models import Department

from .. import settings_services
from ..models import CustomerClass, CustomerPool, LeadSource, TeamRouting
from .customers import company_of

ClassRows = modelformset_factory(CustomerClass, fields=["name", "stage", "sort_order", "is_active"], extra=1)
SourceRows = modelformset_factory(LeadSource, fields=["name", "sort_order", "is_active"], extra=1)
REFERENCE = {"classes": (CustomerClass, ClassRows), "sources": (LeadSource, SourceRows)}
POOL_RULES = ["name", "is_active", "idle_days_a", "idle_days_b", "idle_days_c", "no_deal_days_a", "no_deal_days_b",
              "no_deal_days_c", "exempt_deals", "warn_days", "max_owned", "max_claims_per_day", "reclaim_wait_days"]


def _style(formset):
    for form in formset:
        for field in form.fields.values():
            css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm")
            field.widget.attrs["class"] = css
    return formset


class PoolForm(CleanTextMixin, forms.ModelForm):
    department = DepartmentChoiceField(label=gettext_lazy("Department"), queryset=Department.objects.none(),
                                       required=False, empty_label=gettext_lazy("The whole company"))

    class Meta:
        model = CustomerPool
        fields = POOL_RULES

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(company=company, is_active=True)
        self.fields["department"].choices = [("", self.fields["department"].empty_label), *(
            (department.pk, self.fields["department"].label_from_instance(department))
            for department in departments_in_tree_order(company, self.fields["department"].queryset))]
        if self.instance.pk:
            self.initial["department"] = self.instance.department_id
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control")

    def validate_unique(self):
        pass  # the service checks names and departments with the company, which the form does not hold


class RoutingForm(BootstrapForm):
    team = DepartmentChoiceField(label=gettext_lazy("Team"), queryset=Department.objects.none())
    mode = forms.ChoiceField(label=gettext_lazy("Routing"), choices=TeamRouting.Mode.choices)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Department.objects.filter(company=company, is_active=True)
        self.fields["team"].choices = [(department.pk, self.fields["team"].label_from_instance(department))
                                       for department in departments_in_tree_order(company, self.fields["team"].queryset)]


def _reference_formset(request, company, key, data=None):
    model, rows = REFERENCE[key]
    return _style(rows(data, prefix=key, queryset=model.objects.restrict(request.user).filter(company=company)))


@org_admin_required
def settings_page(request):
    company = company_of(request, with_defaults=True)
    formsets = {key: _reference_formset(request, company, key) for key in REFERENCE}
    if request.method == "POST" and request.POST.get("section") in REFERENCE:
        key = request.POST["section"]
        formsets[key] = _reference_formset(request, company, key, request.POST)
        if formsets[key].is_valid():
            rows = [form.save(commit=False) for form in formsets[key] if form.has_changed()]
            try:
                count = settings_services.save_reference_rows(company=company, model=REFERENCE[key][0], rows=rows)
            except ValidationError as error:
                formsets[key]._non_form_errors = formsets[key].error_class(error.messages)
            else:
                messages.success(request, _("%(count)d rows saved.") % {"count": count})
                return redirect(f"{request.path}#{key}")
    routing = RoutingForm(request.POST if request.POST.get("section") == "routing" else None, company=company)
    if routing.is_bound and routing.is_valid():
        settings_services.set_team_routing(company=company, team=routing.cleaned_data["team"],
                                           mode=routing.cleaned_data["mode"])
        messages.success(request, _("Routing of %(team)s saved.") % {"team": routing.cleaned_data["team"].name})
        return redirect(f"{request.path}#routing")
    return render(request, "customers/settings.html", {
        "classes": formsets["classes"], "sources": formsets["sources"], "routing_form": routing,
        "pools": CustomerPool.objects.restrict(request.user).filter(company=company).select_related("department"),
        "routings": TeamRouting.objects.restrict(request.user).filter(company=company).select_related("team"),
    }, status=400 if request.method == "POST" else 200)


@org_admin_required
def pool_edit(request, pk=None):
    company = company_of(request, with_defaults=True)
    pool = get_scoped_or_404(CustomerPool.objects.filter(company=company), request.user, pk=pk) if pk else None
    form = PoolForm(request.POST or None, instance=pool or CustomerPool(company=company), company=company)
    if request.method == "POST" and form.is_valid():
        rules = {name: form.cleaned_data[name] for name in POOL_RULES}
        try:
            saved = settings_services.save_pool(company=company, pool=pool, department=form.cleaned_data["department"],
                                                **rules)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, _("Pool %(name)s saved.") % {"name": saved.name})
            return redirect("customers:settings")
    return render(request, "customers/pool_form.html", {"form": form, "pool": pool},
                  status=400 if request.method == "POST" else 200)
