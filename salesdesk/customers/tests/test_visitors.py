"""Visitor registration at a real-estate sales site: the rotation, returning visitors, conversion,
handing the day's register up, the report — on the real-estate template."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers import services, visitors
from salesdesk.customers.models import Customer, VisitorDay, VisitorRegistration
from salesdesk.customers.queues import visitor_registers_waiting
from salesdesk.org import orgfile
from salesdesk.org.models import Department, Employee

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(db):
    company = orgfile.load_org(data=orgfile.load_template("real-estate"), demo_people=True)
    services.ensure_defaults(company=company)
    site = Department.objects.get(company=company, code="site")
    sellers = list(Employee.objects.filter(assignments__position__code__in=["team-a-sales", "team-b-sales"])
                   .order_by("pk"))
    visitors.set_rotation(site=site, employees=sellers)
    return site


def person(username):
    return Employee.objects.get(user__username=username)


def sellers(team=None):
    codes = [f"team-{team}-sales"] if team else ["team-a-sales", "team-b-sales"]
    return list(Employee.objects.filter(assignments__position__code__in=codes).order_by("pk"))


def test_the_rotation_proposes_each_consultant_in_turn_for_walk_ins(site):
    first, second = sellers()[:2]
    secretary = person("site-secretary-1")

    a = visitors.register_visitor(site=site, by=secretary, name="赵先生")
    call = visitors.register_visitor(site=site, by=secretary, name="来电", kind="phone")
    b = visitors.register_visitor(site=site, by=secretary, name="钱女士")

    assert (a.receptionist, b.receptionist) == (first, second)
    assert call.receptionist == second  # a call is taken by whoever is next, and does not use up the turn
    assert visitors.next_in_turn(site) == sellers()[2]  # the walk-ins went to the first two


def test_a_known_mobile_is_a_returning_visitor_counted_on_the_customer(site):
    seller = sellers()[0]
    known = services.create_customer(company=site.company, by=seller, owner=seller, name="孙先生", kind="person",
                                     mobile="13911112222")

    entry = visitors.register_visitor(site=site, by=seller, name="孙先生", mobile="139 1111 2222")

    known.refresh_from_db()
    assert entry.is_returning and entry.customer == known and known.visits == 1


def test_a_visitor_converts_into_an_individual_customer_of_the_consultant(site):
    entry = visitors.register_visitor(site=site, by=None, name="李女士", mobile="13822223333", intended_unit="三房",
                                      budget="2800000", party_size=3)

    customer = visitors.convert_visitor(registration=entry, by=entry.receptionist)

    assert (customer.kind, customer.owner, customer.intended_unit, customer.visits) == (
        "person", entry.receptionist, "三房", 1)
    assert str(customer.budget) == "2800000.00"
    with pytest.raises(ValidationError):
        visitors.convert_visitor(registration=entry, by=None)


def test_the_day_register_goes_up_step_by_step_and_then_takes_no_entries(site):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    seller = sellers("a")[0]
    visitors.register_visitor(site=site, by=None, name="周先生", visited_at=yesterday, receptionist=seller)
    register = VisitorDay.objects.get(site=site)
    leader, secretary, planner = person("team-a-leader-1"), person("site-secretary-1"), person("planning-supervisor-1")

    assert register.leader == leader
    assert not visitors.may_hand_up(seller.user, register)
    assert [len(visitor_registers_waiting(p.user)) for p in (leader, secretary, planner)] == [1, 0, 0]
    register = visitors.hand_up(register=register, by=leader)
    assert not visitors.may_hand_up(leader.user, register)
    with pytest.raises(ValidationError):
        visitors.hand_up(register=register, by=secretary)  # the analysis is missing
    register = visitors.hand_up(register=register, by=secretary, analysis="周末来访以网络渠道为主。")
    assert not visitors.may_hand_up(secretary.user, register) and visitors.may_hand_up(planner.user, register)
    register = visitors.hand_up(register=register, by=planner)

    assert (register.status, register.collected_by, register.analysed_by, register.received_by) == (
        "received", leader, secretary, planner)
    with pytest.raises(ValidationError):
        visitors.register_visitor(site=site, by=None, name="迟到的", visited_at=yesterday, receptionist=seller)


def test_each_team_leader_has_one_register_a_day_and_collects_only_his_own(site):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    for seller in sellers():
        visitors.register_visitor(site=site, by=None, name="访客", visited_at=yesterday, receptionist=seller)
    leader_a, leader_b = person("team-a-leader-1"), person("team-b-leader-1")

    registers = {register.leader: register for register in VisitorDay.objects.filter(site=site)}
    assert set(registers) == {leader_a, leader_b}
    assert registers[leader_a].pk != registers[leader_b].pk
    assert visitors.may_hand_up(leader_a.user, registers[leader_a])
    assert not visitors.may_hand_up(leader_a.user, registers[leader_b])
    assert [register.leader for register in visitor_registers_waiting(leader_b.user)] == [leader_b]


def test_a_wide_scope_takes_no_step_only_the_duty_at_the_site_does(site):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    visitors.register_visitor(site=site, by=None, name="访客", visited_at=yesterday, receptionist=sellers("a")[0])
    register = VisitorDay.objects.get(site=site)
    director = person("marketing-director-1")  # sees every customer, holds none of the three duties

    assert not visitors.may_hand_up(director.user, register)
    assert visitor_registers_waiting(director.user) == []
    register = visitors.hand_up(register=register, by=person("team-a-leader-1"))
    # The planning supervisor receives, but does not analyse in the site secretary's place.
    assert not visitors.may_hand_up(person("planning-supervisor-1").user, register)
    assert visitors.may_hand_up(person("site-secretary-1").user, register)
    assert visitors.may_hand_up(person("deputy-project-manager-1").user, register)


def test_registrations_roll_up_seller_to_team_leader_to_site_and_planning(site):
    first, second = sellers()[:2]
    mine = visitors.register_visitor(site=site, by=None, name="甲", receptionist=first)
    visitors.register_visitor(site=site, by=None, name="乙", receptionist=second)

    def seen(username):
        return set(VisitorRegistration.objects.restrict(person(username).user).values_list("name", flat=True))

    assert seen(first.user.username) == {"甲"}
    assert seen("site-secretary-1") == seen("planning-supervisor-1") == {"甲", "乙"}
    leader = visitors.leader_for(site, first)
    assert seen(leader.user.username) >= {"甲"}
    assert mine.pk


def test_the_register_page_proposes_the_next_consultant_and_registers_a_walk_in(site):
    client = Client()
    client.force_login(person("site-secretary-1").user)
    first = sellers()[0]

    page = client.get(reverse("customers:visitors"))
    response = client.post(reverse("customers:visitor_add"), {
        "site": site.pk, "kind": "walk_in", "name": "吴先生", "mobile": "13700004444", "party_size": 2,
        "receptionist": first.pk})

    assert page.context["proposed"] == first
    assert response.status_code == 302
    assert VisitorRegistration.objects.get().receptionist == first
    report = client.get(reverse("customers:visitor_report"))
    assert report.context["per_person"][first.name]["walk_in"] == 1
    assert Customer.objects.count() == 0


def test_the_site_manager_numbers_the_rotation_and_others_cannot(site):
    first, second = sellers()[:2]
    manager = Client()
    manager.force_login(person("project-manager-1").user)
    seller = Client()
    seller.force_login(first.user)

    refused = seller.get(reverse("customers:rotation", args=[site.pk]))
    response = manager.post(reverse("customers:rotation", args=[site.pk]),
                            {f"turn-{second.pk}": "1", f"turn-{first.pk}": "2"})

    assert refused.status_code == 404 and response.status_code == 302
    assert [member.employee for member in visitors.rotation(site)] == [second, first]


def test_only_a_company_selling_at_sites_is_offered_the_visitor_pages_and_the_buyers_fields(site):
    from salesdesk.customers.forms import CustomerForm

    industrial = orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)
    rep = Employee.objects.get(user__username="nanjing-rep-1")
    consultant = sellers("a")[0]

    for employee, offered in ((consultant, True), (rep, False)):
        client = Client()
        client.force_login(employee.user)
        home = client.get("/").content.decode()
        assert ('data-nav="visitors"' in home) is offered, employee.user.username
        fields = CustomerForm(company=employee.company).fields
        assert ("intended_unit" in fields and "budget" in fields) is offered
    assert industrial.pk != site.company_id


def test_visitors_are_registered_on_todays_page_only(site):
    client = Client()
    client.force_login(person("site-secretary-1").user)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    assert 'id="visitor-form"' in client.get(reverse("customers:visitors")).content.decode()
    assert 'id="visitor-form"' not in client.get(reverse("customers:visitors"), {"day": yesterday}).content.decode()
