"""English words with two meanings are translated by their meaning, not once for both: a planned
visit is no headcount (编制), an outstanding amount is not "in progress" (进行中), the audit action
"created" is not the creation time (创建时间), and a change set's title is no position title (岗位名称)."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from salesdesk.approvals.models import ApprovalStep
from salesdesk.audit.models import AuditEntry
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers import services as customers
from salesdesk.customers import visit_plans
from salesdesk.customers.models import Customer, VisitPlan
from salesdesk.finance.models import Invoice
from salesdesk.org.forms import ChangeSetForm, PositionForm
from salesdesk.org.models import OrgChangeSet, OrgVersion, Position, Territory
from salesdesk.sales.models import Shipment

pytestmark = pytest.mark.django_db


def page_of(small_org, key, url) -> str:
    client = Client()
    client.force_login(small_org.user(key))
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def label(model, name) -> str:
    return str(model._meta.get_field(name).verbose_name)


def test_a_planned_visit_shows_as_planned_not_as_headcount(small_org):
    owner = small_org.people["owner"]
    with acting_as(actor_for_user(owner.user)):
        customer = customers.create_customer(company=small_org.company, by=owner, owner=owner, name="星辰科技")
        visit_plans.plan_visit(by=owner, customer=customer, planned_on=timezone.localdate())

    page = page_of(small_org, "owner", reverse("customers:visit_plans"))

    assert '<span class="badge text-bg-light border">已计划</span>' in page
    assert '<span class="badge text-bg-light border">编制</span>' not in page
    with translation.override("zh-hans"):
        assert str(VisitPlan.Status.PLANNED.label) == "已计划"


def test_the_headcount_page_still_says_planned_headcount(small_org):
    page = page_of(small_org, "director", reverse("org:headcount"))

    assert "编制" in page and "已计划" not in page


def test_an_invoices_outstanding_amount_reads_as_not_yet_paid():
    with translation.override("zh-hans"):
        table = render_to_string("finance/_open_invoices.html", {"invoices": [], "today": datetime.date(2030, 1, 1)})

        assert '<th scope="col" class="text-end">未收金额</th>' in table
        assert "进行中" not in table


def test_the_audit_action_created_is_not_the_creation_time():
    with translation.override("zh-hans"):
        assert str(AuditEntry.Action.CREATE.label) == "已创建"
        assert label(Customer, "created_at") == "创建时间"


def test_a_change_set_and_a_version_have_a_title_not_a_position_title():
    with translation.override("zh-hans"):
        assert label(OrgChangeSet, "title") == "标题"
        assert label(OrgVersion, "title") == "标题"
        assert str(ChangeSetForm.base_fields["title"].label) == "标题"
        assert label(Position, "title") == "岗位名称"
        assert str(PositionForm.base_fields["title"].label) == "岗位名称"


def test_the_org_versions_page_lists_change_sets_and_versions_by_title(small_org):
    page = page_of(small_org, "director", reverse("org:versions"))

    assert "<th>标题</th>" in page
    assert "岗位名称" not in page


def test_a_documents_order_is_a_sales_order_not_a_sequence():
    with translation.override("zh-hans"):
        assert label(Shipment, "order") == "订单"
        assert label(Invoice, "order") == "订单"
        assert label(ApprovalStep, "order") == "顺序"


def test_a_customers_level_reads_as_on_its_forms_not_as_a_territory_level():
    with translation.override("zh-hans"):
        assert label(Customer, "level") == "级别"
        assert label(Territory, "level") == "层级"
