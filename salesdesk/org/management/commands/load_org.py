from pathlib import Path

from django.core.management.base import CommandError

from salesdesk.org import orgfile

from ._base import OrgCommand


class Command(OrgCommand):
    help = ("Load an organisation from a template (by code, see org_templates) or from an org file. "
            "Refuses to overwrite a company's existing organisation unless --replace is given.")

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="TEMPLATE_OR_FILE")
        parser.add_argument("--demo-people", action="store_true",
                            help="Create made-up people for the positions (password demo12345).")
        parser.add_argument("--replace", action="store_true",
                            help="Delete the company's existing organisation first.")
        parser.add_argument("--company-name", default=None, help="Name the company differently from the file.")

    def handle(self, *args, source, demo_people, replace, company_name, **options):
        if source in orgfile.template_codes():
            data = orgfile.load_template(source)
        elif Path(source).exists():
            data = orgfile.read_file(source)
        else:
            raise CommandError(f"{source!r} is neither a template ({', '.join(orgfile.template_codes())}) nor a file.")
        try:
            company = orgfile.load_org(data=data, company_name=company_name, replace=replace,
                                       demo_people=demo_people)
        except orgfile.OrgExistsError as error:
            raise CommandError(" ".join(error.messages) + " Use --replace to overwrite it.")
        counts = {
            "departments": company.departments.count(),
            "positions": company.positions.filter(is_active=True).count(),
            "territories": company.territories.count(),
            "people": company.employees.count(),
        }
        self.stdout.write(self.style.SUCCESS(
            f"Loaded {data.get('name') or source} into {company.name} ({company.code}): "
            + ", ".join(f"{count} {label}" for label, count in counts.items()) + "."))
