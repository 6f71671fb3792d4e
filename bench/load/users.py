"""Log-ins for the load test (bench/load/run.py runs this after `demo_setup`): the demo company has
one or two people per position, too few for a hundred simulated users each with a session of its
own, so this adds people to the demo's positions through the org services, each with a log-in:

* reps (`load-rep-001` …) in the rep positions of the industrial template (业务人员, 销售代表,
  外贸销售员: their own customers only), each with a few customers of his own, a contact and a
  follow-up (through the customer services, as the rep), so that his lists and his customer page
  have something to show;
* managers (`load-manager-01` …) in the managing positions (销售总监, 销售经理, 大区经理, 办事处经理,
  销售部长), who see their department tree in the reports;
* order clerks (`load-clerk-01` …) in the positions whose duties include the order queue (跟单:
  销售内勤, 销售经理助理).

The demo's own holders of those positions come first in each list (password demo12345), then
the people added (password load12345). Running it again adds only who is missing. Writes the
log-ins as JSON for the locustfile (`{"rep": [{"username": …, "password": …}, …], "manager": […],
"clerk": […]}`):

    DATABASE_URL=postgres://…/salesdesk_load SECRET_KEY=… python bench/load/users.py \\
        --reps 80 --managers 12 --clerks 12 --out /tmp/logins.json
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PASSWORD = "load12345"
# Position codes of the industrial template (salesdesk/org/org_templates/industrial.json).
REP_POSITIONS = ["nanjing-rep", "hangzhou-rep", "jinan-rep", "sales-rep", "channel-rep", "foreign-trade"]
MANAGER_POSITIONS = ["sales-director", "sales-manager", "east-rm", "north-rm", "nanjing-om", "hangzhou-om",
                     "jinan-om", "materials-head"]
CLERK_POSITIONS = ["inside-sales-sbs", "inside-sales-cnpc", "sales-manager-assistant"]
ROLES = {"rep": ("load-rep-{:03d}", REP_POSITIONS), "manager": ("load-manager-{:02d}", MANAGER_POSITIONS),
         "clerk": ("load-clerk-{:02d}", CLERK_POSITIONS)}

CITIES = ["南京", "杭州", "济南", "苏州", "无锡", "青岛", "合肥", "宁波", "郑州", "武汉"]
WORDS = ["恒达", "华通", "宏信", "精诚", "新创", "博锐", "盛远", "金泰", "同丰", "瑞桥", "联捷", "安拓"]
TRADES = [("路桥工程", "建筑"), ("沥青", "化工"), ("建材", "建筑"), ("市政工程", "建筑"), ("防水材料", "化工")]
NOTES = ["电话沟通了本月用量，对方要求更新报价。", "上门拜访，了解了新项目的进度。", "确认了上批货的到货情况。",
         "对方采购在比价，下周再联系。"]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salesdesk.settings")
    import django

    django.setup()


def demo_holders(company, codes: list[str]) -> list[str]:
    """Usernames of the demo's people in those positions, in position order."""
    from salesdesk.org.models import Employee

    names: list[str] = []
    for code in codes:
        holders = (Employee.objects.filter(company=company, status=Employee.Status.ACTIVE, user__isnull=False,
                                           assignments__position__code=code, assignments__ended_on__isnull=True)
                   .exclude(user__username__startswith="load-").order_by("user__username"))
        names += [holder.user.username for holder in holders]
    return names


