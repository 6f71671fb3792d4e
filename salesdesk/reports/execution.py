"""Contract execution (合同履行一览表): per contract, how much has been ordered, shipped, invoiced and
collected against it, and the same per month, quarter or year.

What counts against a contract:
* ordered — its orders that were agreed (confirmed, shipped or closed), at their amounts;
* shipped — the ordered lines of its orders' released shipments, at the order's prices;
* invoiced — the issued invoices of its orders (tax included);
* collected — payments allocated to its installments (e.g. an advance) and to the invoices of its
  orders.

The contracts come from the caller, already restricted to the user's sales scope; the figures are
one grouped query per measure for the contracts asked about, so a page of 50 contracts costs the
same four queries as one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractQuarter, ExtractYear
from django.utils.translation import gettext as _

from salesdesk.finance.models import Allocation, Invoice, Payment
from salesdesk.finance.payments import RECEIVABLE
from salesdesk.sales.models import Contract, SalesOrder, ShipmentLine

from .selectors import SHIPPED, ZERO, money

SIGNED = (Contract.Status.ACTIVE, Contract.Status.COMPLETED, Contract.Status.TERMINATED)


@dataclass
class Execution:
    amount: Decimal = ZERO  # the contract's amount (for a period: the contracts signed in it)
    ordered: Decimal = ZERO
    shipped: Decimal = ZERO
    invoiced: Decimal = ZERO
    collected: Decimal = ZERO
    contracts: int = 0

    @property
    def outstanding(self) -> Decimal:
        """What the customer still owes against the contract: its amount less what came in."""
        return max(self.amount - self.collected, ZERO)

    def share(self, measure: str) -> Decimal | None:
        """`measure` as a percentage of the contract amount (None for a contract of nothing)."""
        if not self.amount:
            return None
        return (getattr(self, measure) * 100 / self.amount).quantize(Decimal("0.1"))


def labels() -> dict:
    return {"ordered": _("Ordered"), "shipped": _("Shipped"), "invoiced": _("Invoiced"), "collected": _("Collected")}



def _sources(contracts: QuerySet) -> dict[str, tuple[QuerySet, str, str]]:
    """measure -> (rows, the path to their contract, the amount to sum), for the contracts given."""
    ids = contracts.values("pk")
    orders = SalesOrder.objects.filter(contract__in=ids, status__in=SalesOrder.SOLD)
    invoices = Invoice.objects.filter(order__contract__in=ids, status__in=RECEIVABLE)
    return {
        "ordered": (orders, "contract", "amount"),
        "shipped": (ShipmentLine.objects.filter(shipment__order__contract__in=ids, shipment__status__in=SHIPPED,
                                                kind=ShipmentLine.Kind.ORDERED), "shipment__order__contract", "amount"),
        "invoiced": (invoices, "order__contract", "amount"),
        # Allocations count once confirmed money was applied; to an installment or to an invoice.
        "collected_installments": (Allocation.objects.filter(installment__contract__in=ids,
                                                             payment__status=Payment.Status.CONFIRMED),
                                   "installment__contract", "amount"),
        "collected_invoices": (Allocation.objects.filter(invoice__order__contract__in=ids,
                                                         payment__status=Payment.Status.CONFIRMED),
                               "invoice__order__contract", "amount"),
    }


def _measure_name(source: str) -> str:
    return "collected" if source.startswith("collected") else source


def execution(contracts: QuerySet) -> dict[int, Execution]:
    """{contract id: Execution} for the contracts given (a queryset already in the user's scope)."""
    found = {pk: Execution(amount=money(amount), contracts=1) for pk, amount in contracts.values_list("pk", "amount")}
    if not found:
        return {}
    for source, (rows, contract, amount) in _sources(contracts.filter(pk__in=list(found))).items():
        for pk, total in rows.order_by().values_list(contract).annotate(total=Sum(amount)):
            target = found[pk]
            setattr(target, _measure_name(source), getattr(target, _measure_name(source)) + money(total))
    return found


def totals(contracts: QuerySet) -> Execution:
    """The figures of all the contracts given, added up by the database (for a list's total line)."""
    summed = contracts.aggregate(amount=Sum("amount"), count=Count("pk"))
    result = Execution(amount=money(summed["amount"]), contracts=summed["count"])
    for source, (rows, _contract, amount) in _sources(contracts).items():
        name = _measure_name(source)
        setattr(result, name, getattr(result, name) + money(rows.aggregate(total=Sum(amount))["total"]))
    return result


# --- per period ---------------------------------------------------------------------------------------

UNITS = ("month", "quarter", "year")


@dataclass
class PeriodRow:
    key: tuple  # (year,), (year, quarter) or (year, month)
    figures: Execution = field(default_factory=Execution)
    unit: str = "month"

    @property
    def label(self) -> str:
        year = self.key[0]
        if len(self.key) == 1:
            return str(year)
        return f"{year}-Q{self.key[1]}" if self.unit == "quarter" else f"{year}-{self.key[1]:02d}"


def _period(date_path: str, unit: str) -> dict:
    parts = {"year": ExtractYear(date_path)}
    if unit == "quarter":
        parts["part"] = ExtractQuarter(date_path)
    elif unit == "month":
        parts["part"] = ExtractMonth(date_path)
    return parts


def statistics(contracts: QuerySet, *, date_from: datetime.date, date_to: datetime.date,
               unit: str = "month") -> list[PeriodRow]:
    """Contract execution per period between the two dates: contracts signed (number, amount) by
    signing date, ordered by order date, shipped by shipping date, invoiced by issue date and
    collected by the date the money came in — for the contracts given (in the user's scope)."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}")
    signed = contracts.filter(status__in=SIGNED, signed_on__gte=date_from, signed_on__lte=date_to)
    dated = {
        "ordered": "ordered_on", "shipped": "shipment__shipped_on", "invoiced": "issued_on",
        "collected_installments": "payment__received_on", "collected_invoices": "payment__received_on",
    }
    rows: dict[tuple, PeriodRow] = {}

    def row(values) -> PeriodRow:
        key = (values["year"],) if unit == "year" else (values["year"], values["part"])
        return rows.setdefault(key, PeriodRow(key=key, unit=unit))

    for values in (signed.order_by().annotate(**_period("signed_on", unit)).values(*_period("signed_on", unit))
                   .annotate(total=Sum("amount"), count=Count("pk"))):
        figures = row(values).figures
        figures.amount += money(values["total"])
        figures.contracts += values["count"]
    for source, (queryset, _contract, amount) in _sources(contracts).items():
        date_path = dated[source]
        parts = _period(date_path, unit)
        within = queryset.filter(**{f"{date_path}__gte": date_from, f"{date_path}__lte": date_to})
        for values in within.order_by().annotate(**parts).values(*parts).annotate(total=Sum(amount)):
            figures = row(values).figures
            name = _measure_name(source)
            setattr(figures, name, getattr(figures, name) + money(values["total"]))
    return [rows[key] for key in sorted(rows)]


def contracts_in_scope(user) -> QuerySet:
    return Contract.objects.restrict(user)


def annotate_page(contracts: list[Contract], figures: dict[int, Execution]) -> list[Contract]:
    """Hang each contract's figures on it as `.execution` for the templates."""
    for contract in contracts:
        contract.execution = figures.get(contract.pk, Execution(amount=money(contract.amount), contracts=1))
    return contracts
