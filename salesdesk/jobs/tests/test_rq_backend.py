"""One job through the RQ backend (TASKS_BACKEND=rq) and a real RQ worker, against the Redis on this
machine (REDIS_URL, default redis://127.0.0.1:6379/15). Skipped when Redis is not there, unless
REQUIRE_REDIS=1 (CI)."""

import os

import pytest
from django.test import override_settings

from salesdesk.jobs import services
from salesdesk.jobs.models import Job

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis():
    try:
        import redis
        import rq  # noqa: F401
    except ImportError as error:
        return None, f"the RQ packages are not installed ({error})"
    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.RedisError as error:
        return None, f"Redis at {REDIS_URL} is not reachable ({error})"
    return connection, ""


@pytest.fixture
def redis_connection():
    connection, why = _redis()
    if connection is None:
        if os.environ.get("REQUIRE_REDIS", "").lower() in {"1", "true", "yes", "on"}:
            pytest.fail(f"REQUIRE_REDIS=1 but {why}")
        pytest.skip(why)
    _forget_rq(connection)
    yield connection
    _forget_rq(connection)


def _forget_rq(connection):
    """Remove RQ's keys (queues, jobs, workers, registries), and only those: the same database holds
    other tests' keys (the cache probe of accounts' settings tests), which may run at the same time
    on another test process."""
    keys = list(connection.scan_iter(match="rq:*"))
    if keys:
        connection.delete(*keys)


def _burst_worker_class():
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        """A SimpleWorker that does not listen on its command channel (`rq` stop/kill requests).

        rq reads that pub/sub channel in a thread that waits up to 60 s per read, and redis-py's
        PubSubWorkerThread.stop() (8.2) waits for that read to end: the burst worker took up to a
        minute to quit after the job was done. Running a job does not involve the channel, and a burst worker
        stops by itself, so nothing the test checks depends on it."""

        def subscribe(self):
            pass

    return BurstWorker


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_through_rq_and_redis(small_org, redis_connection):
    import django_tasks_rq
    from rq.queue import Queue

    BurstWorker = _burst_worker_class()
    with override_settings(RQ_QUEUES={"default": {"URL": REDIS_URL}},
                           TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}):
        job, started = services.start_job(kind="test.count_people", company=small_org.company,
                                          started_by=small_org.people["owner"], dedupe_key="rq")
        queue = Queue("default", connection=redis_connection, job_class=django_tasks_rq.Job)
        queued = queue.count
        BurstWorker([queue], connection=redis_connection, job_class=django_tasks_rq.Job).work(burst=True)

    job.refresh_from_db()
    assert started and queued == 1 and job.task_id
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 6, 6)
    assert job.result["names"][0] == "赵总监"
