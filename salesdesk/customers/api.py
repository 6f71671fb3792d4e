"""API resources of the customers module: customers, contacts, follow-ups, leads and pools under
/api/v1/. Reads go through `restrict(request.auth)`; customers, leads and follow-ups can be
created with POST through the same services as the pages (duplicate check, lead routing). Mobile
numbers are masked as on the pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from salesdesk.api.pagination import PageParams, paginate
from salesdesk.api.schemas import Day, Id, Line, Message, Ref, Text
from salesdesk.core.scope import get_scoped_or_404, scope_for

from . import selectors, services
from .models import (
    Contact,
    Customer,
    CustomerPool,
    FollowUp,
    InvoicingProfile,
    Lead,
    LeadSource,
    VisitorRegistration,
    VisitPlan,
)

WRITE_METHODS = ["PUT", "PATCH", "DELETE"]


def _refuse(request):
    from salesdesk.api.api import api

    response = api.create_response(request, {"message": _("This resource cannot be changed this way.")}, status=405)
    response["Allow"] = "GET, POST"
    return response


def _shown(request, customer, number):
    return selectors.mobile_shown(request.auth, customer, number)


# --- schemas ----------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    customer: int = Field(..., alias="customer_id")
    name: str
    title: str
    mobile: str
    phone: str
    wechat: str
    email: str
    role: str
    is_primary: bool

    @staticmethod
    def resolve_mobile(obj, context):
        return _shown(context["request"], obj.customer, obj.mobile)


class InvoicingProfileOut(Schema):
    """The customer's invoicing information (开票信息); `verified_by`/`verified_at` are empty until
    someone checked it, and again once a field changed."""

    title: str
    tax_number: str
    address: str
    phone: str
    bank: str
    account: str
    verified: bool
    verified_by: Ref | None = None
    verified_at: datetime.datetime | None

    @staticmethod
    def resolve_verified(obj):
        return obj.is_verified


class CustomerOut(Schema):
    id: int
    kind: str
    name: str
    credit_code: str
    industry: str
    country: str
    province: str
    city: str
    district: str
    address: str
    phone: str
    mobile: str
    customer_class: Ref | None = None
    level: str
    source: Ref | None = None
    owner: Ref | None = None
    pool: Ref | None = None
    department: int | None = Field(None, alias="department_id")
    is_locked: bool
    last_followup_at: datetime.datetime | None
    next_followup_on: datetime.date | None
    created_at: datetime.datetime
    invoicing: InvoicingProfileOut | None = None

    @staticmethod
    def resolve_mobile(obj, context):
        return _shown(context["request"], obj, obj.mobile)

    @staticmethod
    def resolve_invoicing(obj):
        try:
            return obj.invoicing_profile
        except InvoicingProfile.DoesNotExist:
            return None


class CustomerPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[CustomerOut]


class ContactIn(Schema):
    name: Line(64)
    title: Line(64) = ""
    mobile: Line(32) = ""
    email: Line(254) = ""
    wechat: Line(64) = ""


class CustomerIn(Schema):
    name: Line(200)
    kind: Line(8) = Customer.Kind.COMPANY
    credit_code: Line(18) = ""
    industry: Line(64) = ""
    country: Line(64) = ""
    province: Line(32) = ""
    city: Line(64) = ""
    address: Line(255) = ""
    phone: Line(32) = ""
    mobile: Line(32) = ""
    level: Line(1) = ""
    notes: Text(10_000) = ""
    contacts: list[ContactIn] = Field([], max_length=50)
    allow_similar: bool = Field(False, description="Save even if a customer with a similar name exists.")


class ContactPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[ContactOut]


class FollowUpOut(Schema):
    id: int
    customer: int | None = Field(None, alias="customer_id")
    lead: int | None = Field(None, alias="lead_id")
    owner: Ref
    method: str
    at: datetime.datetime
    content: str
    result: str
    next_followup_on: datetime.date | None
    check_in_place: str
    latitude: Decimal | None
    longitude: Decimal | None


class FollowUpPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[FollowUpOut]


class FollowUpIn(Schema):
    customer: Id | None = None
    lead: Id | None = None
    method: Line(8) = FollowUp.Method.PHONE
    content: Text(10_000)
    result: Line(200) = ""
    next_followup_on: Day | None = None
    check_in_place: Line(200) = ""


class LeadOut(Schema):
    id: int
    name: str
    company_name: str
    mobile: str
    email: str
    source: Ref | None = None
    status: str
    owner: Ref | None = None
    team: int | None = Field(None, alias="team_id")
    customer: int | None = Field(None, alias="customer_id")
    close_reason: str
    created_at: datetime.datetime


class LeadPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[LeadOut]


class LeadIn(Schema):
    name: Line(64)
    company_name: Line(200) = ""
    mobile: Line(32) = ""
    phone: Line(32) = ""
    email: Line(254) = ""
    province: Line(32) = ""
    city: Line(64) = ""
    source: Line(200) = Field("", description="Name of one of the company's lead sources.")
    needs: Text(10_000) = ""


class PoolOut(Schema):
    id: int
    name: str
    department: int | None = Field(None, alias="department_id")
    idle_days_a: int
    idle_days_b: int
    idle_days_c: int
    no_deal_days_a: int
    no_deal_days_b: int
    no_deal_days_c: int
    warn_days: int
    max_owned: int
    max_claims_per_day: int
    reclaim_wait_days: int


class PoolPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[PoolOut]


def _with_names(customer_query):
    return customer_query.select_related("customer_class", "source", "owner", "pool", "invoicing_profile__verified_by")


# --- customers --------------------------------------------------------------------------------

customers = Router(tags=["customers"])


@customers.get("/", response=CustomerPage, summary="List customers")
def list_customers(request, page: Query[PageParams], scene: str = "all", q: str = "", pool: bool = False):
    """Customers the caller may see. `scene`: all, mine, team, collaborating, due, returning;
    `q`: name, pinyin initials, mobile or credit code; `pool=true`: the customers in pools."""
    queryset = selectors.pool_customers(request.auth) if pool else selectors.customer_scene(request.auth, scene)
    queryset = selectors.keyword_filter(queryset, q)
    return paginate(_with_names(queryset).order_by("-created_at", "-pk"), page)


@customers.get("/{int:id}/", response=CustomerOut, summary="One customer")
def get_customer(request, id: int):
    return get_scoped_or_404(_with_names(Customer.objects.all()), request.auth, pk=id)


@customers.post("/", response={201: CustomerOut, 409: Message}, summary="Create a customer")
def create_customer(request, payload: CustomerIn):
    """The caller becomes the owner. A duplicate (same credit code, name or mobile) is a 409
    naming who holds it; a similar name too, unless `allow_similar` is true."""
    me = request.actor.acting_employee()
    data = payload.dict()
    contacts = data.pop("contacts")
    allow_similar = data.pop("allow_similar")
    try:
        made = services.create_customer(company=me.company, by=me, owner=me, contacts=contacts,
                                        allow_similar=allow_similar, **data)
    except services.DuplicateCustomer as error:
        raise HttpError(409, " ".join(error.messages)) from error
    return Status(201, _with_names(Customer.objects.all()).get(pk=made.pk))


@customers.api_operation(WRITE_METHODS, "/{int:id}/", auth=None, include_in_schema=False)
def customer_not_allowed(request, id: int):
    return _refuse(request)


# --- contacts ---------------------------------------------------------------------------------

contacts = Router(tags=["contacts"])


@contacts.get("/", response=ContactPage, summary="List contacts")
def list_contacts(request, page: Query[PageParams], customer: int | None = None, q: str = ""):
    queryset = Contact.objects.restrict(request.auth).select_related("customer")
    if customer is not None:
        queryset = queryset.filter(customer_id=customer)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(mobile_key=q))
    return paginate(queryset.order_by("pk"), page)


@contacts.get("/{int:id}/", response=ContactOut, summary="One contact")
def get_contact(request, id: int):
    return get_scoped_or_404(Contact.objects.select_related("customer"), request.auth, pk=id)


# --- follow-ups -------------------------------------------------------------------------------

followups = Router(tags=["follow-ups"])


@followups.get("/", response=FollowUpPage, summary="List follow-ups")
def list_followups(request, page: Query[PageParams], customer: int | None = None, lead: int | None = None,
                   owner: int | None = None, since: Day | None = None):
    queryset = FollowUp.objects.restrict(request.auth).select_related("owner")
    for name, value in (("customer_id", customer), ("lead_id", lead), ("owner_id", owner)):
        if value is not None:
            queryset = queryset.filter(**{name: value})
    if since is not None:
        queryset = queryset.filter(at__date__gte=since)
    return paginate(queryset.order_by("-at", "-pk"), page)


@followups.get("/{int:id}/", response=FollowUpOut, summary="One follow-up")
def get_followup(request, id: int):
    return get_scoped_or_404(FollowUp.objects.select_related("owner"), request.auth, pk=id)


@followups.post("/", response={201: FollowUpOut}, summary="Record a follow-up")
def create_followup(request, payload: FollowUpIn):
    me = request.actor.acting_employee()
    data = payload.dict()
    customer = lead = None
    if data.pop("customer") is not None:
        customer = get_scoped_or_404(Customer, request.auth, pk=payload.customer)
    if data.pop("lead") is not None:
        lead = get_scoped_or_404(Lead, request.auth, pk=payload.lead)
    if data["method"] not in FollowUp.Method.values:
        raise ValidationError(_("Unknown method %(method)s.") % {"method": data["method"]})
    made = services.record_followup(by=me, customer=customer, lead=lead, **data)
    return Status(201, FollowUp.objects.select_related("owner").get(pk=made.pk))


# --- leads ------------------------------------------------------------------------------------

leads = Router(tags=["leads"])


@leads.get("/", response=LeadPage, summary="List leads")
def list_leads(request, page: Query[PageParams], scene: str = "open", q: str = ""):
    """`scene`: open, mine, unassigned, converted, closed, all."""
    queryset = selectors.lead_keyword_filter(selectors.lead_scene(request.auth, scene), q)
    return paginate(queryset.select_related("owner", "source").order_by("-created_at", "-pk"), page)


@leads.get("/{int:id}/", response=LeadOut, summary="One lead")
def get_lead(request, id: int):
    return get_scoped_or_404(Lead.objects.select_related("owner", "source"), request.auth, pk=id)


@leads.post("/", response={201: LeadOut}, summary="Create a lead")
def create_lead(request, payload: LeadIn):
    """For web forms and other systems: the lead is routed like one typed in (territory, then
    the caller's team), or stays with the caller when they are a rep."""
    me = request.actor.acting_employee()
    data = payload.dict()
    source_name = data.pop("source")
    source = LeadSource.objects.filter(company=me.company, name=source_name).first() if source_name else None
    team = services.primary_department(me)
    made = services.create_lead(company=me.company, by=me, team=team, source=source, **data)
    return Status(201, Lead.objects.select_related("owner", "source").get(pk=made.pk))


@leads.api_operation(WRITE_METHODS, "/{int:id}/", auth=None, include_in_schema=False)
def lead_not_allowed(request, id: int):
    return _refuse(request)


# --- pools ------------------------------------------------------------------------------------

pools = Router(tags=["pools"])


@pools.get("/", response=PoolPage, summary="List customer pools")
def list_pools(request, page: Query[PageParams]):
    return paginate(CustomerPool.objects.restrict(request.auth).filter(is_active=True).order_by("name"), page)


@pools.get("/{int:id}/", response=PoolOut, summary="One customer pool")
def get_pool(request, id: int):
    return get_scoped_or_404(CustomerPool, request.auth, pk=id)


# --- visitor registrations --------------------------------------------------------------------


class VisitorOut(Schema):
    id: int
    site: Ref
    kind: str
    visited_at: datetime.datetime
    party_size: int
    channel: Ref | None = None
    name: str
    mobile: str
    needs: str
    intended_unit: str
    budget: Decimal | None
    receptionist: Ref
    customer: int | None = Field(None, alias="customer_id")
    is_returning: bool

    @staticmethod
    def resolve_mobile(obj, context):
        from .selectors import mask_mobile, sees_full_mobiles

        request = context["request"]
        mine = obj.receptionist_id == scope_for(request.auth).employee_id
        return obj.mobile if mine or sees_full_mobiles(request.auth) else mask_mobile(obj.mobile)


class VisitorPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[VisitorOut]


visitor_registrations = Router(tags=["visitor-registrations"])


def _visitors(request):
    return VisitorRegistration.objects.restrict(request.auth).select_related("site", "channel", "receptionist")


@visitor_registrations.get("/", response=VisitorPage, summary="List visitor registrations")
def list_visitor_registrations(request, page: Query[PageParams], site: int | None = None,
                               since: Day | None = None, until: Day | None = None):
    """Walk-ins and calls at sales sites that the caller may see (their own receptions, or their
    team's, site's or all as their scope allows); `since`/`until`: days, inclusive."""
    queryset = _visitors(request)
    if site is not None:
        queryset = queryset.filter(site_id=site)
    if since is not None:
        queryset = queryset.filter(visited_at__date__gte=since)
    if until is not None:
        queryset = queryset.filter(visited_at__date__lte=until)
    return paginate(queryset.order_by("-visited_at", "-pk"), page)


@visitor_registrations.get("/{int:id}/", response=VisitorOut, summary="One visitor registration")
def get_visitor_registration(request, id: int):
    return get_scoped_or_404(_visitors(request), request.auth, pk=id)


# --- visit plans ----------------------------------------------------------------------------


class VisitPlanOut(Schema):
    id: int
    owner: Ref
    customer: int = Field(alias="customer_id")
    planned_on: datetime.date
    purpose: str
    status: str
    followup: int | None = Field(None, alias="followup_id")


class VisitPlanPage(Schema):
    count: int
    page: int
    page_size: int
    results: list[VisitPlanOut]


class VisitPlanIn(Schema):
    customer: Id
    planned_on: Day
    purpose: Line(200) = ""


visit_plans_router = Router(tags=["visit-plans"])


@visit_plans_router.get("/", response=VisitPlanPage, summary="List visit plans")
def list_visit_plans(request, page: Query[PageParams], owner: int | None = None, since: Day | None = None,
                     until: Day | None = None, status: str | None = None):
    """Plans the caller may see (their own, their team's as their scope allows); `since`/`until`:
    planned days, inclusive."""
    queryset = VisitPlan.objects.restrict(request.auth).select_related("owner")
    for name, value in (("owner_id", owner), ("planned_on__gte", since), ("planned_on__lte", until),
                        ("status", status)):
        if value is not None:
            queryset = queryset.filter(**{name: value})
    return paginate(queryset.order_by("planned_on", "pk"), page)


@visit_plans_router.post("/", response={201: VisitPlanOut}, summary="Plan a visit")
def create_visit_plan(request, payload: VisitPlanIn):
    from .visit_plans import plan_visit

    customer = get_scoped_or_404(Customer, request.auth, pk=payload.customer)
    plan = plan_visit(by=request.actor.acting_employee(), customer=customer, planned_on=payload.planned_on, purpose=payload.purpose)
    return Status(201, VisitPlan.objects.select_related("owner").get(pk=plan.pk))


RESOURCES = {"customers": customers, "contacts": contacts, "follow-ups": followups, "leads": leads, "pools": pools,
             "visitor-registrations": visitor_registrations, "visit-plans": visit_plans_router}
