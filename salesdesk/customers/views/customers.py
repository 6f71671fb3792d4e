"""Customer pages: the list with scenes and batch actions, the customer file with its timeline,
follow-ups, the pool, and the duplicate check. Thin: reads in `selectors`, writes in `services`,
every record fetched through the data scope (`restrict` / `get_scoped_or_404`)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from salesdesk.core.dates import EARLIEST, LATEST, day_from, days_from
from salesdesk.core.paging import list_page
from salesdesk.core.scope import ScopeLevel, get_scoped_or_404, scope_for
from salesdesk.org.access import current_company
from salesdesk.org.models import Company, Employee
from salesdesk.org.versions import is_org_admin

from .. import registry, scenes, selectors, services
from ..forms import (
    BatchForm,
    ContactForm,
    CustomerFilterForm,
    CustomerForm,
    FirstContactForm,
    FollowUpForm,
    ReasonForm,
    TransferForm,
)
from ..models import Customer, CustomerPool


def company_of(request, *, with_defaults: bool = False) -> Company:
    """The company the user works for. Pages that create records ask `with_defaults` so that the
    company has its default classes, sources and pool before the first one."""
    scope = scope_for(request.user)
    if scope.company_id is not None:
        # Lists only need the id (for filtering); pages that show the company load it themselves.
        company = Company(pk=scope.company_id) if not with_defaults else Company.objects.get(pk=scope.company_id)
    else:
        company = current_company(request)  # a system administrator without an employee record
    if company is None:
        raise Http404
    if with_defaults:
        services.ensure_defaults(company=company)
    return company


def manages_customers(user) -> bool:
    """More than own records in the customers module: may transfer and assign."""
    scope = scope_for(user)
    return scope.is_admin or any(position.scope_level("customers", writing=True) != ScopeLevel.SELF for position in scope.positions)


def _back(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


# --- list -------------------------------------------------------------------------------------


def _filtered_customers(request, company):
    return filtered_customers(request.user, company, request.GET)


def customers_for_query(user, company, query):
    """The customers the list shows for this query string (the export job rebuilds the list with it)."""
    return filtered_customers(user, company, query)[2]


def filtered_customers(user, company, query):
    form = CustomerFilterForm(query or None, company=company, by_owner=manages_customers(user))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    scene = data.get("scene") or "all"
    queryset = selectors.customer_scene(user, scene)
    queryset = selectors.keyword_filter(queryset, data.get("q", ""))
    for name in ("customer_class", "source", "owner"):
        if data.get(name):
            queryset = queryset.filter(**{name: data[name]})
    if data.get("level"):
        queryset = queryset.filter(level=data["level"])
    if data.get("tag"):
        queryset = queryset.filter(tags__name=data["tag"].strip())
    sort = data.get("sort") or "-created_at"
    return form, scene, queryset.order_by(sort, "-pk")


@login_required
def customer_list(request):
    company = company_of(request)
    form, scene, queryset = _filtered_customers(request, company)
    page = list_page(queryset.select_related("owner", "customer_class"), request)
    for customer in page:
        customer.mobile_shown = selectors.mobile_shown(request.user, customer, customer.mobile)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "scene": scene, "scenes": selectors.CUSTOMER_SCENES,
               "query": query.urlencode(), "manages": manages_customers(request.user),
               "classes": form.lists["customer_class"], "batch_owner": BatchForm(company=company)["owner"],
               "full_path": request.get_full_path(), **saved_scenes_context(request, "customers"),
               "configures": is_org_admin(request.user)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "customers/_customer_table.html", context)
    return render(request, "customers/customer_list.html", context)


@login_required
def customer_export(request):
    """The whole list as filtered, as .xlsx: at once up to SALESDESK["EXPORT_JOB_ABOVE"] customers,
    beyond that as a background job whose page offers the file when it is ready."""
    from salesdesk.jobs.services import start_job

    from ..exports import export_customers
    from ..jobs import EXPORT, export_key

    company = company_of(request)
    _form, _scene, queryset = _filtered_customers(request, company)
    limit = settings.SALESDESK["EXPORT_JOB_ABOVE"]
    if queryset[:limit + 1].count() <= limit:
        return export_customers(request, queryset)
    actor = request.actor.employee
    if actor is None:
        raise Http404
    query = request.GET.urlencode()
    job, _started = start_job(kind=EXPORT, company=company, started_by=actor, params={"query": query},
                              dedupe_key=export_key(actor, query), url=reverse("customers:list") + "?" + query)
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def customer_batch(request):
    company = company_of(request)
    form = BatchForm(request.POST, company=company)
    back = _back(request, reverse("customers:list"))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    action = data["action"]
    if action == "export":
        from ..exports import export_customers

        return export_customers(request, selectors.owned_customers(request.user).filter(pk__in=data["ids"]))
    customers = list(Customer.objects.restrict(request.user, "change").filter(pk__in=data["ids"]))
    if not customers:
        messages.error(request, _("None of the selected customers may be changed by you."))
        return redirect(back)
    actor = request.actor.employee
    try:
        if action == "transfer":
            if not manages_customers(request.user):
                raise ValidationError(_("Only managers transfer customers."))
            if data.get("owner") is None:
                raise ValidationError(_("Choose the new owner."))
            count = services.transfer_customers(customers=customers, to_owner=data["owner"], by=actor,
                                                reason=data.get("reason", ""))
            messages.success(request, _("%(count)d customers transferred to %(name)s.")
                             % {"count": count, "name": data["owner"].name})
        elif action == "release":
            count = services.release_to_pool(customers=customers, by=actor, reason=data.get("reason", ""))
            messages.success(request, _("%(count)d customers put into the pool.") % {"count": count})
        elif action == "class":
            if data.get("customer_class") is None:
                raise ValidationError(_("Choose the class."))
            for customer in customers:
                services.update_customer(customer=customer, by=actor, customer_class=data["customer_class"])
            messages.success(request, _("%(count)d customers changed.") % {"count": len(customers)})
        elif action == "tag":
            if not data.get("tag"):
                raise ValidationError(_("Type the tag to add."))
            tag = services._tags(company, [data["tag"]])[0]
            for customer in customers:
                customer.tags.add(tag)
            messages.success(request, _("%(count)d customers tagged %(tag)s.") % {"count": len(customers),
                                                                                  "tag": tag.name})
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(back)


# --- create, edit, detail ----------------------------------------------------------------------


@login_required
def customer_create(request):
    company = company_of(request, with_defaults=True)
    form = CustomerForm(request.POST or None, company=company)
    contact_form = FirstContactForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid() and contact_form.is_valid():
        contact = contact_form.contact()
        try:
            customer = services.create_customer(
                company=company, by=request.actor.employee, owner=request.actor.employee, contacts=[contact] if contact else [],
                tags=form.cleaned_data["tags"], allow_similar=form.cleaned_data["allow_similar"],
                **form.customer_fields())
        except services.DuplicateCustomer as error:
            duplicates = error.duplicates
            form.add_error(None, error.messages)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "customers/customer_form.html", {
        "form": form, "contact_form": contact_form, "duplicates": duplicates, "heading": _("New customer"),
        "similar_only": duplicates and not any(duplicate.blocks for duplicate in duplicates)}, status=status)


@login_required
def customer_edit(request, pk):
    customer = get_scoped_or_404(Customer.objects.select_related("company"), request.user, "change", pk=pk)
    initial = {name: getattr(customer, name) for name in services.CUSTOMER_FIELDS if hasattr(customer, name)}
    initial["tags"] = ", ".join(customer.tags.values_list("name", flat=True))
    form = CustomerForm(request.POST or None, company=customer.company, initial=initial)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(customer=customer, by=request.actor.employee, tags=form.cleaned_data["tags"],
                                     allow_similar=form.cleaned_data["allow_similar"], **form.customer_fields())
        except services.DuplicateCustomer as error:
            duplicates = error.duplicates
            form.add_error(None, error.messages)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {
        "form": form, "customer": customer, "duplicates": duplicates,
        "heading": _("Edit %(name)s") % {"name": customer.name},
        "similar_only": duplicates and not any(duplicate.blocks for duplicate in duplicates)},
        status=400 if request.method == "POST" else 200)


def _render_detail(request, customer, *, followup_form=None, contact_form=None, status=200):
    user = request.user
    can_change = Customer.objects.restrict(user, "change").filter(pk=customer.pk).exists()
    contacts = list(customer.contacts.all())
    for contact in contacts:
        contact.mobile_shown = selectors.mobile_shown(user, customer, contact.mobile)
    from django.contrib.contenttypes.models import ContentType

    from salesdesk.core.models import Collaborator

    company = Company(pk=customer.company_id)  # only its id is needed: no query for the company row
    duplicates = services.find_duplicates(company=company, name=customer.name,
                                          credit_code=customer.credit_code, mobiles=[customer.mobile],
                                          exclude_ids=[customer.pk])
    collaborators = Collaborator.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                                object_id=customer.pk).select_related("employee")
    return render(request, "customers/customer_detail.html", {
        "customer": customer,
        "mobile_shown": selectors.mobile_shown(user, customer, customer.mobile),
        "contacts": contacts,
        "collaborators": collaborators,
        **_timeline_page(customer, user),
        # What sales, finance … show of the business done with the customer, within the viewer's scope.
        "business": registry.sections_for(request, customer, user),
        "can_change": can_change,
        "manages": manages_customers(user),
        "claim_refusal": services.claim_refusal(customer=customer, by=request.actor.employee) if customer.owner_id is None
        and request.actor.employee else "",
        "followup_form": followup_form or FollowUpForm(customer=customer, contacts=contacts),
        "contact_form": contact_form or ContactForm(),
        "transfer_form": TransferForm(company=company),
        "reason_form": ReasonForm(),
        "duplicates": duplicates,
        "mergeable": set(Customer.objects.restrict(user, "change").filter(
            pk__in=[duplicate.customer_id for duplicate in duplicates]).values_list("pk", flat=True))
        if can_change else set(),
    }, status=status)


# --- saved scenes ---------------------------------------------------------------------------


def saved_scenes_context(request, list_name: str) -> dict:
    return {"saved_scenes": scenes.scenes_of(request.actor.employee, list_name), "view": request.GET.get("view", "")}


def _list_url(list_name: str) -> str:
    return reverse("customers:leads" if list_name == "leads" else "customers:list")


@login_required
@require_POST
def scene_save(request):
    list_name = request.POST.get("list", "customers")
    person = request.actor.employee
    back = _list_url(list_name)
    if person is None or list_name not in scenes.KEYS:
        raise Http404
    try:
        scene = scenes.save_scene(employee=person, list_name=list_name, name=request.POST.get("name", ""),
                                  query=request.POST.get("query", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(f"{back}?{scenes.clean_query(list_name, request.POST.get('query', ''))}")
    messages.success(request, _("Scene %(name)s saved.") % {"name": scene["name"]})
    return redirect(f"{back}?{scene['query']}&view={scene['id']}")


@login_required
@require_POST
def scene_delete(request, scene_id):
    list_name = request.POST.get("list", "customers")
    person = request.actor.employee
    if person is None or list_name not in scenes.KEYS:
        raise Http404
    if scenes.delete_scene(employee=person, list_name=list_name, scene_id=scene_id):
        messages.success(request, _("Scene deleted."))
    return redirect(_list_url(list_name))


# --- customer page ------------------------------------------------------------------------------


def _timeline_page(customer, user, before=None) -> dict:
    timeline = selectors.customer_timeline(customer, user, before=before)
    more = timeline[-1].at.isoformat() if len(timeline) == selectors.TIMELINE_PAGE else ""
    return {"timeline": timeline, "timeline_more": more}


@login_required
def customer_timeline(request, pk):
    """The next, older entries of a customer's timeline (the "older entries" button)."""
    from django.utils.dateparse import parse_datetime

    customer = _customer(request, pk)
    try:
        before = parse_datetime(request.GET.get("before", ""))
    except ValueError:
        before = None
    if before is None or not EARLIEST <= before.date() <= LATEST:
        return HttpResponseBadRequest(_("Which entries? The link is incomplete."))
    return render(request, "customers/_timeline.html",
                  {"customer": customer, **_timeline_page(customer, request.user, before)})


