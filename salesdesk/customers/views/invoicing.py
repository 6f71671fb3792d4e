"""The customer's invoicing information (开票信息) on its own page, and its verification (核实登记).
Thin: the services write (and check who may), the customer comes through the data scope: whoever
may change the customer keeps its invoicing information."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..forms import InvoicingProfileForm
from ..models import InvoicingProfile
from .customers import _customer


@login_required
def invoicing_profile(request, pk):
    customer = _customer(request, pk, "change")
    profile = InvoicingProfile.objects.filter(customer=customer).select_related("verified_by").first()
    initial = ({name: getattr(profile, name) for name in InvoicingProfile.VERIFIED_FIELDS} if profile
               else {"title": customer.name, "tax_number": customer.credit_code})
    form = InvoicingProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_invoicing_profile(customer=customer, by=request.actor.acting_employee(),
                                                      **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if profile is not None and profile.is_verified and not saved.is_verified:
                messages.warning(request, _("Saved. The invoicing information changed, so it needs verifying again."))
            else:
                messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/invoicing_profile_form.html", {
        "customer": customer, "profile": profile, "form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def invoicing_verify(request, pk):
    customer = _customer(request, pk, "change")
    try:
        services.verify_invoicing_profile(customer=customer, by=request.actor.acting_employee())
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Invoicing information verified."))
    return redirect("customers:detail", pk=customer.pk)
