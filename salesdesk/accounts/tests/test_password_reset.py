"""Forgotten passwords: a link by e-mail to the address on the account or on the person's employee
record, usable once; or a new password set by an organisation administrator. Neither tells a
stranger whether an address is known, and the audit log records the reset, never the password."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from salesdesk.audit.models import AuditEntry
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db
NEW = "Xin-Mima-2026!"


def link_in(message) -> str:
    return re.search(r"https?://[^/]+(/\S+)", message.body).group(1)


def test_a_person_resets_the_password_through_the_link_sent_to_the_address_on_the_employee_record(small_org):
    Employee.objects.filter(pk=small_org.people["owner"].pk).update(email="li@example.cn")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    sent = client.post("/accounts/password/reset/", {"email": "LI@example.cn"})

    assert sent.status_code == 302 and sent["Location"].endswith("/accounts/password/reset/sent/")
    assert [message.to for message in mail.outbox] == [["li@example.cn"]]
    form = client.get(link_in(mail.outbox[0]), follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302
    assert get_user_model().objects.get(username="owner").check_password(NEW)
    again = client.get(link_in(mail.outbox[0]), follow=True)
    assert "reset-link-invalid" in again.content.decode()  # used once


def test_an_unknown_address_gets_the_same_answer_and_no_mail(small_org):
    answer = Client().post("/accounts/password/reset/", {"email": "nobody@example.cn"})

    assert answer.status_code == 302 and answer["Location"].endswith("/accounts/password/reset/sent/")
    assert mail.outbox == []


def test_someone_who_left_gets_no_reset_mail(small_org):
    person = small_org.people["outsider"]
    Employee.objects.filter(pk=person.pk).update(email="wu@example.cn")
    org_services.deactivate_employee(employee=Employee.objects.get(pk=person.pk))

    Client().post("/accounts/password/reset/", {"email": "wu@example.cn"})

    assert mail.outbox == []


def test_the_log_in_page_offers_the_reset(small_org):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/accounts/login/").content.decode()
    assert 'id="forgot-password"' in page


def org_admin(small_org):
    org_services.set_duties(position=small_org.positions["director"],
                            duties=[{"text": "维护组织架构", "capability": ORG_ADMIN}])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(small_org.user("director"))
    return client


def test_an_org_administrator_sets_a_new_password_and_the_audit_log_says_so_without_it(small_org):
    client = org_admin(small_org)
    person = small_org.people["owner"]
    old_session = Client()
    old_session.force_login(small_org.user("owner"))

    answer = client.post(f"/org/manage/people/{person.pk}/password/", {"new_password1": NEW, "new_password2": NEW})

    assert answer.status_code == 302
    assert get_user_model().objects.get(username="owner").check_password(NEW)
    entry = AuditEntry.objects.filter(object_id=str(person.pk), content_type__model="employee").latest("id")
    assert entry.actor_name == "赵总监" and NEW not in str(entry.changes)
    assert old_session.get("/accounts/profile/").status_code == 302  # the old session ended


def test_a_weak_password_is_refused_with_the_reason(small_org):
    client = org_admin(small_org)
    person = small_org.people["owner"]

    answer = client.post(f"/org/manage/people/{person.pk}/password/", {"new_password1": "123", "new_password2": "123"})

    assert answer.status_code == 400
    assert "too short" in answer.content.decode()
    assert get_user_model().objects.get(username="owner").check_password("pass-owner")


def test_only_an_org_administrator_sets_someone_elses_password(small_org):
    client = Client()
    client.force_login(small_org.user("superior"))

    answer = client.post(f"/org/manage/people/{small_org.people['owner'].pk}/password/",
                         {"new_password1": NEW, "new_password2": NEW})

    assert answer.status_code in (403, 404)
    assert get_user_model().objects.get(username="owner").check_password("pass-owner")
