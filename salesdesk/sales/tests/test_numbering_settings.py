import pytest
from django.db import transaction
from django.test import Client

from salesdesk.core.models import NumberSeries
from salesdesk.core.numbering import next_number
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(org):
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "维护", "capability": ORG_ADMIN}])
    client = Client()
    client.force_login(org.user("director"))
    return client


def form_data(page_series, **changes):
    data = {"form-TOTAL_FORMS": str(len(page_series)), "form-INITIAL_FORMS": str(len(page_series)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for index, series in enumerate(page_series):
        values = {"id": series.pk, "prefix": series.prefix, "separator": series.separator, "reset": series.reset,
                  "digits": series.digits}
        values.update(changes.get(series.document, {}))
        data.update({f"form-{index}-{key}": value for key, value in values.items()})
    return data


def test_an_administrator_changes_the_contract_numbering_and_the_next_number_follows(org, admin):
    page = admin.get("/sales/settings/numbering/").content.decode()
    assert 'data-series="contract"' in page and "HT-" in page
    series = list(NumberSeries.objects.filter(company=org.company).order_by("id"))
    response = admin.post("/sales/settings/numbering/", form_data(series, contract={
        "prefix": "sd", "separator": "/", "reset": "yearly", "digits": "5"}))
    assert response.status_code == 302
    import datetime

    with transaction.atomic():
        number = next_number(company=org.company, document="contract", on=datetime.date(2026, 11, 26))
    assert number == "SD/2026/00001"


def test_a_shared_prefix_or_bad_digits_are_refused_and_nothing_changes(org, admin):
    admin.get("/sales/settings/numbering/")
    series = list(NumberSeries.objects.filter(company=org.company).order_by("id"))
    response = admin.post("/sales/settings/numbering/", form_data(series, order={"prefix": "HT"}),
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and "前缀" in response.content.decode()
    response = admin.post("/sales/settings/numbering/", form_data(series, order={"digits": "12"}))
    assert response.status_code == 200
    assert NumberSeries.objects.get(company=org.company, document="order").prefix == "DD"
    assert NumberSeries.objects.get(company=org.company, document="order").digits == 4


def test_only_administrators_open_the_numbering(org):
    client = Client()
    client.force_login(org.user("owner"))
    assert client.get("/sales/settings/numbering/").status_code == 403
