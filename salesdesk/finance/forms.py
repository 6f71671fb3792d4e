"""Forms of the finance pages."""

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from salesdesk.core.forms import BootstrapForm, scope_choices
from salesdesk.customers.forms import customer_field

from .models import CreditProfile, FinanceSettings, Payment

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
MONEY = {"max_digits": 16, "decimal_places": 2}


class PaymentForm(BootstrapForm):
    customer = customer_field()
    method = forms.ChoiceField(label=_("Method"), choices=Payment.Method.choices)
    amount = forms.DecimalField(label=_("Amount"), min_value=0.01, **MONEY)
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate, **DATE)
    payer = forms.CharField(label=_("Paid by"), max_length=200, required=False,
                            help_text=_("Empty: the customer."))
    reference = forms.CharField(label=_("Bank reference"), max_length=64, required=False)
    bill_number = forms.CharField(label=_("Bill number"), max_length=64, required=False)
    bill_due_on = forms.DateField(label=_("Bill due on"), required=False, **DATE)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user)


class CreditProfileForm(BootstrapForm):
    level = forms.ChoiceField(label=_("Credit level"), choices=CreditProfile.Level.choices)
    policy = forms.ChoiceField(label=_("Payment policy"), choices=CreditProfile.Policy.choices)
    limit = forms.DecimalField(label=_("Credit limit"), min_value=0, **MONEY,
                               help_text=_("What the customer may owe at most: open invoices, goods shipped "
                                           "but not invoiced and orders not yet shipped, less money received."))
    payment_days = forms.IntegerField(label=_("Days of credit"), min_value=0, max_value=365, initial=30)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CollectionNoteForm(BootstrapForm):
    text = forms.CharField(label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2}))
    promised_on = forms.DateField(label=_("Promised payment date"), required=False, **DATE)
    promised_amount = forms.DecimalField(label=_("Promised amount"), required=False, min_value=0.01, **MONEY)


class PeriodForm(BootstrapForm):
    date_from = forms.DateField(label=_("From"), **DATE)
    date_to = forms.DateField(label=_("To"), **DATE)



def _model_field(name):
    return FinanceSettings._meta.get_field(name)


class FinanceSettingsForm(BootstrapForm):
    """The labels are the model's; the range of the days is the service's to check."""

    invoice_basis = forms.ChoiceField(label=capfirst(_model_field("invoice_basis").verbose_name),
                                      choices=FinanceSettings.Basis.choices)
    default_payment_days = forms.IntegerField(label=capfirst(_model_field("default_payment_days").verbose_name),
                                              help_text=_model_field("default_payment_days").help_text,
                                              widget=forms.NumberInput(attrs={"min": 0, "max": 365}))
    default_credit_policy = forms.ChoiceField(label=capfirst(_model_field("default_credit_policy").verbose_name),
                                              help_text=_model_field("default_credit_policy").help_text,
                                              choices=FinanceSettings._meta.get_field("default_credit_policy").choices)
    default_credit_limit = forms.DecimalField(label=capfirst(_model_field("default_credit_limit").verbose_name),
                                              help_text=_model_field("default_credit_limit").help_text,
                                              max_digits=16, decimal_places=2, min_value=0, required=False)
