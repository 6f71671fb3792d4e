"""Customer benchmarks on PostgreSQL: a million customers and what a rep, a regional manager and
the director do with them.

    python bench/customer_bench.py [--customers 1000000] [--runs 25] [--keep] [--reuse] [--only KEY,…]

Builds, in a PostgreSQL database `salesdesk_bench_customers` that the script creates and drops,
the benchmark organisation of bench/org_bench.py (2,000 employees, 300 departments) with
customers-module scopes like their org scopes, then `--customers` customers spread over the
employees, two contacts each and five follow-ups each (generated in SQL), and measures:

* GET /customers/ (first page) as a rep, a regional manager and the director: median and p95
  server time and the number of SQL queries;
* keyword search as the director; the duplicate check (查重) of a new customer; the page of a
  customer with 100 follow-ups;
* importing 100,000 rows of .xlsx (check, de-duplicate, insert) as one run;
* `recycle_pool` over all customers, as one run;
* exporting 100,000 customers to .xlsx, as one run, with how far the process's peak memory
  (resident set) rose above its resting size while exporting.

`--reuse` keeps the database between runs and generates the data only when it is not there yet
(measures that write — import and recycling — run in a transaction that is rolled back), so that
one can change the code and measure again in minutes; `--only list_director,search_director`
measures a few keys only.

Prints a Markdown table and writes it to bench/out/customer_bench.md.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.org_bench import OUT, run_in_database, timed  # noqa: E402

DATABASE = "salesdesk_bench_customers"
MEASURES = [  # key, label, target ms, statistic
    ("list_rep", "customer list, first page, rep", 50, "p95"),
    ("list_regional", "customer list, first page, regional manager", 50, "p95"),
    ("list_division", "customer list, first page, division head", 50, "p95"),
    ("list_director", "customer list, first page, director (all)", 50, "p95"),
    ("search_director", "keyword search, director", 100, "median"),
    ("duplicate_check", "查重 of a new customer", 30, "median"),
    ("customer_page", "customer page with 100 follow-ups", 50, "median"),
    ("import_100k", "import 100,000 rows of .xlsx", 90_000, "once"),
    ("recycle", "recycle_pool over all customers", 60_000, "once"),
    ("export_100k", "export 100,000 customers to .xlsx", 60_000, "once"),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the data of a kept database if it is there")
    parser.add_argument("--only", default="", help="comma-separated measure keys")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)
    result, version = run_in_database(
        Path(__file__).resolve(), DATABASE, ["--runs", str(options.runs), "--customers", str(options.customers), "--only", options.only],
        reuse=options.reuse, keep=options.keep, needs="the customer benchmark")
    if result is None:
        return 1
    report = table(result, version)
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "customer_bench.md").write_text(report + "\n", encoding="utf-8")
    return 0


def table(result: dict, version: str) -> str:
    lines = [f"| measure | target | PostgreSQL {version} | queries |", "|---|---|---|---|"]
    for key, label, target, statistic in MEASURES:
        if key not in result["measures"]:
            continue
        measure = result["measures"][key]
        if "error" in measure:
            cell = measure["error"]
        elif statistic == "once":
            cell = f"{measure['ms'] / 1000:.1f} s" + (f", memory +{measure['peak_mb']:.0f} MB" if "peak_mb" in measure else "")
            if "returned" in measure:
                cell += f" ({measure['returned']:,} returned, {measure['warned']:,} warned)"
        else:
            cell = f"median {measure['median']:.1f} ms, p95 {measure['p95']:.1f} ms"
        goal = f"≤ {target / 1000:.0f} s" if target >= 1000 else f"{statistic} ≤ {target} ms"
        lines.append(f"| {label} | {goal} | {cell} | {measure.get('queries', '')} |")
    size = result["size"]
    lines.append("")
    lines.append(f"{size['customers']:,} customers, {size['contacts']:,} contacts, {size['followups']:,} follow-ups, "
                 f"{size['employees']:,} employees; generated in {result['build_seconds']:.0f} s; "
                 f"{result['runs']} runs per timed measure. Visible customers: "
                 + ", ".join(f"{role} {count:,}" for role, count in result["visible"].items()) + ".")
    return "\n".join(lines)


# --- the worker ---------------------------------------------------------------------------------


def _rss_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS (Linux)
    except OSError:
        pass


def once(function) -> dict:
    started = time.perf_counter()
    function()
    return {"ms": (time.perf_counter() - started) * 1000}


def worker(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from bench.org_bench import bench_users, build_org
    from salesdesk.customers.models import Customer
    from salesdesk.org.models import Employee

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if Customer.objects.filter(company__code="bench").exists():  # a kept database (--reuse)
        org = {"users": bench_users()}
        size = {"customers": Customer.objects.filter(company__code="bench", name__startswith="客户").count(),
                "employees": Employee.objects.filter(company__code="bench").count()}
        size.update(existing_counts())
    else:
        org = build_org()
        size = generate_customers(org, options.customers)
    build_seconds = time.perf_counter() - started
    print(f"ready in {build_seconds:.0f} s: {size}", flush=True)
    only = {key for key in options.only.split(",") if key}
    visible, measures = measure(org, options.runs, only)
    result = {"size": size, "build_seconds": build_seconds, "runs": options.runs, "measures": measures,
              "visible": visible}
    Path(options.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def generate_customers(org: dict, total: int) -> dict:
    """Customers, contacts and follow-ups in SQL (INSERT … SELECT generate_series), owners taken
    round-robin from the employees, each customer in its owner's department.

    The dates are those of a system where the daily recycling has been running: customers got
    their owner within the last 89 days (inside every "no deal" window) and were followed up
    within the last 14 days (inside every "no follow-up" window), except one in fifty, last
    followed up 40 days ago, which is due to go back to the pool."""
    from django.db import connection

    from salesdesk.customers import services
    from salesdesk.org import services as org_services
    from salesdesk.org.models import Company, Employee, Position

    company = Company.objects.get(code="bench")
    services.ensure_defaults(company=company)
    for position in Position.objects.filter(company=company):
        org_services.set_position_scope(position=position, module="customers", level=position.scope_level("org"))
    employees = Employee.objects.filter(company=company).count()
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE TEMP TABLE bench_owner AS
            SELECT row_number() OVER (ORDER BY e.id) - 1 AS n, e.id AS employee_id, p.department_id
            FROM org_employee e JOIN org_assignment a ON a.employee_id = e.id JOIN org_position p ON p.id = a.position_id
            WHERE e.company_id = %s AND a.ended_on IS NULL AND a.is_primary
        """, [company.pk])
        cursor.execute("SELECT count(*) FROM bench_owner")
        owners = cursor.fetchone()[0]
        cursor.execute("""
            INSERT INTO customers_customer (company_id, kind, name, name_key, initials, credit_code, industry, size,
                country, province, city, district, address, postal_code, phone, mobile, mobile_key, intended_unit,
                visits, level, channel, owner_id, owned_since, department_id, notes, is_locked, last_followup_at,
                next_followup_on, created_at, updated_at, customer_class_id, source_id)
            SELECT %(company)s, 'company', '客户' || g || '号' || (ARRAY['机电','建材','物流','电子','贸易'])[1 + g %% 5] || '有限公司',
                '客户' || g || '号' || (ARRAY['机电','建材','物流','电子','贸易'])[1 + g %% 5],
                'kh' || g || 'h', '', '制造业', '', '中国', '江苏', (ARRAY['南京','苏州','无锡','常州'])[1 + g %% 4], '',
                '', '', '', '', '', '', 0, (ARRAY['A','B','C'])[1 + g %% 3], '', o.employee_id,
                now() - (g %% 89) * interval '1 day', o.department_id, '', false,
                now() - (CASE WHEN g %% 50 = 0 THEN 40 ELSE g %% 14 END) * interval '1 day',
                current_date + (g %% 20 - 5),
                now() - (g %% 89 + g %% 211) * interval '1 day', now(), NULL, NULL
            FROM generate_series(1, %(total)s) g JOIN bench_owner o ON o.n = g %% %(owners)s
        """, {"company": company.pk, "total": total, "owners": owners})
        cursor.execute("""
            INSERT INTO customers_contact (customer_id, name, title, mobile, mobile_key, phone, wechat, email, role,
                is_primary, notes, created_at)
            SELECT c.id, '联系人' || k, '', '13' || lpad((c.id * 2 + k)::text, 9, '0'),
                '13' || lpad((c.id * 2 + k)::text, 9, '0'), '', '', '', '', k = 1, '', now()
            FROM customers_customer c CROSS JOIN generate_series(1, 2) k WHERE c.company_id = %s
        """, [company.pk])
        cursor.execute("""
            INSERT INTO customers_followup (customer_id, owner_id, method, at, content, result, check_in_place,
                created_at)
            SELECT c.id, c.owner_id, (ARRAY['phone','visit','wechat'])[1 + k %% 3],
                c.last_followup_at - (k - 1) * interval '9 days', '第' || k || '次跟进', '', '', now()
            FROM customers_customer c CROSS JOIN generate_series(1, 5) k WHERE c.company_id = %s
        """, [company.pk])
        cursor.execute("ANALYZE")
    return {"customers": total, "employees": employees, **existing_counts()}


