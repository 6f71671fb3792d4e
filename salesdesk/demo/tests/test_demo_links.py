"""Every person of the demo is offered only what opens for them: the menu, the queue cards and the
duty links of the workbench never lead to a refusal (403) or a missing page (404), and a duty
links to its queue only where that queue exists."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from salesdesk.core.access import actor_of
from salesdesk.workbench.registry import QUEUES, cards_for, duties_for

pytestmark = pytest.mark.django_db
MENU_LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)[^"]*" href="(/[^"#]*)"')
NOT_PAGES = ("/accounts/logout", "/i18n/")


def people():
    call_command("demo_setup", stdout=StringIO())
    return list(get_user_model().objects.filter(employee__isnull=False).order_by("username"))


def test_nobody_is_offered_a_page_that_refuses_them_and_duties_link_only_to_queues_that_exist():
    refused = []
    checked = set()
    for user in people():
        client = Client()
        client.force_login(user)
        home = client.get("/")
        assert home.status_code == 200, user.username
        links = set(MENU_LINK.findall(home.content.decode()))
        links |= {card["url"] for card in cards_for(user)}
        duties = [duty for row in duties_for(user) for duty in row["duties"]]
        assert all(bool(duty["url"]) == (duty["queue"] is not None and duty["queue"].key in QUEUES)
                   for duty in duties), user.username
        links |= {duty["url"] for duty in duties if duty["url"]}
        # People with the same duties and the same links see the same pages refused or not: one of them is enough.
        key = (actor_of(user).capabilities, frozenset(links))
        if key in checked:
            continue
        checked.add(key)
        for link in sorted(links):
            if link.startswith(NOT_PAGES):
                continue
            status = client.get(link).status_code
            if status >= 400:
                refused.append((user.username, link, status))

    assert refused == []
    assert len(checked) > 10
