import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.org import services as org_services
from salesdesk.sales import contracts, quotations
from salesdesk.sales.contracts import InstallmentInput
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Contract, Quotation
from salesdesk.workbench.registry import cards_for

from .conftest import quote

pytestmark = pytest.mark.django_db
START = datetime.date(2026, 12, 1)
END = datetime.date(2027, 11, 30)


def plan(*parts):
    """Installments from (kind, amount, days after the start)."""
    return [InstallmentInput(kind, Decimal(amount), START + datetime.timedelta(days=days)) for kind, amount, days in parts]


def contract(org, deal, *, by="owner", **fields):
    values = {"title": "SBS 年度供货合同", "starts_on": START, "ends_on": END,
              "lines": [LineInput(deal["sbs"], Decimal("10"))],
              "installments": plan(("advance", "37500", 0), ("delivery", "75000", 30), ("retention", "12500", 180))}
    values.update(fields)
    return contracts.create_contract(by=org.people[by], customer=deal["customer"], **values)


@pytest.fixture
def review(org):
    """销售经理 (the rep's superior) → 法务-like step held by the regional manager, plus the director
    from 100,000."""
    chain = ApprovalChain.objects.create(company=org.company, document_type="contract", name="合同评审")
    ApprovalStep.objects.create(chain=chain, order=1, name="销售经理", approver="superior")
    ApprovalStep.objects.create(chain=chain, order=2, name="大区审核", approver="levels_up", levels=2)
    step = ApprovalStep.objects.create(chain=chain, order=3, name="总监审批", approver="positions",
                                       min_amount=Decimal("100000"))
    step.positions.set([org.positions["director"]])
    return chain


def test_a_contract_is_numbered_and_its_installments_add_up(org, deal):
    made = contract(org, deal)
    assert made.number == "HT-202612-0001"
    assert made.amount == Decimal("125000.00")
    assert [item.kind for item in made.installments.all()] == ["advance", "delivery", "retention"]


def test_installments_that_do_not_add_up_are_refused_and_nothing_is_saved(org, deal):
    with pytest.raises(ValidationError, match="add up to 120000.00"):
        contract(org, deal, installments=plan(("advance", "20000", 0), ("delivery", "100000", 30)))
    assert not Contract.objects.exists()


def test_a_contract_cannot_end_before_it_starts(org, deal):
    with pytest.raises(ValidationError) as refused:
        contract(org, deal, ends_on=START - datetime.timedelta(days=1))
    assert "ends_on" in refused.value.message_dict


def test_review_runs_the_chain_and_puts_the_contract_in_force(org, deal, review):
    made = contract(org, deal)
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])
    assert [step["name"] for step in request.plan] == ["销售经理", "大区审核", "总监审批"]
    made.refresh_from_db()
    assert made.status == Contract.Status.IN_REVIEW
    with pytest.raises(ValidationError):
        contracts.update_contract(contract=made, title="改", starts_on=START, ends_on=END,
                                  lines=[LineInput(deal["sbs"], Decimal("1"))], installments=plan(("advance", "12500", 0)))
    for who in ("superior", "regional", "director"):
        approvals.decide(request=request, actor=org.people[who], decision="approve")
    made.refresh_from_db()
    assert made.status == Contract.Status.ACTIVE and made.signed_on is not None


def test_the_director_step_is_skipped_below_the_amount(org, deal, review):
    small = contract(org, deal, lines=[LineInput(deal["agent"], Decimal("10"))],
                     installments=plan(("advance", "3000", 0)))
    request = contracts.submit_for_review(contract=small, by=org.people["owner"])
    assert [step["name"] for step in request.plan] == ["销售经理", "大区审核"]


def test_a_rejected_contract_is_reopened_as_a_draft(org, deal, review):
    made = contract(org, deal)
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="reject", comment="付款条件不可接受")
    made.refresh_from_db()
    assert made.status == Contract.Status.REJECTED
    contracts.reopen(contract=made)
    made.refresh_from_db()
    assert made.status == Contract.Status.DRAFT


def test_a_won_quotation_becomes_a_contract_with_the_agreed_lines(org, deal):
    quotation = quote(org, deal, LineInput(deal["sbs"], Decimal("4"), unit_price=Decimal("12300")))
    quotations.send_quotation(quotation=quotation, by=org.people["owner"])
    made = contracts.contract_from_quotation(quotation=quotation, by=org.people["owner"], starts_on=START)
    quotation.refresh_from_db()
    assert quotation.status == Quotation.Status.WON
    assert made.quotation == quotation and made.amount == Decimal("49200.00")
    assert made.ends_on == datetime.date(2027, 11, 30)
    assert [(item.kind, item.amount) for item in made.installments.all()] == [("delivery", Decimal("49200.00"))]
    line = made.lines.get()
    assert (line.unit_price, line.list_price) == (Decimal("12300"), Decimal("12500"))


def test_a_draft_quotation_does_not_become_a_contract(org, deal):
    with pytest.raises(ValidationError):
        contracts.contract_from_quotation(quotation=quote(org, deal), by=org.people["owner"])


