"""Time in Python per page: how long the main pages take in-process against how long their SQL takes.

    python bench/page_bench.py [--runs 30] [--keep] [--reuse] [--only KEY,…] [--profile KEY]

Builds, in a PostgreSQL database `salesdesk_bench_pages` that the script creates and drops, the
demo of `make demo` (`manage.py demo_setup`: the industrial template with a person in every
position, customers, quotations, contracts, orders, invoices, payments and a year of past orders),
then requests each page through django.test.Client with the production settings (DEBUG off, the
cached template loader) as a rep (`nanjing-rep-1`) and as the sales director (`sales-director-1`),
and reports per page, median over `--runs` runs after warm-up:

* the whole request in-process (middleware, view, queries, template), wall time;
* the time spent in SQL (every query timed by an execute wrapper, so the database's answer and the
  driver's work on it are counted as SQL);
* the rest, Python's share, and whether the page meets its target: the first page of a list
  ≤ 2 × SQL + 10 ms, the customer page ≤ 25 ms (issue 16 §4);
* Python's CPU time (the process's CPU time outside the queries), which, unlike wall time, hardly
  moves when other work shares the machine.

`--profile KEY` runs that page under pyinstrument (`pip install pyinstrument`) instead and prints
where the time goes. Prints a Markdown table and writes it to bench/out/page_bench.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.org_bench import OUT, run_in_database  # noqa: E402

DATABASE = "salesdesk_bench_pages"
REP, DIRECTOR = "nanjing-rep-1", "sales-director-1"
LIST_PAGES = [  # key, label, url name, query string
    ("customers", "customer list", "customers:list", ""),
    ("leads", "leads", "customers:leads", ""),
    ("quotations", "quotations", "sales:quotations", "?scene=all"),
    ("contracts", "contract ledger", "sales:contracts", "?scene=all"),
    ("orders", "orders", "sales:orders", "?scene=all"),
    ("shipments", "shipments", "sales:shipments", ""),
    ("invoices", "invoices", "finance:invoices", ""),
    ("payments", "payments", "finance:payments", ""),
    ("approvals", "approvals inbox", "approvals:inbox", ""),
    ("notifications", "notifications", "notifications:list", ""),
    ("audit", "audit log", "audit:log", ""),
]
CUSTOMER_PAGE_TARGET = 25.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the data of a kept database if it is there")
    parser.add_argument("--only", default="", help="comma-separated page keys (e.g. customers,customer_page)")
    parser.add_argument("--profile", default="", help="profile one page key with pyinstrument")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)
    result, version = run_in_database(
        Path(__file__).resolve(), DATABASE,
        ["--runs", str(options.runs), "--only", options.only, "--profile", options.profile],
        reuse=options.reuse, keep=options.keep, needs="the page benchmark")
    if result is None:
        return 1
    if options.profile:
        print(result["profile"])
        return 0
    report = table(result, version)
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "page_bench.md").write_text(report + "\n", encoding="utf-8")
    return 0


def table(result: dict, version: str) -> str:
    lines = [f"| page (PostgreSQL {version}) | as | in-process | SQL | the rest | Python CPU | queries | target | met |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in result["rows"]:
        lines.append(f"| {row['label']} | {row['role']} | {row['total']:.1f} ms | {row['sql']:.1f} ms | "
                     f"{row['python']:.1f} ms | {row['python_cpu']:.1f} ms | {row['queries']} | ≤ {row['target']:.1f} ms | "
                     f"{'yes' if row['total'] <= row['target'] else 'no'} |")
    lines.append("")
    lines.append(f"Medians of {result['runs']} runs each, after warm-up; the demo data of `make demo` "
                 f"({result['size']}).")
    return "\n".join(lines)


# --- the worker -----------------------------------------------------------------------------------


def worker(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from salesdesk.org.models import Company

    call_command("migrate", verbosity=0)
    if not Company.objects.exists():
        call_command("demo_setup", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result = measure(options)
    Path(options.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def busiest_customer(user):
    from django.db.models import Count

    from salesdesk.customers.models import Customer

    return (Customer.objects.restrict(user).annotate(follow_ups=Count("followups"))
            .order_by("-follow_ups", "pk").first())


def pages(users: dict) -> list[tuple]:
    from django.urls import reverse

    rows = []
    for key, label, name, query in LIST_PAGES:
        for role in ("rep", "director"):
            rows.append((key, label, role, reverse(name) + query, None))
    customer = busiest_customer(users["rep"])
    rows.append(("customer_page", "customer page (the rep's busiest customer)", "rep",
                 reverse("customers:detail", args=[customer.pk]), CUSTOMER_PAGE_TARGET))
    return rows


def measure(options) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from salesdesk.customers.models import Customer
    from salesdesk.sales.models import SalesOrder

    users = {"rep": get_user_model().objects.get(username=REP),
             "director": get_user_model().objects.get(username=DIRECTOR)}
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    only = {key for key in options.only.split(",") if key}
    size = f"{Customer.objects.count():,} customers, {SalesOrder.objects.count():,} orders"

    if options.profile:
        from pyinstrument import Profiler

        key, _label, role, url, _target = next(page for page in pages(users) if page[0] == options.profile)
        client = clients[role]
        for _ in range(5):
            client.get(url)
        profiler = Profiler(interval=0.0002)
        with profiler:
            for _ in range(options.runs):
                client.get(url)
        return {"profile": profiler.output_text(unicode=True, color=False, show_all=False)}

    sql_time = [0.0]
    sql_cpu = [0.0]
    query_count = [0]

    def timed_query(execute, sql, params, many, context):
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - started
            sql_cpu[0] += time.process_time() - started_cpu
            query_count[0] += 1

    rows = []
    for key, label, role, url, target in pages(users):
        if only and key not in only:
            continue
        client = clients[role]
        for _ in range(5):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        totals, sqls, cpus, counts = [], [], [], []
        with connection.execute_wrapper(timed_query):
            for _ in range(options.runs):
                sql_time[0], sql_cpu[0], query_count[0] = 0.0, 0.0, 0
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                totals.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - started_cpu - sql_cpu[0]) * 1000)
                sqls.append(sql_time[0] * 1000)
                counts.append(query_count[0])
        total, sql = statistics.median(totals), statistics.median(sqls)
        rows.append({"key": key, "label": label, "role": role, "total": total, "sql": sql,
                     "python": total - sql, "python_cpu": statistics.median(cpus), "queries": max(counts),
                     "target": target if target is not None else 2 * sql + 10})
    return {"rows": rows, "runs": options.runs, "size": size}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
