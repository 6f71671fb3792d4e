"""Writes for the customers module: keyword-only, each inside one transaction.

Ownership changes (create, transfer, release, claim, recycle, merge) all go through `_set_owner`,
which keeps `owner`, `owned_since`, `department` and `pool` consistent and writes the ownership
history. The duplicate check (查重) runs on create, edit, lead conversion and import.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesdesk.org.models import Company, Department, Employee

from . import matching
from .models import (
    Contact,
    Customer,
    CustomerClass,
    CustomerPool,
    FollowUp,
    InvoicingProfile,
    Lead,
    LeadSource,
    OwnershipChange,
    Tag,
)

DEFAULT_CLASSES = [
    (gettext_lazy("Prospect"), CustomerClass.Stage.PROSPECT),
    (gettext_lazy("Interested"), CustomerClass.Stage.INTERESTED),
    (gettext_lazy("Key"), CustomerClass.Stage.KEY),
    (gettext_lazy("Deal"), CustomerClass.Stage.DEAL),
    (gettext_lazy("Lost"), CustomerClass.Stage.LOST),
]
DEFAULT_SOURCES = [
    gettext_lazy("Trade fair"), gettext_lazy("Website and online ads"), gettext_lazy("Alibaba / Baidu message"),
    gettext_lazy("Phone call"), gettext_lazy("Referral"), gettext_lazy("Walk-in"), gettext_lazy("Foreign trade enquiry"),
]

CUSTOMER_FIELDS = {
    "kind", "name", "credit_code", "industry", "size", "country", "province", "city", "district", "address",
    "postal_code", "phone", "mobile", "intended_unit", "budget", "source", "customer_class", "level", "channel",
    "territory", "notes", "is_locked", "next_followup_on",
}
CONTACT_FIELDS = {"name", "title", "mobile", "phone", "wechat", "email", "role", "is_primary", "notes"}


# --- reference data ---------------------------------------------------------------------------


@transaction.atomic
def ensure_defaults(*, company: Company) -> None:
    """Give a company the default classes, sources and a company-wide pool, once, named in the
    site's language (they are the company's data from then on, renamed at will)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        _create_defaults(company)


def _create_defaults(company: Company) -> None:
    if not CustomerClass.objects.filter(company=company).exists():
        for order, (name, stage) in enumerate(DEFAULT_CLASSES):
            CustomerClass.objects.create(company=company, name=str(name), stage=stage, sort_order=order)
    if not LeadSource.objects.filter(company=company).exists():
        for order, name in enumerate(DEFAULT_SOURCES):
            LeadSource.objects.create(company=company, name=str(name), sort_order=order)
    if not CustomerPool.objects.filter(company=company, department__isnull=True).exists():
        CustomerPool.objects.create(company=company, name=_("Company pool"))


def pool_for(employee: Employee | None, company: Company) -> CustomerPool:
    """The pool a customer of `employee` falls back to: that of the nearest department up from
    their primary position that has one, else the company pool."""
    if employee is not None:
        department = primary_department(employee)
        if department is not None:
            ids = [int(part) for part in department.path.split("/") if part]
            pools = {pool.department_id: pool for pool in
                     CustomerPool.objects.filter(company=company, is_active=True, department_id__in=ids)}
            for department_id in reversed(ids):
                if department_id in pools:
                    return pools[department_id]
    pool = CustomerPool.objects.filter(company=company, is_active=True, department__isnull=True).first()
    if pool is None:
        ensure_defaults(company=company)
        pool = CustomerPool.objects.get(company=company, department__isnull=True)
    return pool


def primary_department(employee: Employee) -> Department | None:
    assignment = (employee.assignments.filter(ended_on__isnull=True).select_related("position__department")
                  .order_by("-is_primary", "id").first())
    return assignment.position.department if assignment else None


# --- duplicate check --------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """What the duplicate check may say about a customer the user perhaps cannot see."""

    customer_id: int
    name: str
    owner_name: str  # "" while in a pool
    pool_name: str
    last_followup_at: datetime.datetime | None
    reason: str  # credit_code | name | mobile | similar_name

    @property
    def blocks(self) -> bool:
        return self.reason != "similar_name"

    def describe(self) -> str:
        holder = self.owner_name or (_("pool %(pool)s") % {"pool": self.pool_name})
        reasons = {"credit_code": _("same credit code"), "name": _("same name"), "mobile": _("same mobile"),
                   "similar_name": _("similar name")}
        return _("%(name)s (%(reason)s), owned by %(holder)s") % {
            "name": self.name, "reason": reasons[self.reason], "holder": holder}


