"""Issue 15 §1: a customer id, in the query string or posted to the order, quotation, contract or
payment form, is turned into a name only through the data scope. Another company's customer (or a
colleague's the reader does not see) reads exactly like a customer that does not exist: same status,
same errors, an empty picker — and its name appears nowhere on the page."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customer_services
from salesdesk.customers.models import Customer
from salesdesk.org import services as org_services
from tests.factories import CompanyFactory, DepartmentFactory, PersonFactory, PositionFactory, ProductFactory

pytestmark = pytest.mark.django_db

EVERY_MODULE = ("org", "customers", "sales", "finance")
FOREIGN_NAME = "恒远化工贸易有限公司"
COLLEAGUES_NAME = "北方同事的客户"
PRODUCT_NAME = "恒远专用溶剂"


@pytest.fixture
def world(finance, deal):
    """Our company (the finance fixtures; its director sees everything in every module) next to
    恒远, a second company whose boss also sees everything in his, with a customer and a product."""
    org = finance
    for module in EVERY_MODULE:
        org_services.set_position_scope(position=org.positions["director"], module=module, level=ScopeLevel.ALL)
    company = CompanyFactory(name="恒远集团", code="hengyuan")
    position = PositionFactory(department=DepartmentFactory(company=company), title="总经理",
                               scopes={module: ScopeLevel.ALL for module in EVERY_MODULE})
    boss = PersonFactory(positions=[position], username="hy-boss")
    foreign = customer_services.create_customer(company=company, by=boss, owner=boss, name=FOREIGN_NAME)
    outsider = org.people["outsider"]  # Beijing: the Shanghai rep does not see his customers
    colleagues = customer_services.create_customer(company=org.company, by=outsider, owner=outsider,
                                                   name=COLLEAGUES_NAME)
    return {"org": org, "foreign": foreign, "colleagues": colleagues, "deal": deal,
            "product": ProductFactory(company=company, name=PRODUCT_NAME),
            "missing": Customer.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000}


def client_of(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def picker_label(html: str, name: str = "customer") -> str:
    """What the picker shows in its search box for the chosen record."""
    found = re.search(rf'name="{name}" value="[^"]*" data-picked>\s*<input type="search"[^>]*value="([^"]*)"', html)
    assert found, "no picker on the page"
    return found.group(1)


def form_errors(response) -> dict:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


TODAY = datetime.date.today()
ORDER = {"delivery_on": (TODAY + datetime.timedelta(days=7)).isoformat(), "ship_to": "", "notes": "",
         "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"}
QUOTATION = {"valid_until": (TODAY + datetime.timedelta(days=30)).isoformat(), "title": "", "terms": "",
             "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0"}
CONTRACT = {"title": "年度合同", "starts_on": TODAY.isoformat(), "ends_on": (TODAY + datetime.timedelta(days=300)).isoformat(),
            "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
            "installments-TOTAL_FORMS": "0", "installments-INITIAL_FORMS": "0"}
PAYMENT = {"method": "transfer", "amount": "100", "received_on": TODAY.isoformat()}
FORMS = {"sales:order_new": ORDER, "sales:quotation_new": QUOTATION, "sales:contract_new": CONTRACT,
         "finance:payment_new": PAYMENT}


@pytest.mark.parametrize("key", ["director", "owner"])
def test_the_payment_form_names_a_customer_from_the_query_string_only_within_scope(world, key):
    org = world["org"]
    client = client_of(org, key)
    url = reverse("finance:payment_new")
    own = client.get(url, {"customer": world["deal"]["customer"].pk})
    assert picker_label(own.content.decode()) == "巴陵石化"
    missing = client.get(url, {"customer": world["missing"]})
    assert (missing.status_code, picker_label(missing.content.decode())) == (200, "")
    hidden = ["foreign"] + (["colleagues"] if key == "owner" else [])
    for which in hidden:
        response = client.get(url, {"customer": world[which].pk})
        html = response.content.decode()
        assert (response.status_code, picker_label(html)) == (200, ""), which
        assert world[which].name not in html


@pytest.mark.parametrize("url_name", sorted(FORMS))
@pytest.mark.parametrize("key", ["director", "owner"])
def test_a_posted_customer_out_of_scope_reads_like_one_that_does_not_exist(world, url_name, key):
    org = world["org"]
    client = client_of(org, key)
    url = reverse(url_name)
    missing = client.post(url, {**FORMS[url_name], "customer": world["missing"]})
    assert missing.status_code == 200 and "customer" in form_errors(missing)
    hidden = ["foreign"] + (["colleagues"] if key == "owner" else [])
    for which in hidden:
        response = client.post(url, {**FORMS[url_name], "customer": world[which].pk})
        html = response.content.decode()
        assert world[which].name not in html, which
        assert response.status_code == missing.status_code
        assert form_errors(response) == form_errors(missing)
        assert picker_label(html) == ""


@pytest.mark.parametrize("url_name", ["sales:order_new", "sales:quotation_new", "sales:contract_new"])
def test_another_companys_product_posted_on_a_line_is_not_named_either(world, url_name):
    org = world["org"]
    client = client_of(org, "director")
    response = client.post(reverse(url_name), {**FORMS[url_name], "customer": world["deal"]["customer"].pk,
                                               "lines-0-product": world["product"].pk, "lines-0-quantity": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert PRODUCT_NAME not in html
    assert picker_label(html, "lines-0-product") == ""


def test_the_customer_field_resolves_only_customers_the_reader_sees(world):
    """The shared field: its queryset is the reader's scope, and the picker names the chosen customer
    through that same queryset."""
    from salesdesk.finance.forms import PaymentForm

    org = world["org"]
    owner = org.user("owner")
    own = world["deal"]["customer"]
    form = PaymentForm(user=owner, initial={"customer": own.pk})
    assert picker_label(str(form["customer"])) == own.name
    for which in ("foreign", "colleagues"):
        form = PaymentForm({**PAYMENT, "customer": world[which].pk}, user=owner)
        assert not form.is_valid() and "customer" in form.errors
        assert picker_label(str(form["customer"])) == ""
    assert set(form.fields["customer"].queryset) == set(Customer.objects.restrict(owner))
