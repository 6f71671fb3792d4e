"""Open, update and close the collection tasks (催收) of every company (run daily; idempotent)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.contextvars import Actor, acting_as
from salesdesk.finance import receivables
from salesdesk.org.models import Company


class Command(BaseCommand):
    help = "Give each customer with overdue invoices one open collection task; close those settled. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD); default today.")

    def handle(self, *args, **options):
        as_of = None
        if options.get("date"):
            try:
                as_of = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"Not a date: {options['date']}") from error
        totals = {"opened": 0, "updated": 0, "closed": 0}
        with acting_as(Actor.command("collection_tasks")):
            for company in Company.objects.all():
                for key, value in receivables.refresh_collection_tasks(company=company, as_of=as_of).items():
                    totals[key] += value
        self.stdout.write("{opened} collection tasks opened, {updated} updated, {closed} closed.".format(**totals))
