import pytest
from django.test import Client

from salesdesk.approvals import services
from salesdesk.approvals.models import ApprovalChain, ApprovalRequest
from salesdesk.notifications.models import Notification
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN
from salesdesk.workbench.registry import cards_for

from .conftest import make_chain, memo

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


@pytest.fixture
def admin_org(org):
    org_services.set_duties(position=org.positions["director"], duties=[{"text": "维护", "capability": ORG_ADMIN}])
    return org


def test_the_inbox_lists_what_waits_for_me_and_not_for_others(org, review_chain):
    services.submit(document=memo(org, title="甲合同"), document_type="memo", submitter=org.people["owner"])
    page = client_for(org, "superior").get("/approvals/").content.decode()
    assert 'data-request="甲合同"' in page
    assert 'data-request="甲合同"' not in client_for(org, "lawyer").get("/approvals/").content.decode()
    mine = client_for(org, "owner").get("/approvals/?tab=submitted").content.decode()
    assert 'data-request="甲合同"' in mine


def test_an_approver_decides_on_the_page_and_the_next_one_is_told(org, review_chain):
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    superior = client_for(org, "superior")
    page = superior.get(f"/approvals/{request.pk}/").content.decode()
    assert 'id="approve"' in page and 'id="withdraw"' not in page
    response = superior.post(f"/approvals/{request.pk}/decide/", {"decision": "approve", "comment": "同意"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.current_step == 1
    assert Notification.objects.filter(recipient=org.people["lawyer"], kind="approval_requested").exists()
    # The page no longer offers him a decision.
    assert 'id="approve"' not in superior.get(f"/approvals/{request.pk}/").content.decode()


def test_rejecting_without_a_comment_shows_the_message_in_chinese_and_changes_nothing(org, review_chain):
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    response = client_for(org, "superior").post(f"/approvals/{request.pk}/decide/", {"decision": "reject"},
                                                follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "说明理由" in response.content.decode()
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING


def test_the_submitter_withdraws_from_the_page(org, review_chain):
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    owner = client_for(org, "owner")
    assert 'id="withdraw"' in owner.get(f"/approvals/{request.pk}/").content.decode()
    owner.post(f"/approvals/{request.pk}/withdraw/")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.WITHDRAWN


def test_an_administrator_sees_stopped_approvals_and_resumes_them(admin_org):
    org = admin_org
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    director = client_for(org, "director")
    assert 'data-request="备忘 50000"' in director.get("/approvals/?tab=stalled").content.decode()
    page = director.get(f"/approvals/{request.pk}/").content.decode()
    assert 'id="stall-message"' in page and 'id="resume"' in page
    make_chain(org, steps=[{"name": "法务审核", "approver": "positions", "positions": ["legal"]}])
    director.post(f"/approvals/{request.pk}/resume/")
    request.refresh_from_db()
    assert request.status == ApprovalRequest.Status.PENDING
    # Others do not see the stopped tab.
    assert 'data-tab="stalled"' not in client_for(org, "owner").get("/approvals/").content.decode()


def test_an_administrator_configures_a_chain_with_its_steps(admin_org):
    org = admin_org
    director = client_for(org, "director")
    data = {
        "document_type": "memo", "name": "大额合同", "priority": "10", "is_active": "on", "min_amount": "100000",
        "customer_levels": "C，D", "product_lines": "",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1", "steps-0-name": "上级", "steps-0-approver": "superior", "steps-0-levels": "1",
        "steps-0-mode": "any",
        "steps-1-order": "2", "steps-1-name": "法务与财务", "steps-1-approver": "positions", "steps-1-levels": "1",
        "steps-1-positions": [str(org.positions["legal"].pk), str(org.positions["finance"].pk)], "steps-1-mode": "all",
    }
    response = director.post("/approvals/chains/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    chain = ApprovalChain.objects.get(name="大额合同")
    assert chain.customer_levels == ["C", "D"]
    assert [(step.name, step.mode, step.positions.count()) for step in chain.steps.all()] == [
        ("上级", "any", 0), ("法务与财务", "all", 2)]
    assert "大额合同" in director.get("/approvals/chains/").content.decode()


def test_a_positions_step_without_positions_is_refused_and_nothing_is_saved(admin_org):
    org = admin_org
    data = {
        "document_type": "memo", "name": "缺岗位", "priority": "10", "is_active": "on",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1", "steps-0-name": "法务", "steps-0-approver": "positions", "steps-0-levels": "1",
        "steps-0-mode": "any",
    }
    response = client_for(org, "director").post("/approvals/chains/new/", data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "data-error-for=\"positions\"" in response.content.decode()
    assert not ApprovalChain.objects.filter(name="缺岗位").exists()


def test_a_chain_without_steps_is_refused(admin_org):
    data = {"document_type": "memo", "name": "空", "priority": "10", "is_active": "on",
            "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000"}
    response = client_for(admin_org, "director").post("/approvals/chains/new/", data)
    assert response.status_code == 200
    assert not ApprovalChain.objects.filter(name="空").exists()


def test_the_workbench_shows_waiting_approvals_to_an_approver_without_the_duty(org, review_chain):
    request = services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    assert "approvals" not in {card["key"] for card in cards_for(org.user("lawyer"))}
    services.decide(request=request, actor=org.people["superior"], decision="approve")
    cards = {card["key"]: card["count"] for card in cards_for(org.user("lawyer"))}
    assert cards["approvals"] == 1


def test_the_bell_counts_unread_notifications_and_opening_one_reads_it(org, review_chain):
    services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    superior = client_for(org, "superior")
    page = superior.get("/").content.decode()
    assert 'data-unread="1"' in page
    notice = Notification.objects.get(recipient=org.people["superior"])
    response = superior.post(f"/notifications/{notice.pk}/open/")
    assert response["Location"] == notice.url
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert 'data-unread="1"' not in superior.get("/").content.decode()


def test_nobody_opens_someone_elses_notification(org, review_chain):
    services.submit(document=memo(org), document_type="memo", submitter=org.people["owner"])
    notice = Notification.objects.get(recipient=org.people["superior"])
    # Not even the director, whose scope covers everyone.
    assert client_for(org, "director").post(f"/notifications/{notice.pk}/open/").status_code == 404
    assert "备忘" not in client_for(org, "director").get("/notifications/").content.decode()
