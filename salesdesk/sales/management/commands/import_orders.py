"""Import past orders from an .xlsx or .csv file, as the named user would on the import page."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.org.models import Company
from salesdesk.sales import history


class Command(BaseCommand):
    help = ("Import past sales orders (one row per order line) into a company, with the data scope of the user "
            "who imports them: every order of the file, or none.")

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx or .csv file.")
        parser.add_argument("--company", required=True, help="The company's code.")
        parser.add_argument("--user", required=True, help="The username of the person who imports the orders.")

    def handle(self, *args, path, company, user, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        found = Company.objects.filter(code=company).first()
        if found is None:
            raise CommandError(f"No company with the code {company!r}.")
        importer = get_user_model().objects.filter(username=user, is_active=True).first()
        if importer is None:
            raise CommandError(f"No active user named {user!r}.")
        try:
            headers, rows = history.read_table(file.name, file.read_bytes())
            mapping = history.guess_mapping(headers)
            # The audit log names the importer, as it would for the page.
            with acting_as(actor_for_user(importer, source="command")):
                outcome = history.commit(company=found, user=importer, rows=rows, mapping=mapping)
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(f"{outcome.orders} orders with {outcome.lines} lines imported into {found.name}; "
                          f"{outcome.shipments} of them shipped; amount {outcome.amount}.")