def find_duplicates(*, company: Company, name: str = "", credit_code: str = "", mobiles=(),
                    exclude_ids=(), similar: bool = True, limit: int = 10) -> list[Duplicate]:
    """Customers of the company that look like the given one, whoever owns them (the check
    must see across scopes; it only tells that a duplicate exists and who holds it)."""
    found: dict[int, str] = {}
    base = Customer.objects.filter(company=company).exclude(pk__in=list(exclude_ids)).order_by()
    code = matching.normalise_credit_code(credit_code)
    if code:
        for pk in base.filter(credit_code=code).values_list("pk", flat=True)[:limit]:
            found.setdefault(pk, "credit_code")
    key = matching.name_key(name)
    if key:
        for pk in base.filter(name_key=key).values_list("pk", flat=True)[:limit]:
            found.setdefault(pk, "name")
    keys = [k for k in (matching.mobile_key(number) for number in mobiles) if len(k) >= 7]
    if keys:
        # Two indexed lookups: an OR across the customer and its contacts would join every contact.
        by_contact = Contact.objects.filter(mobile_key__in=keys, customer__company=company).exclude(
            customer_id__in=list(exclude_ids)).order_by().values_list("customer_id", flat=True)
        for pk in [*base.filter(mobile_key__in=keys).values_list("pk", flat=True)[:limit], *by_contact[:limit]]:
            found.setdefault(pk, "mobile")
    if similar and len(key) >= 2:
        # Candidates share the first two characters of the key (an indexed prefix scan), then
        # rapidfuzz decides; enough for names typed slightly differently.
        candidates = base.filter(name_key__startswith=key[:2]).exclude(pk__in=list(found)).values_list(
            "pk", "name_key")[:500]
        for pk, other in candidates:
            if matching.similarity(key, other) >= matching.SIMILAR_NAME_SCORE:
                found.setdefault(pk, "similar_name")
    if not found:
        return []
    rows = (Customer.objects.filter(pk__in=list(found)[:limit]).select_related("owner", "pool")
            .only("pk", "name", "owner__name", "pool__name", "last_followup_at"))
    order = {"credit_code": 0, "name": 1, "mobile": 2, "similar_name": 3}
    result = [Duplicate(customer_id=row.pk, name=row.name, owner_name=row.owner.name if row.owner else "",
                        pool_name=row.pool.name if row.pool else "", last_followup_at=row.last_followup_at,
                        reason=found[row.pk]) for row in rows]
    return sorted(result, key=lambda duplicate: (order[duplicate.reason], duplicate.customer_id))


class DuplicateCustomer(ValidationError):
    """Raised when a customer would duplicate another; `duplicates` says which."""

    def __init__(self, duplicates: list[Duplicate]):
        self.duplicates = duplicates
        super().__init__([_("This customer may already exist: %(what)s.") % {"what": duplicate.describe()}
                          for duplicate in duplicates])


def _check_duplicates(*, company, name, credit_code, mobiles, exclude_ids=(), allow_similar=False) -> None:
    duplicates = find_duplicates(company=company, name=name, credit_code=credit_code, mobiles=mobiles,
                                 exclude_ids=exclude_ids)
    if not allow_similar:
        blocking = duplicates
    else:
        blocking = [duplicate for duplicate in duplicates if duplicate.blocks]
    if blocking:
        raise DuplicateCustomer(blocking)


# --- customers --------------------------------------------------------------------------------


def _keys(customer: Customer) -> None:
    customer.name = customer.name.strip()
    customer.name_key = matching.name_key(customer.name)
    customer.initials = matching.initials(customer.name)[:200]
    customer.credit_code = matching.normalise_credit_code(customer.credit_code)
    customer.mobile_key = matching.mobile_key(customer.mobile)


