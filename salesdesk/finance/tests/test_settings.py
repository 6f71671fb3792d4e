"""The finance settings page (财务设置): organisation administrators choose what an invoice may cover
and the default days to pay an invoice; everyone else is refused."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from salesdesk.audit.models import AuditEntry
from salesdesk.finance import credit, invoicing
from salesdesk.finance.models import FinanceSettings
from salesdesk.finance.settings_services import update_finance_settings
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN

pytestmark = pytest.mark.django_db
URL = "/finance/settings/"


@pytest.fixture
def admin(org):
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "维护", "capability": ORG_ADMIN}])
    return org


def client_of(org, key):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(org.user(key))
    return client


def test_it_lives_at_finance_settings_and_is_linked_next_to_the_numbering(admin):
    client = client_of(admin, "director")

    assert reverse("finance:settings") == URL
    chains = client.get(reverse("approvals:chains")).content.decode()
    assert f'href="{URL}"' in chains and 'href="/sales/settings/numbering/"' in chains


def test_it_shows_the_defaults_before_anything_was_saved(admin):
    page = client_of(admin, "director").get(URL).content.decode()

    assert 'value="shipped" selected' in page and 'value="30"' in page
    assert not FinanceSettings.objects.exists()


def test_it_lets_an_administrator_save_both_settings_and_records_who_did(admin):
    client = client_of(admin, "director")

    response = client.post(URL, {"invoice_basis": "ordered", "default_payment_days": "45",
                                "default_credit_policy": "cash"})

    assert response.status_code == 302 and response["Location"] == URL
    settings = FinanceSettings.objects.get(company=admin.company)
    assert (settings.invoice_basis, settings.default_payment_days) == ("ordered", 45)
    assert invoicing.basis_of(admin.company.pk) == "ordered"
    assert credit.payment_days_for(customer_id=0, company_id=admin.company.pk) == 45
    entry = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(FinanceSettings),
                                      object_id=str(settings.pk)).get()
    assert entry.actor_employee == admin.people["director"]
    assert entry.changes["default_payment_days"] == [None, 45]
    page = client.get(URL).content.decode()
    assert 'value="ordered" selected' in page and 'value="45"' in page


def test_it_changes_saved_settings_and_records_the_change(admin):
    settings = FinanceSettings.objects.create(company=admin.company)

    client_of(admin, "director").post(URL, {"invoice_basis": "shipped", "default_payment_days": "0",
                                            "default_credit_policy": "cash"})

    settings.refresh_from_db()
    assert settings.default_payment_days == 0
    entry = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(FinanceSettings),
                                      object_id=str(settings.pk), action="update").get()
    assert entry.changes == {"default_payment_days": [30, 0]}


@pytest.mark.parametrize("days, message", [("366", "Between 0 and 365 days."), ("-1", "Between 0 and 365 days."),
                                           ("abc", "Enter a whole number.")])
def test_it_shows_a_message_for_bad_days_and_saves_nothing(admin, days, message):
    FinanceSettings.objects.create(company=admin.company, default_payment_days=30)

    response = client_of(admin, "director").post(URL, {"invoice_basis": "ordered", "default_payment_days": days,
                                                          "default_credit_policy": "cash"})

    assert response.status_code == 200 and message in response.content.decode()
    settings = FinanceSettings.objects.get(company=admin.company)
    assert (settings.invoice_basis, settings.default_payment_days) == ("shipped", 30)
    assert not AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(FinanceSettings),
                                         action="update").exists()


def test_it_refuses_days_out_of_range_in_the_service_too(org):
    for days in (-1, 366, 30.5, True):
        with pytest.raises(ValidationError):
            update_finance_settings(company=org.company, invoice_basis="shipped", default_payment_days=days)
    with pytest.raises(ValidationError):
        update_finance_settings(company=org.company, invoice_basis="delivered", default_payment_days=30)
    assert not FinanceSettings.objects.exists()
    assert update_finance_settings(company=org.company, invoice_basis="ordered",
                                   default_payment_days=365).default_payment_days == 365


@pytest.mark.parametrize("key", ["owner", "superior", "clerk"])
def test_it_answers_403_to_anyone_but_an_administrator_and_saves_nothing(admin, key):
    client = client_of(admin, key)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"invoice_basis": "ordered", "default_payment_days": "10"}).status_code == 403
    assert not FinanceSettings.objects.exists()


def test_the_saved_days_set_the_due_date_of_an_invoice_issued_afterwards(admin, confirmed):
    from .conftest import issued_invoice

    client_of(admin, "director").post(URL, {"invoice_basis": "shipped", "default_payment_days": "10",
                                            "default_credit_policy": "credit", "default_credit_limit": "1000000"})

    invoice = issued_invoice(admin, confirmed, issued_on=datetime.date(2026, 11, 26), SBS="1")
    assert invoice.due_on == datetime.date(2026, 12, 6)
