"""Finance settings (财务设置) for organisation administrators: what an invoice may cover and the
default days to pay an invoice. Thin: settings_services.py does the work."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salesdesk.org.access import current_company, org_admin_required

from ..forms import FinanceSettingsForm
from ..models import CreditPolicy, FinanceSettings
from ..settings_services import update_finance_settings


@org_admin_required
def finance_settings(request):
    company = current_company(request)
    if company is None:
        raise Http404
    current = FinanceSettings.objects.restrict(request.user).filter(company=company).first()
    initial = {"invoice_basis": current.invoice_basis if current else FinanceSettings.Basis.SHIPPED,
               "default_payment_days": current.default_payment_days if current else FinanceSettings.DEFAULT_PAYMENT_DAYS,
               "default_credit_policy": current.default_credit_policy if current else CreditPolicy.CASH,
               "default_credit_limit": current.default_credit_limit if current else 0}
    form = FinanceSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_finance_settings(company=company, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Finance settings saved; they apply to invoices from now on."))
            return redirect("finance:settings")
    return render(request, "finance/settings.html", {"form": form})
