"""Saved personal scenes: a person keeps the filters of a list under a name, and only they see it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from salesdesk.customers import scenes
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def test_a_saved_scene_keeps_only_the_lists_filters(org):
    owner = org.people["owner"]

    scene = scenes.save_scene(employee=owner, list_name="customers", name="  A类  客户 ",
                              query="level=A&page=7&sort=name&evil=1&q=")

    assert scene["name"] == "A类 客户"
    assert scene["query"] == "level=A&sort=name"
    assert scenes.scenes_of(Employee.objects.get(pk=owner.pk), "customers") == [scene]


def test_saving_under_the_same_name_replaces_and_bad_input_is_refused_plainly(org):
    owner = org.people["owner"]
    scenes.save_scene(employee=owner, list_name="customers", name="重点", query="level=A")
    scenes.save_scene(employee=owner, list_name="customers", name="重点", query="level=B")

    with pytest.raises(ValidationError, match="Choose some filters first"):
        scenes.save_scene(employee=owner, list_name="customers", name="空的", query="page=2")
    with pytest.raises(ValidationError, match="at most 30 characters"):
        scenes.save_scene(employee=owner, list_name="customers", name="长" * 31, query="level=A")

    assert [scene["query"] for scene in scenes.scenes_of(Employee.objects.get(pk=owner.pk), "customers")] == ["level=B"]


def test_a_scene_saved_from_the_list_shows_as_a_tab_for_its_owner_and_nobody_else(org, customers):
    owner = client_for(org, "owner")

    response = owner.post(reverse("customers:scene_save"), {"list": "customers", "name": "我的A类",
                                                            "query": "scene=mine&level=A"})
    listed = owner.get(response["Location"])
    manager_page = client_for(org, "superior").get(reverse("customers:list")).content.decode()

    assert response["Location"].startswith(reverse("customers:list") + "?scene=mine&level=A&view=")
    assert 'data-saved-scene="我的A类"' in listed.content.decode()
    assert 'data-saved-scene="我的A类"' not in manager_page


def test_a_scene_is_deleted_by_its_owner_only(org):
    owner, other = org.people["owner"], org.people["teammate"]
    scene = scenes.save_scene(employee=owner, list_name="leads", name="新线索", query="status=new")

    client_for(org, "teammate").post(reverse("customers:scene_delete", args=[scene["id"]]), {"list": "leads"})
    assert scenes.scenes_of(Employee.objects.get(pk=owner.pk), "leads") == [scene]
    assert scenes.scenes_of(Employee.objects.get(pk=other.pk), "leads") == []

    response = client_for(org, "owner").post(reverse("customers:scene_delete", args=[scene["id"]]), {"list": "leads"})

    assert response["Location"] == reverse("customers:leads")
    assert scenes.scenes_of(Employee.objects.get(pk=owner.pk), "leads") == []


def test_saving_a_scene_is_not_written_to_the_persons_audit_trail(org):
    from salesdesk.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    scenes.save_scene(employee=org.people["owner"], list_name="customers", name="重点", query="level=A")

    assert AuditEntry.objects.count() == before