def _record_ownership(customer, kind, *, from_owner=None, to_owner=None, pool=None, reason="", by=None, at=None):
    return OwnershipChange.objects.create(customer=customer, kind=kind, from_owner=from_owner, to_owner=to_owner,
                                          pool=pool, reason=reason, by=by, at=at or timezone.now())


def _set_owner(customer: Customer, owner: Employee | None, *, kind: str, by: Employee | None, reason: str = "",
               pool: CustomerPool | None = None, at=None) -> None:
    previous = customer.owner
    now = at or timezone.now()
    customer.owner = owner
    if owner is not None:
        customer.pool = None
        customer.owned_since = now
        customer.department = primary_department(owner)
    else:
        customer.pool = pool or pool_for(previous, customer.company)
        customer.owned_since = None
    customer.pool_warned_on = None
    customer.save()
    _record_ownership(customer, kind, from_owner=previous, to_owner=owner, pool=customer.pool if owner is None else None,
                      reason=reason, by=by, at=now)


@transaction.atomic
def create_customer(*, company: Company, by: Employee | None, owner: Employee | None = None,
                    contacts: list[dict] = (), tags=(), allow_similar: bool = False, check_duplicates: bool = True,
                    pool: CustomerPool | None = None, created_at=None, **fields) -> Customer:
    """A new customer owned by `owner` (or put into `pool` when owner is None), with its contacts.
    Exact duplicates are refused; similar names too unless `allow_similar`."""
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    if owner is not None and owner.company_id != company.pk:
        raise ValidationError(_("The owner works for another company."))
    customer = Customer(company=company, created_by=by, created_at=created_at or timezone.now(), **fields)
    _keys(customer)
    customer.full_clean(exclude=["owner", "pool", "department", "created_by"])
    if check_duplicates:
        mobiles = [customer.mobile] + [contact.get("mobile", "") for contact in contacts]
        _check_duplicates(company=company, name=customer.name, credit_code=customer.credit_code, mobiles=mobiles,
                          allow_similar=allow_similar)
    if owner is not None:
        customer.owner = owner
        customer.owned_since = customer.created_at
        customer.department = primary_department(owner)
    else:
        customer.pool = pool or pool_for(by, company)
    customer.save()
    for contact in contacts:
        add_contact(customer=customer, **contact)
    if tags:
        customer.tags.set(_tags(company, tags))
    _record_ownership(customer, OwnershipChange.Kind.CREATED, to_owner=owner, pool=customer.pool, by=by,
                      at=customer.created_at)
    return customer


def _tags(company, names_or_tags) -> list[Tag]:
    result = []
    for item in names_or_tags:
        if isinstance(item, Tag):
            result.append(item)
        elif str(item).strip():
            result.append(Tag.objects.get_or_create(company=company, name=str(item).strip()[:32])[0])
    return result


@transaction.atomic
def update_customer(*, customer: Customer, by: Employee | None = None, allow_similar: bool = False,
                    tags=None, **fields) -> Customer:
    unknown = set(fields) - CUSTOMER_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    before = (customer.name_key, customer.credit_code, customer.mobile_key)
    for name, value in fields.items():
        setattr(customer, name, value)
    _keys(customer)
    customer.full_clean(exclude=["owner", "pool", "department", "created_by"])
    if (customer.name_key, customer.credit_code, customer.mobile_key) != before:
        _check_duplicates(company=customer.company, name=customer.name, credit_code=customer.credit_code,
                          mobiles=[customer.mobile], exclude_ids=[customer.pk], allow_similar=allow_similar)
    customer.save()
    if tags is not None:
        customer.tags.set(_tags(customer.company, tags))
    return customer


# The stages a deal does not move a customer back from. They run prospect → interested → key → deal;
# "lost" is not a stage past "deal" but the way out of the funnel: a lost customer who orders again
# is a deal again.
DEAL_OR_LATER = (CustomerClass.Stage.DEAL,)


