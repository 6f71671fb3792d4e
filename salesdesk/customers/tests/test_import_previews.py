"""The preview of an uploaded file (previews.py): a large file is read and checked by the worker while
the pages answer at once, a small one in the upload request; either way the preview is kept and
shown a page at a time, in the uploader's language, and a check that stops leaves nothing."""

import os
import signal
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from salesdesk.customers import previews
from salesdesk.customers.jobs import IMPORT_CHECK
from salesdesk.customers.models import Customer, ImportJob, ImportRow
from salesdesk.jobs import services as jobs
from salesdesk.jobs.models import Job
from salesdesk.jobs.testing import run_queued_tasks
from salesdesk.org.models import Employee

from .test_import_jobs import ROOT, _database_url, _wait_for, needs_postgresql


def client_for(org, key="owner"):
    client = Client()
    client.force_login(org.user(key))
    return client


def csv_of(rows: int, *, bad_every: int = 0, prefix="预览公司") -> bytes:
    """A customers file; every `bad_every`-th row has a level that does not exist."""
    lines = ["名称,城市,级别"]
    for number in range(rows):
        level = "Z" if bad_every and number % bad_every == 0 else "A"
        lines.append(f"{prefix}{number},南京,{level}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def upload(client, content: bytes, name="客户.csv"):
    return client.post(reverse("customers:import_new"), {
        "kind": "customers", "file": SimpleUploadedFile(name, content, content_type="text/csv")})


@pytest.fixture
def large_files_in_worker(settings):
    """Every file counts as large: read and checked by the worker."""
    settings.SALESDESK = {**settings.SALESDESK, "IMPORT_JOB_ABOVE_KB": 0}


def check_job(record) -> Job | None:
    return jobs.latest(previews.check_key(IMPORT_CHECK, record))


@pytest.mark.django_db
def test_a_large_file_is_checked_by_the_worker_while_its_page_shows_the_progress_then_the_preview_a_page_at_a_time(
        org, large_files_in_worker):
    client = client_for(org)

    uploaded = upload(client, csv_of(120, bad_every=40))
    record = ImportJob.objects.get()
    waiting = client.get(uploaded["Location"]).content.decode()
    assert record.preview is None and not ImportRow.objects.exists()  # nothing read in the request
    assert 'id="import-checking"' in waiting and 'data-status="queued"' in waiting

    assert run_queued_tasks() == 1
    poll = client.get(reverse("jobs:progress", args=[check_job(record).pk]), HTTP_HX_REQUEST="true")
    first = client.get(uploaded["Location"])
    second = client.get(uploaded["Location"], {"page": 2})
    errors = client.get(uploaded["Location"], {"errors": "1"})

    assert poll.status_code == 204 and poll["HX-Redirect"] == uploaded["Location"]
    assert 'data-total="120" data-bad="3"' in first.content.decode()
    assert [row.number for row in first.context["results"]] == list(range(2, 52))
    assert 'id="preview-next"' in first.content.decode() and 'id="commit-valid"' in first.content.decode()
    assert [row.number for row in second.context["results"]] == list(range(52, 102))
    assert [row.number for row in errors.context["results"]] == [2, 42, 82]
    assert "级别须为 A、B 或 C" in errors.content.decode()  # the uploader's language, Chinese


@pytest.mark.django_db
def test_a_small_file_is_checked_in_the_upload_request_and_gives_the_same_preview_as_the_worker(org, settings):
    client = client_for(org)
    content = csv_of(30, bad_every=10)

    upload(client, content)
    small = ImportJob.objects.latest("pk")
    settings.SALESDESK = {**settings.SALESDESK, "IMPORT_JOB_ABOVE_KB": 0}
    upload(client, content)
    large = ImportJob.objects.latest("pk")
    before_the_worker = large.preview
    run_queued_tasks()
    large.refresh_from_db()

    def rows(record):
        return list(ImportRow.objects.filter(import_job=record).values_list("number", "ok", "values", "errors"))

    assert small.preview == {"total": 30, "bad": 3, "warned": 0} and check_job(small) is None
    assert before_the_worker is None and large.preview == small.preview
    assert rows(large) == rows(small) and large.mapping == small.mapping == {"0": "name", "1": "city", "2": "level"}


@pytest.mark.django_db
def test_the_workers_errors_speak_the_uploaders_language(org, large_files_in_worker):
    Employee.objects.filter(pk=org.people["owner"].pk).update(language="en")
    client = client_for(org)

    uploaded = upload(client, csv_of(5, bad_every=5))
    run_queued_tasks()
    page = client.get(uploaded["Location"]).content.decode()

    assert "Level must be A, B or C, not “Z”." in page


@pytest.mark.django_db
def test_new_columns_are_checked_again_once_and_a_check_they_overtake_is_dropped(org, large_files_in_worker):
    client = client_for(org)
    uploaded = upload(client, csv_of(10))
    record = ImportJob.objects.get()
    first_check = check_job(record)
    run_queued_tasks()

    # The city column skipped, twice (a double click): one new check; the old preview is no longer shown.
    for _click in range(2):
        client.post(uploaded["Location"], {"column-0": "name", "column-1": "", "column-2": "level"})
    record.refresh_from_db()
    waiting = client.get(uploaded["Location"]).content.decode()
    assert record.preview is None and 'id="import-checking"' in waiting
    assert Job.objects.filter(kind=IMPORT_CHECK).count() == 2 and check_job(record) != first_check

    # Columns changed again before the worker came: the check of the previous ones keeps nothing.
    client.post(uploaded["Location"], {"column-0": "name", "column-1": "city", "column-2": ""})
    run_queued_tasks()
    record.refresh_from_db()
    page = client.get(uploaded["Location"])

    assert record.mapping == {"0": "name", "1": "city"}
    assert list(Job.objects.filter(kind=IMPORT_CHECK).order_by("pk").values_list("message", flat=True))[1:] == [
        "Not checked: the file has been imported or given other columns since.",
        "%(total)d rows read and checked; %(bad)d with errors."]
    assert set(page.context["results"][0].values) == {"name", "city"}


@pytest.mark.django_db
def test_a_large_file_that_cannot_be_read_says_so_on_its_page_and_offers_another_upload(org, large_files_in_worker):
    client = client_for(org)

    uploaded = upload(client, b"not excel at all", name="客户.xlsx")
    run_queued_tasks()
    page = client.get(uploaded["Location"]).content.decode()

    assert uploaded.status_code == 302 and check_job(ImportJob.objects.get()).status == Job.Status.FAILED
    assert 'id="check-stopped"' in page and "无法读取这个 Excel" in page
    assert reverse("customers:import_new") in page
    assert upload(client, b"a,b", name="客户.txt").status_code == 400  # the wrong kind of file: refused at once


@pytest.mark.django_db
def test_importing_after_the_workers_check_imports_the_rows_and_forgets_the_preview(org, large_files_in_worker):
    client = client_for(org)
    uploaded = upload(client, csv_of(60, bad_every=20))
    run_queued_tasks()
    record = ImportJob.objects.get()

    client.post(reverse("customers:import_commit", args=[record.pk]), {"valid_only": "1"})
    run_queued_tasks()
    record.refresh_from_db()
    page = client.get(uploaded["Location"]).content.decode()

    assert (record.status, record.created, record.rejected) == (ImportJob.Status.DONE, 57, 3)
    assert Customer.objects.filter(name__startswith="预览公司").count() == 57
    assert not ImportRow.objects.filter(import_job=record).exists() and 'id="import-result"' in page


@pytest.mark.django_db(transaction=True)
def test_a_check_whose_worker_is_killed_leaves_nothing_and_can_be_started_again(org, large_files_in_worker):
    needs_postgresql()
    client = client_for(org)
    uploaded = upload(client, csv_of(60_000))
    record = ImportJob.objects.get()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": _database_url()}
    worker = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--interval", "0.2"], cwd=ROOT,
                              env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Killed half-way: the heartbeat has reported rows read or checked.
        _wait_for(lambda: Job.objects.filter(kind=IMPORT_CHECK, status=Job.Status.RUNNING, done__gte=1000).first(),
                  120, "the check to get going")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    record.refresh_from_db()
    page = client.get(uploaded["Location"]).content.decode()

    assert record.preview is None and not ImportRow.objects.exists()
    assert jobs.is_stale(check_job(record))
    assert 'id="check-stopped"' in page and 'id="check-again"' in page

    client.post(reverse("customers:import_check", args=[record.pk]))  # started again from the page
    call_command("run_worker", batch=True, verbosity=0)
    record.refresh_from_db()

    assert record.preview == {"total": 60_000, "bad": 0, "warned": 0}
    assert ImportRow.objects.filter(import_job=record).count() == 60_000
    assert list(Job.objects.filter(kind=IMPORT_CHECK).order_by("pk").values_list("status", flat=True)) == [
        Job.Status.FAILED, Job.Status.DONE]
