"""Return customers to their pools under the pool rules (run daily; idempotent)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.contextvars import Actor, acting_as
from salesdesk.customers import services


class Command(BaseCommand):
    help = "Return overdue customers to their pools and mark those due soon; running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Not a date: {options['date']}") from error
        with acting_as(Actor.command("recycle_pool")):
            result = services.recycle_pool(today=today)
        self.stdout.write(f"{result['returned']} customers returned to their pools; "
                          f"{result['warned']} owners warned of customers due soon.")
