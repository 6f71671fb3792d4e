"""A step "by position" goes to the holder nearest the submitter in the organisation (own
department, then up the tree, then elsewhere), not to every holder in the company."""

import pytest

from conftest import make_person
from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalTask
from salesdesk.org import services as org_services

from .conftest import make_chain, memo

pytestmark = pytest.mark.django_db


def waiting_for(request) -> list[str]:
    return sorted(task.approver.name for task in
                  request.tasks.filter(status=ApprovalTask.Status.PENDING).select_related("approver"))


def other_office_manager(org):
    """The 办事处经理 of 北京办事处 (another region), held by 赵经理."""
    position = org_services.create_position(department=org.departments["beijing"], title="办事处经理",
                                            code="bj-mgr")
    org.positions["bj-mgr"] = position
    make_person(org.company, "bj-manager", "赵经理", [position])
    return position


def test_a_step_naming_every_offices_manager_goes_to_the_submitters_own_office(org):
    other_office_manager(org)
    make_chain(org, steps=[{"name": "办事处经理审核", "approver": "positions", "positions": ["sh-mgr", "bj-mgr"]}])

    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    assert waiting_for(request) == [org.people["superior"].name]


def test_a_vacant_nearest_post_falls_through_to_the_next_nearest_holder(org):
    other_office_manager(org)
    deputy = org_services.create_position(department=org.departments["shanghai"], title="副经理", code="sh-deputy")
    org.positions["sh-deputy"] = deputy
    make_chain(org, steps=[{"name": "经理审核", "approver": "positions", "positions": ["sh-deputy", "bj-mgr"]}])

    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    assert waiting_for(request) == ["赵经理"]


def test_a_post_off_the_submitters_line_is_still_found_when_it_is_the_only_one(org):
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])

    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    assert waiting_for(request) == [org.people["lawyer"].name]


def test_a_countersignature_still_needs_every_listed_post(org):
    other_office_manager(org)
    make_chain(org, steps=[{"name": "会签", "approver": "positions", "positions": ["sh-mgr", "bj-mgr"],
                            "mode": "all"}])

    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])

    assert waiting_for(request) == sorted([org.people["superior"].name, "赵经理"])
