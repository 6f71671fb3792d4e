"""Finance's daily work: the collection tasks of every company (registered in FinanceConfig.ready())."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from salesdesk.jobs.registry import DailyWork, JobResult, register_daily


def collection_tasks(day, progress) -> JobResult:
    from salesdesk.org.models import Company

    from . import receivables

    totals = {"opened": 0, "updated": 0, "closed": 0}
    companies = list(Company.objects.all())
    for number, company in enumerate(companies, start=1):
        for key, value in receivables.refresh_collection_tasks(company=company, as_of=day).items():
            totals[key] += value
        progress(number, len(companies))
    return JobResult(message=gettext_noop("%(opened)d collection tasks opened, %(updated)d updated, %(closed)d closed."),
                     params=totals)


def register_jobs() -> None:
    register_daily(DailyWork(key="collection_tasks", label=_("Collection tasks"), run=collection_tasks, order=30))
