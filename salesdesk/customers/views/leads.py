"""Lead pages: list with scenes, create (routed to a rep automatically), detail with follow-ups,
assign, convert into a customer in one step (with the duplicate check), close with a reason."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404

from .. import selectors, services
from ..forms import AssignLeadForm, CustomerForm, FollowUpForm, LeadFilterForm, LeadForm, ReasonForm
from ..models import Customer, Lead
from .customers import company_of, manages_customers, saved_scenes_context


@login_required
def lead_list(request):
    company_of(request)
    form = LeadFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scene = data.get("scene") or "open"
    queryset = selectors.lead_keyword_filter(selectors.lead_scene(request.user, scene), data.get("q", ""))
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    page = list_page(queryset.select_related("owner", "source", "team").order_by("-created_at", "-pk"), request)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "scene": scene, "scenes": selectors.LEAD_SCENES, "query": query.urlencode(),
               **saved_scenes_context(request, "leads")}
    if request.htmx and not request.htmx.boosted:
        return render(request, "customers/_lead_table.html", context)
    return render(request, "customers/lead_list.html", context)


@login_required
def lead_create(request):
    company = company_of(request, with_defaults=True)
    form = LeadForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        actor = request.actor.employee
        data = {key: value if value is not None else "" for key, value in form.cleaned_data.items()}
        data["source"] = form.cleaned_data.get("source")
        # A rep's own lead stays theirs; a manager's is routed to a rep of their department.
        owner = actor if actor is not None and not manages_customers(request.user) else None
        team = services.primary_department(actor) if actor is not None and owner is None else None
        try:
            lead = services.create_lead(company=company, by=actor, owner=owner, team=team, **data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if lead.owner is not None:
                messages.success(request, _("Lead saved and given to %(name)s.") % {"name": lead.owner.name})
            else:
                messages.success(request, _("Lead saved; it waits for a rep to be assigned."))
            return redirect("customers:lead", pk=lead.pk)
    return render(request, "customers/lead_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _lead(request, pk, action="view"):
    return get_scoped_or_404(Lead.objects.select_related("owner", "source", "team", "customer", "company"),
                             request.user, action, pk=pk)


def _render_lead(request, lead, *, followup_form=None, convert_form=None, duplicates=(), status=200):
    return render(request, "customers/lead_detail.html", {
        "lead": lead,
        "followups": lead.followups.select_related("owner").order_by("-at"),
        "followup_form": followup_form or FollowUpForm(),
        "assign_form": AssignLeadForm(company=lead.company),
        "reason_form": ReasonForm(),
        "convert_form": convert_form,
        "duplicates": duplicates,
        "open": lead.status in (Lead.Status.NEW, Lead.Status.FOLLOWING),
        "can_change": Lead.objects.restrict(request.user, "change").filter(pk=lead.pk).exists(),
        "manages": manages_customers(request.user),
    }, status=status)


@login_required
def lead_detail(request, pk):
    return _render_lead(request, _lead(request, pk))


@login_required
@require_POST
def lead_followup(request, pk):
    lead = _lead(request, pk)
    actor = request.actor.employee
    if actor is None:
        raise Http404
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.record_followup(by=actor, lead=lead, **form.followup_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("customers:lead", pk=lead.pk)
    return _render_lead(request, lead, followup_form=form, status=400)


@login_required
@require_POST
def lead_assign(request, pk):
    lead = _lead(request, pk, "change")
    form = AssignLeadForm(request.POST, company=lead.company)
    if not manages_customers(request.user):
        messages.error(request, _("Only managers assign leads."))
    elif form.is_valid():
        try:
            services.assign_lead(lead=lead, to_owner=form.cleaned_data["owner"], by=request.actor.employee)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Lead given to %(name)s.") % {"name": form.cleaned_data["owner"].name})
    else:
        messages.error(request, _("Choose the rep."))
    return redirect("customers:lead", pk=lead.pk)


@login_required
@require_POST
def lead_close(request, pk):
    lead = _lead(request, pk, "change")
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.close_lead(lead=lead, by=request.actor.employee, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Lead closed."))
    else:
        messages.error(request, _("Say why the lead is closed."))
    return redirect("customers:lead", pk=lead.pk)


@login_required
def lead_convert(request, pk):
    lead = _lead(request, pk, "change")
    initial = {"name": lead.company_name or lead.name, "source": lead.source_id,
               "kind": Customer.Kind.COMPANY if lead.company_name else Customer.Kind.PERSON,
               "country": lead.country, "province": lead.province, "city": lead.city, "address": lead.address,
               "mobile": "" if lead.company_name else lead.mobile, "notes": lead.needs}
    form = CustomerForm(request.POST or None, company=lead.company, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        actor = request.actor.employee
        if actor is None:
            raise Http404
        fields = form.customer_fields()
        existing = None
        if request.POST.get("existing", "").isdigit():
            existing = Customer.objects.restrict(request.user, "change").filter(pk=request.POST["existing"]).first()
            if existing is None:
                raise Http404
        try:
            customer = services.convert_lead(lead=lead, by=actor, existing=existing,
                                             allow_similar=form.cleaned_data["allow_similar"], **fields)
        except services.DuplicateCustomer as error:
            duplicates = error.duplicates
            form.add_error(None, error.messages)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Lead converted into customer %(name)s.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    visible = set(Customer.objects.restrict(request.user, "change").filter(
        pk__in=[duplicate.customer_id for duplicate in duplicates]).values_list("pk", flat=True))
    return render(request, "customers/lead_convert.html", {
        "lead": lead, "form": form, "duplicates": duplicates, "visible": visible,
        "similar_only": duplicates and not any(duplicate.blocks for duplicate in duplicates)},
        status=400 if request.method == "POST" else 200)