def _customer(request, pk, action="view"):
    # The relations the pages show; each more join costs PostgreSQL planning time on every view.
    return get_scoped_or_404(Customer.objects.select_related("owner", "pool", "customer_class", "source", "department"),
                             request.user, action, pk=pk)


@login_required
def customer_detail(request, pk):
    return _render_detail(request, _customer(request, pk))


@login_required
@require_POST
def followup_add(request, pk):
    customer = _customer(request, pk)
    form = FollowUpForm(request.POST, customer=customer)
    actor = request.actor.employee
    if actor is None:
        raise Http404
    if form.is_valid():
        try:
            services.record_followup(by=actor, customer=customer, **form.followup_fields())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect("customers:detail", pk=customer.pk)
    return _render_detail(request, customer, followup_form=form, status=400)


@login_required
@require_POST
def contact_add(request, pk):
    customer = _customer(request, pk, "change")
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.add_contact(customer=customer, **{k: v or "" if k != "is_primary" else v
                                                       for k, v in form.cleaned_data.items()})
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", pk=customer.pk)
    return _render_detail(request, customer, contact_form=form, status=400)


@login_required
@require_POST
def customer_claim(request, pk):
    customer = _customer(request, pk)
    actor = request.actor.employee
    if actor is None:
        raise Http404
    try:
        services.claim(customer=customer, by=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is now your customer.") % {"name": customer.name})
    return redirect(_back(request, reverse("customers:detail", args=[customer.pk])))


@login_required
@require_POST
def pool_claim(request):
    """Claim the customers ticked on the pool page; the rep stays on the page."""
    actor = request.actor.employee
    if actor is None:
        raise Http404
    back = _back(request, reverse("customers:pool"))
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    chosen = list(selectors.pool_customers(request.user).filter(pk__in=ids).order_by("pk"))
    if not chosen:
        messages.error(request, _("Tick the customers to claim first."))
        return redirect(back)
    claimed, refused = services.claim_many(customers=chosen, by=actor)
    if claimed:
        messages.success(request, ngettext("%(count)d customer claimed.", "%(count)d customers claimed.",
                                           len(claimed)) % {"count": len(claimed)})
    for customer, reason in refused:
        messages.error(request, _("%(name)s: %(reason)s") % {"name": customer.name, "reason": reason})
    return redirect(back)


@login_required
@require_POST
def customer_release(request, pk):
    customer = _customer(request, pk, "change")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the customer goes back to the pool."))
        return redirect("customers:detail", pk=customer.pk)
    services.release_to_pool(customers=[customer], by=request.actor.employee, reason=form.cleaned_data["reason"])
    messages.success(request, _("%(name)s is back in the pool.") % {"name": customer.name})
    return redirect("customers:list")


@login_required
@require_POST
def customer_transfer(request, pk):
    customer = _customer(request, pk, "change")
    if not manages_customers(request.user):
        messages.error(request, _("Only managers transfer customers."))
        return redirect("customers:detail", pk=customer.pk)
    form = TransferForm(request.POST, company=customer.company)
    if form.is_valid():
        try:
            services.transfer_customers(customers=[customer], to_owner=form.cleaned_data["owner"], by=request.actor.employee,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(customer)s now belongs to %(name)s.")
                             % {"customer": customer.name, "name": form.cleaned_data["owner"].name})
    else:
        messages.error(request, _("Choose the new owner."))
    return redirect("customers:detail", pk=customer.pk)


# --- duplicate check ----------------------------------------------------------------------------


@login_required
def duplicate_check(request):
    """The 查重 dialog: answers by name, mobile or credit code across the whole company, saying
    only that a customer exists, who holds it and when it was last followed up."""
    company = company_of(request)
    q = (request.GET.get("q") or "").strip()
    name, mobile, code = request.GET.get("name", ""), request.GET.get("mobile", ""), request.GET.get("credit_code", "")
    if q:
        name = name or q
        mobile = mobile or q
        code = code or q
    duplicates = []
    if name.strip() or mobile.strip() or code.strip():
        duplicates = services.find_duplicates(company=company, name=name, credit_code=code, mobiles=[mobile])
    visible = set(Customer.objects.restrict(request.user).filter(
        pk__in=[duplicate.customer_id for duplicate in duplicates]).values_list("pk", flat=True))
    template = "customers/_duplicates.html" if request.htmx else "customers/duplicate_check.html"
    return render(request, template, {"duplicates": duplicates, "visible": visible, "q": q,
                                      "asked": bool(name.strip() or mobile.strip() or code.strip())})


# --- pool ---------------------------------------------------------------------------------------


@login_required
def pool(request):
    company = company_of(request)
    pools = list(CustomerPool.objects.restrict(request.user).filter(is_active=True))
    chosen = None
    if request.GET.get("pool", "").isdigit():
        chosen = next((p for p in pools if p.pk == int(request.GET["pool"])), None)
    queryset = selectors.pool_customers(request.user, chosen)
    queryset = selectors.keyword_filter(queryset, request.GET.get("q", ""))
    page = list_page(queryset.select_related("pool", "customer_class").order_by("-pk"), request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "customers/pool.html", {
        "company": company, "pools": pools, "chosen": chosen, "page": page, "q": request.GET.get("q", ""),
        "query": query.urlencode(), "can_claim": request.actor.employee is not None})


# --- handover -----------------------------------------------------------------------------------


@login_required
def handover(request, employee_pk):
    """Move everything a person owns here to a colleague (before or after they leave)."""
    company = company_of(request)
    employee = Employee.objects.filter(company=company, pk=employee_pk).first()
    customers = Customer.objects.restrict(request.user, "change").filter(owner=employee) if employee else None
    if employee is None or not manages_customers(request.user):
        raise Http404
    from ..models import Lead

    leads = Lead.objects.restrict(request.user, "change").filter(
        owner=employee, status__in=[Lead.Status.NEW, Lead.Status.FOLLOWING])
    form = TransferForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.hand_over(employee=employee, to_owner=form.cleaned_data["owner"], by=request.actor.employee,
                                       customers=customers, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("%(customers)d customers and %(leads)d leads handed over to %(name)s.")
                             % {**moved, "name": form.cleaned_data["owner"].name})
            return redirect("customers:handover", employee_pk=employee.pk)
    return render(request, "customers/handover.html", {
        "employee": employee, "form": form, "customer_count": customers.count(), "lead_count": leads.count(),
        "customers": customers.select_related("customer_class")[:20]}, status=400 if form.errors else 200)


@login_required
@require_POST
def customer_merge(request, pk):
    """Fold another customer (a duplicate) into this one; both must be the user's to change."""
    keep = _customer(request, pk, "change")
    other_pk = request.POST.get("merge", "")
    other = Customer.objects.restrict(request.user, "change").filter(pk=int(other_pk)).first() \
        if other_pk.isdigit() else None
    if other is None:
        messages.error(request, _("Choose a customer of yours to merge into this one."))
        return redirect("customers:detail", pk=keep.pk)
    try:
        services.merge_customers(keep=keep, merge=other, by=request.actor.employee)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(other)s merged into %(name)s.") % {"other": other.name, "name": keep.name})
    return redirect("customers:detail", pk=keep.pk)


# --- analytics ----------------------------------------------------------------------------------


@login_required
def analytics(request):
    from .. import analytics as figures

    company_of(request)
    today = timezone.localdate()
    six_months_back = today.replace(day=1)
    for _month in range(5):
        six_months_back = (six_months_back - datetime.timedelta(days=1)).replace(day=1)
    start = day_from(request, "from", six_months_back)
    end = day_from(request, "to", today)
    unit = "week" if request.GET.get("unit") == "week" else "month"
    days = days_from(request, "days", 30)
    period = figures.Period(start=start, end=end, unit=unit)
    dimension = request.GET.get("by") if request.GET.get("by") in figures.DIMENSIONS else "customer_class"
    by_dimension = figures.counts_by(request.user, dimension)
    forgotten = figures.forgotten(request.user, days)
    context = {
        "period": period, "days": days, "dimension": dimension, "dimensions": figures.DIMENSIONS,
        "by_dimension": by_dimension, "by_level": figures.counts_by(request.user, "level"),
        "new_customers": figures.new_customers(request.user, period),
        "activity": figures.activity_per_person(request.user, period),
        "funnel": figures.funnel(request.user, period),
        "forgotten_count": forgotten.count(), "forgotten": forgotten[:20],
    }
    context["chart_data"] = {
        "dimension": {"labels": [label for label, _n in by_dimension], "values": [n for _label, n in by_dimension]},
        "new": {"labels": [label for label, _n in context["new_customers"]],
                "values": [n for _label, n in context["new_customers"]]},
        "funnel": [{"name": str(step["label"]), "value": step["count"]} for step in context["funnel"]],
    }
    return render(request, "customers/analytics.html", context)
