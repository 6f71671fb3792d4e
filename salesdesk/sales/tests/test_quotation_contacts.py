"""A quotation's contact person is one of its customer's: the form offers only the chosen customer's
contacts and refuses a contact of another customer with a message saying so."""

import pytest
from django.test import Client

from salesdesk.customers import services as customer_services
from salesdesk.sales.forms import QuotationForm
from salesdesk.sales.models import Quotation

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


@pytest.fixture
def other(org):
    """Another customer of the owner, with its own contact."""
    return customer_services.create_customer(company=org.company, by=org.people["owner"], owner=org.people["owner"],
                                             name="燕山石化", contacts=[{"name": "燕山李工"}])


def offered(form):
    return [label for value, label in form.fields["contact"].choices if value]


def test_the_form_offers_the_chosen_customers_contacts_only(org, deal, other):
    user = org.user("owner")
    assert offered(QuotationForm(user=user)) == []  # no customer chosen yet
    assert offered(QuotationForm(user=user, initial={"customer": deal["customer"].pk})) == ["采购王经理"]
    assert offered(QuotationForm({"customer": other.pk}, user=user)) == ["燕山李工"]
    assert offered(QuotationForm(user=user, customer=deal["customer"])) == ["采购王经理"]


def test_choosing_another_customer_reloads_the_contact_list(org, deal):
    widget = QuotationForm(user=org.user("owner")).fields["contact"].widget
    assert widget.attrs["hx-get"] == "/customers/contacts/options/"
    assert widget.attrs["hx-trigger"] == "change from:[name=customer]"


def test_a_contact_of_another_customer_is_refused_and_the_customers_own_are_offered(org, deal, other):
    rep = client_for(org, "owner")
    typed = {"customer": deal["customer"].pk, "valid_until": "2026-12-31", "lines-TOTAL_FORMS": "1",
             "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
             "lines-0-product": deal["sbs"].pk, "lines-0-quantity": "1"}
    response = rep.post("/sales/quotations/new/", {**typed, "contact": other.contacts.get().pk})

    assert response.status_code == 200
    assert response.context["form"].errors["contact"] == ["该联系人属于其他客户。"]  # the page is in Chinese
    assert offered(response.context["form"]) == ["采购王经理"]
    assert not Quotation.objects.exists()
    assert rep.post("/sales/quotations/new/", {**typed, "contact": deal["customer"].contacts.get().pk}).status_code == 302
    assert Quotation.objects.get().contact.name == "采购王经理"
