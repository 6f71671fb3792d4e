"""Contracts (合同): drafting (directly or from a quotation), payment terms as installments, attachments,
the review (合同评审) through the approval engine, and the life after it (in force → completed or
terminated).

States: draft → in_review → active (in force) → completed | terminated; a review that is returned
or withdrawn brings the contract back to draft, a rejected one to rejected (which the owner may
reopen as a draft)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.audit.changes import ChangeLog, record_update
from salesdesk.core.numbering import next_number
from salesdesk.documents import bookings
from salesdesk.org.selectors import booking_dimensions

from .lines import LineInput, copied, money, priced_lines, totals
from .models import Contract, ContractAttachment, ContractLine, Installment, Quotation

REVIEW_DOCUMENT = "contract"
MAX_ATTACHMENT = 10 * 1024 * 1024  # bytes


@dataclass
class InstallmentInput:
    kind: str
    amount: Decimal
    due_on: datetime.date
    note: str = ""


def _check(*, customer, owner, starts_on, ends_on, installments: list[InstallmentInput], amount: Decimal) -> None:
    if owner.company_id != customer.company_id:
        raise ValidationError(_("The owner works for another company."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A contract cannot end before it starts.")})
    if not installments:
        raise ValidationError(_("Write down at least one installment of the payment terms."))
    for number, installment in enumerate(installments, start=1):
        if installment.kind not in Installment.Kind.values:
            raise ValidationError(_("Installment %(n)s: unknown kind.") % {"n": number})
        if installment.amount is None or installment.amount <= 0:
            raise ValidationError(_("Installment %(n)s: the amount must be above zero.") % {"n": number})
    planned = sum((money(installment.amount) for installment in installments), Decimal(0))
    if planned != amount:
        raise ValidationError(_("The installments add up to %(planned)s, the contract to %(amount)s: they must be "
                                "equal.") % {"planned": f"{planned:.2f}", "amount": f"{amount:.2f}"})


def _write(contract: Contract, rows: list[dict], installments: list[InstallmentInput]) -> None:
    contract.lines.all().delete()
    log = ChangeLog()  # bulk_create sends no signals
    log.created(ContractLine.objects.bulk_create([ContractLine(contract=contract, **row) for row in rows]))
    contract.installments.all().delete()
    log.created(Installment.objects.bulk_create([
        Installment(contract=contract, position=position, kind=item.kind, amount=money(item.amount),
                    due_on=item.due_on, note=item.note.strip()[:200])
        for position, item in enumerate(installments, start=1)]))
    log.write()


@transaction.atomic
def create_contract(*, by, customer, title: str, starts_on: datetime.date, ends_on: datetime.date,
                    installments: list[InstallmentInput], lines: list[LineInput] | None = None, rows=None,
                    owner=None, quotation: Quotation | None = None, terms: str = "",
                    signed_on: datetime.date | None = None) -> Contract:
    """A draft contract. `lines` are priced from the price lists on `starts_on`; `rows` are line values
    copied from another document (a quotation) as they were agreed."""
    owner = owner or by
    if rows is None:
        rows = priced_lines(customer=customer, lines=lines or [], on=starts_on)
    amount, listed = totals(rows)
    _check(customer=customer, owner=owner, starts_on=starts_on, ends_on=ends_on, installments=installments,
           amount=amount)
    if not (title or "").strip():
        raise ValidationError({"title": _("Give the contract a subject.")})
    contract = Contract.objects.create(
        company_id=customer.company_id, customer=customer, owner=owner, quotation=quotation, title=title.strip(),
        starts_on=starts_on, ends_on=ends_on, signed_on=signed_on, terms=terms.strip(), amount=amount,
        list_amount=listed, number=next_number(company=customer.company, document="contract", on=starts_on))
    _write(contract, rows, installments)
    return contract


def _locked(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).select_related("customer", "owner").get(pk=contract.pk)


@transaction.atomic
def update_contract(*, contract: Contract, title: str, starts_on: datetime.date, ends_on: datetime.date,
                    installments: list[InstallmentInput], lines: list[LineInput], terms: str = "",
                    signed_on: datetime.date | None = None) -> Contract:
    contract = _locked(contract)
    if contract.status != Contract.Status.DRAFT:
        raise ValidationError(_("Only a draft contract can be changed."))
    rows = priced_lines(customer=contract.customer, lines=lines, on=starts_on)
    amount, listed = totals(rows)
    _check(customer=contract.customer, owner=contract.owner, starts_on=starts_on, ends_on=ends_on,
           installments=installments, amount=amount)
    contract.title, contract.starts_on, contract.ends_on = title.strip(), starts_on, ends_on
    contract.terms, contract.signed_on, contract.amount, contract.list_amount = terms.strip(), signed_on, amount, listed
    contract.save()
    _write(contract, rows, installments)
    return contract


@transaction.atomic
def contract_from_quotation(*, quotation: Quotation, by, starts_on: datetime.date | None = None,
                            ends_on: datetime.date | None = None) -> Contract:
    """A draft contract with the quotation's lines as agreed; the quotation is won. The payment terms
    start as one payment on delivery, due 30 days after the start, for the owner to adjust."""
    quotation = Quotation.objects.select_for_update(of=("self",)).select_related("customer").get(pk=quotation.pk)
    if quotation.status not in (Quotation.Status.SENT, Quotation.Status.WON):
        raise ValidationError(_("Only a sent or won quotation becomes a contract."))
    starts_on = starts_on or timezone.localdate()
    ends_on = ends_on or starts_on.replace(year=starts_on.year + 1) - datetime.timedelta(days=1)
    rows = [copied(line) for line in quotation.lines.select_related("product")]
    amount, _listed = totals(rows)
    contract = create_contract(
        by=by, customer=quotation.customer, owner=quotation.owner, quotation=quotation,
        title=quotation.title or quotation.label, starts_on=starts_on, ends_on=ends_on, terms=quotation.terms,
        rows=rows, installments=[InstallmentInput(Installment.Kind.DELIVERY, amount,
                                                  starts_on + datetime.timedelta(days=30))])
    if quotation.status == Quotation.Status.SENT:
        quotation.status, quotation.decided_on = Quotation.Status.WON, timezone.localdate()
        quotation.save(update_fields=["status", "decided_on", "updated_at"])
    return contract


@transaction.atomic
def submit_for_review(*, contract: Contract, by):
    """合同评审: the contract goes through the company's review chain; returns the approval request."""
    from salesdesk.approvals import services as approvals

    contract = _locked(contract)
    if contract.status != Contract.Status.DRAFT:
        raise ValidationError(_("Only a draft contract goes to review."))
    if not contract.lines.exists():
        raise ValidationError(_("Add at least one line."))
    contract.status = Contract.Status.IN_REVIEW
    contract.save(update_fields=["status", "updated_at"])
    return approvals.submit(document=contract, document_type=REVIEW_DOCUMENT, submitter=by)


