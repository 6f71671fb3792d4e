"""Maintaining the warehouses (仓库维护): the shipping clerks (the to_ship duty) and organisation
administrators create and edit them, like they keep the stock; everyone else is refused."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from conftest import make_person
from salesdesk.accounts import services as account_services
from salesdesk.audit.models import AuditEntry
from salesdesk.core.access import Actor
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN
from salesdesk.sales import shipping
from salesdesk.sales.models import Warehouse

pytestmark = pytest.mark.django_db

DUPLICATE = "Another warehouse has the code %(code)s."


@pytest.fixture
def shipper(org):
    """A shipping clerk (发货内勤) in the sales department, holding the to_ship duty."""
    position = org_services.create_position(department=org.departments["sales"], title="发货内勤", code="shipping",
                                            reports_to=org.positions["director"],
                                            duties=[{"text": "发货出库", "queue": "to_ship", "capability": "ship_goods"}])
    org.people["shipper"] = make_person(org.company, "shipper", "蔡内勤", [position])
    return org


@pytest.fixture
def admin(org):
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "维护", "capability": ORG_ADMIN}])
    return org


def client_of(org, key, language="en"):
    account_services.set_language(user=org.user(key), language=language)
    client = Client()
    client.force_login(org.user(key))
    return client


def audit_of(warehouse):
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Warehouse),
                                     object_id=str(warehouse.pk)).order_by("id")


def form(**changes):
    return {"code": "WH-SZ", "name": "深圳中转库", "kind": "transit", "address": "深圳市南山区", "is_active": "on",
            **changes}


def test_it_lets_a_shipping_clerk_create_a_transit_warehouse_and_records_who_did(shipper):
    client = client_of(shipper, "shipper")

    page = client.get("/sales/warehouses/").content.decode()
    assert 'href="/sales/warehouses/new/"' in page
    response = client.post("/sales/warehouses/new/", form())

    assert response.status_code == 302 and response["Location"] == "/sales/warehouses/"
    warehouse = Warehouse.objects.get(company=shipper.company, code="WH-SZ")
    assert (warehouse.name, warehouse.kind, warehouse.address, warehouse.is_active) == (
        "深圳中转库", Warehouse.Kind.TRANSIT, "深圳市南山区", True)
    entry = audit_of(warehouse).get()
    assert entry.action == "create" and entry.actor_employee == shipper.people["shipper"]
    assert entry.changes["code"] == [None, "WH-SZ"]


def test_it_lets_an_administrator_edit_a_warehouse_and_take_it_out_of_use(admin):
    warehouse = shipping.create_warehouse(by=Actor.command("test"), company=admin.company, code="WH1", name="总库")
    client = client_of(admin, "director")

    assert f'href="/sales/warehouses/{warehouse.pk}/edit/"' in client.get("/sales/warehouses/").content.decode()
    assert "总库" in client.get(f"/sales/warehouses/{warehouse.pk}/edit/").content.decode()
    response = client.post(f"/sales/warehouses/{warehouse.pk}/edit/",
                           form(code="WH-MAIN", name="长沙总库", kind="main", address="长沙市雨花区", is_active=""))

    assert response.status_code == 302
    warehouse.refresh_from_db()
    assert (warehouse.code, warehouse.name, warehouse.kind, warehouse.address, warehouse.is_active) == (
        "WH-MAIN", "长沙总库", Warehouse.Kind.MAIN, "长沙市雨花区", False)
    entry = audit_of(warehouse).last()
    assert entry.action == "update" and entry.actor_employee == admin.people["director"]
    assert entry.changes["is_active"] == [True, False] and entry.changes["code"] == ["WH1", "WH-MAIN"]


def test_it_refuses_a_code_another_warehouse_of_the_company_has_with_a_message_in_the_users_language(shipper):
    shipping.create_warehouse(by=Actor.command("test"), company=shipper.company, code="WH1", name="总库")
    other = shipping.create_warehouse(by=Actor.command("test"), company=shipper.company, code="WH2", name="岳阳库")
    client = client_of(shipper, "shipper", language="en")

    created = client.post("/sales/warehouses/new/", form(code="WH1"))
    renamed = client.post(f"/sales/warehouses/{other.pk}/edit/", form(code=" WH1 "))

    for response in (created, renamed):
        assert response.status_code == 200
        assert "Another warehouse has the code WH1." in response.content.decode()
    assert Warehouse.objects.filter(company=shipper.company, code="WH1").count() == 1
    other.refresh_from_db()
    assert other.code == "WH2" and audit_of(other).count() == 1  # created, never changed
    chinese = client_of(shipper, "shipper", language="zh-hans").post("/sales/warehouses/new/", form(code="WH1"))
    with translation.override("zh-hans"):
        assert gettext(DUPLICATE) % {"code": "WH1"} in chinese.content.decode()


def test_it_allows_the_same_code_in_another_company():
    company = org_services.create_company(name="另一家公司", code="other")
    shipping.create_warehouse(by=Actor.command("test"), company=company, code="WH1", name="总库")
    mine = org_services.create_company(name="本公司", code="mine")

    warehouse = shipping.create_warehouse(by=Actor.command("test"), company=mine, code="WH1", name="总库")

    assert warehouse.code == "WH1" and Warehouse.objects.filter(code="WH1").count() == 2
    with pytest.raises(ValidationError, match="Another warehouse has the code WH1"):
        shipping.create_warehouse(by=Actor.command("test"), company=mine, code="WH1", name="又一个总库")


def test_it_answers_403_to_a_rep_and_changes_nothing(org):
    warehouse = shipping.create_warehouse(by=Actor.command("test"), company=org.company, code="WH1", name="总库")
    client = client_of(org, "owner")

    assert "/sales/warehouses/new/" not in client.get("/sales/warehouses/").content.decode()
    assert client.get("/sales/warehouses/new/").status_code == 403
    assert client.post("/sales/warehouses/new/", form()).status_code == 403
    assert client.post(f"/sales/warehouses/{warehouse.pk}/edit/", form(name="改名")).status_code == 403
    assert list(Warehouse.objects.values_list("code", "name")) == [("WH1", "总库")]
