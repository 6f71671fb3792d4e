"""Contract pages: the contract ledger (合同台账), a draft with its lines and payment terms, the contract
with its review, installments and attachments, and its creation from a quotation. Thin: contracts.py
writes, selectors read through the data scope."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer
from salesdesk.documents.pages import page_context

from .. import contracts, selectors
from ..forms import AttachmentForm, ContractForm, installment_rows, line_rows
from ..models import Contract, ContractAttachment, Quotation
from .quotations import _errors, _line_inputs


@login_required
def contract_list(request):
    scene = request.GET.get("scene") or selectors.default_scene(request.user)
    status = request.GET.get("status", "")
    expiring = request.GET.get("expiring") == "1"
    q = request.GET.get("q", "").strip()
    rows = selectors.contracts_for(request.user, scene=scene, status=status, search=q, expiring=expiring)
    page = list_page(rows, request)
    return render(request, "sales/contract_list.html", {
        "page": page, "scene": scene, "status": status, "statuses": Contract.Status.choices, "q": q,
        "expiring": expiring,
    })


def _installment_inputs(formset) -> list[contracts.InstallmentInput]:
    return [contracts.InstallmentInput(kind=form.cleaned_data["kind"], amount=form.cleaned_data["amount"],
                                       due_on=form.cleaned_data["due_on"], note=form.cleaned_data.get("note") or "")
            for form in formset.forms if form.cleaned_data.get("kind")]


@login_required
def contract_edit(request, pk: int | None = None):
    me = request.actor.acting_employee()
    contract, customer = None, None
    if pk is not None:
        contract = get_scoped_or_404(Contract.objects.select_related("customer"), request.user, "change", pk=pk)
        if contract.status != Contract.Status.DRAFT:
            messages.error(request, _("Only a draft contract can be changed."))
            return redirect("sales:contract", pk=pk)
        customer = contract.customer
    elif (request.GET.get("customer") or "").isdigit():
        customer = get_scoped_or_404(Customer, request.user, pk=int(request.GET["customer"]))
    today = timezone.localdate()
    initial = {"starts_on": today, "ends_on": today.replace(year=today.year + 1) - datetime.timedelta(days=1)}
    lines_initial, installments_initial = [], []
    if contract is not None:
        initial = {"customer": contract.customer_id, "title": contract.title, "starts_on": contract.starts_on,
                   "ends_on": contract.ends_on, "signed_on": contract.signed_on, "terms": contract.terms}
        lines_initial = [{"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price,
                          "description": line.description} for line in contract.lines.all()]
        installments_initial = [{"kind": item.kind, "amount": item.amount, "due_on": item.due_on, "note": item.note}
                                for item in contract.installments.all()]
    elif customer is not None:
        initial["customer"] = customer.pk
    form = ContractForm(request.POST or None, initial=initial, user=request.user, customer=customer)
    lines = line_rows(data=request.POST or None, initial=lines_initial, company_id=me.company_id)
    plan = installment_rows(data=request.POST or None, initial=installments_initial)
    if request.method == "POST" and form.is_valid() and lines.is_valid() and plan.is_valid():
        data = form.cleaned_data
        values = {"title": data["title"], "starts_on": data["starts_on"], "ends_on": data["ends_on"],
                  "signed_on": data.get("signed_on"), "terms": data.get("terms") or "",
                  "installments": _installment_inputs(plan), "lines": _line_inputs(lines)}
        try:
            if contract is None:
                contract = contracts.create_contract(by=me, customer=customer or data["customer"], **values)
                messages.success(request, _("Contract %(number)s saved as a draft.") % {"number": contract.number})
            else:
                contracts.update_contract(contract=contract, **values)
                messages.success(request, _("Contract saved."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("sales:contract", pk=contract.pk)
    return render(request, "sales/contract_form.html", {"form": form, "lines": lines, "plan": plan,
                                                        "contract": contract, "customer": customer})


@login_required
def contract_detail(request, pk: int):
    contract = get_scoped_or_404(Contract.objects.select_related("customer", "owner", "quotation"), request.user, pk=pk)
    # The payment plan, with what each installment was paid, is finance's {% contract_payment_plan %}.
    return render(request, "sales/contract_detail.html", {
        **page_context(request, contract,
                       attachments=contract.attachments.defer("content").select_related("uploaded_by"),
                       attach_url=reverse("sales:contract_attach", args=[contract.pk])),
        "contract": contract, "lines": contract.lines.select_related("product"),
    })


@login_required
@require_POST
def contract_action(request, pk: int, action: str):
    contract = get_scoped_or_404(Contract, request.user, "change", pk=pk)
    me = request.actor.acting_employee()
    try:
        if action == "submit":
            approval = contracts.submit_for_review(contract=contract, by=me)
            if approval.status == approval.Status.STALLED:
                messages.warning(request, approval.stall_message())
            elif approval.status == approval.Status.APPROVED:
                messages.success(request, _("The contract is in force."))
            else:
                messages.success(request, _("The contract has gone to review."))
        elif action == "reopen":
            contracts.reopen(contract=contract)
            messages.success(request, _("The contract is a draft again."))
        elif action in ("completed", "terminated"):
            contracts.close(contract=contract, status=action)
            messages.success(request, _("Contract closed."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        _errors(request, error)
    return redirect("sales:contract", pk=pk)


@login_required
@require_POST
def contract_from_quotation(request, pk: int):
    quotation = get_scoped_or_404(Quotation, request.user, "change", pk=pk)
    try:
        contract = contracts.contract_from_quotation(quotation=quotation, by=request.actor.acting_employee())
    except ValidationError as error:
        _errors(request, error)
        return redirect("sales:quotation", pk=pk)
    messages.success(request, _("Contract %(number)s drafted from the quotation; check the dates and payment terms.")
                     % {"number": contract.number})
    return redirect("sales:contract_edit", pk=contract.pk)


@login_required
@require_POST
def attachment_add(request, pk: int):
    contract = get_scoped_or_404(Contract, request.user, "change", pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("sales:contract", pk=pk)
    upload = form.cleaned_data["file"]
    if upload.size > contracts.MAX_ATTACHMENT:
        messages.error(request, _("A file may be at most %(size)s MB.") % {"size": contracts.MAX_ATTACHMENT // 1048576})
        return redirect("sales:contract", pk=pk)
    try:
        contracts.attach(contract=contract, by=request.actor.acting_employee(), name=upload.name, content=upload.read(),
                         content_type=upload.content_type or "")
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("File attached."))
    return redirect("sales:contract", pk=pk)


@login_required
def attachment_download(request, pk: int, attachment: int):
    contract = get_scoped_or_404(Contract, request.user, pk=pk)
    item = get_scoped_or_404(ContractAttachment.objects.filter(contract=contract), request.user, pk=attachment)
    response = HttpResponse(bytes(item.content), content_type=item.content_type or "application/octet-stream")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(item.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
