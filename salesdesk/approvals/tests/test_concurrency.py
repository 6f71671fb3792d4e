"""Two approvers acting at the same moment, on real parallel PostgreSQL connections: a step
completes once, and the document is approved once."""

import threading

import pytest
from django.db import connection, connections

from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalRequest, ApprovalTask
from salesdesk.approvals.services import ApprovalError

from .conftest import make_chain, memo

ROUNDS = 15


def _at_once(request, approvers) -> tuple[list, list]:
    """Each approver approves `request` in their own thread and connection, released together."""
    barrier = threading.Barrier(len(approvers))
    done, refused, errors = [], [], []

    def act(person):
        try:
            barrier.wait()
            services.decide(request=request, actor=person, decision="approve")
            done.append(person.name)
        except ApprovalError:
            refused.append(person.name)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(person,)) for person in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_an_or_step_at_once_approve_it_once(org):
    _needs_postgresql()
    from salesdesk.org import services as org_services

    second = org_services.create_employee(company=org.company, name="卫法务", positions=[org.positions["legal"]])
    make_chain(org, steps=[{"name": "法务", "approver": "positions", "positions": ["legal"], "mode": "any"}])
    for round_ in range(ROUNDS):
        document = memo(org, title=f"或签 {round_}")
        request = services.submit(document=document, document_type="memo", submitter=org.people["owner"])
        done, refused = _at_once(request, [org.people["lawyer"], second])
        document.refresh_from_db()
        request.refresh_from_db()
        assert (len(done), len(refused)) == (1, 1)
        assert request.status == ApprovalRequest.Status.APPROVED
        assert document.approvals == 1
        assert sorted(request.tasks.values_list("status", flat=True)) == ["approved", "closed"]


@pytest.mark.django_db(transaction=True)
def test_two_approvers_of_a_countersign_step_at_once_complete_it_once(org):
    _needs_postgresql()
    make_chain(org, steps=[
        {"name": "会签", "approver": "positions", "positions": ["legal", "finance"], "mode": "all"},
        {"name": "总经理", "approver": "positions", "positions": ["gm"]},
    ])
    for round_ in range(ROUNDS):
        document = memo(org, title=f"会签 {round_}")
        request = services.submit(document=document, document_type="memo", submitter=org.people["owner"])
        done, refused = _at_once(request, [org.people["lawyer"], org.people["finance"]])
        request.refresh_from_db()
        assert (len(done), refused) == (2, [])
        assert request.current_step == 1 and request.status == ApprovalRequest.Status.PENDING
        assert request.tasks.filter(step=1).count() == 1  # the next step began once
        assert request.tasks.filter(step=0, status=ApprovalTask.Status.APPROVED).count() == 2
