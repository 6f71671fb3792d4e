"""Who sees which customers, contacts, follow-ups and leads."""

import pytest
from django.contrib.contenttypes.models import ContentType

from salesdesk.core.models import Collaborator
from salesdesk.customers import services
from salesdesk.customers.models import Contact, Customer, FollowUp, Lead, OwnershipChange

from .conftest import customer

pytestmark = pytest.mark.django_db


def fresh(org, key):
    """The user as a new request loads them: the scope is cached per user object."""
    user = org.user(key)
    return type(user).objects.get(pk=user.pk)


def visible(model, org, key, action="view"):
    return set(model.objects.restrict(fresh(org, key), action).values_list("pk", flat=True))


def names(org, key):
    return {c.name for c in Customer.objects.restrict(fresh(org, key))}


def test_a_rep_sees_only_their_own_customers(org, customers):
    assert names(org, "owner") == {"owner的客户有限公司"}


def test_the_office_manager_sees_his_reps_customers_but_not_his_regional_managers(org, customers):
    assert names(org, "superior") == {"superior的客户有限公司", "owner的客户有限公司", "teammate的客户有限公司"}


def test_the_regional_manager_sees_his_region_and_not_the_north(org, customers):
    assert names(org, "regional") == {"regional的客户有限公司", "superior的客户有限公司", "owner的客户有限公司",
                                      "teammate的客户有限公司"}


def test_the_director_sees_everything(org, customers):
    assert len(names(org, "director")) == 6


def test_a_transferred_customer_moves_with_its_new_owner(org, customers):
    services.transfer_customers(customers=[customers["owner"]], to_owner=org.people["outsider"],
                                by=org.people["director"])

    assert "owner的客户有限公司" not in names(org, "owner")
    assert "owner的客户有限公司" in names(org, "outsider")
    assert "owner的客户有限公司" not in names(org, "regional")


def test_a_collaborator_reads_and_only_a_write_collaborator_changes(org, customers):
    target = customers["owner"]
    services.set_collaborator(customer=target, employee=org.people["outsider"], access=Collaborator.Access.READ)

    assert target.pk in visible(Customer, org, "outsider")
    assert target.pk not in visible(Customer, org, "outsider", "change")

    services.set_collaborator(customer=target, employee=org.people["outsider"], access=Collaborator.Access.WRITE)

    assert target.pk in visible(Customer, org, "outsider", "change")


def test_contacts_follow_ups_and_history_follow_their_customer_and_collaborators(org, customers):
    target = customers["owner"]
    contact = services.add_contact(customer=target, name="王经理", mobile="13800001111")
    followup = services.record_followup(by=org.people["owner"], customer=target, content="电话介绍产品")
    services.set_collaborator(customer=target, employee=org.people["outsider"], access=Collaborator.Access.READ)

    for key, sees in [("owner", True), ("superior", True), ("outsider", True), ("teammate", False)]:
        assert (contact.pk in visible(Contact, org, key)) is sees, key
        assert (followup.pk in visible(FollowUp, org, key)) is sees, key
        history = set(OwnershipChange.objects.filter(customer=target).values_list("pk", flat=True))
        assert history and bool(history & visible(OwnershipChange, org, key)) is sees, key


def test_a_rep_still_sees_their_own_follow_ups_after_the_customer_moves_on(org, customers):
    target = customers["owner"]
    followup = services.record_followup(by=org.people["owner"], customer=target, content="上门拜访", method="visit")
    services.transfer_customers(customers=[target], to_owner=org.people["outsider"], by=org.people["director"])

    assert followup.pk in visible(FollowUp, org, "owner")
    assert target.pk not in visible(Customer, org, "owner")


def test_pool_customers_are_seen_by_the_pools_department_and_managers_above_only(org, east_pool):
    pooled = customer(org, None, "公海里的客户")
    pooled.pool = east_pool
    pooled.save()

    assert {key for key in org.people if pooled.pk in visible(Customer, org, key)} == {
        "owner", "teammate", "superior", "regional", "director"}
    assert all(pooled.pk not in visible(Customer, org, key, "change") for key in org.people if key != "director")


def test_the_company_pool_is_seen_by_everyone(org):
    pooled = customer(org, None, "公司公海的客户")

    assert pooled.pool.department is None
    assert all(pooled.pk in visible(Customer, org, key) for key in org.people)


def test_an_unassigned_lead_waits_for_the_managers_of_its_team(org):
    lead = services.create_lead(company=org.company, by=None, name="张先生", mobile="13900002222",
                                team=org.departments["shanghai"], auto_assign=False)

    assert {key for key in org.people if lead.pk in visible(Lead, org, key)} == {"regional", "director"}


def test_a_lead_with_an_owner_is_seen_like_a_customer(org):
    lead = services.create_lead(company=org.company, by=None, name="张先生", mobile="13900002222",
                                owner=org.people["owner"])

    assert {key for key in org.people if lead.pk in visible(Lead, org, key)} == {
        "owner", "superior", "regional", "director"}


def test_other_companies_customers_stay_hidden_even_from_a_director(org, customers):
    from salesdesk.org import services as org_services

    other = org_services.create_company(name="别家", code="other")
    services.ensure_defaults(company=other)
    services.create_customer(company=other, by=None, name="别家的客户")

    assert "别家的客户" not in names(org, "director")
    assert ContentType.objects.get_for_model(Customer)  # the collaborator lookup's content type exists
