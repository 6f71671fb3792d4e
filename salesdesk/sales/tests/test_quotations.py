from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalRequest, ApprovalStep
from salesdesk.sales import quotations
from salesdesk.sales.models import Quotation
from salesdesk.sales.quotations import LineInput

from .conftest import TODAY, quote

pytestmark = pytest.mark.django_db


def test_a_quotation_takes_the_customers_prices_and_adds_up_in_decimal(org, deal):
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("10")),
                      LineInput(deal["agent"], Decimal("2.5"), unit_price=Decimal("270")))
    assert quotation.number == "BJ-202611-0001"
    lines = list(quotation.lines.order_by("position"))
    assert [(line.unit_price, line.discount, line.amount) for line in lines] == [
        (Decimal("12500"), Decimal("0"), Decimal("125000.00")), (Decimal("270"), Decimal("10.00"), Decimal("675.00"))]
    assert (quotation.amount, quotation.list_amount) == (Decimal("125675.00"), Decimal("125750.00"))
    assert quotation.discount_percent == Decimal("0.06")


def test_a_product_whose_price_is_not_checked_cannot_be_quoted(org, deal):
    from salesdesk.sales import services

    fresh = services.create_product(company=org.company, by=org.people["clerk"], code="NEW", name="新品",
                                    standard_price=Decimal("1"))
    with pytest.raises(ValidationError, match="not been checked"):
        quote(org, deal, LineInput(fresh, Decimal("1")))


def test_a_quotation_at_or_above_the_floor_is_sent_at_once(org, deal):
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("1"), unit_price=Decimal("12000")))
    assert quotations.send_quotation(quotation=quotation, by=org.people["owner"]) is None
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT


def test_a_price_below_the_floor_goes_to_approval_and_is_sent_when_approved(org, deal):
    chain = ApprovalChain.objects.create(company=org.company, document_type="quotation", name="低于底价",
                                         below_floor=True)
    ApprovalStep.objects.create(chain=chain, name="销售经理", approver="superior")
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("1"), unit_price=Decimal("11500")))
    request = quotations.send_quotation(quotation=quotation, by=org.people["owner"])
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.IN_REVIEW
    assert request.facts["below_floor"] is True and request.facts["discount"] == "8.00"
    with pytest.raises(ValidationError):
        quotations.update_quotation(quotation=quotation, lines=[LineInput(deal["sbs"], Decimal("2"))],
                                    valid_until=quotation.valid_until)
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.SENT


def test_a_returned_quotation_is_a_draft_again(org, deal):
    chain = ApprovalChain.objects.create(company=org.company, document_type="quotation", name="低于底价",
                                         below_floor=True)
    ApprovalStep.objects.create(chain=chain, name="销售经理", approver="superior")
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("1"), unit_price=Decimal("11000")))
    request = quotations.send_quotation(quotation=quotation, by=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="return", comment="价格再谈")
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.DRAFT
    quotations.update_quotation(quotation=quotation, lines=[LineInput(deal["sbs"], Decimal("1"))],
                                valid_until=quotation.valid_until)
    assert quotations.send_quotation(quotation=quotation, by=org.people["owner"]) is None


def test_without_a_chain_a_price_below_the_floor_waits_for_an_administrator(org, deal):
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("1"), unit_price=Decimal("100")))
    request = quotations.send_quotation(quotation=quotation, by=org.people["owner"])
    assert request.status == ApprovalRequest.Status.STALLED
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.IN_REVIEW


def test_a_new_version_keeps_the_number_and_supersedes_the_old_one(org, deal):
    first = quote(org, deal)
    quotations.send_quotation(quotation=first, by=org.people["owner"])
    second = quotations.new_version(quotation=first, by=org.people["owner"])
    first.refresh_from_db()
    assert (second.number, second.version, second.label) == (first.number, 2, f"{first.number} V2")
    assert first.status == Quotation.Status.SUPERSEDED and second.status == Quotation.Status.DRAFT
    assert second.lines.count() == first.lines.count() and second.amount == first.amount
    with pytest.raises(ValidationError):
        quotations.new_version(quotation=first, by=org.people["owner"])


