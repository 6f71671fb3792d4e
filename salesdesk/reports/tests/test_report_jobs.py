"""Reports over a large scope run as background jobs: the page answers at once with the job's
progress, the worker adds up, and the figures come from the result cached on the job — the same as
adding them up in the request."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from salesdesk.jobs.models import Job
from salesdesk.jobs.testing import run_queued_tasks
from salesdesk.reports.jobs import collection_rows

from .test_report_views import chart_of, client_of, contract  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.SALESDESK = {**settings.SALESDESK, "REPORT_JOB_ABOVE": 0}  # every scope counts as large


def test_the_execution_statistics_of_a_large_scope_come_from_a_job(finance, contract, small_limit):  # noqa: F811
    client = client_of(finance, "owner")
    url = reverse("reports:contracts")

    waiting = client.get(url, {"part": "statistics"}).content.decode()
    again = client.get(url, {"part": "statistics"}).content.decode()  # a second tab: the same job
    job = Job.objects.get(kind="reports.contract_statistics")
    run_queued_tasks()
    shown = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    cached = client.get(url, {"part": "statistics"}).content.decode()

    assert f'data-job="{job.pk}"' in waiting and f'data-job="{job.pk}"' in again
    month = f"{timezone.localdate().year}-{timezone.localdate().month:02d}"
    for page in (shown, cached):
        assert f'data-period="{month}"' in page and 'id="computed-at"' in page
        assert chart_of(page, "sd-execution-data")["series"]["Collected"] == [20000.0]
    assert Job.objects.count() == 1  # the fresh result is shown again, not added up again


def test_the_collection_analysis_of_a_large_scope_comes_from_a_job(finance, contract, small_limit):  # noqa: F811
    # The owner, who sees his own invoices: for someone who sees the whole company the monthly
    # figures answer in the request (test_monthly_figures.py).
    client = client_of(finance, "owner")
    url = reverse("reports:collection")

    waiting = client.get(url, {"by": "owner"}).content.decode()
    job = Job.objects.get(kind="reports.collection")
    run_queued_tasks()
    poll = client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    page = client.get(poll["HX-Redirect"]).content.decode()

    assert f'data-job="{job.pk}"' in waiting and 'id="collection-summary"' not in waiting
    assert 'id="computed-at"' in page and 'data-row="李代表"' in page
    rows, total = collection_rows(Job.objects.get(pk=job.pk))
    assert rows[0].name == "李代表" and rows[0].closing == Decimal("7500")  # exact, as Decimal
    assert total.invoiced == Decimal("12500")
