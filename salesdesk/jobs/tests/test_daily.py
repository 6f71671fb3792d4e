"""The daily work: one run per day however often run_daily runs, started by cron's command or by the
worker at DAILY_AT, each app's work registered with the jobs app."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from salesdesk.jobs import daily
from salesdesk.jobs.models import DailyRun, Job
from salesdesk.jobs.registry import daily_work
from salesdesk.jobs.testing import run_queued_tasks

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_each_app_registers_its_daily_work_with_the_jobs_app():
    assert [work.key for work in daily_work()] == ["mark_stopped_jobs", "apply_org_changes", "recycle_pool",
                                                 "collection_tasks", "prune_imports", "prune_jobs"]


@pytest.mark.django_db
def test_run_daily_twice_on_one_day_starts_the_work_once_and_the_worker_runs_it(small_org):
    first, second = io.StringIO(), io.StringIO()

    call_command("run_daily", date="2030-05-01", stdout=first)
    call_command("run_daily", date="2030-05-01", stdout=second)
    ran = run_queued_tasks()

    assert DailyRun.objects.get().trigger == "command" and ran == 6
    assert "daily.recycle_pool: queued" in first.getvalue()
    assert "was started already" in second.getvalue()
    jobs = {job.kind: job for job in Job.objects.all()}
    assert {kind: job.status for kind, job in jobs.items()} == {
        "daily.mark_stopped_jobs": "done", "daily.apply_org_changes": "done", "daily.recycle_pool": "done",
        "daily.collection_tasks": "done", "daily.prune_imports": "done", "daily.prune_jobs": "done"}
    with translation.override("en"):
        assert jobs["daily.collection_tasks"].text() == "0 collection tasks opened, 0 updated, 0 closed."
        assert jobs["daily.apply_org_changes"].text() == "0 org change sets applied."


@pytest.mark.django_db
def test_run_daily_here_runs_the_work_in_the_command_itself(small_org):
    out = io.StringIO()
    call_command("run_daily", here=True, stdout=out)

    assert set(Job.objects.values_list("status", flat=True)) == {"done"}
    assert "daily.recycle_pool: done." in out.getvalue()


@pytest.mark.django_db
def test_the_worker_starts_the_daily_work_once_after_daily_at(small_org, settings):
    settings.SALESDESK = {**settings.SALESDESK, "DAILY_AT": "02:00"}
    before = datetime.datetime(2030, 5, 2, 1, 59, tzinfo=SHANGHAI)
    after = datetime.datetime(2030, 5, 2, 2, 1, tzinfo=SHANGHAI)

    assert daily.start_if_due(before) is None
    run = daily.start_if_due(after)
    assert (run.day, run.trigger, run.jobs.count()) == (datetime.date(2030, 5, 2), "worker", 6)
    assert daily.start_if_due(after + datetime.timedelta(hours=3)) is None  # once a day
    settings.SALESDESK = {**settings.SALESDESK, "DAILY_AT": ""}
    assert daily.start_if_due(after + datetime.timedelta(days=1)) is None  # not configured: cron's business


@pytest.mark.django_db
def test_the_jobs_page_shows_administrators_the_daily_runs_and_recent_jobs(small_org, admin_user):
    call_command("run_daily", date="2030-05-03", here=True, stdout=io.StringIO())
    client = Client()
    client.force_login(admin_user)

    page = client.get("/jobs/").content.decode()

    assert 'data-day="2030-05-03"' in page and page.count('data-kind="daily.') == 6
    assert page.count('data-status="done"') >= 10  # in the daily runs and in the recent jobs
    rep = Client()
    rep.force_login(small_org.user("owner"))
    assert rep.get("/jobs/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_in_batch_mode_runs_what_is_queued(small_org):
    call_command("run_daily", date="2030-05-04", stdout=io.StringIO())

    call_command("run_worker", batch=True, verbosity=0)

    assert set(Job.objects.values_list("status", flat=True)) == {"done"} and Job.objects.count() == 6
