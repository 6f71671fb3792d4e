"""Property tests of the approvals and notifications scope rules against an independent oracle.

On the random organisations of `core/tests/test_scope_properties.py`, Hypothesis draws approval
requests (a submitter, and approvers made read collaborators as the engine does), their tasks
(one approver each) and notifications (one recipient each). The oracle, in plain Python: a
request is seen by whoever's sales scope covers its submitter and by its approvers; a task by
whoever's scope covers its approver or sees its request; a notification by its recipient alone
(not even by someone who sees everything).
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.core.tests.test_scope_properties import (
    EVERYONE,
    Grant,
    apply_move,
    build,
    visible_owners,
    worlds,
)
from salesdesk.notifications.models import Notification
from salesdesk.org import services as org_services
from tests.scopetest.models import Memo

MODULE = "sales"


@dataclass
class Records:
    submitters: list  # request -> employee
    approvers: dict  # request -> set of employees (read collaborators)
    tasks: list  # (request, approver)
    recipients: list  # notification -> employee


@st.composite
def approval_worlds(draw):
    world = draw(worlds())
    departments, employees = len(world.dept_parent), len(world.emp_positions)
    for position in range(len(world.pos_dept)):
        level = draw(st.sampled_from(list(ScopeLevel.values)))
        named = frozenset(draw(st.sets(st.integers(0, departments - 1), max_size=2))) \
            if level == ScopeLevel.DEPARTMENTS else frozenset()
        world.grants[(position, MODULE)] = Grant(level, named)
    person = st.integers(0, employees - 1)
    submitters = draw(st.lists(person, min_size=1, max_size=5))
    requests = len(submitters)
    approvers = {index: draw(st.sets(person, max_size=2)) for index in range(requests)}
    tasks = draw(st.lists(st.tuples(st.integers(0, requests - 1), person), max_size=5, unique=True))
    recipients = draw(st.lists(person, max_size=4))
    world.moves = [move for move in world.moves if move[0] in ("department", "rename")]
    return world, Records(submitters, approvers, tasks, recipients)


def expected(world, records, employee) -> dict:
    left = world.emp_left[employee]
    owners = visible_owners(world, employee, MODULE) if not left else set()
    requests = {index for index, submitter in enumerate(records.submitters)
                if not left and (owners == EVERYONE or submitter in owners or employee in records.approvers[index])}
    tasks = {index for index, (request, approver) in enumerate(records.tasks)
             if not left and (owners == EVERYONE or approver in owners or request in requests)}
    notifications = {index for index, recipient in enumerate(records.recipients) if not left and recipient == employee}
    return {"requests": requests, "tasks": tasks, "notifications": notifications}


def build_records(records, built):
    company = built.departments[0].company
    people = built.employees
    memo_type = ContentType.objects.get_for_model(Memo)
    request_type = ContentType.objects.get_for_model(ApprovalRequest)
    requests = []
    for index, submitter in enumerate(records.submitters):
        memo = Memo.objects.create(title=f"备忘{index}", owner=people[submitter])
        request = ApprovalRequest.objects.create(company=company, document_type="memo", content_type=memo_type,
                                                 object_id=memo.pk, title=memo.title, submitter=people[submitter])
        for approver in records.approvers[index]:
            Collaborator.objects.create(content_type=request_type, object_id=request.pk, employee=people[approver])
        requests.append(request)
    tasks = [ApprovalTask.objects.create(request=requests[request], step=0, step_name="审核", approver=people[approver])
             for request, approver in records.tasks]
    notifications = [Notification.objects.create(recipient=people[recipient], kind="approval_requested", params={})
                     for recipient in records.recipients]
    return {"requests": requests, "tasks": tasks, "notifications": notifications}


def check(world, records, built, made):
    User = get_user_model()
    for index, employee in enumerate(built.employees):
        user = User.objects.get(pk=employee.user_id)
        seen = {
            "requests": set(ApprovalRequest.objects.restrict(user).values_list("pk", flat=True)),
            "tasks": set(ApprovalTask.objects.restrict(user).values_list("pk", flat=True)),
            "notifications": set(Notification.objects.restrict(user).values_list("pk", flat=True)),
        }
        wanted = {key: {made[key][i].pk for i in indexes} for key, indexes in expected(world, records, index).items()}
        assert seen == wanted, f"employee {index}"


@pytest.mark.django_db
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(drawn=approval_worlds())
def test_approval_records_agree_with_the_oracle_before_and_after_departments_move(drawn):
    world, records = drawn
    with transaction.atomic():
        built = build(world)
        for (position, module), grant in world.grants.items():
            if module == MODULE:
                org_services.set_position_scope(
                    position=built.positions[position], module=MODULE, level=grant.level,
                    departments=[built.departments[named] for named in sorted(grant.departments)])
        made = build_records(records, built)
        check(world, records, built, made)
        for move in world.moves:
            apply_move(world, built, move)
        check(world, records, built, made)
        transaction.set_rollback(True)
