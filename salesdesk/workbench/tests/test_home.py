"""The workbench: where everybody lands, with their queues and their duties."""

import pytest
from django.urls import reverse

from salesdesk.org import services

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("workbench:home"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_lands_a_person_on_their_workbench_after_log_in(client, small_org):
    response = client.post(reverse("accounts:login"), {"username": "owner", "password": "pass-owner"})

    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")


def test_it_shows_a_regional_manager_the_team_queue_with_its_count(client, small_org):
    client.force_login(small_org.user("regional"))

    response = client.get(reverse("workbench:home"))

    cards = {card["key"]: card for card in response.context["cards"]}
    assert set(cards) == {"team"}
    # 钱经理 reaches 孙经理 and the two reps of Shanghai through the reporting line.
    assert cards["team"]["count"] == 3
    assert 'data-queue="team"' in response.content.decode()


def test_it_gives_a_rep_without_queue_duties_no_cards(client, small_org):
    client.force_login(small_org.user("owner"))

    response = client.get(reverse("workbench:home"))

    assert response.context["cards"] == []


def test_it_lists_the_duties_of_each_position_and_links_those_with_a_queue(client, small_org):
    services.set_duties(position=small_org.positions["sh-rep"],
                        duties=[{"text": "每天拜访客户并记录跟进"}, {"text": "维护团队", "queue": "team"}])
    client.force_login(small_org.user("owner"))

    response = client.get(reverse("workbench:home"))

    page = response.content.decode()
    assert "每天拜访客户并记录跟进" in page
    rows = response.context["duties"]
    assert [row["position"].code for row in rows] == ["sh-rep"]
    assert [(duty["text"], bool(duty["url"])) for duty in rows[0]["duties"]] == [
        ("每天拜访客户并记录跟进", False), ("维护团队", True)]


def test_the_cards_partial_refreshes_without_the_page_frame(client, small_org):
    client.force_login(small_org.user("regional"))

    response = client.get(reverse("workbench:cards"), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'data-queue="team"' in response.content
