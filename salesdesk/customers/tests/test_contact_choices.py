"""Where a form offers a contact person, it offers the chosen customer's contacts only, and a contact of
another customer is refused with a message that says so — on the page, in the service, in the API."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from salesdesk.customers import services
from salesdesk.customers.models import FollowUp

from .conftest import customer

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


@pytest.fixture
def two(org):
    """Two customers of the owner with a contact each."""
    first = customer(org, "owner", "华东机电有限公司", contacts=[{"name": "王经理"}])
    second = customer(org, "owner", "北方重工有限公司", contacts=[{"name": "赵工"}])
    return first, second


def test_a_follow_up_naming_another_customers_contact_is_refused_with_a_clear_message(org, two):
    first, second = two
    response = client_for(org, "owner").post(reverse("customers:followup_add", args=[first.pk]), {
        "method": "phone", "content": "询价", "contact": second.contacts.get().pk})

    assert response.status_code == 400
    form = response.context["followup_form"]
    assert form.errors["contact"] == ["该联系人属于其他客户。"]  # the page is in Chinese
    assert [label for value, label in form.fields["contact"].choices if value] == ["王经理"]
    assert not FollowUp.objects.exists()


def test_the_service_refuses_it_too_whoever_calls_it(org, two):
    first, second = two
    with pytest.raises(ValidationError) as refused:
        services.record_followup(by=org.people["owner"], customer=first, content="询价",
                                 contact=second.contacts.get())
    assert refused.value.message_dict["contact"] == ["The contact belongs to another customer."]
    made = services.record_followup(by=org.people["owner"], customer=first, content="询价",
                                    contact=first.contacts.get())
    assert made.contact.name == "王经理"


def test_choosing_a_customer_loads_its_contacts_and_only_a_customer_in_scope(org, two):
    first, second = two
    owner = client_for(org, "owner")
    options = owner.get(reverse("customers:contact_options"), {"customer": second.pk}).content.decode()
    assert "赵工" in options and "王经理" not in options
    assert "<option" in owner.get(reverse("customers:contact_options")).content.decode()

    outsider = client_for(org, "outsider")
    assert outsider.get(reverse("customers:contact_options"), {"customer": second.pk}).status_code == 404
