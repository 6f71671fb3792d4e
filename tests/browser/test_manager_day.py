"""An office manager's tools in the customers module, in Chromium: hand a customer to another
rep by typing the rep's name (the employee picker), staying on the list."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from salesdesk.customers.models import Customer, OwnershipChange
from salesdesk.demo.customers import add_demo_customers
from salesdesk.org import orgfile
from salesdesk.org.models import Employee

from .conftest import login

MANAGER = "nanjing-om-1"


@pytest.fixture
def company(transactional_db):
    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    add_demo_customers(company)
    return company


def test_the_manager_transfers_a_customer_to_a_rep_found_by_typing(page, live_server, company):
    giver = Employee.objects.get(user__username="nanjing-rep-1")
    taker = Employee.objects.filter(assignments__position__code="nanjing-rep").exclude(pk=giver.pk).first()
    customer = Customer.objects.filter(owner=giver).order_by("name").first()
    login(page, live_server, MANAGER, orgfile.DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:list')}?scene=team")

    page.check(f'#customers tr[data-customer="{customer.pk}"] input[name=ids]')
    page.fill("#batch-owner", taker.name[:2])
    option = page.locator(".sd-picker-results button", has_text=taker.name)
    option.click()
    assert page.input_value("#batch-owner") == f"{taker.name} ({taker.employee_no})"
    with page.expect_navigation():
        page.click('#batch-actions button[value="transfer"]')

    assert page.url.endswith("?scene=team")
    customer.refresh_from_db()
    assert customer.owner == taker
    assert OwnershipChange.objects.filter(customer=customer, to_owner=taker).exists()


def test_the_picker_says_when_nobody_matches(page, live_server, company):
    login(page, live_server, MANAGER, orgfile.DEMO_PASSWORD)
    page.goto(f"{live_server.url}{reverse('customers:list')}")

    page.fill("#batch-owner", "查无此人")

    expect(page.locator(".sd-picker-results")).to_have_text("没有找到此人")
