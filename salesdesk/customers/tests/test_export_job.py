"""Exporting the customer list: at once up to EXPORT_JOB_ABOVE rows, beyond it as a job whose page
offers the file, made in the exporter's scope (with the mobiles masked as on the page)."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from salesdesk.jobs.models import Job
from salesdesk.jobs.testing import run_queued_tasks

from .conftest import customer

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def names_in(content: bytes) -> set:
    return {row[1] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)}


def test_a_small_list_downloads_at_once(org):
    customer(org, "owner", "甲公司")
    response = client_for(org, "owner").get(reverse("customers:export"))

    assert response["Content-Disposition"].startswith("attachment") and names_in(b"".join(response)) == {"甲公司"}


def test_a_large_list_is_exported_by_a_job_whose_page_offers_the_file(org, settings):
    settings.SALESDESK = {**settings.SALESDESK, "EXPORT_JOB_ABOVE": 1}
    for name in ("甲公司", "乙公司", "丙公司"):
        customer(org, "owner", name)
    customer(org, "outsider", "北京的客户")
    client = client_for(org, "owner")

    started = client.get(reverse("customers:export"), {"scene": "mine"})
    twice = client.get(reverse("customers:export"), {"scene": "mine"})
    run_queued_tasks()
    page = client.get(started["Location"]).content.decode()
    job = Job.objects.get()
    download = client.get(reverse("jobs:download", args=[job.pk]))

    assert started["Location"] == twice["Location"] == reverse("jobs:detail", args=[job.pk])
    assert 'id="job-download"' in page and (job.done, job.total) == (3, 3)
    assert names_in(download.content) == {"甲公司", "乙公司", "丙公司"}
    assert client_for(org, "superior").get(reverse("jobs:download", args=[job.pk])).status_code == 404
