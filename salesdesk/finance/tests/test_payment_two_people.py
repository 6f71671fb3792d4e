"""回款确认 by a second person: whoever registered a payment — the rep who heard of it, or someone in
finance — never confirms it, through the service, the page or the API, through whichever of his
positions; another holder of the duty does. He may still mark it not received (it moves no money)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from salesdesk.accounts import services as account_services
from salesdesk.core.access import actor_for_user
from salesdesk.finance import payments
from salesdesk.finance.models import Payment
from salesdesk.workbench.registry import cards_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
REFUSED = "A payment is confirmed by a second person, not by the one who registered it."


def page_client(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person.user)
    return client


def api_client(person):
    token = account_services.create_api_token(user=person.user, name="t")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def queue_count(person) -> int:
    return {card["key"]: card["count"] for card in cards_for(person.user)}.get("payments_to_confirm", 0)


@pytest.fixture
def dual(finance):
    """A rep of the Shanghai office who also holds a seat in finance (the clerks' position: confirms
    payments, sees the company's finance records) — one person with two positions."""
    return make_person(finance.company, "dual", "兼岗代表", [finance.positions["sh-rep"], finance.positions["inside"]])


def test_finance_does_not_confirm_a_payment_it_registered_itself(finance, deal):
    checker, clerk = finance.people["checker"], finance.people["clerk"]
    payment = payments.register(customer=deal["customer"], by=checker, amount=Decimal("800"), received_on=TODAY())
    for registrar in (checker, checker.user, actor_for_user(checker.user)):
        with pytest.raises(ValidationError, match="second person, not by the one who registered it"):
            payments.confirm(payment=payment, by=registrar)
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by) == (Payment.Status.REGISTERED, None)

    payments.confirm(payment=payment, by=clerk)
    payment.refresh_from_db()
    assert (payment.status, payment.confirmed_by) == (Payment.Status.CONFIRMED, clerk)


def test_the_registrar_may_still_mark_his_payment_not_received(finance, deal):
    checker = finance.people["checker"]
    payment = payments.register(customer=deal["customer"], by=checker, amount=Decimal("800"), received_on=TODAY())
    payments.reject(payment=payment, by=checker, reason="登记错了")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REJECTED


def test_a_person_with_a_finance_position_does_not_confirm_what_he_registered_as_a_rep(finance, deal, dual):
    payment = payments.register(customer=deal["customer"], by=dual, amount=Decimal("2000"), received_on=TODAY(),
                                reference="CMB-DUAL")
    url = reverse("finance:payment", args=[payment.pk])

    # The service refuses him, whichever way he is named.
    with pytest.raises(ValidationError, match="not by the one who registered it"):
        payments.confirm(payment=payment, by=dual)

    # The page shows him no confirm button (but the note, and "not received"); a POST is refused.
    client = page_client(dual)
    html = client.get(url).content.decode()
    assert 'id="confirm-payment"' not in html and 'id="confirm-by-another"' in html and 'id="reject-payment"' in html
    refused = client.post(reverse("finance:payment_action", args=[payment.pk, "confirm"]), follow=True)
    assert REFUSED in refused.content.decode()

    # The API refuses him with the same words.
    response = api_client(dual).post(f"/api/v1/payments/{payment.pk}/confirm/")
    assert response.status_code == 400 and response.json()["message"] == REFUSED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REGISTERED

    # His workbench does not offer it; a colleague's does, and she confirms it.
    checker = finance.people["checker"]
    assert queue_count(dual) == 0 and queue_count(checker) == 1
    assert 'id="confirm-payment"' in page_client(checker).get(url).content.decode()
    body = api_client(checker).post(f"/api/v1/payments/{payment.pk}/confirm/").json()
    assert body["status"] == "confirmed"
