"""Quotation chains apply by their own conditions (always, from an amount, for a customer level or a
channel), not only below the floor; the approval page shows what is being approved — the lines with
prices below the floor marked, a contract's payment plan and files, an order's stock, the credit."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from salesdesk.approvals.models import ApprovalChain, ApprovalStep
from salesdesk.core.access import Actor
from salesdesk.customers.models import Channel
from salesdesk.sales import contracts, orders, quotations, shipping
from salesdesk.sales.lines import LineInput
from salesdesk.sales.models import Quotation, Warehouse

from .conftest import TODAY, quote
from .test_contracts import contract

pytestmark = pytest.mark.django_db


def chain(org, document_type, **conditions):
    made = ApprovalChain.objects.create(company=org.company, document_type=document_type, name="审批", **conditions)
    ApprovalStep.objects.create(chain=made, name="上级审核", approver="superior")
    return made


def page_for(org, key, request) -> str:
    client = Client()
    client.force_login(org.user(key))
    return client.get(f"/approvals/{request.pk}/").content.decode()


def test_a_quotation_chain_from_an_amount_reviews_large_quotations_only(org, deal):
    chain(org, "quotation", min_amount=Decimal("100000"))
    large = quote(org, deal, LineInput(deal["sbs"], Decimal("10")))
    small = quote(org, deal, LineInput(deal["sbs"], Decimal("1")))

    assert quotations.send_quotation(quotation=large, by=org.people["owner"]) is not None
    assert quotations.send_quotation(quotation=small, by=org.people["owner"]) is None
    large.refresh_from_db()
    assert large.status == Quotation.Status.IN_REVIEW


def test_a_quotation_chain_for_a_channel_reviews_that_channels_customers(org, deal):
    chain(org, "quotation", channels=[Channel.DISTRIBUTOR])
    customer = deal["customer"]

    direct = quote(org, deal, LineInput(deal["sbs"], Decimal("1")))
    assert quotations.send_quotation(quotation=direct, by=org.people["owner"]) is None

    customer.channel = Channel.DISTRIBUTOR
    customer.save(update_fields=["channel"])
    distributor = quote(org, deal, LineInput(deal["sbs"], Decimal("1")))
    request = quotations.send_quotation(quotation=distributor, by=org.people["owner"])
    assert request is not None and request.facts["channel"] == "distributor"


def test_a_chain_without_conditions_reviews_every_quotation(org, deal):
    chain(org, "quotation")

    assert quotations.send_quotation(quotation=quote(org, deal, LineInput(deal["agent"], Decimal("1"))),
                                     by=org.people["owner"]) is not None


def test_the_contract_approval_page_shows_lines_payment_plan_files_and_credit(org, deal):
    chain(org, "contract")
    made = contract(org, deal, lines=[LineInput(deal["sbs"], Decimal("10"), unit_price=Decimal("11500"))],
                    installments=[contracts.InstallmentInput("advance", Decimal("115000"), TODAY)])
    contracts.attach(contract=made, by=org.people["owner"], name="签字版.pdf", content=b"%PDF-1.4 scan",
                     content_type="application/pdf")
    request = contracts.submit_for_review(contract=made, by=org.people["owner"])

    page = page_for(org, "superior", request)

    assert 'id="approval-lines"' in page and 'data-below-floor="1"' in page
    assert 'id="approval-installments"' in page and "115,000.00" in page
    assert "签字版.pdf" in page
    assert 'id="approval-credit"' in page and 'data-credit-level=""' in page  # not rated


def test_the_order_approval_page_shows_each_lines_stock(org, deal):
    chain(org, "order")
    warehouse = Warehouse.objects.create(company=org.company, code="WH", name="总库")
    shipping.receive_stock(by=Actor.command("test"), warehouse=warehouse, product=deal["sbs"], quantity=Decimal("4"))
    order = orders.create_order(by=org.people["owner"], customer=deal["customer"],
                                delivery_on=timezone.localdate() + datetime.timedelta(days=7),
                                lines=[LineInput(deal["sbs"], Decimal("10"))])
    request = orders.submit_for_review(order=order, by=org.people["owner"])

    page = page_for(org, "superior", request)

    assert 'data-stock="4"' in page and "text-danger" in page


def test_the_chains_page_says_what_happens_without_a_chain(org):
    org.positions["director"].duties.create(text="维护组织与审批流", capability="org_admin")
    client = Client()
    client.force_login(org.user("director"))

    page = client.get("/approvals/chains/").content.decode()

    assert 'data-type="order"' in page
    order_part = page.split('data-type="order"')[1].split("</section>")[0]
    contract_part = page.split('data-type="contract"')[1].split("</section>")[0]
    assert 'data-without-chain="approve"' in order_part
    assert 'data-without-chain="stall"' in contract_part
