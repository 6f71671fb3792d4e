import datetime

from django.core.management.base import CommandError

from salesdesk.org.versions import apply_due_change_sets

from ._base import OrgCommand


class Command(OrgCommand):
    help = ("Apply approved org change sets whose effective date has come and record a new org version for each. "
            "Safe to run repeatedly (e.g. daily): what is applied is not applied again.")

    def add_arguments(self, parser):
        parser.add_argument("--date", default=None, help="Treat this day (YYYY-MM-DD) as today.")

    def handle(self, *args, date, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"Not a date: {date!r} (use YYYY-MM-DD).")
        result = apply_due_change_sets(today=today)
        for version in result["applied"]:
            self.stdout.write(f"Applied “{version.title}”: {version.company.name} is now at version {version.number}.")
        for change_set, message in result["failed"]:
            self.stderr.write(f"Could not apply “{change_set.title}” (#{change_set.pk}): {message}")
        if not result["applied"] and not result["failed"]:
            self.stdout.write("No approved change sets are due; nothing changed.")
        if result["failed"]:
            raise CommandError(f"{len(result['failed'])} change set(s) could not be applied.")
