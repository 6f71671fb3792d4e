"""Daily housekeeping of the jobs app.

* mark_stopped_jobs: a job left "running" by a worker that died (`kill -9`, a lost machine) and
  that nobody started again is marked failed ("stopped before it finished; it can be started
  again"), and its kind tidies up (an import goes back to "uploaded", ready to import again);
* prune_jobs: finished jobs are kept for KEEP_JOBS_DAYS, then deleted with their cached results and
  files (an export's .xlsx can be tens of megabytes); a waiting or running job is never touched."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .models import DailyRun, Job
from .registry import DailyWork, JobResult, register_daily
from .services import mark_stopped


def keep_after() -> datetime.datetime:
    """Records finished before this moment are old enough to go. Counted from now, not from the
    daily run's day: `run_daily --date` for another day must not delete what finished a minute ago."""
    return timezone.now() - datetime.timedelta(days=settings.SALESDESK["KEEP_JOBS_DAYS"])


def mark_stopped_jobs(day, progress) -> JobResult:
    """Idempotent: a job is marked once (services.abandon changes only a job still running)."""
    marked = sum(1 for job in Job.objects.filter(status=Job.Status.RUNNING).defer("result", "result_file")
                 .order_by("pk") if mark_stopped(job))
    return JobResult(message=gettext_noop("%(count)d jobs whose worker had stopped marked as failed."),
                     params={"count": marked})


def prune_jobs(day, progress) -> JobResult:
    cutoff = keep_after()
    _rows, deleted = Job.objects.filter(status__in=(Job.Status.DONE, Job.Status.FAILED),
                                        finished_at__lt=cutoff).delete()
    DailyRun.objects.filter(day__lt=timezone.localdate(cutoff), jobs__isnull=True).delete()
    return JobResult(message=gettext_noop("%(count)d finished jobs older than %(days)d days deleted."),
                     params={"count": deleted.get(Job._meta.label, 0), "days": settings.SALESDESK["KEEP_JOBS_DAYS"]})


register_daily(DailyWork(key="mark_stopped_jobs", label=_("Mark jobs whose worker stopped"), run=mark_stopped_jobs,
                         order=5))
register_daily(DailyWork(key="prune_jobs", label=_("Delete old finished jobs"), run=prune_jobs, order=90))
