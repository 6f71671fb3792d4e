"""Jobs on the real database backend: queued by start_job, run by the worker's code, once per key;
failures recorded in the reader's language; a job whose worker is gone can be started again."""

import datetime
import subprocess
import sys
import threading

import pytest
from django.db import connections
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from salesdesk.jobs import services
from salesdesk.jobs.models import Job
from salesdesk.jobs.testing import run_queued_tasks

pytestmark = pytest.mark.django_db


def start(org, kind="test.count_people", key="", person="owner"):
    return services.start_job(kind=kind, company=org.company, started_by=org.people[person], dedupe_key=key)


def test_it_queues_a_job_on_the_database_backend_and_the_worker_runs_it(small_org):
    job, started = start(small_org)

    assert started and job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.filter(pk=job.task_id, task_path="salesdesk.jobs.tasks.run_job").exists()
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 6, 6)
    assert job.result["names"][0] == "赵总监" and bytes(job.result_file) == b"id,name\n"
    assert services.parse_worker(job.worker)[1] == __import__("os").getpid() and job.finished_at >= job.started_at
    with translation.override("en"):
        assert job.text() == "6 customers exported."


def test_it_starts_the_same_job_once_while_it_is_active(small_org):
    first, started_first = start(small_org, key="export:owner:1")
    second, started_second = start(small_org, key="export:owner:1")

    assert (started_first, started_second) == (True, False) and second.pk == first.pk
    assert DBTaskResult.objects.count() == 1
    run_queued_tasks()
    third, started_third = start(small_org, key="export:owner:1")  # done: the same work may run again
    assert started_third and third.pk != first.pk


def test_a_refusal_is_recorded_and_shown_in_each_readers_language(small_org):
    job, _started = start(small_org, kind="test.refuse")
    run_queued_tasks()
    job.refresh_from_db()

    assert job.status == Job.Status.FAILED and job.error == ""
    with translation.override("zh-hans"):
        assert job.text() == "有 3 行存在错误，未导入任何数据。请修正后再导入，或只导入正确的行。"
    with translation.override("en"):
        assert job.text().startswith("3 rows have errors; nothing was imported.")


def test_an_unexpected_error_fails_the_job_and_keeps_the_detail_for_administrators(small_org):
    job, _started = start(small_org, kind="test.break")
    run_queued_tasks()
    job.refresh_from_db()

    assert job.status == Job.Status.FAILED and "RuntimeError: the disk is full" in job.error
    with translation.override("en"):
        assert "failed unexpectedly" in job.text()
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"  # the task result says so too


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_running_job_whose_worker_process_is_gone_is_stale(small_org):
    job, _started = start(small_org, key="k")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, worker=f"{services.socket.gethostname()}:{_dead_pid()}",
                                         heartbeat_at=timezone.now())
    job.refresh_from_db()

    assert services.is_stale(job)
    job.worker = services.worker_name()  # this very process: alive
    assert not services.is_stale(job)


def test_a_job_on_another_machine_is_stale_when_its_heartbeat_stops(small_org, settings):
    settings.SALESDESK = {**settings.SALESDESK, "JOB_STALE_AFTER": 60}
    job, _started = start(small_org)
    job.status, job.worker = Job.Status.RUNNING, "worker-2.example:4242"

    job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=30)
    assert not services.is_stale(job)
    job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=61)
    assert services.is_stale(job)


def test_a_new_process_given_the_dead_workers_pid_is_not_taken_for_it(small_org):
    """A restarted container's worker often gets the pid its killed predecessor had: the process's
    start time, kept with the pid, tells them apart."""
    job, _started = start(small_org)
    host, pid, started = services.parse_worker(services.worker_name())
    assert (host, pid) == (services.socket.gethostname(), __import__("os").getpid())
    if not started:
        pytest.skip("no /proc here: the start time of a process is not known")
    job.status, job.heartbeat_at = Job.Status.RUNNING, timezone.now()

    job.worker = f"{host}:{pid}@{started}"
    assert not services.is_stale(job)
    job.worker = f"{host}:{pid}@{int(started) - 1000}"  # the same pid, another process
    assert services.is_stale(job)
    job.worker = f"{host}:{pid}"  # as jobs recorded it before: the pid alone
    assert not services.is_stale(job)


def test_a_live_process_whose_job_heartbeat_stopped_is_stale_where_the_heartbeat_is_kept(small_org, settings):
    """PostgreSQL: the heartbeat is written while the job works, so a worker that stopped beating is
    stuck or not the job's any more, even on this host. SQLite writes none during the job's
    transaction: there the process alone decides."""
    settings.SALESDESK = {**settings.SALESDESK, "JOB_STALE_AFTER": 60}
    job, _started = start(small_org)
    job.status, job.worker = Job.Status.RUNNING, services.worker_name()
    job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=61)

    assert services.is_stale(job) is (connections["default"].vendor != "sqlite")
    job.heartbeat_at = timezone.now()
    assert not services.is_stale(job)


def test_starting_again_after_the_worker_died_abandons_the_stale_job_and_queues_a_new_one(small_org):
    stale, _started = start(small_org, key="import:7")
    Job.objects.filter(pk=stale.pk).update(status=Job.Status.RUNNING, worker=f"{services.socket.gethostname()}:{_dead_pid()}")

    again, started = start(small_org, key="import:7")

    stale.refresh_from_db()
    assert started and again.pk != stale.pk and again.status == Job.Status.QUEUED
    assert stale.status == Job.Status.FAILED and stale.message == services.STOPPED
    with translation.override("en"):
        assert stale.text() == "The worker running this job stopped before it finished; it can be started again."


def test_a_job_claimed_already_is_not_run_twice(small_org):
    from salesdesk.jobs import runner

    job, _started = start(small_org)
    assert runner.run(job.pk) == Job.Status.DONE
    assert runner.run(job.pk) == "skipped"  # the task delivered twice (a retried queue) runs once


def _click_twice_at_once(org, key: str) -> list:
    barrier, got, errors = threading.Barrier(2), [], []

    def click():
        try:
            barrier.wait()
            got.append(start(org, key=key))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return got


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_start_one_job(small_org, needs_postgresql):
    for round_ in range(10):
        got = _click_twice_at_once(small_org, f"double-click:{round_}")

        assert len({job.pk for job, _started in got}) == 1
        assert sorted(started for _job, started in got) == [False, True]
    assert Job.objects.count() == 10 and DBTaskResult.objects.count() == 10
