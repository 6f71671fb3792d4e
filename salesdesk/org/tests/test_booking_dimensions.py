"""Where a document is booked: its owner's department (booked_departments, the rule every booking
and the report "by current organisation" follow) and its customer's territory at that moment."""

import datetime

import pytest

from salesdesk.customers import services as customer_services
from salesdesk.org import services
from salesdesk.org.selectors import booked_departments, booking_dimensions

pytestmark = pytest.mark.django_db


def test_it_books_the_department_of_the_primary_current_position_whatever_else_the_person_holds(small_org):
    owner = small_org.people["owner"]
    services.assign(employee=owner, position=small_org.positions["bj-rep"])  # 兼任, not primary
    assert booked_departments([owner.pk]) == {owner.pk: small_org.departments["shanghai"].pk}

    services.assign(employee=owner, position=small_org.positions["north-rm"], is_primary=True)
    assert booked_departments([owner.pk]) == {owner.pk: small_org.departments["north"].pk}


def test_someone_who_has_left_books_in_the_department_of_the_last_position_he_held(small_org):
    owner = small_org.people["owner"]
    first = owner.assignments.get()
    services.end_assignment(assignment=first, ended_on=datetime.date(2025, 3, 31))
    services.assign(employee=owner, position=small_org.positions["bj-rep"], is_primary=True,
                    started_on=datetime.date(2025, 4, 1))
    services.deactivate_employee(employee=owner, left_on=datetime.date(2025, 12, 31))

    assert booked_departments([owner.pk]) == {owner.pk: small_org.departments["beijing"].pk}


def test_people_without_any_position_are_left_out_and_many_people_take_one_query(small_org, django_assert_num_queries):
    nobody = services.create_employee(company=small_org.company, name="无岗位")
    wanted = [person.pk for person in small_org.people.values()] + [nobody.pk, None]
    with django_assert_num_queries(1):
        found = booked_departments(wanted)
    assert set(found) == {person.pk for person in small_org.people.values()}
    assert found[small_org.people["outsider"].pk] == small_org.departments["beijing"].pk


def test_a_booking_takes_the_owners_department_and_the_customers_territory_now(small_org):
    owner = small_org.people["owner"]
    territory = services.create_territory(company=small_org.company, name="华东片区", code="EAST-T")
    customer = customer_services.create_customer(company=small_org.company, by=owner, owner=owner, name="巴陵石化",
                                                 contacts=[{"name": "采购王经理"}])
    assert booking_dimensions(owner, customer) == (small_org.departments["shanghai"].pk, None)

    customer = customer_services.update_customer(customer=customer, by=owner, territory=territory)
    assert booking_dimensions(owner.pk, customer) == (small_org.departments["shanghai"].pk, territory.pk)
