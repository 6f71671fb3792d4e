"""价格双人复核: a price change is never confirmed by the person who entered it — however he is
named to the service (employee, actor, user), through whichever of his positions, on whichever
page, or with a form opened before the change became his. Prices have no write API (read-only
resources), so the pages and the service are the ways in."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import make_person
from salesdesk.core.access import actor_for_user
from salesdesk.org import services as org_services
from salesdesk.sales import pricing
from salesdesk.sales.models import PriceChange
from salesdesk.workbench.registry import cards_for

from .conftest import checked_product

pytestmark = pytest.mark.django_db


def client_for(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person.user)
    return client


@pytest.fixture
def dual(org):
    """A person with two positions that both keep prices: the inside-sales seat where he enters them
    and a price-checking seat in the head office (价格复核岗) — still one person."""
    checking = org_services.create_position(
        department=org.departments["sales"], title="价格复核", code="price-check", reports_to=org.positions["director"],
        duties=[{"text": "价格复核", "queue": "prices_to_check", "capability": pricing.PRICING}])
    return make_person(org.company, "dual", "兼岗内勤", [org.positions["inside"], checking])


def pending(org, person, price="90"):
    product = checked_product(org, price="100")
    return product, pricing.propose_price_change(by=person, product=product, price=Decimal(price))


def test_the_maker_is_refused_however_the_service_is_told_who_acts(org):
    clerk, checker = org.people["clerk"], org.people["checker"]
    product, change = pending(org, clerk)
    for maker in (clerk, clerk.user, actor_for_user(clerk.user)):
        with pytest.raises(ValidationError, match="second person"):
            pricing.confirm_price_change(by=maker, change=change)
    change.refresh_from_db()
    product.refresh_from_db()
    assert (change.status, product.standard_price) == (PriceChange.Status.PENDING, Decimal("100"))

    # The second person may be named any of these ways too; the record names the employee.
    pricing.confirm_price_change(by=actor_for_user(checker.user), change=change)
    change.refresh_from_db()
    assert (change.status, change.checked_by) == (PriceChange.Status.CONFIRMED, checker)


def test_a_person_with_a_second_price_checking_position_still_cannot_confirm_his_own_entry(org, dual):
    product, change = pending(org, dual)
    with pytest.raises(ValidationError, match="second person"):
        pricing.confirm_price_change(by=dual, change=change)
    with pytest.raises(ValidationError, match="cancels it"):
        pricing.reject_price_change(by=dual, change=change, comment="x")

    # Neither page shows him a confirm button (he may cancel), and his workbench has nothing to check.
    page = client_for(dual)
    for url in ("/sales/price-changes/", f"/sales/products/{product.pk}/"):
        html = page.get(url).content.decode()
        assert f'data-change="{product.code}"' in html, url
        assert 'data-action="confirm"' not in html and 'data-action="cancel"' in html, url
    assert {card["key"]: card["count"] for card in cards_for(dual.user)}.get("prices_to_check", 0) == 0

    # A confirm POSTed anyway is refused with the reason, and the price stays.
    refused = page.post(f"/sales/price-changes/{change.pk}/confirm/", follow=True)
    assert "confirmed by a second person, not by the one who entered it" in refused.content.decode()
    change.refresh_from_db()
    product.refresh_from_db()
    assert (change.status, product.standard_price) == (PriceChange.Status.PENDING, Decimal("100"))

    # Another person sees the button on both pages and confirms.
    checker = client_for(org.people["checker"])
    for url in ("/sales/price-changes/", f"/sales/products/{product.pk}/"):
        assert 'data-action="confirm"' in checker.get(url).content.decode(), url
    checker.post(f"/sales/price-changes/{change.pk}/confirm/")
    product.refresh_from_db()
    assert product.standard_price == Decimal("90")


def test_the_product_page_shows_the_maker_cancel_not_confirm(org):
    product, _change = pending(org, org.people["clerk"])
    html = client_for(org.people["clerk"]).get(f"/sales/products/{product.pk}/").content.decode()
    assert 'data-action="confirm"' not in html and 'data-action="reject"' not in html
    assert 'data-action="cancel"' in html


def test_a_stale_form_is_judged_by_the_change_as_it_is_when_posted(org):
    """The checker's page offered "confirm" while the change was a colleague's; by the time he posts
    it, the waiting change is his own entry (as an edit of it would make it): refused."""
    checker = org.people["checker"]
    product, change = pending(org, org.people["clerk"])
    page = client_for(checker)
    assert 'data-action="confirm"' in page.get("/sales/price-changes/").content.decode()
    PriceChange.objects.filter(pk=change.pk).update(entered_by=checker, price=Decimal("80"))

    refused = page.post(f"/sales/price-changes/{change.pk}/confirm/", follow=True)

    assert "not by the one who entered it" in refused.content.decode()
    change.refresh_from_db()
    product.refresh_from_db()
    assert (change.status, product.standard_price) == (PriceChange.Status.PENDING, Decimal("100"))
