from pathlib import Path

from django.core.management.base import CommandError

from salesdesk.org import orgfile
from salesdesk.org.models import Company

from ._base import OrgCommand


class Command(OrgCommand):
    help = "Export a company's organisation as an org file (deterministic; without people unless asked)."

    def add_arguments(self, parser):
        parser.add_argument("--format", default="json", choices=["json"])
        parser.add_argument("--output", default=None, help="Write to FILE instead of standard output.")
        parser.add_argument("--company", default=None, help="Company code (needed when there are several).")
        parser.add_argument("--with-people", action="store_true", help="Include people and their positions.")

    def handle(self, *args, output, company, with_people, **options):
        if company:
            found = Company.objects.filter(code=company).first()
            if found is None:
                raise CommandError(f"No company with the code {company!r}.")
        else:
            companies = list(Company.objects.order_by("id")[:2])
            if not companies:
                raise CommandError("There is no company yet; load one with load_org.")
            if len(companies) > 1:
                codes = ", ".join(Company.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"There are several companies ({codes}); choose one with --company.")
            found = companies[0]
        text = orgfile.dumps(orgfile.export_org(company=found, with_people=with_people))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text, ending="")
