"""The audit log page reads like the pages: labels, choices in words, names rather than ids, money
and rates as the pages write them, local times — and the action in words."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesdesk.audit.models import AuditEntry
from salesdesk.audit.selectors import fields_in_words
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers import services as customers
from salesdesk.customers.models import Customer
from salesdesk.org import services as org
from salesdesk.sales import services as sales
from salesdesk.sales.models import Product
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:log")


def acting(small_org, key):
    return acting_as(actor_for_user(small_org.user(key), source="web"))


def log_page_of(small_org, key, **filters) -> str:
    client = Client()
    client.force_login(small_org.user(key))
    response = client.get(URL, filters)
    assert response.status_code == 200
    return response.content.decode()


def row_of(page: str, entry: AuditEntry) -> str:
    start = page.index(f'data-entry="{entry.pk}"')
    return page[start:page.index("</tr>", start)]


def change(row: str, label: str) -> tuple[str, str]:
    """The (before, after) shown for the field labelled `label` in a row of the log."""
    found = re.search(rf'<span class="fw-semibold">{re.escape(label)}</span>:\s*'
                      r'<span[^>]*data-before>([^<]*)</span>\s*→ <span data-after>([^<]*)</span>', row)
    assert found, f"no change of {label} in {row}"
    return found.group(1), found.group(2)


def latest_entry(model, action="update") -> AuditEntry:
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), action=action).latest("id")


@pytest.fixture
def customer(small_org):
    with acting(small_org, "owner"):
        return customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                          owner=small_org.people["owner"], name="上海星辰科技有限公司")


def test_it_shows_a_changed_customers_owner_by_name_not_id(small_org, customer):
    teammate = small_org.people["teammate"]
    with acting(small_org, "superior"):
        customers.transfer_customers(customers=[customer], to_owner=teammate, by=small_org.people["superior"])

    row = row_of(log_page_of(small_org, "superior"), latest_entry(Customer))

    assert change(row, "负责人") == ("李代表", "周代表")


def test_it_shows_a_status_in_words(small_org):
    with acting(small_org, "owner"):
        lead = customers.create_lead(company=small_org.company, by=small_org.people["owner"], name="王经理",
                                     owner=small_org.people["owner"], mobile="13800001111")
        customers.close_lead(lead=lead, by=small_org.people["owner"], reason="没有预算")

    row = row_of(log_page_of(small_org, "owner"), latest_entry(type(lead)))

    assert change(row, "状态") == ("新建", "已关闭")


def test_it_shows_a_tax_rate_as_a_percentage(small_org):
    with acting(small_org, "superior"):
        product = ProductFactory(company=small_org.company, tax_rate=Decimal("0.13"))
        sales.update_product(product=Product.objects.get(pk=product.pk), tax_rate=Decimal("0.09"))

    page = log_page_of(small_org, "superior")

    assert change(row_of(page, latest_entry(Product)), "税率") == ("13%", "9%")
    assert change(row_of(page, latest_entry(Product, "create")), "税率") == ("—", "13%")


def test_it_shows_money_as_the_pages_do(small_org):
    with acting(small_org, "superior"):
        ProductFactory(company=small_org.company, standard_price=Decimal("12345.5"))

    row = row_of(log_page_of(small_org, "superior"), latest_entry(Product, "create"))

    assert change(row, "标准价")[1] == "12,345.50"


def test_it_shows_a_time_in_the_local_time_zone(small_org, customer):
    with acting(small_org, "owner"):
        customer.last_followup_at = datetime.datetime(2030, 1, 1, 2, 30, tzinfo=datetime.UTC)
        customer.save()

    row = row_of(log_page_of(small_org, "owner"), latest_entry(Customer))

    assert change(row, "最近跟进")[1] == "2030-01-01 10:30"  # Asia/Shanghai, eight hours ahead of UTC


def test_it_shows_many_to_many_ids_as_names(small_org, customer):
    with acting(small_org, "owner"):
        customers.update_customer(customer=customer, by=small_org.people["owner"], tags=["重点", "华东"])

    row = row_of(log_page_of(small_org, "owner"), latest_entry(Customer))

    assert set(change(row, "标签")[1].split(", ")) == {"重点", "华东"}


def test_it_says_the_action_in_words_not_the_label_of_created_at(small_org, customer):
    row = row_of(log_page_of(small_org, "owner"), latest_entry(Customer, "create"))

    assert re.search(r'data-action="create">已创建</span>', row)
    assert "创建时间" not in row  # neither as the action nor as a bookkeeping field


def test_it_names_a_company_field_by_the_company_model(small_org, customer):
    row = row_of(log_page_of(small_org, "owner"), latest_entry(Customer, "create"))

    assert change(row, "公司")[1] == small_org.company.name


def test_it_names_records_of_the_readers_own_company_only(small_org, customer):
    other = org.create_company(name="别家公司", code="other")
    stranger = org.create_employee(company=other, name="外人")
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk),
        object_repr=customer.name, action="update", actor_employee_id=small_org.people["owner"].pk, actor_name="李代表",
        changes={"owner": [small_org.people["owner"].pk, stranger.pk]})

    row = row_of(log_page_of(small_org, "owner"), entry)

    assert change(row, "负责人") == ("李代表", str(stranger.pk))


def test_it_looks_names_up_once_per_related_model_for_the_whole_page(small_org, customer):
    people = [small_org.people[key] for key in ("owner", "teammate", "superior", "director")]
    for number in range(12):
        AuditEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk),
            object_repr=customer.name, action="update", actor_name="李代表",
            changes={"owner": [people[number % 4].pk, people[(number + 1) % 4].pk],
                     "department": [small_org.departments["shanghai"].pk, small_org.departments["beijing"].pk]})
    entries = list(AuditEntry.objects.select_related("content_type").order_by("-id")[:12])

    with CaptureQueriesContext(connection) as queries:
        rows = fields_in_words(entries, company=small_org.company.pk)

    assert len(queries) == 2  # the people, the departments
    assert ("负责人", "李代表", "周代表") in rows[-1]
    assert ("部门", "上海办事处", "北京办事处") in rows[0]


def test_bookkeeping_fields_are_left_out(small_org, customer):
    [fields] = fields_in_words([latest_entry(Customer, "create")])

    labels = [label for label, _before, _after in fields]
    assert "ID" not in labels and "创建时间" not in labels
    assert "名称" in labels
