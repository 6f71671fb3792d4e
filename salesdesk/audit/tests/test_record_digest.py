"""manage.py record_digest: what a restore is compared by — record counts per table and a fingerprint
of the audit log that changes when any entry is lost, altered or added."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from salesdesk.audit.models import AuditEntry
from salesdesk.customers import services as customers

pytestmark = pytest.mark.django_db


def digest() -> dict:
    out = io.StringIO()
    call_command("record_digest", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def some_customers(small_org):
    for name in ("甲公司", "乙公司"):
        customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                  owner=small_org.people["owner"], name=name)


def test_it_counts_the_records_of_every_table(small_org, some_customers):
    tables = digest()["tables"]

    assert tables["customers_customer"] == 2
    assert tables["audit_auditentry"] == AuditEntry.objects.count()
    assert "org_employee" in tables and "django_session" in tables


def test_the_same_database_gives_the_same_digest(small_org, some_customers):
    assert digest() == digest()


def damage_audit_log(statement: str, params: list) -> None:
    """A damaged copy of the log: the database refuses such changes (append-only triggers), so they
    are lifted inside the test's transaction, which is rolled back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_update")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        cursor.execute(statement, params)


def test_an_altered_audit_entry_changes_the_fingerprint_but_not_the_counts(small_org, some_customers):
    before = digest()
    entry = AuditEntry.objects.order_by("id").first()
    damage_audit_log("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", ["改过", entry.pk])

    after = digest()

    assert after["tables"] == before["tables"]
    assert after["audit_log"]["entries"] == before["audit_log"]["entries"]
    assert after["audit_log"]["sha256"] != before["audit_log"]["sha256"]


def test_a_lost_audit_entry_shows_in_the_count(small_org, some_customers):
    before = digest()
    damage_audit_log("DELETE FROM audit_auditentry WHERE id = %s", [AuditEntry.objects.order_by("id").first().pk])

    after = digest()

    assert after["audit_log"]["entries"] == before["audit_log"]["entries"] - 1
    assert after["tables"]["audit_auditentry"] == before["tables"]["audit_auditentry"] - 1
