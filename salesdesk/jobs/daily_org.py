"""The organisation's daily work (this app may import org; org does not import it)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .registry import DailyWork, JobFailed, JobResult, register_daily


def apply_org_changes(day, progress) -> JobResult:
    from salesdesk.org.versions import apply_due_change_sets

    result = apply_due_change_sets(today=day)
    if result["failed"]:
        raise JobFailed(gettext_noop("%(applied)d org change sets applied; %(failed)d could not be applied: %(why)s"),
                        {"applied": len(result["applied"]), "failed": len(result["failed"]),
                         "why": "; ".join(f"{change_set.title}: {message}" for change_set, message in result["failed"])})
    return JobResult(message=gettext_noop("%(applied)d org change sets applied."),
                     params={"applied": len(result["applied"])})


register_daily(DailyWork(key="apply_org_changes", label=_("Apply due org changes"), run=apply_org_changes, order=10))
