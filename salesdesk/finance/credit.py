"""Credit control (信用): each customer's credit level, limit and payment policy, checked at the three
money moments of an order (sales.gates): confirming it, releasing a shipment, issuing an invoice.

What a customer uses of its credit:
    receivable = open invoices + shipped but not yet invoiced − money received and not yet applied
    committed  = confirmed orders not yet shipped
On credit (N days): receivable + committed (+ the order being confirmed) must stay within the
limit. Cash before delivery (现款现货): an order may be confirmed, but goods leave and invoices go out
only when what was received covers everything delivered (receivable + the shipment ≤ 0). Anything
overdue blocks all three. A customer without a credit profile is checked against the company's
defaults for unrated customers (FinanceSettings: cash before delivery unless set otherwise), so a
new customer nobody has rated cannot take goods on credit.

A blocked action passes only with an approved credit override (信用特批) for that order and action,
used up by the action it lets through. An override is bound to what was approved: the same customer,
the order's amount as it was, an action worth no more, and no more over the rules than it was
approved for (a draft raised after approval, a lower limit, new overdue money: it no longer fits,
and a new override is asked for). Its amount is everything the action puts beyond the rules — the
whole excess over the limit, not only an overdue part — so a chain by amount sees the real size.

Samples and gifts (free lines of a shipment) leave at their list value (the product's standard
price) on the customer's credit: within the limit for customers on credit, covered by money received
for cash customers; beyond that they need an override like any goods.

The real check (`consume=True`, inside the transaction that confirms, releases or issues) first
locks the customer's row, so that parallel confirmations or releases for one customer are checked
one after another, each seeing what the one before committed.

Every change of a profile is a CreditChange, the customer's credit history. Granting or raising
credit beyond its holder's authority goes through the "credit_limit" chain (信用额度审批) and applies
when approved; lowering it applies at once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Min, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import record_update
from salesdesk.core.access import actor_of
from salesdesk.customers.models import Customer
from salesdesk.sales import gates
from salesdesk.sales.models import SalesOrder, SalesOrderLine

from .capabilities import CREDIT
from .models import CreditChange, CreditOverride, CreditProfile, Invoice, Payment
from .payments import RECEIVABLE

ZERO = Decimal(0)
OVERRIDE_DOCUMENT = "credit_override"
CHANGE_DOCUMENT = "credit_limit"
LIVE_ORDERS = (SalesOrder.Status.CONFIRMED, SalesOrder.Status.PARTLY_SHIPPED, SalesOrder.Status.SHIPPED)
MONEY = DecimalField(max_digits=20, decimal_places=4)


def may_manage(user) -> bool:
    return actor_of(user).can(CREDIT)


@dataclass(frozen=True)
class Exposure:
    open_invoices: Decimal = ZERO
    shipped_not_invoiced: Decimal = ZERO
    unapplied: Decimal = ZERO
    committed: Decimal = ZERO
    overdue: Decimal = ZERO
    oldest_due_on: object = None

    @property
    def receivable(self) -> Decimal:
        return self.open_invoices + self.shipped_not_invoiced - self.unapplied

    @property
    def used(self) -> Decimal:
        return self.receivable + self.committed


def _cents(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def exposures(customer_ids, *, today=None) -> dict[int, Exposure]:
    """Each customer's exposure, in four grouped queries whatever their number."""
    today = today or timezone.localdate()
    customer_ids = list(customer_ids)
    figures: dict[int, dict] = {pk: {} for pk in customer_ids}
    open_amount = F("amount") - F("paid_amount") - F("written_off_amount")
    for row in (Invoice.objects.filter(customer_id__in=customer_ids, status__in=RECEIVABLE)
                .values("customer_id")
                .annotate(open=Sum(open_amount), overdue=Sum(open_amount, filter=Q(due_on__lt=today)),
                          oldest=Min("due_on", filter=Q(due_on__lt=today)
                                      & Q(amount__gt=F("paid_amount") + F("written_off_amount"))))):
        figures[row["customer_id"]].update(open_invoices=_cents(row["open"]), overdue=_cents(row["overdue"]),
                                           oldest_due_on=row["oldest"] if row["overdue"] else None)
    done = Greatest(F("shipped_quantity"), F("invoiced_quantity"))
    shipped_not_invoiced = ExpressionWrapper(
        Greatest(F("shipped_quantity") - F("invoiced_quantity"), Value(ZERO)) * F("unit_price"), output_field=MONEY)
    still_to_ship = ExpressionWrapper((F("quantity") - done) * F("unit_price"), output_field=MONEY)
    for row in (SalesOrderLine.objects.filter(order__customer_id__in=customer_ids, order__status__in=LIVE_ORDERS)
                .values("order__customer_id")
                .annotate(shipped=Sum(shipped_not_invoiced), committed=Sum(still_to_ship))):
        figures[row["order__customer_id"]].update(
            shipped_not_invoiced=_cents(row["shipped"]), committed=_cents(row["committed"]))
    for row in (Payment.objects.filter(customer_id__in=customer_ids, status=Payment.Status.CONFIRMED)
                .values("customer_id")
                .annotate(unapplied=Sum(F("amount") - F("allocated_amount") - F("refunded_amount")))):
        figures[row["customer_id"]]["unapplied"] = _cents(row["unapplied"])
    return {pk: Exposure(**values) for pk, values in figures.items()}


