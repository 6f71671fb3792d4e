"""audit.changes: how services record what sends no signal — an UPDATE, a bulk_create — with the
actor of the moment, before and after as the signals store them, each record's company, and one
INSERT for however many records."""

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from salesdesk.audit.changes import ChangeLog, record_change
from salesdesk.audit.models import AuditEntry
from salesdesk.core.access import Actor
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers import services as customers
from salesdesk.customers.models import Contact
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db


def audit_queries(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if "audit_auditentry" in query["sql"]]


@pytest.fixture
def many_contacts(small_org):
    customer = customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                         owner=small_org.people["owner"], name="大客户")
    Contact.objects.bulk_create([Contact(customer_id=customer.pk, name=f"联系人{n}") for n in range(25)])
    return list(Contact.objects.filter(customer=customer))  # their customer not loaded


def test_a_bulk_change_of_many_records_is_one_insert_and_one_read_of_their_companies(small_org, many_contacts):
    log = ChangeLog()
    for contact in many_contacts:
        log.changed(contact, title="采购")

    with acting_as(actor_for_user(small_org.user("owner"))), CaptureQueriesContext(connection) as queries:
        written = log.write()

    assert written == 25
    assert len(audit_queries(queries)) == 1 and len(queries) <= 3  # the companies, the content type, the INSERT
    entries = AuditEntry.objects.filter(content_type__model="contact", action="update")
    assert {(entry.actor_name, entry.company_id, tuple(entry.changes["title"])) for entry in entries} == {
        ("李代表", small_org.company.pk, ("", "采购"))}


def test_the_record_takes_the_new_values_and_what_did_not_change_is_left_out(small_org):
    owner = small_org.people["owner"]
    log = ChangeLog()

    log.changed(owner, name=owner.name, email="li@example.cn", preferences={"scene": "mine"})
    log.write()

    assert owner.email == "li@example.cn"
    entry = AuditEntry.objects.latest("id")
    assert entry.changes == {"email": ["", "li@example.cn"]}  # preferences are not audited (org/apps.py)
    assert (entry.object_repr, entry.company_id, entry.actor_name) == (str(owner), small_org.company.pk, "system")


def test_records_made_in_bulk_are_recorded_with_all_their_values(small_org):
    customer = customers.create_customer(company=small_org.company, by=small_org.people["owner"],
                                         owner=small_org.people["owner"], name="大客户")
    made = Contact.objects.bulk_create([Contact(customer=customer, name=f"联系人{n}") for n in range(3)])

    with acting_as(Actor.command("import_contacts")), CaptureQueriesContext(connection) as queries:
        log = ChangeLog()
        log.created(made)
        log.write()

    assert len(audit_queries(queries)) == 1
    assert not [query for query in queries.captured_queries if "customers_customer" in query["sql"]]  # loaded
    entries = AuditEntry.objects.filter(content_type__model="contact", action="create", actor_name="import_contacts")
    assert sorted(entry.changes["name"][1] for entry in entries) == ["联系人0", "联系人1", "联系人2"]
    assert {(entry.changes["customer"][1], entry.company_id) for entry in entries} == {
        (customer.pk, small_org.company.pk)}


def test_one_change_by_model_and_id_reads_the_company_of_the_record(small_org):
    owner = small_org.people["owner"]

    record_change(Employee, owner.pk, before={"mobile": "13800000000"}, after={"mobile": "13900000000"})

    entry = AuditEntry.objects.latest("id")
    assert (entry.object_id, entry.changes, entry.company_id) == (
        str(owner.pk), {"mobile": ["13800000000", "13900000000"]}, small_org.company.pk)


def test_an_expression_is_not_a_value_to_record(small_org):
    with pytest.raises(TypeError, match="not an expression"):
        ChangeLog().changed(small_org.people["owner"], mobile=F("mobile"))