@transaction.atomic
def record_deal(*, customer: Customer, on: datetime.date) -> Customer:
    """A deal with the customer on `on` (sales calls it when an order is confirmed, inside that
    transaction). `last_deal_on` moves up to that day — the pool's no-deal rule, its "deals stay"
    exemption and the funnel read it — and the customer's class becomes the company's deal class
    (stage DEAL: the first active one in the company's order) unless its class is a deal class already;
    a company without an active deal class keeps the class as it is. An older date (a deal confirmed
    late) never moves `last_deal_on` back. Saved through the ORM, so the change is audited and shows on
    the customer's timeline like any other edit."""
    customer = Customer.objects.select_for_update(of=("self",)).select_related("customer_class").get(pk=customer.pk)
    changed = []
    if customer.last_deal_on is None or customer.last_deal_on < on:
        customer.last_deal_on = on
        changed.append("last_deal_on")
    if customer.customer_class is None or customer.customer_class.stage not in DEAL_OR_LATER:
        deal_class = (CustomerClass.objects.filter(company_id=customer.company_id, stage=CustomerClass.Stage.DEAL,
                                                   is_active=True).order_by("sort_order", "id").first())
        if deal_class is not None:
            customer.customer_class = deal_class
            changed.append("customer_class")
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
    return customer


