"""The demo's clock: records made "as of" an earlier day get that day everywhere — document numbers
(HT-202610-…), dates, the time the audit log records — so a demo order shipped six weeks ago was
also ordered, numbered and reviewed before that, as it would have been."""

import contextlib
import datetime
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def as_of(day: datetime.date):
    """Within the block, `timezone.now()` (and so `localdate()`, auto_now fields, numbering) is the
    same time of day on `day`."""
    real_now = timezone.now

    def now():
        current = real_now()
        return current + datetime.timedelta(days=(day - timezone.localtime(current).date()).days)

    with mock.patch.object(timezone, "now", now):
        yield


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)
