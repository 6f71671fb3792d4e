"""Finished jobs and imported files are kept for KEEP_JOBS_DAYS, then the daily work deletes them;
what is still waiting or running, and what is recent, stays. Jobs whose worker died are marked
failed, and the imports they were running can be imported again."""

import datetime
import subprocess
import sys

import pytest
from django.utils import timezone

from salesdesk.customers.jobs import import_key, prune_imports
from salesdesk.customers.models import ImportJob
from salesdesk.jobs import services
from salesdesk.jobs.housekeeping import mark_stopped_jobs, prune_jobs
from salesdesk.jobs.models import DailyRun, Job
from salesdesk.sales.jobs import import_key as order_import_key

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 6, 30)  # the daily run's day does not matter: age counts from now


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def job(status, *, finished_days_ago=None, **fields):
    made = Job.objects.create(kind="customers.export", status=status, result_file=b"x" * 100, **fields)
    if finished_days_ago is not None:
        Job.objects.filter(pk=made.pk).update(finished_at=days_ago(finished_days_ago))
    return made


def test_it_deletes_finished_jobs_older_than_the_keep_period_and_nothing_else(settings):
    settings.SALESDESK = {**settings.SALESDESK, "KEEP_JOBS_DAYS": 30}
    old_done = job(Job.Status.DONE, finished_days_ago=31)
    old_failed = job(Job.Status.FAILED, finished_days_ago=45)
    recent = job(Job.Status.DONE, finished_days_ago=29)
    waiting = job(Job.Status.QUEUED)
    running = job(Job.Status.RUNNING)
    old_run = DailyRun.objects.create(day=timezone.localdate() - datetime.timedelta(days=40), trigger="command")
    job(Job.Status.DONE, finished_days_ago=40, daily_run=old_run)

    result = prune_jobs(TODAY, lambda done, total: None)

    kept = set(Job.objects.values_list("pk", flat=True))
    assert kept == {recent.pk, waiting.pk, running.pk}
    assert old_done.pk not in kept and old_failed.pk not in kept
    assert not DailyRun.objects.filter(pk=old_run.pk).exists()
    assert result.params == {"count": 3, "days": 30}
    assert prune_jobs(TODAY, lambda done, total: None).params["count"] == 0  # twice changes nothing more


def test_it_deletes_uploads_never_imported_and_drops_the_file_of_old_imports(small_org, settings):
    settings.SALESDESK = {**settings.SALESDESK, "KEEP_JOBS_DAYS": 30}
    owner = small_org.people["owner"]

    def upload(status, *, days, finished=None):
        record = ImportJob.objects.create(company=small_org.company, kind="customers", created_by=owner,
                                          file_name="客户.xlsx", content=b"PK" + b"x" * 100, status=status,
                                          rejected_file=b"rejected")
        ImportJob.objects.filter(pk=record.pk).update(created_at=days_ago(days),
                                                      finished_at=days_ago(finished) if finished else None)
        return record

    abandoned = upload(ImportJob.Status.UPLOADED, days=31)
    fresh_upload = upload(ImportJob.Status.UPLOADED, days=2)
    old_import = upload(ImportJob.Status.DONE, days=40, finished=40)
    new_import = upload(ImportJob.Status.DONE, days=3, finished=3)

    result = prune_imports(TODAY, lambda done, total: None)

    assert not ImportJob.objects.filter(pk=abandoned.pk).exists()
    assert ImportJob.objects.filter(pk=fresh_upload.pk).exists()
    old_import.refresh_from_db()
    new_import.refresh_from_db()
    assert bytes(old_import.content) == b"" and bytes(old_import.rejected_file) == b"rejected"
    assert bytes(new_import.content).startswith(b"PK")
    assert result.params == {"abandoned": 1, "emptied": 1}


def _dead_worker() -> str:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return f"{services.socket.gethostname()}:{process.pid}"


def _importing(org, kind: str, job_kind: str, key, *, worker: str) -> tuple[ImportJob, Job]:
    record = ImportJob.objects.create(company=org.company, kind=kind, created_by=org.people["owner"],
                                      file_name="导入.csv", content=b"x", status=ImportJob.Status.RUNNING)
    job = Job.objects.create(kind=job_kind, company=org.company, started_by=org.people["owner"],
                             params={"import": record.pk}, dedupe_key=key(record), status=Job.Status.RUNNING,
                             worker=worker, heartbeat_at=timezone.now())
    return record, job


def test_jobs_left_running_by_a_dead_worker_are_marked_failed_and_their_imports_reopened(small_org):
    customers, customers_job = _importing(small_org, "customers", "customers.import", import_key,
                                          worker=_dead_worker())
    orders, orders_job = _importing(small_org, "orders", "sales.order_import", order_import_key,
                                    worker=_dead_worker())
    alive, alive_job = _importing(small_org, "customers", "customers.import", import_key,
                                  worker=services.worker_name())  # this very process: still at it
    waiting = job(Job.Status.QUEUED)

    result = mark_stopped_jobs(TODAY, lambda done, total: None)

    assert result.params == {"count": 2}
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert (statuses[customers_job.pk], statuses[orders_job.pk]) == (Job.Status.FAILED, Job.Status.FAILED)
    assert (statuses[alive_job.pk], statuses[waiting.pk]) == (Job.Status.RUNNING, Job.Status.QUEUED)
    assert Job.objects.get(pk=customers_job.pk).message == services.STOPPED
    imports = dict(ImportJob.objects.values_list("pk", "status"))
    assert (imports[customers.pk], imports[orders.pk], imports[alive.pk]) == (
        ImportJob.Status.UPLOADED, ImportJob.Status.UPLOADED, ImportJob.Status.RUNNING)
    assert mark_stopped_jobs(TODAY, lambda done, total: None).params == {"count": 0}  # twice changes nothing more


def test_an_import_started_again_meanwhile_is_left_to_its_new_job(small_org):
    """The user starts the file again between the housekeeping marking the dead job and tidying up
    after it: the file stays with its new job (the two active jobs here only stand for that moment,
    which the unique key would not let exist at once)."""
    record, stopped = _importing(small_org, "customers", "customers.import", import_key, worker=_dead_worker())
    Job.objects.filter(pk=stopped.pk).update(dedupe_key="")
    Job.objects.create(kind="customers.import", company=small_org.company, started_by=small_org.people["owner"],
                       params={"import": record.pk}, dedupe_key=import_key(record))

    assert mark_stopped_jobs(TODAY, lambda done, total: None).params == {"count": 1}
    record.refresh_from_db()
    assert record.status == ImportJob.Status.RUNNING  # the new job imports it
