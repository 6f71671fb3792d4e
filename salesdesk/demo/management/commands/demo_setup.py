import datetime
import os

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.demo.customers import add_demo_customers
from salesdesk.demo.finance import add_demo_finance
from salesdesk.demo.sales import add_demo_history, add_demo_sales
from salesdesk.demo.steps import who_does_what
from salesdesk.org import orgfile, versions
from salesdesk.org.management.commands._base import OrgCommand
from salesdesk.org.management.commands.org_templates import _table
from salesdesk.org.models import Assignment, Company, Employee, Position

DEMO_TEMPLATE = "industrial"
ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "admin12345"


class Command(OrgCommand):
    help = ("Prepare a demo: load the industrial template with demo people when there is no company yet, and make "
            "sure the superuser admin exists. Running it again reuses what is there and changes nothing.")

    def handle(self, *args, **options):
        company = Company.objects.order_by("id").first()
        if company is None:
            with transaction.atomic():
                company = orgfile.load_org(data=orgfile.load_template(DEMO_TEMPLATE), demo_people=True)
                add_demo_records(company)
                add_demo_customers(company)
                add_demo_sales(company)
                add_demo_history(company)
                add_demo_finance(company)
            self.stdout.write(self.style.SUCCESS(
                f"Loaded the {DEMO_TEMPLATE} template with demo people and demo records into {company.name}."))
        else:
            self.stdout.write(f"Reusing the existing company {company.name} ({company.code}); nothing loaded.")
        User = get_user_model()
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write(f"Reusing the existing user {ADMIN_USERNAME}.")
        else:
            User.objects.create_superuser(username=ADMIN_USERNAME, password=ADMIN_PASSWORD, email="")
            self.stdout.write(self.style.SUCCESS(f"Created the superuser {ADMIN_USERNAME}."))
        self.stdout.write("")
        self.stdout.write(f"Open http://127.0.0.1:{os.environ.get('PORT', '8000')} and log in as one of:")
        self.stdout.write("")
        self.stdout.write(_table(demo_logins(company)))
        steps = who_does_what(company, rep=_holder(company, "nanjing-rep"))
        if len(steps) > 1:
            self.stdout.write("")
            self.stdout.write("Who does which step (a rep of the Nanjing office sells):")
            self.stdout.write("")
            self.stdout.write(_table(steps))


def _holder(company, position_code: str) -> Employee:
    return Employee.objects.filter(company=company, assignments__position__code=position_code,
                                   assignments__ended_on__isnull=True).order_by("pk").first()


def add_demo_records(company) -> None:
    """What a company that has used Salesdesk for a while has: one org change already in effect
    (version 2) and one waiting for the general manager's approval on his workbench."""
    director = _holder(company, "sales-director")
    general_manager = _holder(company, "general-manager")
    today = timezone.localdate()
    with acting_as(actor_for_user(director.user, source="command")):
        applied = versions.draft_change_set(
            company=company, title="杭州办事处增加业务人员编制", effective_date=today, drafted_by=director,
            description="杭州市场客户增长，业务人员编制由 2 人增至 3 人。",
            operations=[{"op": "update_position", "position": "hangzhou-rep", "headcount": 3}])
        versions.submit(change_set=applied, approver=general_manager)
    with acting_as(actor_for_user(general_manager.user, source="command")):
        versions.approve(change_set=applied, by=general_manager, comment="同意。")
    versions.apply_due_change_sets(today=today, company=company)
    with acting_as(actor_for_user(director.user, source="command")):
        pending = versions.draft_change_set(
            company=company, title="华东大区新设苏州办事处", effective_date=today + datetime.timedelta(days=30),
            drafted_by=director, description="下月起在苏州设办事处，设办事处经理 1 人、业务人员 2 人。",
            operations=[
                {"op": "create_department", "code": "suzhou-office", "name": "苏州办事处", "parent": "east-region"},
                {"op": "create_position", "code": "suzhou-om", "title": "办事处经理", "department": "suzhou-office",
                 "reports_to": "east-rm", "headcount": 1, "grade": "middle"},
                {"op": "create_position", "code": "suzhou-rep", "title": "业务人员", "department": "suzhou-office",
                 "reports_to": "suzhou-om", "headcount": 2, "grade": "junior"},
            ])
        versions.submit(change_set=pending, approver=general_manager)


def demo_logins(company) -> list[tuple[str, ...]]:
    """One log-in per position: the first holder who has a user."""
    rows = [("username", "password", "position", "department"),
            (ADMIN_USERNAME, ADMIN_PASSWORD, "system administrator", "-")]
    positions = Position.objects.filter(company=company, is_active=True).select_related("department")
    for position in positions.order_by("sort_order", "id"):
        assignment = (Assignment.objects.filter(position=position, ended_on__isnull=True, employee__user__isnull=False,
                                                employee__status="active")
                      .select_related("employee__user").order_by("employee__user__username").first())
        if assignment is None:
            continue
        rows.append((assignment.employee.user.get_username(), orgfile.DEMO_PASSWORD, position.title,
                     position.department.name))
    return rows