def exposure(customer) -> Exposure:
    return exposures([customer.pk])[customer.pk]


class CreditBlocked(ValidationError):
    """A credit rule stops the action; the page offers to ask for an override."""

    def __init__(self, message: str, *, action: str, order, excess: Decimal = ZERO):
        super().__init__(message)
        self.action, self.order, self.excess = action, order, excess


def problem(action: str, *, order, amount: Decimal, free: Decimal = ZERO) -> tuple[str, Decimal] | None:
    """Why the credit rules block `action` on `order` now (message, amount beyond the rules), or None.
    Every rule broken is named; the amount is the largest of them (overdue money, the excess over
    the limit, what a cash customer still has to pay)."""
    profile = CreditProfile.objects.filter(customer_id=order.customer_id).first() or default_profile(
        order.customer)
    figures = exposure(order.customer)
    name = order.customer.name
    if profile.pk is None:
        name = _("%(customer)s (not rated yet: the company's terms for unrated customers apply)") % {
            "customer": name}
    found: list[tuple[str, Decimal]] = []
    if figures.overdue > 0:
        found.append((_("%(customer)s has %(amount)s overdue (due since %(since)s); it must be collected first.") % {
            "customer": name, "amount": figures.overdue, "since": figures.oldest_due_on}, figures.overdue))
    if profile.policy == CreditProfile.Policy.CASH:
        if action != gates.CONFIRM:
            needed = figures.receivable + (amount if action == gates.RELEASE else ZERO) + free
            if needed > 0:
                found.append((_("%(customer)s pays cash before delivery: %(needed)s more must be received first.")
                              % {"customer": name, "needed": needed}, needed))
    else:
        used = figures.used + (amount if action == gates.CONFIRM else ZERO) + free
        if used > profile.limit:
            found.append((_("%(customer)s would use %(used)s of its credit limit of %(limit)s (%(excess)s over).") % {
                "customer": name, "used": used, "limit": profile.limit, "excess": used - profile.limit},
                used - profile.limit))
    if not found:
        return None
    return " ".join(message for message, _amount in found), max(amount for _message, amount in found)


