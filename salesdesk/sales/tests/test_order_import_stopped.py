"""An import of past orders whose worker died: its page shows it interrupted with a button to start it
again, and the daily housekeeping puts the file back to "uploaded" (history.commit is one
transaction: nothing of the dead run was kept). The kill itself is tested with the customer
import (customers/tests/test_import_jobs.py), which shares ImportJob, the jobs and the runner."""

import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesdesk.customers.models import ImportJob
from salesdesk.jobs import services
from salesdesk.jobs.housekeeping import mark_stopped_jobs
from salesdesk.jobs.models import Job
from salesdesk.sales import history
from salesdesk.sales.jobs import ORDER_IMPORT, import_key

pytestmark = pytest.mark.django_db


def test_a_stopped_order_import_is_shown_interrupted_and_reopened_by_the_housekeeping(org):
    owner = org.people["owner"]
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    record = ImportJob.objects.create(company=org.company, kind=history.KIND, created_by=owner, file_name="订单.csv",
                                      content=b"x", status=ImportJob.Status.RUNNING)
    Job.objects.create(kind=ORDER_IMPORT, company=org.company, started_by=owner, params={"import": record.pk},
                       dedupe_key=import_key(record), status=Job.Status.RUNNING, heartbeat_at=timezone.now(),
                       worker=f"{services.socket.gethostname()}:{dead.pid}")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(owner.user)
    url = reverse("sales:order_import_job", args=[record.pk])

    page = client.get(url).content.decode()
    assert 'data-status="interrupted"' in page and 'id="import-stopped"' in page and 'id="import-restart"' in page

    assert mark_stopped_jobs(None, None).params == {"count": 1}
    record.refresh_from_db()
    assert record.status == ImportJob.Status.UPLOADED
    page = client.get(url).content.decode()
    assert 'id="import-failed"' in page and "stopped before it finished" in page
