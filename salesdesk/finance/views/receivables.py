"""Receivable pages (应收): aging per customer / owner / department (and its .xlsx), one customer's
receivables with the statement of account (对账单, also .xlsx), the collection tasks (催收) with their
notes, bad-debt write-off requests, and the credit overview (客户信用等级一览表) with the profiles and
override requests. Thin: receivables.py, credit.py and payments.py do the work."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesdesk.core.dates import day_from
from salesdesk.core.downloads import xlsx_response
from salesdesk.core.paging import list_page
from salesdesk.core.scope import get_scoped_or_404
from salesdesk.sales.models import SalesOrder

from .. import credit, payments, receivables
from ..capabilities import CREDIT
from ..forms import CollectionNoteForm, CreditProfileForm, PeriodForm
from ..models import CollectionTask, CreditProfile, Invoice
from ..selectors import (
    collection_tasks_for,
    customer_account,
    customers_for_finance,
    customers_with_credit_in_sight,
)
from .invoices import amount_from, errors


def _aging_workbook(result: receivables.Aging) -> bytes:
    from openpyxl import Workbook

    from salesdesk.core.downloads import row as sheet_row

    book = Workbook()
    sheet = book.active
    sheet.title = _("Aging")[:31]
    sheet.append(sheet_row([str(receivables.GROUPS[result.group][2]), *[str(bucket.label) for bucket in receivables.BUCKETS],
                  _("Outstanding")]))
    for row in [*result.rows, result.totals]:
        sheet.append(sheet_row([row.name, *[row.buckets[bucket.key] for bucket in receivables.BUCKETS], row.total]))
    for column in sheet.iter_cols(min_col=2):
        for cell in column[1:]:
            cell.number_format = "#,##0.00"
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


@login_required
def aging_view(request):
    by = request.GET.get("by", "customer")
    by = by if by in receivables.GROUPS else "customer"
    as_of = day_from(request, "as_of", timezone.localdate())
    # Drilling down: a department's owners, then an owner's customers (the links of the table).
    invoices, narrowed = receivables.narrow(receivables.open_invoices(request.user),
                                            department=request.GET.get("department", ""),
                                            owner=request.GET.get("owner", ""))
    result = receivables.aging(request.user, as_of=as_of, by=by, queryset=invoices)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(_aging_workbook(result), f"aging-{as_of.isoformat()}.xlsx")
    # A company's aging per customer runs to tens of thousands of rows: the page shows the largest
    # first, a page (PAGE_SIZE) at a time, with the totals of all; the workbook above holds every row.
    page = list_page(result.rows, request, capped=False)  # rows already added up in memory
    return render(request, "finance/aging.html", {
        "aging": result, "page": page, "buckets": receivables.BUCKETS, "by": by, "groups": receivables.GROUPS,
        "group_label": receivables.GROUPS[by][2], "narrowed": narrowed,
        "narrow_query": "".join(f"&{name}={value}" for name, value in narrowed),
    })


@login_required
def customer_receivables(request, customer: int):
    account = customer_account(request.user, customer)
    customer = account.customer
    today = timezone.localdate()
    start = today.replace(day=1)
    form = PeriodForm(request.GET or None, initial={"date_from": start, "date_to": today})
    date_from, date_to = start, today
    if request.GET and form.is_valid():
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    try:
        result = receivables.statement(account, date_from=date_from, date_to=date_to)
    except ValidationError as error:
        errors(request, error)
        result = receivables.statement(account, date_from=start, date_to=today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(receivables.statement_workbook(result),
                         f"statement-{customer.pk}-{result.date_from.isoformat()}-{result.date_to.isoformat()}.xlsx")
    return render(request, "finance/customer_receivables.html", {
        "customer": customer, "figures": receivables.customer_receivables(account), "statement": result,
        "form": form, "today": today,
        # The customer's credit as the customer page shows it: to whoever sees its credit profile.
        "credit_shown": account.credit_shown,
        "exposure": credit.exposure(customer) if account.credit_shown else None,
        "profile": CreditProfile.objects.restrict(request.user).filter(customer=customer).first(),
        "tasks": account.tasks.filter(status=CollectionTask.Status.OPEN).select_related("owner"),
    })


@login_required
def collection_list(request):
    status = request.GET.get("status", "open")
    tasks = collection_tasks_for(request.user, status=status if status in ("open", "done") else "open")
    page = list_page(tasks, request)
    return render(request, "finance/collection_list.html", {"page": page, "status": status})


@login_required
def collection_task(request, pk: int):
    task = get_scoped_or_404(CollectionTask.objects.select_related("customer", "owner"), request.user, pk=pk)
    form = CollectionNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            receivables.add_collection_note(task=task, by=request.actor.acting_employee(), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Note saved."))
            return redirect("finance:collection_task", pk=task.pk)
    return render(request, "finance/collection_task.html", {
        "task": task, "form": form, "notes": task.notes.select_related("written_by"),
        "figures": receivables.customer_receivables(customer_account(request.user, task.customer)),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def write_off_request(request, invoice: int):
    invoice = get_scoped_or_404(Invoice, request.user, pk=invoice)
    try:
        payments.request_write_off(invoice=invoice, by=request.actor.acting_employee(),
                                   amount=amount_from(request.POST.get("amount", "")),
                                   reason=request.POST.get("reason", ""))
    except ValidationError as error:
        errors(request, error)
    else:
        messages.success(request, _("The write-off goes for approval."))
    return redirect("finance:invoice", pk=invoice.pk)


# --- credit (信用) ----------------------------------------------------------------------------------


def credit_rows(user, *, level: str = ""):
    customers = customers_with_credit_in_sight(user).select_related("owner", "credit_profile").order_by("name")
    if level == "none":
        customers = customers.filter(credit_profile__isnull=True)
    elif level:
        customers = customers.filter(credit_profile__level=level)
    return customers


def _credit_workbook(rows) -> bytes:
    from openpyxl import Workbook

    from salesdesk.core.downloads import row as sheet_row

    book = Workbook()
    sheet = book.active
    sheet.title = _("Credit")[:31]
    sheet.append(sheet_row([_("Customer"), _("Owner"), _("Credit level"), _("Payment policy"), _("Days of credit"),
                  _("Credit limit"), _("Receivable"), _("Not yet shipped"), _("Used"), _("Available"), _("Overdue")]))
    for customer, profile, figures in rows:
        sheet.append(sheet_row([customer.name, customer.owner.name if customer.owner else "",
                      profile.get_level_display() if profile else _("not rated"),
                      profile.get_policy_display() if profile else "", profile.payment_days if profile else None,
                      profile.limit if profile else None, figures.receivable, figures.committed, figures.used,
                      (profile.limit - figures.used) if profile else None, figures.overdue]))
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


@login_required
def credit_overview(request):
    """客户信用等级一览表."""
    level = request.GET.get("level", "")
    customers = credit_rows(request.user, level=level)
    if request.GET.get("format") == "xlsx":
        chosen = list(customers[:20000])
        figures = credit.exposures([customer.pk for customer in chosen])
        rows = [(c, getattr(c, "credit_profile", None), figures[c.pk]) for c in chosen]
        return xlsx_response(_credit_workbook(rows), f"credit-{timezone.localdate().isoformat()}.xlsx")
    page = list_page(customers, request)
    figures = credit.exposures([customer.pk for customer in page])
    rows = []
    for customer in page:
        profile = getattr(customer, "credit_profile", None)
        exposure = figures[customer.pk]
        rows.append({"customer": customer, "profile": profile, "exposure": exposure,
                     "available": (profile.limit - exposure.used) if profile else None})
    return render(request, "finance/credit_overview.html", {
        "page": page, "rows": rows, "level": level, "levels": CreditProfile.Level.choices,
        "may_manage": credit.may_manage(request.user)})


@login_required
def credit_profile(request, customer: int):
    customer = get_object_or_404(customers_for_finance(request.user), pk=customer)
    request.actor.require(CREDIT)
    profile = CreditProfile.objects.filter(customer=customer).first()
    initial = ({"level": profile.level, "policy": profile.policy, "limit": profile.limit,
                "payment_days": profile.payment_days, "note": profile.note} if profile else None)
    form = CreditProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            change = credit.set_profile(customer=customer, by=request.actor.acting_employee(), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if change.status == change.Status.PENDING:
                messages.info(request, _("The new credit is more than you may grant alone: it waits for approval "
                                         "and applies once approved."))
                return redirect("finance:credit_profile", customer=customer.pk)
            messages.success(request, _("Credit profile saved."))
            return redirect("finance:customer_receivables", customer=customer.pk)
    changes = list(credit.history(customer))
    pending = next((change for change in changes if change.status == change.Status.PENDING), None)
    return render(request, "finance/credit_profile.html", {"customer": customer, "form": form, "profile": profile,
                                                           "changes": changes, "pending": pending})


@login_required
@require_POST
def credit_override_request(request, order: int):
    order = get_scoped_or_404(SalesOrder, request.user, pk=order)
    try:
        credit.request_override(order=order, action=request.POST.get("action", ""), by=request.actor.acting_employee(),
                                reason=request.POST.get("reason", ""),
                                amount=amount_from(request.POST.get("amount", "")))
    except ValidationError as error:
        errors(request, error)
    else:
        messages.success(request, _("The credit override goes for approval."))
    return redirect("sales:order", pk=order.pk)

