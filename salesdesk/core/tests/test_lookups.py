import pytest

from salesdesk.org.models import Department, Employee

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_same_rows_as_in_on_keys_and_foreign_keys(small_org):
    people = list(Employee.objects.order_by("pk")[:3])
    ids = [person.pk for person in people]

    assert set(Employee.objects.filter(pk__any_of=ids)) == set(Employee.objects.filter(pk__in=ids)) == set(people)
    assert (set(Department.objects.filter(parent__any_of={small_org.departments["sales"].pk}))
            == set(Department.objects.filter(parent=small_org.departments["sales"])))


def test_any_of_an_empty_list_finds_nothing(small_org):
    assert not Employee.objects.filter(pk__any_of=[]).exists()
    assert Employee.objects.exclude(pk__any_of=[]).count() == Employee.objects.count()
