"""The org workbench queues: my team (people in my org scope) and vacant positions (vacant seats
in the positions my org scope covers)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from salesdesk.core.scope import ScopeLevel, scope_for
from salesdesk.org import queues, services
from salesdesk.workbench.registry import QUEUES, cards_for

pytestmark = pytest.mark.django_db


def fresh(user):
    scope_for(user, refresh=True)
    return user


def test_both_queues_are_registered_with_their_pages():
    assert QUEUES["team"].url(None) == reverse("org:people")
    assert QUEUES["vacancies"].url(None) == reverse("org:vacancies")


@pytest.mark.parametrize(("key", "count"), [("owner", 0), ("superior", 2), ("regional", 3), ("director", 5)])
def test_my_team_counts_active_people_in_my_scope_but_not_me(small_org, key, count):
    assert QUEUES["team"].count(small_org.user(key)) == count


def test_people_who_left_leave_the_team(small_org):
    services.deactivate_employee(employee=small_org.people["teammate"])
    assert QUEUES["team"].count(small_org.user("regional")) == 2


@pytest.mark.parametrize(("key", "seats"), [("owner", 0), ("outsider", 0), ("superior", 1), ("regional", 1),
                                             ("director", 3)])
def test_vacant_seats_count_the_positions_i_look_after(small_org, key, seats):
    # 销售代表 in 上海 has 3 seats for 2 people; 华北 大区经理 is vacant; 北京 销售代表 has 2 seats for 1.
    assert QUEUES["vacancies"].count(small_org.user(key)) == seats


def test_a_department_scope_looks_after_that_department_only(small_org):
    services.set_position_scope(position=small_org.positions["north-rm"], module="org", level=ScopeLevel.DEPARTMENT)
    services.create_employee(company=small_org.company, name="冯经理", user=get_user_model().objects.create_user(
        username="north", password="pass-north-1"), positions=[small_org.positions["north-rm"]])
    user = fresh(get_user_model().objects.get(username="north"))
    assert list(queues.managed_positions(user)) == [small_org.positions["north-rm"]]
    assert queues.vacant_seats(user) == 0


def test_a_department_tree_scope_includes_the_sub_departments(small_org):
    services.create_employee(company=small_org.company, name="冯经理", user=get_user_model().objects.create_user(
        username="north", password="pass-north-1"), positions=[small_org.positions["north-rm"]])
    user = fresh(get_user_model().objects.get(username="north"))
    assert set(queues.managed_positions(user)) == {small_org.positions["north-rm"], small_org.positions["bj-rep"]}
    assert queues.vacant_seats(user) == 1


def test_specified_departments_count_with_their_subtrees(small_org):
    position = small_org.positions["sh-rep"]
    services.set_position_scope(position=position, module="org", level=ScopeLevel.DEPARTMENTS,
                                departments=[small_org.departments["north"]])
    user = fresh(small_org.user("owner"))
    assert set(queues.managed_positions(user)) == {small_org.positions["north-rm"], small_org.positions["bj-rep"]}
    assert queues.vacant_seats(user) == 2


def test_a_subordinates_scope_follows_the_reporting_line_across_departments(small_org):
    helper = services.create_position(department=small_org.departments["beijing"], title="外派代表", code="remote",
                                      reports_to=small_org.positions["sh-mgr"], headcount=2)
    assert helper in set(queues.managed_positions(fresh(small_org.user("superior"))))
    assert queues.vacant_seats(small_org.user("superior")) == 3


def test_retired_positions_are_not_vacancies(small_org):
    services.update_position(position=small_org.positions["bj-rep"], is_active=False)
    assert queues.vacant_seats(small_org.user("director")) == 2


def test_an_administrator_looks_after_every_position(small_org, admin_user):
    assert queues.vacant_seats(admin_user) == 3
    assert QUEUES["team"].count(admin_user) == 6


def test_a_log_in_without_an_employee_has_empty_queues(small_org):
    user = get_user_model().objects.create_user(username="nobody", password="pass-nobody-1")
    assert queues.vacant_seats(user) == 0
    assert QUEUES["team"].count(user) == 0


def test_the_workbench_shows_the_team_card_to_the_regional_manager(small_org):
    cards = {card["key"]: card for card in cards_for(small_org.user("regional"))}
    assert cards["team"]["count"] == 3
    client = Client()
    client.force_login(small_org.user("regional"))
    assert 'data-queue="team"' in client.get(reverse("workbench:home")).content.decode()