def existing_counts() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM customers_contact")
        contacts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM customers_followup")
        followups = cursor.fetchone()[0]
    return {"contacts": contacts, "followups": followups}


class RolledBack(Exception):
    pass


def once_rolled_back(function) -> dict:
    """Time `function` in a transaction that is then rolled back, so a kept database stays as
    generated (the commit itself is not timed; on PostgreSQL it is cheap)."""
    from django.db import transaction

    result = {}
    try:
        with transaction.atomic():
            result = once(function)
            raise RolledBack
    except RolledBack:
        pass
    return result


def measure(org: dict, runs: int, only: set[str]):
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from salesdesk.core.scope import scope_for
    from salesdesk.customers import imports, services
    from salesdesk.customers.exports import write_customers
    from salesdesk.customers.models import Customer, FollowUp
    from salesdesk.org.models import Company, Employee

    company = Company.objects.get(code="bench")
    users = org["users"]
    director = (Employee.objects.filter(company=company, assignments__position__code="head-HQ").first().user)
    # A regional manager sees about 50,000 customers and a division head about 200,000: the two
    # bracket the "regional manager with ~100k visible" of the targets.
    division = (Employee.objects.filter(company=company, assignments__position__code="head-D1-1").first().user)
    roles = {"rep": users["rep"], "regional": users["regional"], "division": division, "director": director}
    visible = {role: Customer.objects.restrict(user).count() for role, user in roles.items()}
    clients = {}
    for role, user in roles.items():
        clients[role] = Client()
        clients[role].force_login(user)
    measures = {}

    def wanted(key):
        return not only or key in only

    def page(client, url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
        return run

    for role in roles:
        if wanted(f"list_{role}"):
            measures[f"list_{role}"] = timed(page(clients[role], reverse("customers:list")), runs)
    if wanted("search_director"):
        measures["search_director"] = timed(page(clients["director"], reverse("customers:list") + "?q=12345号"), runs)

    def duplicate_check():
        services.find_duplicates(company=company, name="客户123456号机电设备有限公司", credit_code="",
                                 mobiles=["13000999999"])
    if wanted("duplicate_check"):
        measures["duplicate_check"] = timed(duplicate_check, runs)

    if wanted("customer_page"):
        rep_employee = Employee.objects.get(pk=scope_for(users["rep"]).employee_id)
        target = Customer.objects.filter(owner=rep_employee).order_by("pk").first()
        missing = 100 - FollowUp.objects.filter(customer=target).count()
        FollowUp.objects.bulk_create([FollowUp(customer=target, owner=rep_employee, content=f"跟进 {n}",
                                               at=timezone.now() - timezone.timedelta(hours=n))
                                      for n in range(max(missing, 0))])
        measures["customer_page"] = timed(page(clients["rep"], reverse("customers:detail", args=[target.pk])), runs)

    # Export 100,000 of the director's customers as the director's filtered list would.
    if wanted("export_100k"):
        first_ids = Customer.objects.filter(company=company).order_by("pk").values_list("pk", flat=True)[:100_000]
        last_id = list(first_ids)[-1]
        queryset = Customer.objects.restrict(director).filter(pk__lte=last_id)
        # Memory from the kernel's peak-RSS mark, reset just before (tracemalloc would slow the
        # export fivefold): how far above its resting size the process grew while exporting.
        resting = _rss_kb("VmRSS")
        _reset_peak_rss()
        with tempfile.TemporaryFile() as target_file:
            measures["export_100k"] = once(lambda: write_customers(queryset, target_file, full_mobiles=True,
                                                                   owner_id=None))
        if resting is not None:
            measures["export_100k"]["peak_mb"] = (_rss_kb("VmHWM") - resting) / 1024

    if wanted("import_100k"):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("客户")
        sheet.append(["名称", "城市", "级别", "联系人姓名", "联系人手机"])
        for n in range(100_000):
            sheet.append([f"导入客户{n}号有限公司", "南京", "ABC"[n % 3], f"联系人{n}", f"15{n:09d}"])
        content = io.BytesIO()
        book.save(content)

        def run_import():
            headers, table_rows = imports.read_table("bench.xlsx", content.getvalue())
            outcome = imports.commit(company=company, user=director, kind="customers", rows=table_rows,
                                     mapping=imports.guess_mapping("customers", headers))
            assert outcome.created == 100_000, outcome.created
        measures["import_100k"] = once_rolled_back(run_import)

    if wanted("recycle"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
        outcome = {}

        def run_recycle():
            outcome.update(services.recycle_pool(company=company))
        measures["recycle"] = once_rolled_back(run_recycle)
        measures["recycle"].update(outcome)
    return visible, measures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
