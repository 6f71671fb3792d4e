"""Navigation by module: who sees which entries, and which one is lit."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from salesdesk.core.navigation import menu_for
from salesdesk.org import services

pytestmark = pytest.mark.django_db


def menu(user, path):
    request = RequestFactory().get(path)
    request.user = user
    return {entry["key"]: entry for entry in menu_for(request)}


def test_it_shows_nothing_to_anonymous_visitors(small_org):
    from django.contrib.auth.models import AnonymousUser

    assert menu(AnonymousUser(), "/") == {}


def test_it_lights_the_entry_with_the_longest_matching_url(admin_user):
    entries = menu(admin_user, reverse("org:manage") + "people/")

    assert [key for key, entry in entries.items() if entry["active"]] == ["org-manage"]


def test_it_lights_the_org_chart_on_a_department_page(small_org):
    entries = menu(small_org.user("owner"), reverse("org:department", args=[small_org.departments["east"].pk]))

    assert [key for key, entry in entries.items() if entry["active"]] == ["org"]


def test_it_lights_the_workbench_only_on_the_home_page(small_org):
    entries = menu(small_org.user("owner"), "/")

    assert [key for key, entry in entries.items() if entry["active"]] == ["workbench"]


def test_org_maintenance_is_only_offered_to_org_administrators(small_org):
    assert "org-manage" not in menu(small_org.user("director"), "/")

    services.set_duties(position=small_org.positions["director"],
                        duties=[{"text": "维护组织架构", "capability": "org_admin"}])

    # A new request loads the user afresh (the scope and duties are cached per request).
    fresh = type(small_org.user("director")).objects.get(pk=small_org.user("director").pk)
    assert "org-manage" in menu(fresh, "/")
    assert "org-manage" not in menu(small_org.user("owner"), "/")
