"""The one django-tasks task: it carries a job's id to a worker, which runs the job (runner.run)."""

from django_tasks import task


@task()
def run_job(job_id: int) -> str:
    from .runner import run

    return run(job_id)