def test_won_and_lost_need_a_sent_quotation_and_lost_needs_a_reason(org, deal):
    quotation = quote(org, deal)
    with pytest.raises(ValidationError):
        quotations.mark_won(quotation=quotation)
    quotations.send_quotation(quotation=quotation, by=org.people["owner"])
    with pytest.raises(ValidationError) as refused:
        quotations.mark_lost(quotation=quotation, reason=" ")
    assert "lost_reason" in refused.value.message_dict
    quotations.mark_lost(quotation=quotation, reason="竞争对手低价", on=TODAY)
    quotation.refresh_from_db()
    assert (quotation.status, quotation.lost_reason, quotation.decided_on) == ("lost", "竞争对手低价", TODAY)


def test_the_reps_superior_and_the_customers_owner_see_a_quotation_others_do_not(org, deal):
    # The teammate quotes to the owner's customer (he collaborates on it).
    quotation = quote(org, deal, by="teammate")
    seen = {key for key in org.people if Quotation.objects.restrict(org.user(key)).filter(pk=quotation.pk).exists()}
    assert seen == {"teammate", "owner", "superior", "regional", "director"}
    changers = {key for key in org.people
                if Quotation.objects.restrict(org.user(key), "change").filter(pk=quotation.pk).exists()}
    assert changers == {"teammate", "superior", "regional", "director"}


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def test_a_rep_drafts_a_quotation_on_the_page(org, deal):
    rep = client_for(org, "owner")
    assert rep.get("/sales/quotations/new/").status_code == 200
    response = rep.post("/sales/quotations/new/", {
        "customer": deal["customer"].pk, "valid_until": "2026-12-31", "title": "SBS 年度供货",
        "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": deal["sbs"].pk, "lines-0-quantity": "20", "lines-0-unit_price": "",
        "lines-1-product": deal["agent"].pk, "lines-1-quantity": "3", "lines-1-unit_price": "280",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    quotation = Quotation.objects.get(title="SBS 年度供货")
    assert quotation.amount == Decimal("250840.00")
    page = rep.get(f"/sales/quotations/{quotation.pk}/").content.decode()
    assert 'data-line-product="SBS"' in page and 'id="send"' in page
    printed = rep.get(f"/sales/quotations/{quotation.pk}/print/").content.decode()
    assert "巴陵石化" in printed and "250,840.00" in printed and "12,000" not in printed  # no floor on paper


def test_a_line_without_quantity_is_refused_and_what_was_typed_stays(org, deal):
    response = client_for(org, "owner").post("/sales/quotations/new/", {
        "customer": deal["customer"].pk, "valid_until": "2026-12-31", "title": "缺数量",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": deal["sbs"].pk, "lines-0-quantity": ""}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert "缺数量" in page and 'data-error-for="quantity"' in page
    assert not Quotation.objects.exists()


def test_the_pdf_is_a_pdf(org, deal):
    quotation = quote(org, deal)
    response = client_for(org, "owner").get(f"/sales/quotations/{quotation.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000


def test_an_outsider_gets_a_404_for_the_quotation_and_its_print(org, deal):
    quotation = quote(org, deal)
    outsider = client_for(org, "outsider")
    for suffix in ("", "print/", "pdf/"):
        assert outsider.get(f"/sales/quotations/{quotation.pk}/{suffix}").status_code == 404


def test_the_api_lists_the_quotations_in_scope_with_their_lines(org, deal):
    from salesdesk.accounts import services as account_services

    quotation = quote(org, deal)
    for key, expected in (("superior", 1), ("outsider", 0)):
        token = account_services.create_api_token(user=org.user(key), name="t")[1]
        body = Client().get("/api/v1/quotations/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert body["count"] == expected, key
    token = account_services.create_api_token(user=org.user("owner"), name="t")[1]
    detail = Client().get(f"/api/v1/quotations/{quotation.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["number"] == "BJ-202611-0001" and detail["amount"] == "125000.00"
    assert detail["lines"][0]["quantity"] == "10.000"