def test_only_a_contract_in_force_is_completed_or_terminated(org, deal):
    made = contract(org, deal)
    with pytest.raises(ValidationError):
        contracts.close(contract=made, status="completed")
    Contract.objects.filter(pk=made.pk).update(status=Contract.Status.ACTIVE)
    contracts.close(contract=made, status="terminated")
    made.refresh_from_db()
    assert made.status == "terminated"


def test_contracts_about_to_expire_are_on_the_owners_workbench(org, deal):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    org_services.set_duties(position=org.positions["sh-rep"], duties=[{"text": "跟进客户", "queue": "followups_today"}])
    made = contracts.create_contract(
        by=org.people["owner"], customer=deal["customer"], title="快到期", starts_on=today - dt.timedelta(days=300),
        ends_on=today + dt.timedelta(days=10), lines=[LineInput(deal["agent"], Decimal("1"))],
        installments=[InstallmentInput("advance", Decimal("300"), today)])
    Contract.objects.filter(pk=made.pk).update(status=Contract.Status.ACTIVE)
    cards = {card["key"]: card["count"] for card in cards_for(org.user("owner"))}
    assert cards["contracts_expiring"] == 1


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def test_a_rep_writes_a_contract_with_payment_terms_on_the_page_and_attaches_the_scan(org, deal):
    rep = client_for(org, "owner")
    response = rep.post("/sales/contracts/new/", {
        "customer": deal["customer"].pk, "title": "网页合同", "starts_on": "2026-12-01", "ends_on": "2027-11-30",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": deal["agent"].pk, "lines-0-quantity": "10",
        "installments-TOTAL_FORMS": "2", "installments-INITIAL_FORMS": "0", "installments-MIN_NUM_FORMS": "0",
        "installments-MAX_NUM_FORMS": "1000",
        "installments-0-kind": "advance", "installments-0-amount": "900", "installments-0-due_on": "2026-12-01",
        "installments-1-kind": "retention", "installments-1-amount": "2100", "installments-1-due_on": "2027-06-01",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Contract.objects.get(title="网页合同")
    assert made.amount == Decimal("3000.00") and made.installments.count() == 2
    scan = SimpleUploadedFile("合同扫描件.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    rep.post(f"/sales/contracts/{made.pk}/attachments/", {"file": scan})
    attachment = made.attachments.get()
    download = rep.get(f"/sales/contracts/{made.pk}/attachments/{attachment.pk}/")
    assert download.content == b"%PDF-1.4 scan"
    assert client_for(org, "outsider").get(f"/sales/contracts/{made.pk}/attachments/{attachment.pk}/").status_code == 404
    page = rep.get(f"/sales/contracts/{made.pk}/").content.decode()
    assert 'data-attachment="合同扫描件.pdf"' in page and 'id="submit-review"' in page


def test_installments_not_adding_up_come_back_in_chinese_with_what_was_typed(org, deal):
    response = client_for(org, "owner").post("/sales/contracts/new/", {
        "customer": deal["customer"].pk, "title": "对不上的合同", "starts_on": "2026-12-01", "ends_on": "2027-11-30",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000",
        "lines-0-product": deal["agent"].pk, "lines-0-quantity": "10",
        "installments-TOTAL_FORMS": "1", "installments-INITIAL_FORMS": "0", "installments-MIN_NUM_FORMS": "0",
        "installments-MAX_NUM_FORMS": "1000",
        "installments-0-kind": "advance", "installments-0-amount": "100", "installments-0-due_on": "2026-12-01",
    }, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200 and "对不上的合同" in page and "必须相等" in page
    assert not Contract.objects.exists()


def test_the_ledger_shows_each_their_scope(org, deal):
    made = contract(org, deal)
    for key, seen in (("owner", True), ("superior", True), ("director", True), ("outsider", False), ("teammate", False)):
        page = client_for(org, key).get("/sales/contracts/?scene=all").content.decode()
        assert (f'data-contract="{made.number}"' in page) is seen, key


def test_the_api_gives_a_contract_with_its_payment_terms_to_those_in_scope(org, deal):
    from salesdesk.accounts import services as account_services

    made = contract(org, deal)
    token = account_services.create_api_token(user=org.user("superior"), name="t")[1]
    body = Client().get(f"/api/v1/contracts/{made.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["number"] == made.number and body["amount"] == "125000.00"
    assert [item["kind"] for item in body["installments"]] == ["advance", "delivery", "retention"]
    outsider = account_services.create_api_token(user=org.user("outsider"), name="t")[1]
    assert Client().get(f"/api/v1/contracts/{made.pk}/", HTTP_AUTHORIZATION=f"Bearer {outsider}").status_code == 404
    assert Client().get("/api/v1/contracts/", HTTP_AUTHORIZATION=f"Bearer {outsider}").json()["count"] == 0


def test_the_quotations_terms_become_the_contracts_terms(org, deal):
    quotation = quotations.create_quotation(
        by=org.people["owner"], customer=deal["customer"], lines=[LineInput(deal["sbs"], Decimal("2"))],
        valid_until=START + datetime.timedelta(days=30), quoted_on=START,
        terms="款到发货；岳阳仓库交货；报价含13%增值税")
    quotations.send_quotation(quotation=quotation, by=org.people["owner"])

    made = contracts.contract_from_quotation(quotation=quotation, by=org.people["owner"], starts_on=START)

    assert made.terms == "款到发货；岳阳仓库交货；报价含13%增值税"
