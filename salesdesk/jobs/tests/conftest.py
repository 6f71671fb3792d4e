import pytest
from django.db import connection
from django.utils.translation import gettext_noop

from salesdesk.jobs.registry import JobFailed, JobKind, JobResult, register
from salesdesk.org.models import Employee

# Kinds of job for these tests, registered as an app would in its AppConfig.ready().


def _count_people(job, progress):
    people = list(Employee.objects.filter(company=job.company).order_by("pk"))
    for number, _person in enumerate(people, start=1):
        progress(number, len(people))
    return JobResult(message=gettext_noop("%(count)d customers exported."), params={"count": len(people)},
                     data={"names": [person.name for person in people]}, file=b"id,name\n", file_name="people.csv")


def _refuse(job, progress):
    raise JobFailed(gettext_noop("%(count)d rows have errors; nothing was imported. Fix them, or import the valid "
                                 "rows only."), {"count": 3})


def _break(job, progress):
    raise RuntimeError("the disk is full")


register(JobKind(key="test.count_people", label="count people", run=_count_people))
register(JobKind(key="test.refuse", label="refuse", run=_refuse))
register(JobKind(key="test.break", label="break", run=_break))


@pytest.fixture
def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("row locks between parallel connections and a worker process need PostgreSQL")
