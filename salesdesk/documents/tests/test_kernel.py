"""The document kernel: the six order-to-cash documents stand on it, and a kind of document still to
come (an expense claim, a complaint) is made from it unchanged — numbered, scoped, approved."""

from decimal import Decimal

import pytest

from salesdesk.approvals import services as approvals
from salesdesk.approvals.models import ApprovalChain, ApprovalRequest, ApprovalStep
from salesdesk.core.numbering import next_number
from salesdesk.documents.models import CustomerDocument, Document
from salesdesk.finance.models import Invoice, Payment
from salesdesk.sales.models import (
    Contract,
    ContractLine,
    PricedDocument,
    PricedLine,
    Quotation,
    QuotationLine,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)
from tests.scopetest.models import Complaint, ExpenseClaim

pytestmark = pytest.mark.django_db
KERNEL_FIELDS = {"company", "number", "owner", "status", "booked_department", "booked_territory", "created_at",
                 "updated_at"}


def field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields() if field.concrete}


@pytest.mark.parametrize("model", [Quotation, Contract, SalesOrder, Shipment, Invoice, Payment])
def test_every_order_to_cash_document_is_a_customer_document_with_the_kernel_fields(model):
    assert issubclass(model, CustomerDocument)
    assert KERNEL_FIELDS | {"customer"} <= field_names(model)


@pytest.mark.parametrize("model", [QuotationLine, ContractLine, SalesOrderLine])
def test_the_priced_documents_share_one_kind_of_line(model):
    assert issubclass(model, PricedLine)
    assert issubclass(model._meta.get_field(next(iter({"quotation", "contract", "order"} & field_names(model))))
                      .related_model, PricedDocument)


def test_the_reverse_names_stay_what_the_code_reads():
    customer_accessors = {relation.get_accessor_name() for relation in
                          CustomerDocument._meta.apps.get_model("customers", "Customer")._meta.related_objects}
    assert {"quotations", "contracts", "orders", "shipments", "invoices", "payments"} <= customer_accessors


def claim(org, owner="owner", amount="800"):
    return ExpenseClaim.objects.create(company=org.company, owner=org.people[owner], amount=Decimal(amount),
                                       number=next_number(company=org.company, document="expense_claim"))


def test_a_document_of_a_new_kind_is_numbered_scoped_and_approved_with_the_kernel_alone(small_org):
    org = small_org
    chain = ApprovalChain.objects.create(company=org.company, document_type="expense_claim", name="费用报销审批")
    ApprovalStep.objects.create(chain=chain, order=1, name="直属上级审核", approver="superior")
    mine, other = claim(org), claim(org, owner="outsider")

    assert mine.number != other.number and Document in ExpenseClaim.__mro__
    visible = {who: set(ExpenseClaim.objects.restrict(org.user(who)).values_list("pk", flat=True))
               for who in ("owner", "teammate", "superior", "director")}
    assert visible == {"owner": {mine.pk}, "teammate": set(), "superior": {mine.pk}, "director": {mine.pk, other.pk}}

    ExpenseClaim.objects.filter(pk=mine.pk).update(status=ExpenseClaim.Status.IN_REVIEW)
    request = approvals.submit(document=mine, document_type="expense_claim", submitter=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="approve")

    mine.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, mine.status) == (ApprovalRequest.Status.APPROVED, ExpenseClaim.Status.APPROVED)


def test_a_returned_document_goes_back_to_draft_through_the_generic_outcome(small_org):
    org = small_org
    chain = ApprovalChain.objects.create(company=org.company, document_type="expense_claim", name="费用报销审批")
    ApprovalStep.objects.create(chain=chain, order=1, name="直属上级审核", approver="superior")
    document = claim(org)
    before = document.updated_at
    request = approvals.submit(document=document, document_type="expense_claim", submitter=org.people["owner"])
    approvals.decide(request=request, actor=org.people["superior"], decision="return", comment="缺发票")

    document.refresh_from_db()
    assert document.status == ExpenseClaim.Status.DRAFT and document.updated_at > before


def test_a_customer_document_of_a_new_kind_follows_its_customer(small_org):
    from salesdesk.customers import services as customers

    org = small_org
    customer = customers.create_customer(company=org.company, by=org.people["owner"], owner=org.people["owner"],
                                         name="巴陵石化")
    complaint = Complaint.objects.create(company=org.company, number="TS-1", customer=customer,
                                         owner=org.people["teammate"])

    assert customer.complaints.get() == complaint
    assert Complaint.objects.restrict(org.user("owner")).filter(pk=complaint.pk).exists()  # via the customer
    assert not Complaint.objects.restrict(org.user("outsider")).exists()

