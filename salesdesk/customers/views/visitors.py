"""Visitor registration pages for sales sites: today's register with the rotation's proposal,
conversion into customers, handing the day's register up, and the visits report."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from salesdesk.core.dates import day_from
from salesdesk.core.forms import BootstrapForm
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.org.models import Department, Employee

from .. import services, visitors
from ..models import LeadSource, RotationMember, VisitorDay, VisitorRegistration
from .customers import company_of


class RegisterForm(BootstrapForm):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=VisitorRegistration.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=64, required=False)
    mobile = forms.CharField(label=gettext_lazy("Mobile"), max_length=32, required=False)
    party_size = forms.IntegerField(label=gettext_lazy("Party size"), min_value=1, max_value=50, initial=1)
    channel = forms.ModelChoiceField(label=gettext_lazy("Channel"), queryset=LeadSource.objects.none(), required=False)
    intended_unit = forms.CharField(label=gettext_lazy("Intended unit type"), max_length=64, required=False)
    budget = forms.DecimalField(label=gettext_lazy("Budget"), max_digits=14, decimal_places=2, min_value=0,
                                required=False)
    needs = forms.CharField(label=gettext_lazy("Needs"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    receptionist = forms.ModelChoiceField(label=gettext_lazy("Received by"), queryset=Employee.objects.none(),
                                          required=False, help_text=gettext_lazy("Proposed by the rotation."))

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = LeadSource.objects.filter(company_id=site.company_id, is_active=True)
        self.fields["receptionist"].queryset = Employee.objects.filter(
            pk__in=RotationMember.objects.filter(site=site, is_active=True).values("employee_id"))


def _sites(company):
    return list(Department.objects.filter(pk__in=RotationMember.objects.filter(
        site__company=company, is_active=True).values("site_id")).order_by("path"))


def _site(request, company, sites):
    wanted = request.GET.get("site") or request.POST.get("site") or ""
    if wanted.isdigit():
        found = next((site for site in sites if site.pk == int(wanted)), None)
        if found is None:
            raise Http404
        return found
    actor = request.actor.employee
    home = services.primary_department(actor) if actor else None
    return next((site for site in sites if home is not None and home.path.startswith(site.path)),
                sites[0] if sites else None)


@login_required
def visitor_register(request):
    company = company_of(request)
    sites = _sites(company)
    site = _site(request, company, sites)
    day = day_from(request, "day", timezone.localdate())
    context = {"sites": sites, "site": site, "day": day}
    if site is not None:
        registers = list(VisitorDay.objects.filter(site=site, day=day).select_related("leader", "site")
                         .order_by("leader__name", "pk"))
        for register in registers:  # one per 组长: each with the step its reader may take
            register.may_hand_up = visitors.may_hand_up(request.user, register)
            register.next_status = (VisitorDay.Status(VisitorDay.NEXT[register.status]).label
                                    if register.status in VisitorDay.NEXT else "")
        entries = (VisitorRegistration.objects.restrict(request.user).filter(site=site, visited_at__date=day)
                   .select_related("receptionist", "channel", "customer"))
        proposed = visitors.next_in_turn(site)
        context.update({
            "registers": registers, "entries": entries, "proposed": proposed,
            # Entries are made as they happen (visited now): only today's page takes them.
            "taking_entries": day == timezone.localdate() and (
                not registers or any(r.status == VisitorDay.Status.OPEN for r in registers)),
            "form": RegisterForm(site=site, initial={"receptionist": proposed}),
            "rotation": visitors.rotation(site),
            "may_manage_rotation": visitors.may_manage_rotation(request.user, site),
        })
    return render(request, "customers/visitors.html", context)


@login_required
@require_POST
def visitor_add(request):
    company = company_of(request)
    sites = _sites(company)
    site = _site(request, company, sites)
    if site is None:
        raise Http404
    form = RegisterForm(request.POST, site=site)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration = visitors.register_visitor(
                site=site, by=request.actor.employee, kind=data["kind"], receptionist=data["receptionist"], name=data["name"],
                mobile=data["mobile"], party_size=data["party_size"], channel=data["channel"], needs=data["needs"],
                intended_unit=data["intended_unit"], budget=data["budget"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Registered; received by %(name)s.") % {"name": registration.receptionist.name})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(reverse("customers:visitors") + f"?site={site.pk}")


@login_required
@require_POST
def visitor_convert(request, pk):
    registration = get_scoped_or_404(VisitorRegistration.objects.select_related("site__company"), request.user,
                                     "change", pk=pk)
    try:
        customer = visitors.convert_visitor(registration=registration, by=request.actor.employee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("customers:visitors") + f"?site={registration.site_id}")
    messages.success(request, _("%(name)s is now a customer.") % {"name": customer.name})
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
def visitor_hand_up(request, pk):
    register = get_scoped_or_404(VisitorDay, request.user, pk=pk)
    actor = request.actor.employee
    if actor is None or not visitors.may_hand_up(request.user, register):
        raise Http404
    try:
        register = visitors.hand_up(register=register, by=actor, analysis=request.POST.get("analysis", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The register is now: %(status)s.") % {"status": register.get_status_display()})
    return redirect(reverse("customers:visitors") + f"?site={register.site_id}&day={register.day.isoformat()}")


@login_required
def visitor_report(request):
    company_of(request)
    today = timezone.localdate()
    start = day_from(request, "from", today - datetime.timedelta(days=today.weekday()))
    end = day_from(request, "to", today)
    registrations = VisitorRegistration.objects.restrict(request.user).filter(
        visited_at__date__gte=start, visited_at__date__lte=end)
    report = visitors.visit_report(registrations)
    return render(request, "customers/visitor_report.html", {"start": start, "end": end, **report})


@login_required
def rotation_edit(request, site_pk):
    company = company_of(request)
    site = Department.objects.filter(company=company, pk=site_pk).first()
    if site is None or not visitors.may_manage_rotation(request.user, site):
        raise Http404
    people = visitors.site_people(site)
    if request.method == "POST":
        chosen = []
        for employee in people:
            turn = request.POST.get(f"turn-{employee.pk}", "").strip()
            if turn.isdigit():
                chosen.append((int(turn), employee.name, employee))
        visitors.set_rotation(site=site, employees=[employee for _turn, _name, employee in sorted(chosen)])
        messages.success(request, _("The rotation of %(site)s is saved.") % {"site": site.name})
        return redirect(reverse("customers:visitors") + f"?site={site.pk}")
    turns = {member.employee_id: index + 1 for index, member in enumerate(visitors.rotation(site))}
    return render(request, "customers/rotation.html", {
        "site": site, "rows": [(employee, turns.get(employee.pk, "")) for employee in people]})
