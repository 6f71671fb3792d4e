"""Quotation pages: the list (mine, my team's, everything my scope shows), a new or changed draft with
its lines, the quotation with its actions (send, revise, won / lost), the print view and its PDF.
Thin: quotations.py writes, selectors read through the data scope."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.customers.models import Customer
from salesdesk.documents.pages import page_context

from .. import quotations, selectors
from ..forms import LostForm, QuotationForm, line_rows
from ..models import Quotation

PICK_LIMIT = 20


def _errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def product_pick(request):
    search = (request.GET.get("q") or "").strip()[:50]
    results = []
    if search:
        rows = selectors.products_for(request.user, search=search, active_only=True).order_by("code")[:PICK_LIMIT]
        results = [{"id": row.pk, "name": f"{row.code} {row.name}",
                    "label": " · ".join(filter(None, [row.code, row.name, row.spec, row.unit]))} for row in rows]
    return JsonResponse({"results": results, "empty": _("No product found")})


@login_required
def quotation_list(request):
    scene = request.GET.get("scene") or selectors.default_scene(request.user)
    status = request.GET.get("status", "")
    rows = selectors.quotations_for(request.user, scene=scene, status=status, search=request.GET.get("q", "").strip())
    page = list_page(rows, request)
    return render(request, "sales/quotation_list.html", {
        "page": page, "scene": scene, "status": status, "statuses": Quotation.Status.choices,
        "q": request.GET.get("q", ""),
    })


def _line_inputs(formset) -> list[quotations.LineInput]:
    return [quotations.LineInput(product=form.cleaned_data["product"], quantity=form.cleaned_data["quantity"],
                                 unit_price=form.cleaned_data.get("unit_price"),
                                 description=form.cleaned_data.get("description") or "")
            for form in formset.forms if form.cleaned_data.get("product")]


@login_required
def quotation_edit(request, pk: int | None = None):
    me = request.actor.acting_employee()
    quotation = None
    customer = None
    if pk is not None:
        quotation = get_scoped_or_404(Quotation.objects.select_related("customer"), request.user, "change", pk=pk)
        if not quotation.is_editable:
            messages.error(request, _("Only a draft can be changed; make a new version of a sent quotation."))
            return redirect("sales:quotation", pk=pk)
        customer = quotation.customer
    elif (request.GET.get("customer") or "").isdigit():
        customer = get_scoped_or_404(Customer, request.user, pk=int(request.GET["customer"]))
    initial = {"valid_until": timezone.localdate() + datetime.timedelta(days=30)}
    lines_initial = []
    if quotation is not None:
        initial = {"customer": quotation.customer_id, "contact": quotation.contact_id, "title": quotation.title,
                   "valid_until": quotation.valid_until, "terms": quotation.terms}
        lines_initial = [{"product": line.product_id, "quantity": line.quantity, "unit_price": line.unit_price,
                          "description": line.description} for line in quotation.lines.all()]
    elif customer is not None:
        initial["customer"] = customer.pk
    form = QuotationForm(request.POST or None, initial=initial, user=request.user, customer=customer)
    lines = line_rows(data=request.POST or None, initial=lines_initial, company_id=me.company_id)
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        data = form.cleaned_data
        try:
            if quotation is None:
                quotation = quotations.create_quotation(
                    by=me, customer=customer or data["customer"], lines=_line_inputs(lines),
                    valid_until=data["valid_until"], contact=data.get("contact"), title=data.get("title") or "",
                    terms=data.get("terms") or "")
                messages.success(request, _("Quotation %(number)s saved as a draft.") % {"number": quotation.number})
            else:
                quotations.update_quotation(quotation=quotation, lines=_line_inputs(lines),
                                            valid_until=data["valid_until"], contact=data.get("contact"),
                                            title=data.get("title") or "", terms=data.get("terms") or "")
                messages.success(request, _("Quotation saved."))
        except ValidationError as error:
            form.add_service_error(error)
        else:
            return redirect("sales:quotation", pk=quotation.pk)
    return render(request, "sales/quotation_form.html", {"form": form, "lines": lines, "quotation": quotation,
                                                         "customer": customer})


@login_required
def quotation_detail(request, pk: int):
    quotation = get_scoped_or_404(Quotation.objects.select_related("customer", "contact", "owner", "previous"),
                                  request.user, pk=pk)
    versions = Quotation.objects.restrict(request.user).filter(company_id=quotation.company_id,
                                                               number=quotation.number).order_by("version")
    return render(request, "sales/quotation_detail.html", {
        **page_context(request, quotation),
        "quotation": quotation, "lines": quotation.lines.select_related("product"),
        "versions": versions, "lost_form": LostForm(), "below_floor": quotations.below_floor(quotation),
    })


@login_required
@require_POST
def quotation_action(request, pk: int, action: str):
    quotation = get_scoped_or_404(Quotation, request.user, "change", pk=pk)
    me = request.actor.acting_employee()
    try:
        if action == "send":
            approval = quotations.send_quotation(quotation=quotation, by=me)
            if approval is None:
                messages.success(request, _("Quotation marked as sent."))
            elif approval.status == approval.Status.STALLED:
                messages.warning(request, approval.stall_message())
            else:
                messages.info(request, _("A price is below its floor: the quotation goes to approval first."))
        elif action == "revise":
            quotation = quotations.new_version(quotation=quotation, by=me)
            messages.success(request, _("Version %(version)s drafted.") % {"version": quotation.version})
        elif action == "won":
            quotations.mark_won(quotation=quotation)
            messages.success(request, _("Quotation won."))
        elif action == "lost":
            quotations.mark_lost(quotation=quotation, reason=request.POST.get("lost_reason", ""))
            messages.success(request, _("Quotation marked as lost."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        _errors(request, error)
    return redirect("sales:quotation", pk=quotation.pk)


def _printable(request, pk: int) -> tuple[Quotation, dict]:
    quotation = get_scoped_or_404(Quotation.objects.select_related("customer", "contact", "owner", "company"),
                                  request.user, pk=pk)
    return quotation, {"quotation": quotation, "lines": quotation.lines.select_related("product"),
                       "company": quotation.company}


@login_required
def quotation_print(request, pk: int):
    quotation, context = _printable(request, pk)
    return render(request, "sales/quotation_print.html", context)


@login_required
def quotation_pdf(request, pk: int):
    from weasyprint import HTML

    quotation, context = _printable(request, pk)
    html = render_to_string("sales/quotation_print.html", {**context, "for_pdf": True}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quotation.label}.pdf"'
    return response