@transaction.atomic
def add_contact(*, customer: Customer, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    contact = Contact(customer=customer, **fields)
    contact.mobile_key = matching.mobile_key(contact.mobile)
    contact.full_clean(exclude=["customer"])
    if contact.is_primary or not customer.contacts.exists():
        customer.contacts.update(is_primary=False)
        contact.is_primary = True
    contact.save()
    return contact


@transaction.atomic
def update_contact(*, contact: Contact, **fields) -> Contact:
    unknown = set(fields) - CONTACT_FIELDS
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(contact, name, value)
    contact.mobile_key = matching.mobile_key(contact.mobile)
    contact.full_clean(exclude=["customer"])
    if contact.is_primary:
        contact.customer.contacts.exclude(pk=contact.pk).update(is_primary=False)
    contact.save()
    return contact


# --- invoicing profile (开票信息) -----------------------------------------------------------------

TAX_NUMBER = re.compile(r"[0-9A-Z]{15,20}")


def _may_change(customer: Customer, by: Employee | None, refusal) -> None:
    """Whoever may change the customer (its data scope, read-write) keeps its invoicing profile."""
    from salesdesk.core.access import Denied, actor_of

    if by is None or not Customer.objects.restrict(actor_of(by), "change").filter(pk=customer.pk).exists():
        raise Denied(refusal)


@transaction.atomic
def update_invoicing_profile(*, customer: Customer, by: Employee, **fields) -> InvoicingProfile:
    """Write the customer's invoicing information (fields of InvoicingProfile.VERIFIED_FIELDS; the
    others stay). A change to any of them clears the verification, which was for the old values;
    saving the same values again keeps it."""
    unknown = set(fields) - set(InvoicingProfile.VERIFIED_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _may_change(customer, by, _("Only those who may change the customer keep its invoicing information."))
    Customer.objects.select_for_update().filter(pk=customer.pk).first()  # one writer per customer
    profile = InvoicingProfile.objects.filter(customer=customer).first() or InvoicingProfile(customer=customer)
    values = {name: " ".join(str(value or "").split()) for name, value in fields.items()}
    if "tax_number" in values:
        values["tax_number"] = matching.normalise_credit_code(values["tax_number"])
        if values["tax_number"] and not TAX_NUMBER.fullmatch(values["tax_number"]):
            raise ValidationError({"tax_number": _(
                "A taxpayer identification number has 15 to 20 letters and digits (the unified social credit "
                "code: 18).")})
    changed = [name for name, value in values.items() if getattr(profile, name) != value]
    for name in changed:
        setattr(profile, name, values[name])
    profile.full_clean(exclude=["customer", "verified_by", "updated_by"])
    if changed and profile.verified_at is not None:
        profile.verified_by, profile.verified_at = None, None
    if changed or profile.pk is None:
        profile.updated_by = by
        profile.save()
    return profile


@transaction.atomic
def verify_invoicing_profile(*, customer: Customer, by: Employee) -> InvoicingProfile:
    """开票信息核实登记: `by` has checked the invoicing information against the customer's documents
    (business licence, bank account permit, or the customer's own stamped sheet) and registers it as
    verified now. Whoever may change the customer may verify; the title and the taxpayer number must
    be there. Invoice requests show whether the profile they were filled from was verified."""
    _may_change(customer, by, _("Only those who may change the customer verify its invoicing information."))
    Customer.objects.select_for_update().filter(pk=customer.pk).first()
    profile = InvoicingProfile.objects.filter(customer=customer).first()
    if profile is None or not profile.title or not profile.tax_number:
        raise ValidationError(_("Fill in at least the invoice title and the taxpayer identification number "
                                "before verifying them."))
    profile.verified_by, profile.verified_at = by, timezone.now()
    profile.save(update_fields=["verified_by", "verified_at", "updated_at"])
    return profile


# --- follow-ups -------------------------------------------------------------------------------


def keeps_the_customer(employee: Employee, customer: Customer) -> bool:
    """Whether a follow-up by `employee` counts as the customer being looked after — what resets
    the pool's clock (掉保): the owner's own, or his sales line's (a superior calling on the
    customer). A service call, a clerk's note or a colleague's visit is recorded and shown, but
    does not keep a customer the owner neglects."""
    from salesdesk.org.selectors import leads

    if customer.owner_id is None or employee.pk == customer.owner_id:
        return True
    return leads(employee, customer.owner)


@transaction.atomic
def record_followup(*, by: Employee, content: str, customer: Customer | None = None, lead: Lead | None = None,
                    method: str = FollowUp.Method.PHONE, at=None, result: str = "", contact: Contact | None = None,
                    next_followup_on: datetime.date | None = None, checked_in_at=None, check_in_place: str = "",
                    latitude=None, longitude=None) -> FollowUp:
    if (customer is None) == (lead is None):
        raise ValidationError(_("A follow-up belongs to either a customer or a lead."))
    if not (content or "").strip():
        raise ValidationError({"content": _("Say what was discussed.")})
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        raise ValidationError({"contact": _("The contact belongs to another customer.")})
    at = at or timezone.now()
    if next_followup_on is not None and next_followup_on < timezone.localdate(at):
        raise ValidationError({"next_followup_on": _("The next follow-up cannot be before this one.")})
    followup = FollowUp(customer=customer, lead=lead, contact=contact, owner=by, method=method, at=at,
                        content=content.strip(), result=result.strip(), next_followup_on=next_followup_on,
                        checked_in_at=checked_in_at, check_in_place=check_in_place.strip(),
                        latitude=latitude, longitude=longitude)
    followup.full_clean(exclude=["customer", "lead", "contact", "owner"])
    followup.save()
    if customer is not None:
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if keeps_the_customer(by, customer):
            if customer.last_followup_at is None or at >= customer.last_followup_at:
                customer.last_followup_at = at
                customer.next_followup_on = next_followup_on
            customer.pool_warned_on = None
        if method in (FollowUp.Method.VISIT, FollowUp.Method.WALK_IN):
            customer.visits += 1  # a visit is a visit, whoever made it
        customer.save()
        from .visit_plans import fulfil

        fulfil(followup)
    else:
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status == Lead.Status.NEW:
            lead.status = Lead.Status.FOLLOWING
        lead.next_followup_on = next_followup_on
        lead.save()
    return followup


# --- ownership: transfer, release, claim ------------------------------------------------------


@transaction.atomic
def transfer_customers(*, customers, to_owner: Employee, by: Employee | None, reason: str = "") -> int:
    """Give customers (with their open leads) to another owner. Returns how many moved."""
    if to_owner.status != Employee.Status.ACTIVE:
        raise ValidationError(_("%(name)s has left and cannot take over customers.") % {"name": to_owner.name})
    moved = 0
    for customer in Customer.objects.select_for_update().filter(pk__in=[c.pk for c in customers]).order_by("pk"):
        if customer.company_id != to_owner.company_id:
            raise ValidationError(_("The new owner works for another company."))
        if customer.owner_id == to_owner.pk:
            continue
        _set_owner(customer, to_owner, kind=OwnershipChange.Kind.TRANSFERRED, by=by, reason=reason)
        for lead in customer.leads.filter(status__in=[Lead.Status.NEW, Lead.Status.FOLLOWING]):
            lead.owner = to_owner
            lead.save()
        moved += 1
    return moved


@transaction.atomic
def release_to_pool(*, customers, by: Employee | None, reason: str, pool: CustomerPool | None = None) -> int:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the customer goes back to the pool.")})
    moved = 0
    for customer in Customer.objects.select_for_update().filter(pk__in=[c.pk for c in customers]).order_by("pk"):
        if customer.owner_id is None:
            continue
        _set_owner(customer, None, kind=OwnershipChange.Kind.RELEASED, by=by, reason=reason.strip(), pool=pool)
        moved += 1
    return moved


def claim_refusal(*, customer: Customer, by: Employee, today: datetime.date | None = None) -> str:
    """Why `by` may not claim `customer` now, or "" when they may."""
    if customer.owner_id is not None:
        return _("%(customer)s already has an owner.") % {"customer": customer.name}
    pool = customer.pool
    if pool is None or not pool.is_active:
        return _("%(customer)s is not in an open pool.") % {"customer": customer.name}
    today = today or timezone.localdate()
    if pool.max_owned and Customer.objects.filter(owner=by).count() >= pool.max_owned:
        return _("You already own %(count)d customers, the most this pool allows.") % {"count": pool.max_owned}
    if pool.max_claims_per_day:
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
        claims = OwnershipChange.objects.filter(to_owner=by, kind=OwnershipChange.Kind.CLAIMED, at__gte=start).count()
        if claims >= pool.max_claims_per_day:
            return _("You have claimed %(count)d customers today, the most this pool allows per day.") % {
                "count": pool.max_claims_per_day}
    if pool.reclaim_wait_days:
        last = (OwnershipChange.objects.filter(customer=customer, from_owner=by, to_owner__isnull=True)
                .order_by("-at").values_list("at", flat=True).first())
        if last is not None:
            allowed = timezone.localdate(last) + datetime.timedelta(days=pool.reclaim_wait_days)
            if today < allowed:
                return _("You held this customer until recently; you may claim it again from %(date)s.") % {
                    "date": allowed.isoformat()}
    return ""


@transaction.atomic
def claim(*, customer: Customer, by: Employee) -> Customer:
    customer = Customer.objects.select_for_update(of=("self",)).select_related("pool").get(pk=customer.pk)
    refusal = claim_refusal(customer=customer, by=by)
    if refusal:
        raise ValidationError(refusal)
    _set_owner(customer, by, kind=OwnershipChange.Kind.CLAIMED, by=by)
    return customer


@transaction.atomic
def claim_many(*, customers, by: Employee) -> tuple[list[Customer], list[tuple[Customer, str]]]:
    """Claim several pool customers at once, in the order given, each under the pool's rules —
    the limits count the claims made just before in the same batch. Returns what was claimed
    and what was refused with the reason; one transaction."""
    claimed, refused = [], []
    for customer in customers:
        try:
            claimed.append(claim(customer=customer, by=by))
        except ValidationError as error:
            refused.append((customer, " ".join(error.messages)))
    return claimed, refused


@transaction.atomic
def assign_from_pool(*, customer: Customer, to_owner: Employee, by: Employee | None, reason: str = "") -> Customer:
    """A manager hands a pool customer to someone (no claim limits apply)."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if customer.owner_id is not None:
        raise ValidationError(_("%(customer)s already has an owner.") % {"customer": customer.name})
    _set_owner(customer, to_owner, kind=OwnershipChange.Kind.ASSIGNED, by=by, reason=reason)
    return customer


# --- pool recycling ---------------------------------------------------------------------------


def recycle_due(customer: Customer, pool: CustomerPool, today: datetime.date) -> tuple[datetime.date | None, str]:
    """The date `customer` falls back to `pool` under its rules, and why; (None, "") when never."""
    if customer.owner_id is None or customer.is_locked:
        return None, ""
    if pool.exempt_deals and customer.last_deal_on is not None:
        return None, ""
    since = timezone.localdate(customer.owned_since) if customer.owned_since else today
    dates = []
    idle = pool.idle_days(customer.level)
    if idle:
        last = timezone.localdate(customer.last_followup_at) if customer.last_followup_at else since
        dates.append((max(last, since) + datetime.timedelta(days=idle), "idle"))
    no_deal = pool.no_deal_days(customer.level)
    if no_deal:
        last_deal = customer.last_deal_on or since
        dates.append((max(last_deal, since) + datetime.timedelta(days=no_deal), "no_deal"))
    if not dates:
        return None, ""
    return min(dates)


@transaction.atomic
def recycle_pool(*, today: datetime.date | None = None, company: Company | None = None) -> dict:
    """Return overdue customers to their pools and warn owners K days ahead. Idempotent: a second
    run on the same day finds nothing more to return and warns nobody twice."""
    from .recycling import run_recycling

    return run_recycling(today=today or timezone.localdate(), company=company)


# --- leads ------------------------------------------------------------------------------------


@transaction.atomic
def create_lead(*, company: Company, by: Employee | None, name: str, owner: Employee | None = None,
                team: Department | None = None, created_at=None, auto_assign: bool = True, **fields) -> Lead:
    lead = Lead(company=company, name=name.strip(), owner=owner, team=team, created_by=by,
                created_at=created_at or timezone.now(), **fields)
    lead.mobile_key = matching.mobile_key(lead.mobile)
    lead.full_clean(exclude=["owner", "team", "created_by", "customer", "territory", "source"])
    if not (lead.mobile or lead.phone or lead.email or lead.wechat):
        raise ValidationError(_("Give at least one way to reach the lead: mobile, phone, email or WeChat."))
    if owner is None and auto_assign:
        from .assignment import assign_automatically

        lead.owner, lead.team = assign_automatically(lead)
    lead.save()
    return lead


@transaction.atomic
def assign_lead(*, lead: Lead, to_owner: Employee, by: Employee | None) -> Lead:
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.CLOSED):
        raise ValidationError(_("This lead is %(status)s and cannot be assigned.") % {
            "status": lead.get_status_display()})
    lead.owner = to_owner
    lead.save()
    return lead


@transaction.atomic
def close_lead(*, lead: Lead, by: Employee | None, reason: str) -> Lead:
    if not (reason or "").strip():
        raise ValidationError({"close_reason": _("Say why the lead is closed.")})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.CLOSED):
        raise ValidationError(_("This lead is already %(status)s.") % {"status": lead.get_status_display()})
    lead.status = Lead.Status.CLOSED
    lead.close_reason = reason.strip()
    lead.save()
    return lead


@transaction.atomic
def convert_lead(*, lead: Lead, by: Employee, allow_similar: bool = False, existing: Customer | None = None,
                 **customer_fields) -> Customer:
    """Turn a lead into a customer with the lead's person as its first contact, in one step; or,
    with `existing`, attach the lead's person to a customer that already exists."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.status in (Lead.Status.CONVERTED, Lead.Status.CLOSED):
        raise ValidationError(_("This lead is already %(status)s.") % {"status": lead.get_status_display()})
    owner = lead.owner or by
    contact = {"name": lead.name, "title": lead.title, "mobile": lead.mobile, "phone": lead.phone,
               "email": lead.email, "wechat": lead.wechat}
    if existing is not None:
        customer = existing
        if existing.company_id != lead.company_id:
            raise PermissionDenied
        add_contact(customer=customer, **contact)
    else:
        values = {"name": lead.company_name or lead.name,
                  "kind": Customer.Kind.COMPANY if lead.company_name else Customer.Kind.PERSON,
                  "country": lead.country, "province": lead.province, "city": lead.city, "address": lead.address,
                  "source": lead.source, "territory": lead.territory, "notes": lead.needs}
        if not lead.company_name:
            values["mobile"] = lead.mobile
        values.update(customer_fields)
        customer = create_customer(company=lead.company, by=by, owner=owner, allow_similar=allow_similar,
                                   contacts=[contact] if lead.company_name else [], **values)
    lead.status = Lead.Status.CONVERTED
    lead.customer = customer
    lead.owner = owner
    lead.save()
    customer.followups.model.objects.filter(lead=lead).update(customer=customer)
    return customer


# --- merge ------------------------------------------------------------------------------------


@transaction.atomic
def merge_customers(*, keep: Customer, merge: Customer, by: Employee | None) -> Customer:
    """Fold `merge` into `keep`: its contacts, follow-ups, leads, tags, collaborators and history
    move over; blank fields of `keep` are filled from `merge`; then `merge` is deleted."""
    from django.contrib.contenttypes.models import ContentType

    from salesdesk.core.models import Collaborator

    if keep.pk == merge.pk:
        raise ValidationError(_("Choose two different customers to merge."))
    if keep.company_id != merge.company_id:
        raise ValidationError(_("Customers of different companies cannot be merged."))
    keep = Customer.objects.select_for_update().get(pk=keep.pk)
    merge = Customer.objects.select_for_update().get(pk=merge.pk)
    for name in CUSTOMER_FIELDS - {"name", "kind", "is_locked", "next_followup_on", "notes"}:
        if getattr(keep, name) in ("", None) and getattr(merge, name) not in ("", None):
            setattr(keep, name, getattr(merge, name))
    if merge.notes:
        keep.notes = "\n".join(part for part in (keep.notes, merge.notes) if part)
    keep.visits += merge.visits
    for name in ("last_followup_at", "last_deal_on"):
        values = [value for value in (getattr(keep, name), getattr(merge, name)) if value is not None]
        setattr(keep, name, max(values) if values else None)
    _keys(keep)
    keep.save()
    merge.contacts.update(customer=keep, is_primary=False)
    merge.followups.update(customer=keep)
    merge.visit_plans.update(customer=keep)
    merge.leads.update(customer=keep)
    merge.ownership_changes.update(customer=keep)
    if not InvoicingProfile.objects.filter(customer=keep).exists():
        InvoicingProfile.objects.filter(customer=merge).update(customer=keep)  # else it goes with `merge`
    keep.tags.add(*merge.tags.all())
    content_type = ContentType.objects.get_for_model(Customer)
    existing = set(Collaborator.objects.filter(content_type=content_type, object_id=keep.pk)
                   .values_list("employee_id", flat=True))
    Collaborator.objects.filter(content_type=content_type, object_id=merge.pk).exclude(
        employee_id__in=existing | {keep.owner_id}).update(object_id=keep.pk)
    Collaborator.objects.filter(content_type=content_type, object_id=merge.pk).delete()
    _record_ownership(keep, OwnershipChange.Kind.MERGED, from_owner=merge.owner, to_owner=keep.owner, by=by,
                      reason=_("merged %(name)s (#%(id)d) into this customer") % {"name": merge.name, "id": merge.pk})
    merge.delete()
    return keep


# --- collaborators ----------------------------------------------------------------------------


@transaction.atomic
def set_collaborator(*, customer: Customer, employee: Employee, access: str) -> None:
    from django.contrib.contenttypes.models import ContentType

    from salesdesk.core.models import Collaborator

    if employee.pk == customer.owner_id:
        raise ValidationError(_("The owner does not need to collaborate on their own customer."))
    Collaborator.objects.update_or_create(content_type=ContentType.objects.get_for_model(Customer),
                                          object_id=customer.pk, employee=employee, defaults={"access": access})


@transaction.atomic
def remove_collaborator(*, customer: Customer, employee: Employee) -> None:
    from django.contrib.contenttypes.models import ContentType

    from salesdesk.core.models import Collaborator

    Collaborator.objects.filter(content_type=ContentType.objects.get_for_model(Customer), object_id=customer.pk,
                                employee=employee).delete()


# --- handover ---------------------------------------------------------------------------------


@transaction.atomic
def hand_over(*, employee: Employee, to_owner: Employee, by: Employee | None, customers=None, reason: str = "") -> dict:
    """Give everything `employee` owns in this module to `to_owner` (交接): their customers (or
    the given ones) with open leads, and their other open leads."""
    if employee.pk == to_owner.pk:
        raise ValidationError(_("Choose someone else to take over."))
    if customers is None:
        customers = Customer.objects.filter(owner=employee)
    moved = transfer_customers(customers=list(customers), to_owner=to_owner, by=by,
                               reason=reason or _("handover from %(name)s") % {"name": employee.name})
    leads = 0
    for lead in Lead.objects.select_for_update().filter(owner=employee, status__in=[Lead.Status.NEW,
                                                                                   Lead.Status.FOLLOWING]):
        lead.owner = to_owner
        lead.save()
        leads += 1
    return {"customers": moved, "leads": leads}
