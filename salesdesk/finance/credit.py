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
used up by the action it lets through."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, ExpressionWrapper, F, Min, Q, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core.access import actor_of
from salesdesk.sales import gates
from salesdesk.sales.models import SalesOrder, SalesOrderLine

from .capabilities import CREDIT
from .models import CreditOverride, CreditProfile, Invoice, Payment
from .payments import RECEIVABLE

ZERO = Decimal(0)
OVERRIDE_DOCUMENT = "credit_override"
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


def problem(action: str, *, order, amount: Decimal) -> tuple[str, Decimal] | None:
    """Why the credit rules block `action` on `order` now (message, amount over), or None."""
    profile = CreditProfile.objects.filter(customer_id=order.customer_id).first() or default_profile(
        order.customer)
    figures = exposure(order.customer)
    name = order.customer.name
    if profile.pk is None:
        name = _("%(customer)s (not rated yet: the company's terms for unrated customers apply)") % {
            "customer": name}
    if figures.overdue > 0:
        return (_("%(customer)s has %(amount)s overdue (due since %(since)s); it must be collected first.") % {
            "customer": name, "amount": figures.overdue, "since": figures.oldest_due_on}, figures.overdue)
    if profile.policy == CreditProfile.Policy.CASH:
        if action == gates.CONFIRM:
            return None
        needed = figures.receivable + (amount if action == gates.RELEASE else ZERO)
        if needed > 0:
            return (_("%(customer)s pays cash before delivery: %(needed)s more must be received first.") % {
                "customer": name, "needed": needed}, needed)
        return None
    used = figures.used + (amount if action == gates.CONFIRM else ZERO)
    if used > profile.limit:
        return (_("%(customer)s would use %(used)s of its credit limit of %(limit)s (%(excess)s over).") % {
            "customer": name, "used": used, "limit": profile.limit, "excess": used - profile.limit},
            used - profile.limit)
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


def gate(action: str, *, order, amount: Decimal, consume: bool = True) -> None:
    """sales.gates entry: block unless the rules pass or an approved override for this order and
    action is there (and, when `consume`, use it up)."""
    found = problem(action, order=order, amount=amount)
    if found is None:
        return
    overrides = CreditOverride.objects.filter(order_id=order.pk, action=action, status=CreditOverride.Status.APPROVED)
    override = (overrides.select_for_update().first() if consume else overrides.first())
    if override is not None:
        if consume:
            override.status, override.used_at = CreditOverride.Status.USED, timezone.now()
            override.save(update_fields=["status", "used_at"])
        return
    message, excess = found
    raise CreditBlocked(_("Credit check: %(problem)s Ask for a credit override.") % {"problem": message},
                        action=action, order=order, excess=excess)


def register_gate() -> None:
    gates.register(gate)


@transaction.atomic
def set_profile(*, customer, by, level: str, limit, policy: str, payment_days: int, note: str = "") -> CreditProfile:
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
    profile, _created = CreditProfile.objects.update_or_create(
        customer=customer, defaults={"company_id": customer.company_id, "level": level, "limit": limit,
                                     "policy": policy, "payment_days": int(payment_days),
                                     "note": note.strip()[:200], "updated_by": by})
    return profile


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
    found = problem(action, order=order, amount=amount or order.amount)
    if found is None:
        raise ValidationError(_("The credit rules do not block this; no override is needed."))
    if CreditOverride.objects.filter(order=order, action=action, status__in=[
            CreditOverride.Status.PENDING, CreditOverride.Status.APPROVED]).exists():
        raise ValidationError(_("An override for this is already asked for or approved."))
    message, excess = found
    override = CreditOverride.objects.create(
        company_id=order.company_id, customer_id=order.customer_id, owner_id=order.owner_id, order=order,
        action=action, amount=excess, blocked_because=message[:300], reason=reason.strip()[:500], requested_by=by)
    return approvals.submit(document=override, document_type=OVERRIDE_DOCUMENT, submitter=by)


def _override_facts(override: CreditOverride):
    from salesdesk.approvals.registry import Facts

    level = getattr(CreditProfile.objects.filter(customer_id=override.customer_id).first(), "level", "")
    return Facts(amount=override.amount, customer_level=level or override.customer.level,
                 channel=override.customer.channel, owner_id=override.owner_id)


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