def add_people(company, role: str, count: int, password_hash: str) -> tuple[list[str], list]:
    """`count` people of the role (those already there kept): their usernames, and the employees
    made now."""
    from django.contrib.auth import get_user_model

    from salesdesk.org import orgfile, services
    from salesdesk.org.models import Employee, Position

    pattern, codes = ROLES[role]
    positions = [Position.objects.get(company=company, code=code) for code in codes]
    User = get_user_model()
    made, usernames = [], []
    index = Employee.objects.filter(company=company).count()
    for number in range(1, count + 1):
        username = pattern.format(number)
        usernames.append(username)
        if User.objects.filter(username=username).exists():
            continue
        # Hashed once for all (as orgfile.add_demo_people does): hashing is the slow part of a log-in.
        user = User.objects.create(username=username, password=password_hash, email=f"{username}@example.com")
        made.append(services.create_employee(
            company=company, name=orgfile.demo_name(index), user=user, mobile=orgfile.demo_mobile(index),
            email=user.email, employee_no=f"L{index + 1:05d}", positions=[positions[(number - 1) % len(positions)]]))
        index += 1
    return usernames, made


def add_customers(company, reps: list, per_rep: int, seed: int = 16) -> int:
    from django.utils import timezone

    from salesdesk.core.contextvars import acting_as, actor_for_user
    from salesdesk.customers import services
    from salesdesk.customers.models import CustomerClass, FollowUp, LeadSource

    services.ensure_defaults(company=company)
    rng = random.Random(seed)
    classes = list(CustomerClass.objects.filter(company=company).order_by("sort_order"))[:4]
    sources = list(LeadSource.objects.filter(company=company).order_by("sort_order"))
    today = timezone.localdate()
    made = 0
    for rep in reps:
        with acting_as(actor_for_user(rep.user, source="command")):
            for index in range(per_rep):
                trade, industry = rng.choice(TRADES)
                city = rng.choice(CITIES)
                customer = services.create_customer(
                    company=company, by=rep, owner=rep, name=f"{city}{rng.choice(WORDS)}{trade}有限公司{rep.pk}-{index}",
                    industry=industry, city=city, level=rng.choice("ABC"), customer_class=rng.choice(classes),
                    source=rng.choice(sources), allow_similar=True, check_duplicates=False,
                    contacts=[{"name": rng.choice("王李张刘陈杨") + "经理", "title": "采购经理",
                               "mobile": f"13{rng.randint(100000000, 999999999)}"}])
                # One in three is due today, so that the rep's workbench and "due" scene are not empty.
                next_on = today if index % 3 == 0 else today + datetime.timedelta(days=rng.randint(3, 20))
                services.record_followup(by=rep, customer=customer, content=rng.choice(NOTES),
                                         method=FollowUp.Method.PHONE, next_followup_on=next_on)
                made += 1
    return made


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=80, help="reps to have, the demo's included")
    parser.add_argument("--managers", type=int, default=12)
    parser.add_argument("--clerks", type=int, default=12)
    parser.add_argument("--customers-per-rep", type=int, default=6)
    parser.add_argument("--out", required=True, help="where to write the log-ins (JSON)")
    options = parser.parse_args(argv)
    setup_django()
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from salesdesk.org.models import Company
    from salesdesk.org.orgfile import DEMO_PASSWORD

    company = Company.objects.order_by("id").first()
    if company is None:
        print("No company: run `manage.py demo_setup` first.", file=sys.stderr)
        return 1
    started = time.monotonic()
    password_hash = make_password(PASSWORD)
    wanted = {"rep": options.reps, "manager": options.managers, "clerk": options.clerks}
    logins: dict = {"rep": [], "manager": [], "clerk": []}
    customers = 0
    with transaction.atomic():
        for role, (_pattern, codes) in ROLES.items():
            demo = demo_holders(company, codes)
            logins[role] = [{"username": name, "password": DEMO_PASSWORD} for name in demo]
            names, made = add_people(company, role, max(wanted[role] - len(demo), 0), password_hash)
            logins[role] += [{"username": name, "password": PASSWORD} for name in names]
            if role == "rep":
                customers = add_customers(company, made, options.customers_per_rep)
    Path(options.out).write_text(json.dumps(logins, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"log-ins: {len(logins['rep'])} reps, {len(logins['manager'])} managers, {len(logins['clerk'])} clerks; "
          f"{customers} new customers; {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
