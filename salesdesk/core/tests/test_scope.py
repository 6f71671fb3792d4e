import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel, get_scoped_or_404, scope_for
from salesdesk.org import services
from salesdesk.org.models import Employee
from tests.scopetest.models import Account, Ticket, Unregistered


def names(queryset):
    return sorted(queryset.values_list("name", flat=True))


@pytest.fixture
def accounts(small_org):
    return {key: Account.objects.create(name=key, owner=person) for key, person in small_org.people.items()}


def test_a_rep_sees_only_their_own_records(small_org, accounts):
    assert names(Account.objects.restrict(small_org.user("owner"))) == ["owner"]


def test_a_superior_sees_their_subordinates_records(small_org, accounts):
    assert names(Account.objects.restrict(small_org.user("superior"))) == ["owner", "superior", "teammate"]


def test_a_regional_manager_sees_their_region_and_not_the_other(small_org, accounts):
    visible = names(Account.objects.restrict(small_org.user("regional")))
    assert visible == ["owner", "regional", "superior", "teammate"]
    assert "outsider" not in visible


def test_the_director_sees_everything(small_org, accounts):
    assert len(Account.objects.restrict(small_org.user("director"))) == len(accounts)


def test_visibility_follows_the_current_owner(small_org, accounts):
    record = accounts["owner"]
    record.owner = small_org.people["outsider"]
    record.save()
    assert "owner" not in names(Account.objects.restrict(small_org.user("superior")))
    assert "owner" in names(Account.objects.restrict(small_org.user("outsider")))


def test_a_collaborator_sees_the_record_and_may_change_it_only_with_write_access(small_org, accounts):
    record = accounts["outsider"]
    Collaborator.objects.create(content_type=ContentType.objects.get_for_model(Account), object_id=record.pk,
                                employee=small_org.people["owner"], access=Collaborator.Access.READ)
    user = small_org.user("owner")
    assert "outsider" in names(Account.objects.restrict(user, "view"))
    assert "outsider" not in names(Account.objects.restrict(user, "change"))
    Collaborator.objects.filter(object_id=record.pk).update(access=Collaborator.Access.WRITE)
    user = scope_for(user, refresh=True) and small_org.user("owner")
    assert "outsider" in names(Account.objects.restrict(user, "change"))


def test_records_under_a_parent_are_visible_to_the_parents_owner(small_org, accounts):
    ticket = Ticket.objects.create(name="order", owner=small_org.people["outsider"], account=accounts["owner"])
    assert names(Ticket.objects.restrict(small_org.user("owner"))) == ["order"]
    assert names(Ticket.objects.restrict(small_org.user("superior"))) == ["order"]
    assert names(Ticket.objects.restrict(small_org.user("teammate"))) == []
    # Inherited visibility is for reading only.
    assert not Ticket.objects.restrict(small_org.user("owner"), "change").filter(pk=ticket.pk).exists()


def test_a_model_without_scope_rules_shows_nothing_to_non_admins(small_org, admin_user):
    Unregistered.objects.create(owner=small_org.people["owner"])
    assert not Unregistered.objects.restrict(small_org.user("owner")).exists()
    assert not Unregistered.objects.restrict(small_org.user("director")).exists()
    assert Unregistered.objects.restrict(admin_user).count() == 1


def test_anonymous_and_unemployed_users_see_nothing(small_org, accounts, django_user_model):
    assert not Account.objects.restrict(AnonymousUser()).exists()
    stranger = django_user_model.objects.create_user(username="stranger", password="x")
    assert not Account.objects.restrict(stranger).exists()


def test_scope_is_the_union_over_all_positions(small_org, accounts):
    owner = small_org.people["owner"]
    services.assign(employee=owner, position=small_org.positions["north-rm"])
    visible = names(Account.objects.restrict(small_org.user("owner")))
    assert "outsider" in visible and "teammate" not in visible


def test_subordinates_scope_follows_the_reporting_line_across_departments(small_org, accounts):
    # A rep in Beijing who reports to the Shanghai office manager is that manager's subordinate.
    dotted = services.create_position(department=small_org.departments["beijing"], title="驻京代表",
                                      reports_to=small_org.positions["sh-mgr"])
    services.assign(employee=small_org.people["outsider"], position=dotted)
    assert "outsider" in names(Account.objects.restrict(small_org.user("superior")))


def test_specified_departments_cover_their_subtrees(small_org, accounts):
    position = small_org.positions["sh-rep"]
    services.set_position_scope(position=position, module="testing", level=ScopeLevel.DEPARTMENTS,
                                departments=[small_org.departments["north"]])
    assert names(Account.objects.restrict(small_org.user("teammate"))) == ["outsider", "teammate"]


def test_a_read_only_scope_lets_its_holder_read_everything_but_change_only_their_own(small_org, accounts):
    services.set_position_scope(position=small_org.positions["bj-rep"], module="testing", level=ScopeLevel.ALL,
                                read_only=True)
    user = small_org.user("outsider")

    assert len(Account.objects.restrict(user, "view")) == len(accounts)
    assert names(Account.objects.restrict(user, "change")) == ["outsider"]
    with pytest.raises(Http404):
        get_scoped_or_404(Account, user, "change", pk=accounts["owner"].pk)


def test_a_read_only_level_in_one_position_does_not_narrow_what_another_position_may_change(small_org, accounts):
    reader = services.create_position(department=small_org.departments["north"], title="客服专员",
                                      scopes={"testing": ScopeLevel.ALL})
    services.set_position_scope(position=reader, module="testing", level=ScopeLevel.ALL, read_only=True)
    services.assign(employee=small_org.people["superior"], position=reader)
    user = small_org.user("superior")

    assert len(Account.objects.restrict(user, "view")) == len(accounts)
    assert names(Account.objects.restrict(user, "change")) == ["owner", "superior", "teammate"]


def test_read_only_means_nothing_at_the_own_records_level(small_org):
    row = services.set_position_scope(position=small_org.positions["sh-rep"], module="testing",
                                      level=ScopeLevel.SELF, read_only=True)
    assert row.read_only is False


def test_people_who_left_lose_their_scope(small_org, accounts):
    services.deactivate_employee(employee=small_org.people["superior"])
    user = small_org.people["superior"].user
    user.refresh_from_db()
    assert not Account.objects.restrict(user).exists()
    assert Employee.objects.get(pk=small_org.people["superior"].pk).status == Employee.Status.LEFT


def test_out_of_scope_detail_is_a_plain_404(small_org, accounts):
    with pytest.raises(Http404):
        get_scoped_or_404(Account, small_org.user("owner"), pk=accounts["outsider"].pk)
    assert get_scoped_or_404(Account, small_org.user("owner"), pk=accounts["owner"].pk).name == "owner"


def test_scope_is_computed_once_per_user_object(small_org, accounts, django_assert_max_num_queries):
    user = small_org.user("regional")
    list(Account.objects.restrict(user))
    with django_assert_max_num_queries(1):
        list(Account.objects.restrict(user))
