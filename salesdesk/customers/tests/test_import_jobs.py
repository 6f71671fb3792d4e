"""The customer import as a background job: the page answers at once, a double click imports once,
and an import that fails or whose worker is killed leaves no row behind and can be started again."""

import os
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from salesdesk.customers.jobs import import_key
from salesdesk.customers.models import Customer, ImportJob
from salesdesk.jobs import services as jobs
from salesdesk.jobs.housekeeping import mark_stopped_jobs
from salesdesk.jobs.models import Job
from salesdesk.jobs.testing import run_queued_tasks

ROOT = Path(__file__).resolve().parents[3]


def client_for(org, key="owner"):
    client = Client()
    client.force_login(org.user(key))
    return client


def upload(client, rows: int, prefix="导入公司") -> ImportJob:
    lines = ["名称,城市"] + [f"{prefix}{number},南京" for number in range(rows)]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    response = client.post(reverse("customers:import_new"), {
        "kind": "customers", "file": SimpleUploadedFile("客户.csv", content, content_type="text/csv")})
    assert response.status_code == 302
    return ImportJob.objects.latest("pk")


def commit(client, record):
    return client.post(reverse("customers:import_commit", args=[record.pk]), {"valid_only": "0"})


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("parallel requests and a worker process need PostgreSQL")


@pytest.mark.django_db
def test_the_commit_answers_at_once_and_the_page_follows_the_job_to_its_result(org):
    client = client_for(org)
    record = upload(client, 3)

    started = commit(client, record)
    waiting = client.get(started["Location"]).content.decode()
    run_queued_tasks()
    poll = client.get(reverse("jobs:progress", args=[jobs.latest(import_key(record)).pk]), HTTP_HX_REQUEST="true")
    done = client.get(started["Location"]).content.decode()

    assert Customer.objects.filter(name__startswith="导入公司").count() == 3
    assert 'data-status="queued"' in waiting and 'hx-trigger="every 1s"' in waiting
    assert poll.status_code == 204 and poll["HX-Redirect"] == started["Location"]
    assert 'id="import-result" data-created="3"' in done


def _refuse_the_customer_named(name: str):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE FUNCTION refuse_customer() RETURNS trigger AS $$ BEGIN "
                           "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql")
            cursor.execute("CREATE TRIGGER refuse_customer BEFORE INSERT ON customers_customer FOR EACH ROW "
                           f"WHEN (NEW.name = '{name}') EXECUTE FUNCTION refuse_customer()")
        else:
            cursor.execute(f"CREATE TRIGGER refuse_customer BEFORE INSERT ON customers_customer "
                           f"WHEN NEW.name = '{name}' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")


def _accept_customers_again():
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse_customer" + (" ON customers_customer" if connection.vendor == "postgresql"
                                                         else ""))


@pytest.mark.django_db
def test_an_import_that_fails_half_way_leaves_no_row_behind_and_can_be_started_again(org):
    client = client_for(org)
    record = upload(client, 2500)
    _refuse_the_customer_named("导入公司2100")  # the database refuses a row of the third chunk

    commit(client, record)
    run_queued_tasks()
    failed = jobs.latest(import_key(record))
    record.refresh_from_db()
    page = client.get(reverse("customers:import_job", args=[record.pk])).content.decode()

    assert failed.status == Job.Status.FAILED and "refused by the test" in failed.error
    assert Customer.objects.filter(name__startswith="导入公司").count() == 0  # the first 2,000 rolled back
    assert record.status == ImportJob.Status.UPLOADED and 'id="import-failed"' in page

    _accept_customers_again()
    commit(client, record)
    run_queued_tasks()
    record.refresh_from_db()
    assert record.status == ImportJob.Status.DONE and record.created == 2500
    assert Customer.objects.filter(name__startswith="导入公司").count() == 2500


@pytest.mark.django_db(transaction=True)
def test_a_double_click_starts_one_job_and_imports_the_file_once(org):
    needs_postgresql()
    record = upload(client_for(org), 50)
    barrier, answers, errors = threading.Barrier(2), [], []

    def click():
        try:
            client = client_for(org)
            barrier.wait()
            answers.append(commit(client, record).status_code)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    call_command("run_worker", batch=True, verbosity=0)

    assert errors == [] and answers == [302, 302]
    assert Job.objects.filter(kind="customers.import").count() == 1
    assert Customer.objects.filter(name__startswith="导入公司").count() == 50
    record.refresh_from_db()
    assert (record.status, record.created) == (ImportJob.Status.DONE, 50)