@transaction.atomic
def reopen(*, contract: Contract) -> Contract:
    contract = _locked(contract)
    if contract.status != Contract.Status.REJECTED:
        raise ValidationError(_("Only a rejected contract is reopened as a draft."))
    contract.status = Contract.Status.DRAFT
    contract.save(update_fields=["status", "updated_at"])
    return contract


@transaction.atomic
def close(*, contract: Contract, status: str) -> Contract:
    contract = _locked(contract)
    if status not in (Contract.Status.COMPLETED, Contract.Status.TERMINATED):
        raise ValidationError(_("Unknown state."))
    if contract.status != Contract.Status.ACTIVE:
        raise ValidationError(_("Only a contract in force can be completed or terminated."))
    contract.status = status
    contract.save(update_fields=["status", "updated_at"])
    return contract


@transaction.atomic
def attach(*, contract: Contract, by, name: str, content: bytes, content_type: str = "") -> ContractAttachment:
    if len(content) > MAX_ATTACHMENT:
        raise ValidationError(_("A file may be at most %(size)s MB.") % {"size": MAX_ATTACHMENT // (1024 * 1024)})
    if not content:
        raise ValidationError(_("The file is empty."))
    return ContractAttachment.objects.create(contract=contract, uploaded_by=by, name=(name or "file")[:200],
                                             content=content, size=len(content), content_type=content_type[:100])


# --- what the approval engine does with a contract ---------------------------------------------


def _in_force(contract, request) -> None:
    """The review passed: the contract is in force, booked where its owner and customer are now."""
    values = {"status": Contract.Status.ACTIVE, "updated_at": timezone.now()}
    values["booked_department_id"], values["booked_territory_id"] = booking_dimensions(contract.owner_id,
                                                                                       contract.customer)
    if contract.signed_on is None:
        values["signed_on"] = timezone.localdate()
    Contract.objects.filter(pk=contract.pk).update(**values)
    record_update(contract, values)
    bookings.changed(contracts=[contract])


def register_approvals() -> None:
    from django.utils.translation import gettext_lazy

    from salesdesk.documents.approval import register_document_type

    register_document_type(
        key=REVIEW_DOCUMENT, label=gettext_lazy("Contract review"), model=Contract, url_name="sales:contract",
        approved=_in_force, rejected=Contract.Status.REJECTED, returned=Contract.Status.DRAFT,
        withdrawn=Contract.Status.DRAFT)
