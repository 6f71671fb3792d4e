"""Positions of the industrial template can do what their seed duties say: the inside-sales clerks
(销售内勤) see and ship the orders of the offices they serve, the statistician (销售统计员) reads invoices
and collections for the monthly report, and the online sales rep (网络销售代表) finds the reps to hand
enquiries to."""

import pytest
from django.test import Client

from salesdesk.customers.models import Customer
from salesdesk.finance.models import Invoice
from salesdesk.org import orgfile
from salesdesk.org.models import Employee
from salesdesk.sales.models import SalesOrder
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def industrial_data():
    return orgfile.load_template("industrial")


@pytest.fixture
def company(industrial_data):
    return orgfile.load_org(data=industrial_data, demo_people=True)


def person(company, position_code) -> Employee:
    return Employee.objects.filter(company=company, assignments__position__code=position_code).order_by("pk").first()


def test_the_inside_sales_clerk_sees_and_ships_the_orders_of_the_offices_he_serves(company):
    east_order = OrderFactory(owner=person(company, "nanjing-rep"))
    north_order = OrderFactory(owner=person(company, "jinan-rep"))
    materials_order = OrderFactory(owner=person(company, "sales-rep"))
    sbs, cnpc = person(company, "inside-sales-sbs").user, person(company, "inside-sales-cnpc").user

    def sees(user):
        return set(SalesOrder.objects.restrict(user, "change").values_list("pk", flat=True))

    assert sees(sbs) == {east_order.pk, materials_order.pk}
    assert sees(cnpc) == {north_order.pk, materials_order.pk}
    assert Customer.objects.restrict(sbs).filter(pk=east_order.customer_id).exists()


def test_no_office_is_left_without_a_clerk_to_ship_its_orders(company):
    clerks = [person(company, code).user for code in ("inside-sales-sbs", "inside-sales-cnpc")]

    for office_rep in ("nanjing-rep", "hangzhou-rep", "jinan-rep"):
        order = OrderFactory(owner=person(company, office_rep))
        assert any(SalesOrder.objects.restrict(user).filter(pk=order.pk).exists() for user in clerks), office_rep


def test_the_statistician_reads_invoices_for_the_monthly_report(company):
    rep = person(company, "nanjing-rep")
    order = OrderFactory(owner=rep)
    invoice = Invoice.objects.create(company=company, number="FP-1", customer=order.customer, owner=rep, order=order,
                                     requested_by=rep, buyer_name=order.customer.name)

    assert Invoice.objects.restrict(person(company, "sales-statistician").user).filter(pk=invoice.pk).exists()
    assert not Invoice.objects.restrict(person(company, "jinan-rep").user).filter(pk=invoice.pk).exists()


def test_the_online_sales_rep_finds_the_reps_to_hand_enquiries_to(company):
    client = Client()
    client.force_login(person(company, "online-sales").user)
    rep = person(company, "nanjing-rep")

    found = client.get("/org/people/pick/", {"q": rep.name}).json()["results"]

    assert [row["id"] for row in found] == [rep.pk]


SERVICE = {"standard-sales": ["service-info-clerk", "complaint-officer"], "industrial": ["cs-rep", "cs-manager"],
           "fmcg-brand": ["csr-orders"], "real-estate": ["cs-specialist"]}
REPS = {"standard-sales": "jiangsu-rep", "industrial": "nanjing-rep", "fmcg-brand": "rep-north",
        "real-estate": "team-a-sales"}


# Service staff who read the customer files without keeping them (the owners do).
READ_ONLY = {"standard-sales": ["service-info-clerk", "complaint-officer"], "industrial": ["cs-rep", "cs-manager"],
             "real-estate": ["cs-specialist"]}


@pytest.mark.parametrize("code", sorted(SERVICE))
def test_service_staff_read_the_files_of_the_customers_they_serve(code):
    from salesdesk.customers import services
    from salesdesk.customers.models import FollowUp

    company = orgfile.load_org(data=orgfile.load_template(code), demo_people=True)
    rep = person(company, REPS[code])
    customer = services.create_customer(company=company, by=rep, owner=rep, name="售后服务的客户")

    for position in SERVICE[code]:
        staff = person(company, position)
        assert Customer.objects.restrict(staff.user).filter(pk=customer.pk).exists(), position
        page = Client()
        page.force_login(staff.user)
        assert page.get(f"/customers/{customer.pk}/").status_code == 200, position
        if position not in READ_ONLY.get(code, []):
            continue
        # They read the file and record their service calls, but the owner keeps the file.
        assert not Customer.objects.restrict(staff.user, "change").filter(pk=customer.pk).exists(), position
        assert page.get(f"/customers/{customer.pk}/edit/").status_code == 404, position
        answer = page.post(f"/customers/{customer.pk}/follow-ups/", {"method": "phone", "content": "回访安装情况"})
        assert answer.status_code == 302, position
        assert FollowUp.objects.filter(customer=customer, owner=staff).exists(), position
