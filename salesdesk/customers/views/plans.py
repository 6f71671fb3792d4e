"""Weekly visit plans (周拜访计划): one person's week, plan against visits, and for managers the
week of each person in their scope; the customer search of the pickers."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.dates import day_from
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.org.models import Employee

from .. import selectors, visit_plans
from ..forms import VisitPlanForm
from ..models import Customer, VisitPlan
from .customers import _back, manages_customers

PICK_LIMIT = 20


@login_required
def customer_pick(request):
    """Search as you type for the customer picker: customers the user sees, at most PICK_LIMIT."""
    search = (request.GET.get("q") or "").strip()[:50]
    results = []
    if search:
        rows = (selectors.keyword_filter(selectors.customers_in_scope(request.user), search)
                .select_related("owner").order_by("name", "pk")[:PICK_LIMIT])
        results = [{"id": row.pk, "name": row.name,
                    "label": " · ".join(filter(None, [row.name, row.city, row.owner.name if row.owner else ""]))}
                   for row in rows]
    return JsonResponse({"results": results, "empty": _("No customer found")})


@login_required
def contact_options(request):
    """The <option>s of one customer's contact persons (`?customer=`), for a document form's contact
    list when its customer is chosen (htmx); only the blank option while none is chosen."""
    chosen = request.GET.get("customer", "")
    customer = get_scoped_or_404(Customer, request.user, pk=int(chosen)) if chosen.isdigit() else None
    contacts = list(customer.contacts.all()) if customer is not None else []
    return render(request, "customers/_contact_options.html", {"contacts": contacts})


def _week_url(monday: datetime.date, who: Employee | None = None, mine: bool = True) -> str:
    url = f"{reverse('customers:visit_plans')}?week={monday.isoformat()}"
    return url if mine or who is None else f"{url}&who={who.pk}"


@login_required
def week(request):
    person = request.actor.employee
    day = day_from(request, "week", timezone.localdate())
    monday = visit_plans.week_of(day)
    who = person
    if request.GET.get("who", "").isdigit():
        who = get_scoped_or_404(Employee, request.user, pk=int(request.GET["who"]))
    if who is None:
        raise Http404
    mine = person is not None and who.pk == person.pk
    plans = list(visit_plans.plans_of_week(request.user, who, monday))
    days = []
    for offset in range(7):
        date = monday + datetime.timedelta(days=offset)
        days.append({"date": date, "plans": [plan for plan in plans if plan.planned_on == date]})
    form = VisitPlanForm(user=request.user, initial={"planned_on": max(timezone.localdate(), monday)}) if mine else None
    done = sum(1 for plan in plans if plan.status == VisitPlan.Status.DONE)
    return render(request, "customers/visit_plans.html", {
        "who": who, "mine": mine, "monday": monday, "sunday": monday + datetime.timedelta(days=6), "days": days,
        "today": timezone.localdate(), "form": form, "planned": len(plans), "done": done,
        "rate": round(done * 100 / len(plans)) if plans else None,
        "previous": _week_url(monday - datetime.timedelta(days=7), who, mine),
        "next": _week_url(monday + datetime.timedelta(days=7), who, mine),
        "team": _team_page(request, monday),
    })


def _team_page(request, monday):
    """The team's week a page of people at a time (PAGE_SIZE): a director's team is the company."""
    if not manages_customers(request.user):
        return None
    rows = visit_plans.team_week(request.user, monday)
    if not rows:
        return None
    query = request.GET.copy()
    query.pop("page", None)
    page = list_page(rows, request, capped=False)  # rows already in memory: counted exactly
    page.query = query.urlencode()
    return page


@login_required
@require_POST
def plan_add(request):
    person = request.actor.employee
    if person is None:
        raise Http404
    form = VisitPlanForm(request.POST, user=request.user)
    back = _back(request, reverse("customers:visit_plans"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = visit_plans.plan_visit(by=person, customer=data["customer"], planned_on=data["planned_on"],
                                          purpose=data["purpose"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Visit to %(name)s planned for %(day)s.")
                             % {"name": plan.customer.name, "day": plan.planned_on.isoformat()})
            return redirect(_back(request, _week_url(visit_plans.week_of(plan.planned_on))))
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else error)
    return redirect(back)


@login_required
@require_POST
def plan_cancel(request, pk):
    plan = get_scoped_or_404(VisitPlan, request.user, pk=pk)
    person = request.actor.employee
    if person is None:
        raise Http404
    try:
        visit_plans.cancel_plan(plan=plan, by=person)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Plan cancelled."))
    return redirect(_back(request, _week_url(visit_plans.week_of(plan.planned_on))))
