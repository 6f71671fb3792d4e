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
    connection.flushdb()
    yield connection
    connection.flushdb()


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_job_through_rq_and_redis(small_org, redis_connection):
    import django_tasks_rq
    from rq import SimpleWorker
    from rq.queue import Queue

    with override_settings(RQ_QUEUES={"default": {"URL": REDIS_URL}},
                           TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}):
        job, started = services.start_job(kind="test.count_people", company=small_org.company,
                                          started_by=small_org.people["owner"], dedupe_key="rq")
        queue = Queue("default", connection=redis_connection, job_class=django_tasks_rq.Job)
        queued = queue.count
        SimpleWorker([queue], connection=redis_connection, job_class=django_tasks_rq.Job).work(burst=True)

    job.refresh_from_db()
    assert started and queued == 1 and job.task_id
    assert (job.status, job.done, job.total) == (Job.Status.DONE, 6, 6)
    assert job.result["names"][0] == "赵总监"
