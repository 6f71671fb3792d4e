import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.org import services as org_services
from salesdesk.sales import contracts, orders
from salesdesk.sales.contracts import InstallmentInput
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract, SalesOrder, SalesOrderLine
from salesdesk.workbench.registry import cards_for

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def direct(org, deal, *lines, by="owner", delivery_in=7):
    lines = lines or (LineInput(deal["sbs"], Decimal("10")),)
    return orders.create_order(by=org.people[by], customer=deal["customer"], lines=list(lines),
                               delivery_on=today() + datetime.timedelta(days=delivery_in))


def active_contract(org, deal):
    made = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="年度合同", starts_on=today(),
        ends_on=today() + datetime.timedelta(days=365),
        lines=[LineInput(deal["sbs"], Decimal("10"), unit_price=Decimal("12300")), LineInput(deal["agent"], Decimal("40"))],
        installments=[InstallmentInput("advance", Decimal("135000"), today())])
    Contract.objects.filter(pk=made.pk).update(status=Contract.Status.ACTIVE)
    made.refresh_from_db()
    return made


def test_without_a_review_chain_an_order_is_confirmed_when_submitted(org, deal):
    order = direct(org, deal)
    assert order.number.startswith("DD-") and order.amount == Decimal("125000.00")
    request = orders.submit_for_review(order=order, by=org.people["owner"])
    order.refresh_from_db()
    assert request.status == "approved"
    assert order.status == SalesOrder.Status.CONFIRMED and order.confirmed_at is not None


def test_a_review_chain_for_prices_below_the_floor_holds_the_order_until_approved(org, deal):
    chain = ApprovalChain.objects.create(company=org.company, document_type="order", name="低于底价的订单",
                                         below_floor=True)
    ApprovalStep.objects.create(chain=chain, name="销售经理", approver="superior")
    fair = direct(org, deal)
    assert orders.submit_for_review(order=fair, by=org.people["owner"]).status == "approved"
    cheap = direct(org, deal, LineInput(deal["sbs"], Decimal("1"), unit_price=Decimal("11000")))
    request = orders.submit_for_review(order=cheap, by=org.people["owner"])
    cheap.refresh_from_db()
    assert cheap.status == SalesOrder.Status.IN_REVIEW
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")
    cheap.refresh_from_db()
    assert cheap.status == SalesOrder.Status.CONFIRMED


def test_a_passed_delivery_date_is_refused_at_review(org, deal):
    order = direct(org, deal)
    SalesOrder.objects.filter(pk=order.pk).update(delivery_on=today() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        orders.submit_for_review(order=order, by=org.people["owner"])
    assert "delivery_on" in refused.value.message_dict


def test_an_order_from_a_contract_takes_what_is_left_at_the_contracts_prices(org, deal):
    contract = active_contract(org, deal)
    sbs_line = contract.lines.get(product=deal["sbs"])
    first = orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today(),
                                       quantities={sbs_line.pk: Decimal("4")})
    assert [(line.quantity, line.unit_price) for line in first.lines.all()] == [(Decimal("4"), Decimal("12300"))]
    assert first.amount == Decimal("49200.00") and first.contract == contract
    rest = orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today())
    assert sorted((line.product.code, line.quantity) for line in rest.lines.all()) == [
        ("AGT", Decimal("40")), ("SBS", Decimal("6"))]
    with pytest.raises(ValidationError, match="Nothing of this contract"):
        orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today())
    # A cancelled order gives its quantities back to the contract.
    orders.cancel(order=first)
    again = orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today())
    assert [(line.product.code, line.quantity) for line in again.lines.all()] == [("SBS", Decimal("4"))]


def test_an_order_cannot_take_more_than_the_contract_has_left(org, deal):
    contract = active_contract(org, deal)
    line = contract.lines.get(product=deal["sbs"])
    with pytest.raises(ValidationError, match="only 10"):
        orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today(),
                                   quantities={line.pk: Decimal("11")})


def test_only_a_contract_in_force_takes_orders(org, deal):
    contract = active_contract(org, deal)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.DRAFT)
    with pytest.raises(ValidationError, match="in force"):
        orders.order_from_contract(contract=contract, by=org.people["owner"], delivery_on=today())


def test_the_database_refuses_shipping_more_than_was_ordered(org, deal):
    line = direct(org, deal).lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesOrderLine.objects.filter(pk=line.pk).update(shipped_quantity=Decimal("10.001"))


def test_an_order_with_something_shipped_cannot_be_cancelled(org, deal):
    order = direct(org, deal)
    orders.submit_for_review(order=order, by=org.people["owner"])
    order.lines.update(shipped_quantity=Decimal("1"))
    with pytest.raises(ValidationError, match="shipped"):
        orders.cancel(order=order)