def _database_url() -> str:
    database = settings.DATABASES["default"]
    password = f":{quote(database['PASSWORD'])}" if database.get("PASSWORD") else ""
    return (f"postgres://{quote(database['USER'])}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}")


def _wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


# The worker of the kill test: the real `run_worker` command in a process of its own, with one thing
# added so that the test knows when rows are written inside the import's transaction — after the
# second chunk of 1,000 customers the import says so and waits there to be killed.
WORKER = """
import time

import django

django.setup()

from django.core.management import call_command

from salesdesk.customers import imports

write, chunks = imports._write_customers, []


def written(*args):
    created = write(*args)
    chunks.append(created[0])
    print("written", sum(chunks), flush=True)
    if len(chunks) == 2:
        time.sleep(600)  # killed here, half-way through the import's transaction
    return created


imports._write_customers = written
call_command("run_worker", interval=0.2)
"""


class _SharedDatabase:
    """The test's database as a worker process reaches it: PostgreSQL's test database itself; for
    SQLite (in memory, the process's own) a file copy that is read back once the worker is dead."""

    def __init__(self, directory: Path):
        self.file = directory / "worker.sqlite3" if connection.vendor == "sqlite" else None

    def url(self) -> str:
        if self.file is None:
            return _database_url()
        connection.ensure_connection()
        target = sqlite3.connect(self.file)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{self.file}"

    def read_back(self) -> None:
        """SQLite: the file into the test's database. Opening it rolls back what the killed worker left
        in its journal (a "hot journal"), as the next process to open a crashed database would."""
        if self.file is not None:
            source = sqlite3.connect(self.file)
            source.backup(connection.connection)
            source.close()


def _read_lines_until(process, wanted: str, seconds: float) -> list[str]:
    lines, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _w, _x = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if not line:
                break  # the worker ended
            lines.append(line.strip())
            if line.strip() == wanted:
                return lines
    raise AssertionError(f"the worker did not report {wanted!r} (it said {lines})")


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_leaves_no_row_is_found_interrupted_and_imports_once_again(
        org, tmp_path):
    """kill -9 of the worker process in the middle of the import's transaction, on SQLite and on
    PostgreSQL: none of the rows it had written is left, the job is seen as interrupted (page,
    housekeeping), and the import started again writes every row exactly once."""
    client = client_for(org)
    record = upload(client, 2500)
    commit(client, record)
    database = _SharedDatabase(tmp_path)
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "DATABASE_URL": database.url()}
    with open(tmp_path / "worker.log", "w") as log:
        worker = subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                                  stderr=log, text=True)
        try:
            said = _read_lines_until(worker, "written 2000", 180)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.stdout.close()
    database.read_back()
    record.refresh_from_db()
    running = Job.objects.get(kind="customers.import")

    # 2,000 customers had been written inside the transaction when the worker died; none is left.
    assert said[-2:] == ["written 1000", "written 2000"]
    assert _wait_for(lambda: Customer.objects.filter(name__startswith="导入公司").count() == 0 or None, 10,
                     "the database to roll the killed transaction back") is True
    assert record.status == ImportJob.Status.RUNNING and running.status == Job.Status.RUNNING
    assert jobs.parse_worker(running.worker)[1] == worker.pid

    # Found interrupted: on its page (with a button to start again) and by the daily housekeeping, which
    # marks the job failed and puts the file back to "uploaded"; a second housekeeping changes nothing.
    assert jobs.is_stale(running) and not jobs.is_live(running)
    page = client.get(reverse("customers:import_job", args=[record.pk])).content.decode()
    assert 'data-status="interrupted"' in page and 'id="import-stopped"' in page and 'id="import-restart"' in page
    assert mark_stopped_jobs(None, None).params == {"count": 1}
    assert mark_stopped_jobs(None, None).params == {"count": 0}
    running.refresh_from_db()
    record.refresh_from_db()
    assert (running.status, running.message) == (Job.Status.FAILED, jobs.STOPPED)
    assert record.status == ImportJob.Status.UPLOADED
    page = client.get(reverse("customers:import_job", args=[record.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="import-failed"' in page and "stopped before it finished" in page

    commit(client, record)  # started again from the page
    run_queued_tasks()

    record.refresh_from_db()
    assert (record.status, record.created) == (ImportJob.Status.DONE, 2500)
    imported = Customer.objects.filter(name__startswith="导入公司")
    assert imported.count() == 2500 and imported.values("name").distinct().count() == 2500
    assert list(Job.objects.filter(kind="customers.import").order_by("pk").values_list("status", flat=True)) == [
        Job.Status.FAILED, Job.Status.DONE]
