"""The shared test kit makes what the application would make, so tests built on it mean something."""

from decimal import Decimal

import pytest

from salesdesk.sales.models import SalesOrder
from tests.factories import (
    CompanyFactory,
    CustomerFactory,
    DepartmentFactory,
    OrderFactory,
    PersonFactory,
    PositionFactory,
    manager_of,
)

pytestmark = pytest.mark.django_db


def test_it_builds_a_department_tree_with_paths_and_a_reporting_line():
    company = CompanyFactory()
    region = DepartmentFactory(company=company, name="华东大区")
    office = DepartmentFactory(parent=region, name="南京办事处")
    manager = PositionFactory(department=region, title="大区经理")
    rep = PositionFactory(department=office, reports_to=manager)

    assert office.company == company and office.path.startswith(region.path) and office.depth == region.depth + 1
    assert rep.line_path.startswith(manager.line_path)


def test_an_order_belongs_to_its_owner_and_only_the_owner_and_his_manager_see_it():
    order = OrderFactory(quantity=3)
    owner = order.owner
    teammate = PersonFactory(positions=[owner.assignments.get().position])
    manager = manager_of(owner, teammate)

    assert order.status == SalesOrder.Status.DRAFT and order.amount == Decimal("300.00")
    assert order.customer.owner == owner and order.company_id == owner.company_id
    visible = {who: set(SalesOrder.objects.restrict(who.user).values_list("pk", flat=True))
               for who in (owner, teammate, manager)}
    assert visible == {owner: {order.pk}, teammate: set(), manager: {order.pk}}


def test_a_submitted_order_without_a_review_chain_is_confirmed():
    order = OrderFactory(submitted=True)
    assert order.status == SalesOrder.Status.CONFIRMED


def test_people_of_one_company_share_it_and_customers_follow_their_owner():
    rep = PersonFactory()
    customer = CustomerFactory(owner=rep)
    assert customer.company_id == rep.company_id and customer.contacts.count() == 1
