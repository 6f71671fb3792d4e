"""The customer's invoicing information (开票信息): kept on the customer by whoever may change it,
verified once (核实登记) by someone allowed, the verification cleared when a field changes later;
shown on the customer's page and in the API."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from salesdesk.accounts import services as account_services
from salesdesk.core.access import Denied
from salesdesk.customers import services
from salesdesk.customers.models import InvoicingProfile

from .conftest import customer

pytestmark = pytest.mark.django_db

PROFILE = {"title": "巴陵石化有限责任公司", "tax_number": "91430600ma4l00000x", "address": "湖南省岳阳市云溪区",
           "phone": "0730-8450000", "bank": "工商银行岳阳分行", "account": "1907 0210 0900 0012 345"}


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


@pytest.fixture
def bl(org):
    return customer(org, "owner", "巴陵石化有限责任公司", credit_code="91430600MA4L00000X")


def test_the_owner_keeps_the_invoicing_information_tidied_up(org, bl):
    profile = services.update_invoicing_profile(customer=bl, by=org.people["owner"], **PROFILE)

    assert profile.tax_number == "91430600MA4L00000X"
    assert profile.account == "1907 0210 0900 0012 345"
    assert profile.address_phone == "湖南省岳阳市云溪区 0730-8450000"
    assert profile.bank_account == "工商银行岳阳分行 1907 0210 0900 0012 345"
    assert not profile.is_verified


def test_a_taxpayer_number_that_cannot_be_one_is_refused(org, bl):
    with pytest.raises(ValidationError) as refused:
        services.update_invoicing_profile(customer=bl, by=org.people["owner"], tax_number="9143-06")
    assert "15 to 20 letters and digits" in refused.value.message_dict["tax_number"][0]
    assert not InvoicingProfile.objects.exists()


def test_verifying_records_who_and_when_and_changing_a_field_afterwards_clears_it(org, bl):
    services.update_invoicing_profile(customer=bl, by=org.people["owner"], **PROFILE)
    verified = services.verify_invoicing_profile(customer=bl, by=org.people["superior"])
    assert (verified.verified_by, verified.is_verified) == (org.people["superior"], True)

    same = services.update_invoicing_profile(customer=bl, by=org.people["owner"], **PROFILE)
    assert same.is_verified  # the same values again: still what was checked

    changed = services.update_invoicing_profile(customer=bl, by=org.people["owner"], account="1907021009000099999")
    assert (changed.verified_by, changed.verified_at) == (None, None)


def test_only_a_profile_with_its_title_and_tax_number_is_verified(org, bl):
    with pytest.raises(ValidationError, match="at least the invoice title and the taxpayer"):
        services.verify_invoicing_profile(customer=bl, by=org.people["owner"])
    services.update_invoicing_profile(customer=bl, by=org.people["owner"], title="巴陵石化有限责任公司")
    with pytest.raises(ValidationError, match="at least the invoice title and the taxpayer"):
        services.verify_invoicing_profile(customer=bl, by=org.people["owner"])


def test_only_those_who_may_change_the_customer_keep_or_verify_its_invoicing_information(org, bl):
    services.set_collaborator(customer=bl, employee=org.people["teammate"], access="read")
    for who in ("teammate", "outsider"):
        with pytest.raises(Denied, match="may change the customer"):
            services.update_invoicing_profile(customer=bl, by=org.people[who], **PROFILE)
    services.update_invoicing_profile(customer=bl, by=org.people["owner"], **PROFILE)
    with pytest.raises(Denied, match="may change the customer"):
        services.verify_invoicing_profile(customer=bl, by=org.people["teammate"])
    assert not InvoicingProfile.objects.get(customer=bl).is_verified


def test_the_customer_page_shows_the_profile_and_its_verification(org, bl):
    owner = client_for(org, "owner")
    page = owner.get(reverse("customers:detail", args=[bl.pk])).content.decode()
    assert 'id="customer-invoicing"' in page and "尚无开票信息" in page

    form = owner.get(reverse("customers:invoicing_profile", args=[bl.pk]))
    assert form.context["form"].initial == {"title": "巴陵石化有限责任公司", "tax_number": "91430600MA4L00000X"}
    response = owner.post(reverse("customers:invoicing_profile", args=[bl.pk]), PROFILE)
    assert response.status_code == 302
    page = owner.get(reverse("customers:detail", args=[bl.pk])).content.decode()
    assert "91430600MA4L00000X" in page and 'id="invoicing-unverified"' in page and 'id="verify-invoicing"' in page

    owner.post(reverse("customers:invoicing_verify", args=[bl.pk]))
    page = owner.get(reverse("customers:detail", args=[bl.pk])).content.decode()
    assert 'id="invoicing-verified"' in page and 'id="verify-invoicing"' not in page
    assert re.search(r'data-invoicing="verified">李代表 · \d{4}-\d\d-\d\d', page)


def test_a_bad_tax_number_comes_back_on_the_form(org, bl):
    response = client_for(org, "owner").post(reverse("customers:invoicing_profile", args=[bl.pk]),
                                             {**PROFILE, "tax_number": "12345"})
    assert response.status_code == 400
    assert "15 至 20 位字母和数字" in response.content.decode()


def test_a_reader_neither_edits_nor_verifies(org, bl):
    services.set_collaborator(customer=bl, employee=org.people["teammate"], access="read")
    teammate = client_for(org, "teammate")
    page = teammate.get(reverse("customers:detail", args=[bl.pk])).content.decode()
    assert 'id="customer-invoicing"' in page and 'id="edit-invoicing"' not in page
    assert teammate.get(reverse("customers:invoicing_profile", args=[bl.pk])).status_code == 404
    assert teammate.post(reverse("customers:invoicing_verify", args=[bl.pk])).status_code == 404


def test_the_api_gives_the_invoicing_information_with_the_customer(org, bl):
    token = account_services.create_api_token(user=org.user("owner"), name="t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get(f"/api/v1/customers/{bl.pk}/").json()["invoicing"] is None

    services.update_invoicing_profile(customer=bl, by=org.people["owner"], **PROFILE)
    services.verify_invoicing_profile(customer=bl, by=org.people["owner"])
    body = api.get(f"/api/v1/customers/{bl.pk}/").json()["invoicing"]
    assert (body["title"], body["tax_number"], body["verified"]) == ("巴陵石化有限责任公司", "91430600MA4L00000X", True)
    assert body["verified_by"]["name"] == "李代表" and body["verified_at"]
    listed = api.get("/api/v1/customers/").json()["results"]
    assert [row["invoicing"]["bank"] for row in listed] == ["工商银行岳阳分行"]


def test_merging_keeps_the_invoicing_information_of_the_duplicate(org, bl):
    duplicate = customer(org, "owner", "巴陵石化（岳阳）")
    services.update_invoicing_profile(customer=duplicate, by=org.people["owner"], **PROFILE)
    services.merge_customers(keep=bl, merge=duplicate, by=org.people["owner"])

    assert InvoicingProfile.objects.get().customer == bl
