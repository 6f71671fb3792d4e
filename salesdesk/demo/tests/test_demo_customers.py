import pytest

from salesdesk.customers.queues import followups_due, returning_soon, unassigned_leads
from salesdesk.demo.customers import add_demo_customers, reps_of
from salesdesk.org import orgfile

pytestmark = pytest.mark.django_db


def test_every_demo_rep_has_two_follow_ups_due_one_customer_about_to_return_and_the_leads_wait(db):
    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)

    made = add_demo_customers(company)

    reps = reps_of(company)
    assert made == {"customers": 4 * len(reps), "pool": 4, "leads": 3}
    for rep in reps:
        assert (followups_due(rep.user).count(), returning_soon(rep.user).count()) == (2, 1), rep.user.username
    from salesdesk.org.models import Employee

    online = Employee.objects.get(user__username="online-sales-1")
    assert unassigned_leads(online.user).count() == 3


def test_each_office_rep_sells_in_his_own_city(db):
    from salesdesk.customers.models import Customer

    company = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    add_demo_customers(company)

    cities = {}
    for rep in reps_of(company):
        office = rep.assignments.get(is_primary=True).position.department.name
        cities[office] = set(Customer.objects.filter(owner=rep).values_list("city", flat=True))
    assert cities["南京办事处"] == {"南京"} and cities["杭州办事处"] == {"杭州"} and cities["济南办事处"] == {"济南"}
    assert all(name.startswith(city) for name, city in Customer.objects.filter(owner__isnull=False)
               .values_list("name", "city"))
