"""What each installment of a contract's payment plan (付款计划) has been paid, read from the one
allocation model (Allocation: part of a confirmed payment applied to an invoice or an installment).

Money reaches an installment in two ways:

* directly — an allocation to the installment itself (an advance paid before anything is invoiced);
* through an invoice — an allocation to an issued invoice of one of the contract's orders.

An invoice is not tied to one installment, so the money allocated to the invoices of a contract's
orders is mapped onto its plan like this:

1. the direct allocations of an installment count for that installment first;
2. the invoice money then fills the installments in the plan's order — earliest due date first, then
   position, then id — each up to what its direct allocations left open;
3. what is left after the last installment is money beyond the plan (`beyond_plan`): an invoice paid
   for goods the plan does not cover, or an advance paid directly and invoiced again.

An installment's open amount is its amount less both; `payments.allocate` refuses a direct allocation
above that open amount, so the same money never counts twice against the plan, whichever way it came.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from salesdesk.sales.models import Contract, Installment

from .models import Allocation, Payment

ZERO = Decimal("0.00")


@dataclass
class InstallmentPaid:
    installment: Installment
    direct: Decimal = ZERO
    through_invoices: Decimal = ZERO

    @property
    def paid(self) -> Decimal:
        return self.direct + self.through_invoices

    @property
    def open(self) -> Decimal:
        return self.installment.amount - self.paid


@dataclass
class PaymentPlan:
    """A contract's installments with what each was paid, and invoice money beyond the plan."""

    rows: list[InstallmentPaid] = field(default_factory=list)
    beyond_plan: Decimal = ZERO

    @property
    def amount(self) -> Decimal:
        return sum((row.installment.amount for row in self.rows), ZERO)

    @property
    def direct(self) -> Decimal:
        return sum((row.direct for row in self.rows), ZERO)

    @property
    def through_invoices(self) -> Decimal:
        return sum((row.through_invoices for row in self.rows), ZERO)

    @property
    def paid(self) -> Decimal:
        return self.direct + self.through_invoices

    @property
    def open(self) -> Decimal:
        return self.amount - self.paid


def payment_plans(contract_ids) -> dict[int, PaymentPlan]:
    """{contract id: PaymentPlan} for the contracts given (three queries whatever their number). The
    caller has read the contracts through the data scope."""
    contract_ids = list(contract_ids)
    plans = {pk: PaymentPlan() for pk in contract_ids}
    if not contract_ids:
        return plans
    confirmed = Allocation.objects.filter(payment__status=Payment.Status.CONFIRMED).order_by()
    direct = dict(confirmed.filter(installment__contract_id__in=contract_ids).values_list("installment")
                  .annotate(total=Sum("amount")))
    through = dict(confirmed.filter(invoice__order__contract_id__in=contract_ids)
                   .values_list("invoice__order__contract").annotate(total=Sum("amount")))
    for installment in Installment.objects.filter(contract_id__in=contract_ids).order_by("contract", "due_on",
                                                                                        "position", "pk"):
        plans[installment.contract_id].rows.append(
            InstallmentPaid(installment=installment, direct=direct.get(installment.pk) or ZERO))
    for contract_id, plan in plans.items():
        left = through.get(contract_id) or ZERO
        for row in plan.rows:
            row.through_invoices = max(min(left, row.installment.amount - row.direct), ZERO)
            left -= row.through_invoices
        plan.beyond_plan = left
    return plans


def payment_plan(contract: Contract) -> PaymentPlan:
    return payment_plans([contract.pk])[contract.pk]


def open_amounts(installments) -> dict[int, Decimal]:
    """{installment id: what is still open on it}, counting direct and invoice money as above."""
    installments = list(installments)
    plans = payment_plans({item.contract_id for item in installments})
    found = {row.installment.pk: row.open for plan in plans.values() for row in plan.rows}
    return {item.pk: found[item.pk] for item in installments}
