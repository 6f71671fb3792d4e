"""Add up the reports' monthly figures again from the documents (after an upgrade that brings them,
or data loaded in SQL); idempotent: running it twice gives the same rows."""

from django.core.management.base import BaseCommand, CommandError

from salesdesk.org.models import Company
from salesdesk.reports.summaries import rebuild


class Command(BaseCommand):
    help = "Rebuild the reports' monthly figures from the orders, shipments, invoices, payments and contracts."

    def add_arguments(self, parser):
        parser.add_argument("--company", help="Only this company (its code); default every company.")

    def handle(self, *args, **options):
        company = None
        if options.get("company"):
            company = Company.objects.filter(code=options["company"]).first()
            if company is None:
                raise CommandError(f"No company with the code {options['company']!r}.")
        rows = rebuild(company=company)
        self.stdout.write(f"{rows} rows of monthly figures rebuilt from the documents.")
