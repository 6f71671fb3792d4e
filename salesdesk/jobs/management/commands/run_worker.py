"""The background worker: runs the queued jobs (django-tasks' worker for the configured backend)
and, when SALESDESK["DAILY_AT"] is set, starts the daily work once a day itself."""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from salesdesk.jobs import daily

logger = logging.getLogger(__name__)
CHECK_SECONDS = 30


def _watch_the_clock(stop: threading.Event) -> None:
    while True:
        try:
            run = daily.start_if_due()
            if run is not None:
                logger.info("daily work of %s started", run.day)
        except Exception:
            logger.exception("could not start the daily work")
        finally:
            connection.close()
        if stop.wait(CHECK_SECONDS):
            return


class Command(BaseCommand):
    help = "Run the background worker (jobs; the daily work at DAILY_AT). Stop it with Ctrl+C or SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then stop.")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds between looks at an empty queue (database backend).")
        parser.add_argument("--max-tasks", type=int, default=None, help="Stop after this many jobs.")

    def handle(self, *args, batch=False, interval=1.0, max_tasks=None, **options):
        stop = threading.Event()
        if batch:
            daily.start_if_due()
        else:
            threading.Thread(target=_watch_the_clock, args=(stop,), name="daily-clock", daemon=True).start()
        try:
            if "django_tasks_rq" in settings.TASKS["default"]["BACKEND"]:
                call_command("rqworker", *settings.TASKS["default"].get("QUEUES", ["default"]),
                             job_class="django_tasks_rq.Job", burst=batch, verbosity=options["verbosity"])
            else:
                worker_options = {"batch": batch, "interval": interval, "reload": False, "startup_delay": not batch,
                                  "queue_name": "*", "verbosity": options["verbosity"]}
                if max_tasks:
                    worker_options["max_tasks"] = max_tasks
                call_command("db_worker", **worker_options)
        finally:
            stop.set()