def action_amount(order, action: str) -> tuple[Decimal, Decimal]:
    """(value, free value) the next `action` on `order` puts on the customer's credit: the order's
    amount to confirm it; what is still to ship, and the samples and gifts of its draft shipments at
    list value, to release it; what is not invoiced yet, to issue an invoice (which adds nothing new
    to what the customer uses, but an override for it covers no larger invoice)."""
    from salesdesk.sales.models import Shipment, ShipmentLine

    if action == gates.CONFIRM:
        return order.amount, ZERO
    if action == gates.RELEASE:
        value = sum((line.open_quantity * line.unit_price for line in order.lines.all()), ZERO)
        free = sum((line.quantity * line.product.standard_price for line in ShipmentLine.objects.filter(
            shipment__order=order, shipment__status=Shipment.Status.DRAFT,
            kind__in=[ShipmentLine.Kind.SAMPLE, ShipmentLine.Kind.GIFT]).select_related("product")), ZERO)
        return _cents(value), _cents(free)
    if action == gates.ISSUE:
        return _cents(sum(((line.quantity - line.invoiced_quantity) * line.unit_price for line in order.lines.all()),
                          ZERO)), ZERO
    return ZERO, ZERO


def lock_customer(customer_id: int) -> None:
    """One money decision per customer at a time (PostgreSQL: a row lock held to the end of the
    transaction; SQLite writes one transaction at a time anyway)."""
    list(Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk", flat=True))


def why_it_does_not_fit(override: CreditOverride, *, order, amount: Decimal, excess: Decimal) -> str | None:
    """Why an approved override no longer covers the action (None: it does)."""
    if override.customer_id != order.customer_id:
        return _("it was approved for another customer")
    if override.order_amount is not None and order.amount != override.order_amount:
        return _("it was approved for an order of %(approved)s, and the order is now %(now)s") % {
            "approved": override.order_amount, "now": order.amount}
    if override.action_amount is not None and amount > override.action_amount:
        return _("it was approved for %(approved)s, and this is %(now)s") % {
            "approved": override.action_amount, "now": amount}
    if excess > override.amount:
        return _("it covered %(approved)s beyond the credit rules, and now it would be %(now)s") % {
            "approved": override.amount, "now": excess}
    return None


def default_profile(customer) -> CreditProfile:
    """The terms of a customer nobody has rated (not saved): the company's defaults, or cash before
    delivery when it has set none."""
    from .models import FinanceSettings

    settings = FinanceSettings.objects.filter(company_id=customer.company_id).first()
    if settings is None:
        return CreditProfile(company_id=customer.company_id, customer=customer, level="",
                             policy=CreditProfile.Policy.CASH, limit=ZERO, payment_days=0)
    return CreditProfile(company_id=customer.company_id, customer=customer, level="",
                         policy=settings.default_credit_policy, limit=settings.default_credit_limit,
                         payment_days=settings.default_payment_days)


def gate(action: str, *, order, amount: Decimal, free: Decimal = ZERO, consume: bool = True) -> None:
    """sales.gates entry: block unless the rules pass or an approved override for this order and
    action still fits it (and, when `consume`, use it up)."""
    if consume:
        lock_customer(order.customer_id)
    found = problem(action, order=order, amount=amount, free=free)
    if found is None:
        return
    message, excess = found
    overrides = CreditOverride.objects.filter(order_id=order.pk, action=action, status=CreditOverride.Status.APPROVED)
    override = (overrides.select_for_update().first() if consume else overrides.first())
    if override is not None:
        misfit = why_it_does_not_fit(override, order=order, amount=amount + free, excess=excess)
        if misfit is None:
            if consume:
                override.status, override.used_at = CreditOverride.Status.USED, timezone.now()
                override.save(update_fields=["status", "used_at"])
            return
        raise CreditBlocked(_("Credit check: %(problem)s The approved credit override no longer applies (%(why)s); "
                              "ask for a new one.") % {"problem": message, "why": misfit},
                            action=action, order=order, excess=excess)
    raise CreditBlocked(_("Credit check: %(problem)s Ask for a credit override.") % {"problem": message},
                        action=action, order=order, excess=excess)


def register_gate() -> None:
    gates.register(gate)


@transaction.atomic
def set_profile(*, customer, by, level: str, limit, policy: str, payment_days: int, note: str = "") -> CreditChange:
    """Rate a customer, as a credit change kept in its history. Granting or raising credit goes to
    the "credit_limit" chain (the change waits, status pending, unless no chain applies or every
    step is the holder's own authority); anything else applies at once."""
    actor_of(by).require(CREDIT)
    if level not in CreditProfile.Level.values:
        raise ValidationError({"level": _("Choose a credit level.")})
    if policy not in CreditProfile.Policy.values:
        raise ValidationError({"policy": _("Choose a payment policy.")})
    limit = Decimal(limit or 0)
    if limit < 0:
        raise ValidationError({"limit": _("The credit limit cannot be negative.")})
    if not 0 <= int(payment_days) <= 365:
        raise ValidationError({"payment_days": _("Days of credit are between 0 and 365.")})
    customer = Customer.objects.select_for_update().get(pk=customer.pk)  # one change of a customer at a time
    if CreditChange.objects.filter(customer=customer, status=CreditChange.Status.PENDING).exists():
        raise ValidationError(_("A credit change for this customer is waiting for approval; "
                                "it has to be decided or withdrawn first."))
    current = CreditProfile.objects.filter(customer=customer).first()
    change = CreditChange.objects.create(
        company_id=customer.company_id, customer=customer, owner_id=customer.owner_id, level=level, limit=limit,
        policy=policy, payment_days=int(payment_days), note=note.strip()[:200], previous=_as_stored(current),
        grants_more=grants_more(current, policy=policy, limit=limit, payment_days=int(payment_days)),
        requested_by=by)
    from salesdesk.approvals import services as approvals

    if not (change.grants_more and approvals.chain_applies(document=change, document_type=CHANGE_DOCUMENT,
                                                           company=customer.company)):
        _apply(change)
        return change
    approvals.submit(document=change, document_type=CHANGE_DOCUMENT, submitter=by)
    change.refresh_from_db()
    return change


def _as_stored(profile: CreditProfile | None) -> dict:
    if profile is None:
        return {}
    return {"level": profile.level, "limit": str(profile.limit), "policy": profile.policy,
            "payment_days": profile.payment_days}


def grants_more(current: CreditProfile | None, *, policy: str, limit: Decimal, payment_days: int) -> bool:
    """Whether the new terms give the customer more credit than it has: goods before money where it
    paid first, a higher limit, or longer to pay. An unrated customer has the company's defaults."""
    if policy != CreditProfile.Policy.CREDIT:
        return False
    if current is None or current.policy != CreditProfile.Policy.CREDIT:
        return limit > 0
    return limit > current.limit or payment_days > current.payment_days


def _apply(change: CreditChange) -> CreditProfile:
    profile, _created = CreditProfile.objects.update_or_create(
        customer_id=change.customer_id,
        defaults={"company_id": change.company_id, "level": change.level, "limit": change.limit,
                  "policy": change.policy, "payment_days": change.payment_days, "note": change.note,
                  "updated_by_id": change.requested_by_id})
    values = {"status": CreditChange.Status.APPLIED, "decided_at": timezone.now()}
    CreditChange.objects.filter(pk=change.pk).update(**values)
    record_update(change, values)  # the change takes the new values too
    return profile


def _change_approved(change: CreditChange, request) -> None:
    change = CreditChange.objects.select_for_update().get(pk=change.pk)
    if change.status == CreditChange.Status.PENDING:
        _apply(change)


def history(customer, *, limit: int = 20):
    """The customer's credit changes, newest first, with who asked."""
    return (CreditChange.objects.filter(customer=customer).select_related("requested_by")
            .order_by("-created_at", "-id")[:limit])


def payment_days_for(customer_id: int, company_id: int) -> int:
    """Days between an invoice and its due date for this customer."""
    from .models import FinanceSettings

    profile = CreditProfile.objects.filter(customer_id=customer_id).first()
    if profile is not None:
        return 0 if profile.policy == CreditProfile.Policy.CASH else profile.payment_days
    settings = FinanceSettings.objects.filter(company_id=company_id).first()
    return settings.default_payment_days if settings else FinanceSettings.DEFAULT_PAYMENT_DAYS


# --- credit override (信用特批) through the approval chain ---------------------------------------------


@transaction.atomic
def request_override(*, order: SalesOrder, action: str, by, reason: str, amount: Decimal = ZERO):
    """Ask to let `action` on `order` through although the credit rules block it; returns the approval
    request."""
    from salesdesk.approvals import services as approvals

    if action not in CreditOverride.Action.values:
        raise ValidationError(_("Choose what the override is for."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the customer should get the credit.")})
    order = SalesOrder.objects.select_for_update().select_related("customer").get(pk=order.pk)
    value, free = action_amount(order, action)
    if amount:
        value, free = Decimal(amount), ZERO
    found = problem(action, order=order, amount=value, free=free)
    if found is None:
        raise ValidationError(_("The credit rules do not block this; no override is needed."))
    message, excess = found
    for approved in CreditOverride.objects.filter(order=order, action=action, status=CreditOverride.Status.APPROVED):
        if why_it_does_not_fit(approved, order=order, amount=value + free, excess=excess) is not None:
            approved.status = CreditOverride.Status.EXPIRED  # overtaken by the order or the customer's credit
            approved.save(update_fields=["status"])
    if CreditOverride.objects.filter(order=order, action=action, status__in=[
            CreditOverride.Status.PENDING, CreditOverride.Status.APPROVED]).exists():
        raise ValidationError(_("An override for this is already asked for or approved."))
    override = CreditOverride.objects.create(
        company_id=order.company_id, customer_id=order.customer_id, owner_id=order.owner_id, order=order,
        action=action, amount=excess, order_amount=order.amount, action_amount=value + free,
        blocked_because=message[:300], reason=reason.strip()[:500], requested_by=by)
    return approvals.submit(document=override, document_type=OVERRIDE_DOCUMENT, submitter=by)


def _override_facts(override: CreditOverride):
    from salesdesk.approvals.registry import Facts

    level = getattr(CreditProfile.objects.filter(customer_id=override.customer_id).first(), "level", "")
    return Facts(amount=override.amount, customer_level=level or override.customer.level,
                 channel=override.customer.channel, owner_id=override.owner_id)


def _change_facts(change: CreditChange):
    from salesdesk.approvals.registry import Facts

    # The amount a chain compares is the limit asked for: "from 500,000" = limits of 500,000 or more.
    return Facts(amount=change.limit, customer_level=change.customer.level, channel=change.customer.channel,
                 owner_id=change.owner_id)


def register_approvals() -> None:
    from django.urls import reverse
    from django.utils.translation import gettext_lazy

    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key=OVERRIDE_DOCUMENT, label=gettext_lazy("Credit override"), model=CreditOverride, facts=_override_facts,
        title=lambda o: f"{o.order.number} · {o.customer.name} · {o.get_action_display()}",
        url=lambda o: reverse("sales:order", args=[o.order_id]),
        approved=CreditOverride.Status.APPROVED,
        rejected=CreditOverride.Status.REJECTED,
        returned=CreditOverride.Status.RETURNED,
        withdrawn=CreditOverride.Status.WITHDRAWN,
        without_chain="stall",  # credit beyond the rules always needs someone's yes
    )
    register_document_type(
        key=CHANGE_DOCUMENT, label=gettext_lazy("Credit limit"), model=CreditChange, facts=_change_facts,
        title=lambda c: f"{c.customer.name} · {c.get_level_display()} · {c.limit}",
        url=lambda c: reverse("finance:credit_profile", args=[c.customer_id]),
        approved=_change_approved,
        rejected=CreditChange.Status.REJECTED,
        returned=CreditChange.Status.RETURNED,
        withdrawn=CreditChange.Status.WITHDRAWN,
        without_chain="approve",  # without a chain, whoever holds the credit duty decides alone
        own_steps="skip",  # the 总经理 raising a limit himself is within his own authority
    )
