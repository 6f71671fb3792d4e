from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from salesdesk.core.forms import BootstrapForm, Picker, ScopedChoiceField, scope_choices
from salesdesk.org.forms import active_employees, employee_field

from .models import Channel, Contact, Customer, CustomerClass, FollowUp, Lead, LeadSource, Level
from .selectors import CUSTOMER_SCENES, CUSTOMER_SORTS, LEAD_SCENES


class CompanyChoices:
    """Limits a form's choice fields to the company's reference data."""

    def limit(self, company):
        for name, model in (("source", LeadSource), ("customer_class", CustomerClass)):
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(company=company, is_active=True)
        if "owner" in self.fields:
            self.fields["owner"].queryset = active_employees(company)


class CustomerForm(CompanyChoices, BootstrapForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices, initial=Customer.Kind.COMPANY)
    name = forms.CharField(label=_("Name"), max_length=200)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    customer_class = forms.ModelChoiceField(label=_("Class"), queryset=CustomerClass.objects.none(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Level.choices], required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "—"), *Channel.choices], required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=LeadSource.objects.none(), required=False)
    industry = forms.CharField(label=_("Industry"), max_length=64, required=False)
    size = forms.ChoiceField(label=_("Size"), choices=[("", "—"), *Customer.Size.choices], required=False)
    country = forms.CharField(label=_("Country"), max_length=64, required=False)
    province = forms.CharField(label=_("Province"), max_length=32, required=False)
    city = forms.CharField(label=_("City"), max_length=64, required=False)
    district = forms.CharField(label=_("District"), max_length=64, required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    mobile = forms.CharField(label=_("Mobile (individual customers)"), max_length=32, required=False)
    intended_unit = forms.CharField(label=_("Intended unit type"), max_length=64, required=False)
    budget = forms.DecimalField(label=_("Budget"), max_digits=14, decimal_places=2, min_value=0, required=False)
    tags = forms.CharField(label=_("Tags"), max_length=300, required=False,
                           help_text=_("Separate tags with commas."))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_followup_on = forms.DateField(label=_("Next follow-up"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    allow_similar = forms.BooleanField(label=_("Save although a customer with a similar name exists"), required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(company)
        from .visitors import receives_visitors

        if not receives_visitors(company.pk):  # a buyer's unit type and budget: property sales only
            for name in ("intended_unit", "budget"):
                self.fields.pop(name)

    def clean_tags(self):
        text = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]

    def customer_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("allow_similar", None)
        data.pop("tags", None)
        return {key: ("" if value is None and key not in ("customer_class", "source", "budget", "next_followup_on")
                      else value) for key, value in data.items()}


class FirstContactForm(BootstrapForm):
    """The first contact, entered with a new company customer."""

    contact_name = forms.CharField(label=_("Contact name"), max_length=64, required=False)
    contact_title = forms.CharField(label=_("Job title"), max_length=64, required=False)
    contact_mobile = forms.CharField(label=_("Contact mobile"), max_length=32, required=False)

    def contact(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("contact_name"):
            return None
        return {"name": data["contact_name"], "title": data.get("contact_title", ""),
                "mobile": data.get("contact_mobile", "")}


class ContactForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    title = forms.CharField(label=_("Job title"), max_length=64, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=64, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    role = forms.ChoiceField(label=_("Role in the decision"), choices=[("", "—"), *Contact.Role.choices],
                             required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def offer_contacts(field, *, customer, contacts=None, company_id=None) -> None:
    """Offer in `field` (a ModelChoiceField of contacts) only `customer`'s contact persons — none
    while no customer is chosen. A submitted id still resolves among the company's contacts, so that
    `check_contact` can refuse one of another customer with a message that says so (instead of
    "not one of the available choices"). `contacts`: the customer's contacts when already read."""
    company_id = customer.company_id if customer is not None else company_id
    field.queryset = Contact.objects.filter(customer__company_id=company_id) if company_id else Contact.objects.none()
    if customer is not None and contacts is None:
        contacts = list(customer.contacts.all())
    field.choices = [("", "---------"), *((contact.pk, str(contact)) for contact in contacts or [])]


def check_contact(form, *, customer, field: str = "contact") -> None:
    """In a form's clean(): the chosen contact person must be one of the chosen customer's."""
    contact = form.cleaned_data.get(field)
    if contact is not None and (customer is None or contact.customer_id != customer.pk):
        form.add_error(field, _("The contact belongs to another customer."))


class FollowUpForm(BootstrapForm):
    method = forms.ChoiceField(label=_("Method"), choices=FollowUp.Method.choices, initial=FollowUp.Method.PHONE)
    at = forms.DateTimeField(label=_("When"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                             help_text=_("Leave empty for now."))
    contact = forms.ModelChoiceField(label=_("Contact person"), queryset=Contact.objects.none(), required=False)
    content = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label=_("Result"), max_length=200, required=False)
    next_followup_on = forms.DateField(label=_("Next follow-up"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    check_in_place = forms.CharField(label=_("Check-in place"), max_length=200, required=False,
                                     help_text=_("For visits: where you are; or take it from the phone."))
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput,
                                  min_value=-90, max_value=90)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput,
                                   min_value=-180, max_value=180)

    def __init__(self, *args, customer=None, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        if customer is not None:
            offer_contacts(self.fields["contact"], customer=customer, contacts=contacts)
        else:
            del self.fields["contact"]

    def clean(self):
        data = super().clean()
        check_contact(self, customer=self.customer)
        return data

    def followup_fields(self) -> dict:
        data = dict(self.cleaned_data)
        at = data.pop("at", None) or timezone.now()
        checked_in = data["method"] == FollowUp.Method.VISIT and (data.get("check_in_place") or data.get("latitude"))
        return {**data, "at": at, "checked_in_at": timezone.now() if checked_in else None}


class ReasonForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class TransferForm(BootstrapForm):
    owner = employee_field(_("New owner"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_employees(company)


class CustomerFilterForm(CompanyChoices, BootstrapForm):
    scene = forms.ChoiceField(label=_("Scene"), choices=list(CUSTOMER_SCENES.items()), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin initials, mobile or credit code"),
                                                      "type": "search"}))
    customer_class = forms.ModelChoiceField(label=_("Class"), queryset=CustomerClass.objects.none(), required=False)
    level = forms.ChoiceField(label=_("Level"), choices=[("", _("Any level")), *Level.choices], required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=LeadSource.objects.none(), required=False)
    # Typed, not chosen: tags are free-form and grow without bound, and a select of all of them
    # would cost every list page a query.
    tag = forms.CharField(label=_("Tag"), max_length=32, required=False)
    owner = employee_field(_("Owner"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), choices=list(CUSTOMER_SORTS.items()), required=False)

    def __init__(self, *args, company, by_owner: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not by_owner:  # someone who sees only their own customers has no owner to choose
            del self.fields["owner"]
        self.limit(company)
        # Each list is read once and kept (the batch actions reuse them): rendering a model
        # choice field would otherwise query again every time.
        self.lists = {}
        for name in [name for name in ("customer_class", "source") if name in self.fields]:
            field = self.fields[name]
            self.lists[name] = list(field.queryset)
            field.choices = [("", _("Any")), *((item.pk, str(item)) for item in self.lists[name])]
        for field in self.fields.values():
            field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " form-control-sm form-select-sm"


class LeadForm(CompanyChoices, BootstrapForm):
    name = forms.CharField(label=_("Contact name"), max_length=64)
    company_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    title = forms.CharField(label=_("Job title"), max_length=64, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=32, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    wechat = forms.CharField(label=_("WeChat"), max_length=64, required=False)
    source = forms.ModelChoiceField(label=_("Source"), queryset=LeadSource.objects.none(), required=False)
    country = forms.CharField(label=_("Country"), max_length=64, required=False)
    province = forms.CharField(label=_("Province"), max_length=32, required=False)
    city = forms.CharField(label=_("City"), max_length=64, required=False)
    needs = forms.CharField(label=_("Needs"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit(company)


class LeadFilterForm(BootstrapForm):
    scene = forms.ChoiceField(label=_("Scene"), choices=list(LEAD_SCENES.items()), required=False)
    q = forms.CharField(label=_("Search"), max_length=100, required=False,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, company, mobile or email")}))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *Lead.Status.choices], required=False)


class AssignLeadForm(BootstrapForm):
    owner = employee_field(_("Rep"))

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_employees(company)


class BatchForm(BootstrapForm):
    ACTIONS = [("transfer", _("Transfer")), ("release", _("Put into the pool")), ("class", _("Change class")),
               ("tag", _("Add tag")), ("export", _("Export"))]
    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.CharField(required=False)
    owner = employee_field(_("New owner"), required=False)
    customer_class = forms.ModelChoiceField(queryset=CustomerClass.objects.none(), required=False)
    tag = forms.CharField(max_length=32, required=False)
    reason = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = active_employees(company)
        self.fields["owner"].widget.attrs.update({"class": "form-control form-control-sm", "id": "batch-owner",
                                                  "aria-label": _("New owner")})
        self.fields["customer_class"].queryset = CustomerClass.objects.filter(company=company, is_active=True)

    def clean_ids(self):
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else [self.cleaned_data.get("ids", "")]
        ids = []
        for item in raw:
            for part in str(item).split(","):
                if part.strip().isdigit():
                    ids.append(int(part))
        if not ids:
            raise forms.ValidationError(_("Select at least one customer."))
        return ids


class InvoicingProfileForm(BootstrapForm):
    """The customer's invoicing information (开票信息); the service normalises and checks it."""

    title = forms.CharField(label=_("Invoice title"), max_length=200, required=False,
                            help_text=_("Usually the customer's legal name."))
    tax_number = forms.CharField(label=_("Taxpayer identification number"), max_length=25, required=False,
                                 help_text=_("For companies, the unified social credit code."))
    address = forms.CharField(label=_("Registered address"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    account = forms.CharField(label=_("Account number"), max_length=40, required=False)


class CustomerPicker(Picker):
    url_name = "customers:pick"
    placeholder = _("Type a customer's name, initials or mobile")

    def label_for(self, record) -> str:
        return record.name


def customer_field(**kwargs) -> ScopedChoiceField:
    """The customer of a document form (order, quotation, contract, payment, visit plan): chosen with
    the picker among the customers the reader sees. The form's __init__ calls
    `scope_choices(self, user, customer=…)`; until then the field offers nothing."""
    return ScopedChoiceField(Customer, label=kwargs.pop("label", _("Customer")), widget=CustomerPicker, **kwargs)


class VisitPlanForm(BootstrapForm):
    customer = customer_field()
    planned_on = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope_choices(self, user)
