"""A rep's day in the customers module, in Chromium: log in, open 今日待跟进 from the workbench,
record a visit, claim a customer from the pool, import a file, export the list."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.customers.models import Customer, FollowUp
from salesdesk.demo.customers import add_demo_customers
from salesdesk.jobs.testing import run_queued_tasks
from salesdesk.org import orgfile
from salesdesk.org.models import Employee

from .conftest import login

PASSWORD = orgfile.DEMO_PASSWORD
REP = "nanjing-rep-1"


@pytest.fixture
def company(transactional_db):
    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    add_demo_customers(company)
    return company


def rep():
    return Employee.objects.get(user__username=REP)


def test_the_rep_follows_up_what_is_due_today_from_the_workbench(page, live_server, company):
    login(page, live_server, REP, PASSWORD)
    card = page.locator('[data-queue="followups_today"]')
    due = Customer.objects.filter(owner=rep(), next_followup_on__lte=timezone.localdate())
    assert int(card.locator("[data-count]").inner_text()) == due.count() == 2
    assert page.locator('[data-queue="pool_returning"]').count() == 1

    card.click()
    page.wait_for_url("**/customers/?scene=due")
    assert page.locator("#customers tbody tr[data-customer]").count() == 2

    page.locator("#customers tbody tr[data-customer] a").first.click()
    page.wait_for_url("**/customers/*/")
    page.select_option("#id_method", "visit")
    page.fill("#id_content", "到客户工厂演示新型号，对方技术主管在场。")
    page.fill("#id_result", "约定下周报价")
    page.fill("#id_next_followup_on", (timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_check_in_place", "南京江宁开发区")
    with page.expect_navigation():
        page.click("#save-followup")

    assert "到客户工厂演示新型号" in page.locator("#customer-timeline").inner_text()
    assert FollowUp.objects.filter(owner=rep(), check_in_place="南京江宁开发区").count() == 1
    page.goto(f"{live_server.url}{reverse('workbench:home')}")
    assert int(page.locator('[data-queue="followups_today"] [data-count]').inner_text()) == 1


def test_the_rep_claims_from_the_pool_and_finds_the_customer_among_theirs(page, live_server, company):
    login(page, live_server, REP, PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:pool')}")
    first = page.locator("#pool-table tr[data-customer]").first
    name = first.locator("a").first.inner_text()

    with page.expect_navigation():
        first.locator("button[data-claim]").click()

    assert Customer.objects.get(name=name).owner == rep()
    page.goto(f"{live_server.url}{reverse('customers:list')}?scene=mine")
    assert name in page.locator("#customers").inner_text()


def test_the_rep_imports_a_file_and_exports_the_list(page, live_server, company, tmp_path):
    login(page, live_server, REP, PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:import_new')}")
    upload = tmp_path / "新客户.csv"
    upload.write_bytes("名称,城市,联系人姓名\r\n南京蓝天环保有限公司,南京,钱工\r\n镇江恒力机械有限公司,镇江,孙工\r\n"
                       .encode("utf-8-sig"))
    page.set_input_files("#id_file", str(upload))
    with page.expect_navigation():
        page.click("#import-form button")
    assert page.locator("#import-summary").get_attribute("data-bad") == "0"

    page.click("#commit-all")
    page.wait_for_selector("[data-job]")  # the page answers at once and follows the job
    assert run_queued_tasks() == 1  # the worker's part, here in the test
    page.wait_for_selector("#import-result")
    assert page.locator("#import-result").get_attribute("data-created") == "2"

    page.goto(f"{live_server.url}{reverse('customers:list')}?scene=mine")
    page.locator('#customers thead input[type="checkbox"]').check()
    with page.expect_download() as download:
        page.click('button[value="export"]')
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    names = {row[1] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert {"南京蓝天环保有限公司", "镇江恒力机械有限公司"} <= names
    assert names == set(Customer.objects.filter(owner=rep()).values_list("name", flat=True))


def test_the_rep_plans_a_visit_for_the_week_and_the_visit_fulfils_it(page, live_server, company):
    from salesdesk.customers.models import VisitPlan

    customer = Customer.objects.filter(owner=rep()).order_by("name").first()
    login(page, live_server, REP, PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:visit_plans')}")

    page.fill("#id_customer", customer.name[:4])
    page.locator(".sd-picker-results button", has_text=customer.name).click()
    page.fill("#id_purpose", "送新样品")
    with page.expect_navigation():
        page.click("#add-plan")
    today = page.locator(f'[data-day="{timezone.localdate().isoformat()}"]')
    assert customer.name in today.inner_text()
    assert today.locator('[data-status="planned"]').count() == 1

    today.locator("a", has_text=customer.name).click()
    page.wait_for_url("**/customers/*/")
    page.select_option("#id_method", "visit")
    page.fill("#id_content", "送样品并讲解安装要求。")
    with page.expect_navigation():
        page.click("#save-followup")
    page.goto(f"{live_server.url}{reverse('customers:visit_plans')}")

    assert page.locator('[data-status="done"]').count() == 1
    assert page.locator("#plan-summary").get_attribute("data-done") == "1"
    assert VisitPlan.objects.get(customer=customer).status == VisitPlan.Status.DONE


def test_the_rep_claims_two_customers_at_once_and_stays_on_the_pool_page(page, live_server, company):
    login(page, live_server, REP, PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:pool')}")
    rows = page.locator("#pool-table tr[data-customer]")
    ids = [int(rows.nth(n).get_attribute("data-customer")) for n in range(2)]

    for pk in ids:
        page.check(f'#pool-table tr[data-customer="{pk}"] input[name=ids]')
    with page.expect_navigation():
        page.click("#claim-selected")

    assert page.url.endswith(reverse("customers:pool"))
    assert "已领取 2 个客户" in page.locator(".alert-success").inner_text()
    assert set(Customer.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {rep().pk}