def test_the_order_clerk_follows_confirmed_orders_late_ones_first(org, deal):
    org_services.set_duties(position=org.positions["sh-mgr"], duties=[{"text": "跟单", "queue": "orders_to_follow"}])
    soon = direct(org, deal, delivery_in=5)
    later = direct(org, deal, delivery_in=20)
    draft = direct(org, deal, delivery_in=1)
    for order in (soon, later):
        orders.submit_for_review(order=order, by=org.people["owner"])
    SalesOrder.objects.filter(pk=later.pk).update(delivery_on=today() - datetime.timedelta(days=2))  # now late
    cards = {card["key"]: card["count"] for card in cards_for(org.user("superior"))}
    assert cards["orders_to_follow"] == 2
    client = Client()
    client.force_login(org.user("superior"))
    page = client.get("/sales/orders/?scene=follow").content.decode()
    assert page.index(f'data-order="{later.number}"') < page.index(f'data-order="{soon.number}"')
    assert f'data-order="{draft.number}"' not in page
    assert page.count('data-late="1"') == 1


def test_a_rep_orders_on_the_page_and_submits_it(org, deal):
    client = Client()
    client.force_login(org.user("owner"))
    response = client.post("/sales/orders/new/", {
        "customer": deal["customer"].pk, "delivery_on": (today() + datetime.timedelta(days=3)).isoformat(),
        "ship_to": "岳阳市云溪区", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000", "lines-0-product": deal["agent"].pk, "lines-0-quantity": "12"})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = SalesOrder.objects.get(ship_to="岳阳市云溪区")
    client.post(f"/sales/orders/{order.pk}/submit/")
    order.refresh_from_db()
    assert order.status == SalesOrder.Status.CONFIRMED
    assert Client().get(f"/sales/orders/{order.pk}/").status_code == 302  # log-in first
    outsider = Client()
    outsider.force_login(org.user("outsider"))
    assert outsider.get(f"/sales/orders/{order.pk}/").status_code == 404


def test_an_order_from_a_contract_on_the_page(org, deal):
    contract = active_contract(org, deal)
    client = Client()
    client.force_login(org.user("owner"))
    response = client.post(f"/sales/contracts/{contract.pk}/order/", {"delivery_on": today().isoformat()})
    order = SalesOrder.objects.get(contract=contract)
    assert response["Location"] == f"/sales/orders/{order.pk}/"
    assert order.amount == Decimal("135000.00")


def test_the_api_lists_orders_to_follow_for_those_in_scope(org, deal):
    from salesdesk.accounts import services as account_services

    order = direct(org, deal)
    orders.submit_for_review(order=order, by=org.people["owner"])
    token = account_services.create_api_token(user=org.user("superior"), name="t")[1]
    body = Client().get("/api/v1/orders/?to_follow=true", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [row["number"] for row in body["results"]] == [order.number]
    detail = Client().get(f"/api/v1/orders/{order.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["lines"][0]["shipped_quantity"] == "0.000"
    outsider = account_services.create_api_token(user=org.user("outsider"), name="t")[1]
    assert Client().get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {outsider}").json()["count"] == 0


def test_an_order_keyed_in_by_a_clerk_belongs_to_the_customers_rep_and_counts_in_his_office(org, deal):
    org_services.set_position_scope(position=org.positions["inside"], module="sales", level="all")

    order = direct(org, deal, by="clerk")
    orders.submit_for_review(order=order, by=org.people["clerk"])
    order.refresh_from_db()

    assert (order.owner, order.entered_by) == (org.people["owner"], org.people["clerk"])
    assert order.status == SalesOrder.Status.CONFIRMED
    assert order.booked_department == org.departments["shanghai"]  # the rep's office, not the clerk's
    client = Client()
    client.force_login(org.user("owner"))
    page = client.get(f"/sales/orders/{order.pk}/").content.decode()
    assert 'id="order-entered-by"' in page and "户内勤" in page


def test_the_clerk_who_keyed_an_order_in_goes_on_working_on_it_even_outside_his_scope(org, deal):
    order = direct(org, deal, by="clerk")  # the clerk has no sales scope over the rep's customers

    assert SalesOrder.objects.restrict(org.user("clerk"), "change").filter(pk=order.pk).exists()


def test_a_rep_entering_his_own_order_is_its_owner_with_no_entered_by(org, deal):
    order = direct(org, deal)

    assert (order.owner, order.entered_by) == (org.people["owner"], None)


def test_a_managers_order_list_opens_on_his_team_and_a_reps_on_his_own(org, deal):
    order = direct(org, deal)
    client = Client()

    client.force_login(org.user("director"))
    director_page = client.get("/sales/orders/").content.decode()
    client.force_login(org.user("owner"))
    rep_page = client.get("/sales/orders/").content.decode()

    assert order.number in director_page and 'active" href="?scene=team"' in director_page
    assert order.number in rep_page and 'active" href="?scene=mine"' in rep_page
    assert client.get("/sales/orders/?scene=team").content.decode().count(order.number) == 0
