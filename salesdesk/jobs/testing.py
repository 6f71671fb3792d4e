"""For tests: the database worker's batch mode, run in the test's own transaction.

`manage.py db_worker --batch` closes "old" database connections between tasks, which would end a
test's transaction; this claims and runs each ready task with the package's own Worker.run_task,
the same code the worker runs, without that. Tests of the worker process itself use the command."""

from __future__ import annotations


def run_queued_tasks(limit: int = 100) -> int:
    """Run the tasks waiting in the database queue, one after the other; returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test-worker", excluded_queue_names=[])
    ran = 0
    while ran < limit:
        with exclusive_transaction(DBTaskResult.objects.db):
            task_result = DBTaskResult.objects.ready().get_locked()
            if task_result is not None:
                task_result.claim(worker.worker_id)
        if task_result is None:
            break
        worker.run_task(task_result)
        ran += 1
    return ran
