"""The access layer: the Actor, the capability registry and what a refusal looks like."""

import re
from pathlib import Path

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from conftest import make_person
from salesdesk.core import capabilities
from salesdesk.core.access import Actor, Denied, actor_of
from salesdesk.org import services as org_services
from salesdesk.org.checks import template_capabilities
from salesdesk.org.forms import parse_duties
from salesdesk.org.orgfile import validate
from salesdesk.sales import shipping
from salesdesk.sales.capabilities import SHIP_GOODS

ROOT = Path(__file__).resolve().parents[3]
NAMED_IN_CODE = re.compile(r"""(?:["']capability["']\s*:\s*|\.require\(|\.can\(|capability=)["']([a-z][\w.-]*)["']""")


def capabilities_named_in_code() -> dict[str, set[str]]:
    found = {}
    for folder in ("salesdesk", "bench", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts or path.name == "test_access.py":  # this file names unknown ones on purpose
                continue
            names = set(NAMED_IN_CODE.findall(path.read_text(encoding="utf-8")))
            if names:
                found[str(path.relative_to(ROOT))] = names
    return found


def test_every_capability_named_in_templates_and_code_is_declared():
    named = {**template_capabilities(), **capabilities_named_in_code()}
    assert sum(len(keys) for keys in named.values()) > 20  # the scan finds the names (it is not vacuous)
    unknown = {where: capabilities.unknown(keys) for where, keys in named.items() if capabilities.unknown(keys)}
    assert unknown == {}


def test_the_scan_would_catch_an_undeclared_name():
    assert NAMED_IN_CODE.findall('duties=[{"text": "x", "capability": "fly_to_the_moon"}]') == ["fly_to_the_moon"]
    assert capabilities.unknown({"fly_to_the_moon", "pricing"}) == ["fly_to_the_moon"]


def test_the_start_up_check_passes_with_the_shipped_templates():
    errors = [message for message in checks.run_checks() if message.id.startswith("salesdesk.")]
    assert errors == []


@pytest.mark.django_db
def test_the_database_check_names_a_duty_with_an_unknown_capability(small_org):
    from salesdesk.org.models import Duty

    Duty.objects.create(position=small_org.positions["sh-rep"], text="旧职责", capability="retired_power")
    errors = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    assert [error.id for error in errors if error.id.startswith("salesdesk.")] == ["salesdesk.E002"]
    assert "retired_power" in errors[0].msg


@pytest.mark.django_db
def test_an_org_file_or_a_duty_form_with_an_unknown_capability_is_refused(small_org):
    data = {"format": "salesdesk-org/1", "company": {"name": "甲", "code": "a"},
            "departments": [{"code": "d", "name": "部"}],
            "positions": [{"code": "p", "title": "岗", "department": "d",
                           "duties": [{"text": "飞", "capability": "fly_to_the_moon"}]}]}
    assert any("fly_to_the_moon" in error for error in validate(data))
    with pytest.raises(ValidationError, match="fly_to_the_moon"):
        parse_duties("飞 | | fly_to_the_moon")
    with pytest.raises(ValidationError):
        org_services.set_duties(position=small_org.positions["sh-rep"], duties=[{"text": "飞", "capability": "fly"}])
    assert parse_duties("发货 | to_ship | ship_goods") == [{"text": "发货", "queue": "to_ship",
                                                          "capability": "ship_goods"}]


@pytest.mark.django_db
def test_a_duty_grants_its_capability_and_an_org_admin_has_those_meant_for_admins(small_org):
    owner = actor_of(small_org.user("owner"))
    assert not owner.can(SHIP_GOODS) and not owner.can("full_mobile")
    org_services.set_duties(position=small_org.positions["sh-rep"], duties=[
        {"text": "发货出库", "queue": "to_ship", "capability": SHIP_GOODS}])
    assert actor_of(small_org.people["owner"]).can(SHIP_GOODS)  # a fresh actor reads the new duties
    org_services.set_duties(position=small_org.positions["director"], duties=[
        {"text": "维护组织", "capability": "org_admin"}])
    director = actor_of(small_org.people["director"])
    assert director.is_org_admin and director.can(SHIP_GOODS) and not director.can("full_mobile")


@pytest.mark.django_db
def test_a_work_queue_alone_allows_nothing(small_org):
    org_services.set_duties(position=small_org.positions["sh-rep"], duties=[{"text": "发货出库", "queue": "to_ship"}])
    warehouse = shipping.create_warehouse(by=Actor.command("test"), company=small_org.company, code="W", name="库")
    with translation.override("en"), pytest.raises(Denied, match="shipping clerks"):
        shipping.update_warehouse(by=small_org.people["owner"], warehouse=warehouse, code="W", name="改", kind="main")


def test_an_undeclared_capability_asked_for_in_code_is_a_programming_error():
    with pytest.raises(capabilities.UnknownCapability):
        Actor.command("test").can("fly_to_the_moon")


@pytest.mark.django_db
def test_someone_without_an_employee_record_or_a_log_in_may_do_nothing(small_org):
    lone = make_person(small_org.company, "lone", "孤", [])
    lone.user = None
    lone.user_id = None
    assert not actor_of(lone).can(SHIP_GOODS)
    assert not actor_of(None).can(SHIP_GOODS)
    with pytest.raises(Denied):
        actor_of(None).acting_employee()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("zh-hans", "没有权限"), ("en", "Permission denied")])
def test_a_refused_page_is_a_403_in_the_users_language(small_org, language, text):
    owner = small_org.people["owner"]
    owner.language = language
    owner.save(update_fields=["language"])
    client = Client()
    client.force_login(small_org.user("owner"))
    response = client.get("/sales/warehouses/new/")
    assert response.status_code == 403
    page = response.content.decode()
    assert text in page and "<html" in page and "Forbidden</h1>" not in page


@pytest.mark.django_db
def test_an_actor_restricts_like_its_user(small_org):
    from salesdesk.org.models import Employee

    user = small_org.user("superior")
    assert set(Employee.objects.restrict(actor_of(user))) == set(Employee.objects.restrict(user))
    assert not Employee.objects.restrict(Actor.command("nobody")).exists()  # a command reads nothing by scope
