"""Start the daily work (for cron or a systemd timer): once per day, however often it runs."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from salesdesk.jobs import runner
from salesdesk.jobs.daily import start_daily


class Command(BaseCommand):
    help = ("Enqueue today's daily work (recycle_pool, collection_tasks, apply_org_changes …) for the worker; "
            "idempotent: a second run on the same day starts nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day to run (YYYY-MM-DD); default today.")
        parser.add_argument("--here", action="store_true",
                            help="Run the work in this process instead of handing it to the worker.")

    def handle(self, *args, date=None, here=False, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).") from error
        run, jobs, started = start_daily(day=day, trigger="command", enqueue=not here)
        if not started:
            self.stdout.write(f"The daily work of {run.day} was started already ({run.trigger}); nothing to do.")
            return
        for job in jobs:
            if here:
                status = runner.run(job.pk)
                job.refresh_from_db()
                self.stdout.write(f"{job.kind}: {status}. {job.text()}")
            else:
                self.stdout.write(f"{job.kind}: queued (job #{job.pk}).")
