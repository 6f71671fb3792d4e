"""Forms of the sales pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from salesdesk.core.forms import BootstrapForm, CleanTextMixin, Picker, scope_choices
from salesdesk.core.scope import scope_for
from salesdesk.customers.forms import customer_field
from salesdesk.customers.models import Contact

from .models import PriceList, Product, ProductLine, Warehouse


class ProductFilter(BootstrapForm):
    q = forms.CharField(label=_("Search"), required=False)
    line = forms.ModelChoiceField(label=_("Product line"), queryset=ProductLine.objects.none(), required=False,
                                  empty_label=_("All lines"))

    def __init__(self, *args, company_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = ProductLine.objects.filter(company_id=company_id)


class ProductForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=200)
    spec = forms.CharField(label=_("Specification"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=16, initial="件")
    product_line = forms.ModelChoiceField(label=_("Product line"), queryset=ProductLine.objects.none(), required=False)
    new_line = forms.CharField(label=_("or a new product line"), max_length=64, required=False)
    tax_rate = forms.DecimalField(label=_("Tax rate"), max_digits=5, decimal_places=4, initial="0.13",
                                  help_text=_("e.g. 0.13 for 13 %"))
    standard_price = forms.DecimalField(label=_("Standard price (tax included)"), max_digits=16, decimal_places=4,
                                        min_value=0, help_text=_("Takes effect when a second person confirms it."))
    floor_price = forms.DecimalField(label=_("Floor price"), max_digits=16, decimal_places=4, min_value=0,
                                     required=False, help_text=_("A lower price needs approval."))
    is_active = forms.BooleanField(label=_("On sale"), required=False, initial=True)

    def __init__(self, *args, company_id=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].queryset = ProductLine.objects.filter(company_id=company_id, is_active=True)
        if editing:
            # Prices change through a checked price change, the code never.
            for name in ("standard_price", "floor_price"):
                del self.fields[name]
            self.fields["code"].disabled = True


class PriceChangeForm(BootstrapForm):
    price_list = forms.ModelChoiceField(label=_("Price list"), queryset=PriceList.objects.none(), required=False,
                                        empty_label=_("Standard price"))
    price = forms.DecimalField(label=_("New price (tax included)"), max_digits=16, decimal_places=4, min_value=0)
    floor_price = forms.DecimalField(label=_("New floor price"), max_digits=16, decimal_places=4, min_value=0,
                                     required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, company_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_list"].queryset = PriceList.objects.filter(company_id=company_id, is_active=True)


class CheckForm(BootstrapForm):
    comment = forms.CharField(label=_("Comment"), max_length=200, required=False)


class PriceListForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = PriceList
        fields = ["name", "customer_level", "channel", "valid_from", "valid_until", "is_active"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}),
                   "valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            widget.attrs["class"] = ("form-check-input" if isinstance(widget, forms.CheckboxInput) else
                                     "form-select" if isinstance(widget, forms.Select) else "form-control")

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end cannot be before the start."))
        return data


class WarehouseForm(BootstrapForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Warehouse.Kind.choices, initial=Warehouse.Kind.MAIN)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


# --- quotations ------------------------------------------------------------------------------------

class ProductPicker(Picker):
    url_name = "sales:product_pick"
    placeholder = _("Type a product's code or name")

    def label_for(self, record) -> str:
        return f"{record.code} {record.name}"


class QuotationForm(BootstrapForm):
    customer = customer_field()
    contact = forms.ModelChoiceField(label=_("Contact"), queryset=Contact.objects.none(), required=False)
    title = forms.CharField(label=_("Subject"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Delivery, payment and other terms."))

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.urls import reverse

        from salesdesk.customers.forms import offer_contacts

        scope_choices(self, user, customer=customer)
        if customer is None:  # the customer typed in or chosen so far (in scope): its contacts are offered
            chosen = self.data.get(self.add_prefix("customer")) if self.is_bound else self.initial.get("customer")
            customer = self.fields["customer"].widget.chosen(chosen)
        offer_contacts(self.fields["contact"], customer=customer, company_id=scope_for(user).company_id)
        # Choosing another customer in the picker loads that customer's contacts into the list.
        self.fields["contact"].widget.attrs.update({
            "hx-get": reverse("customers:contact_options"), "hx-trigger": "change from:[name=customer]",
            "hx-include": "[name=customer]", "hx-target": "this", "hx-swap": "innerHTML"})

    def clean(self):
        from salesdesk.customers.forms import check_contact

        data = super().clean()
        check_contact(self, customer=data.get("customer"))
        return data


class LineForm(BootstrapForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), widget=ProductPicker,
                                     required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14, decimal_places=3, min_value=0, required=False)
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=16, decimal_places=4, min_value=0,
                                    required=False, help_text=_("Empty: the customer's price."))
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, company_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(company_id=company_id, is_active=True)

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("quantity"):
            self.add_error("quantity", _("How many?"))
        if data.get("quantity") and not data.get("product"):
            self.add_error("product", _("Which product?"))
        return data


def line_rows(*, data=None, initial=None, company_id=None, spare: int = 3):
    rows = list(initial or [])
    formset = forms.formset_factory(LineForm, extra=spare)(data=data, initial=rows, prefix="lines",
                                                          form_kwargs={"company_id": company_id})
    return formset


class LostForm(BootstrapForm):
    lost_reason = forms.CharField(label=_("Reason lost"), max_length=200)


# --- contracts -------------------------------------------------------------------------------------


class ContractForm(BootstrapForm):
    customer = customer_field()
    title = forms.CharField(label=_("Subject"), max_length=200)
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    signed_on = forms.DateField(label=_("Signed on"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user, customer=customer)


class InstallmentForm(BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Installment

        self.fields["kind"].choices = [("", "—"), *Installment.Kind.choices]

    def clean(self):
        data = super().clean()
        filled = [name for name in ("kind", "amount", "due_on") if data.get(name) not in (None, "")]
        if filled and len(filled) < 3:
            for name in ("kind", "amount", "due_on"):
                if data.get(name) in (None, ""):
                    self.add_error(name, _("This field is required."))
        return data


def installment_rows(*, data=None, initial=None, spare: int = 2):
    return forms.formset_factory(InstallmentForm, extra=spare)(data=data, initial=list(initial or []),
                                                                prefix="installments")


class AttachmentForm(BootstrapForm):
    file = forms.FileField(label=_("File"))


# --- orders ----------------------------------------------------------------------------------------


class OrderForm(BootstrapForm):
    customer = customer_field()
    delivery_on = forms.DateField(label=_("Delivery date"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    ship_to = forms.CharField(label=_("Ship to"), max_length=255, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user, customer=customer)


class OrderFromContractForm(BootstrapForm):
    delivery_on = forms.DateField(label=_("Delivery date"),
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
