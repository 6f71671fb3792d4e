"""List-page benchmarks on PostgreSQL: the first page of every list, as a rep and as the director,
with a million rows behind each.

    python bench/list_bench.py [--runs 25] [--keep] [--reuse] [--only KEY,…] [--scale 1.0]

Builds, in a PostgreSQL database `salesdesk_bench_lists` that the script creates and drops, the
data of bench/order_bench.py (its generator, imported: the organisation of 2,000 employees, 200,000
customers, 200,000 contracts, 2,000,000 orders, about 1,900,000 shipments, 1,000,000 invoices and
1,000,000 payments, the collection tasks), then generates in SQL (INSERT … SELECT generate_series)
what it does not have, up to a million rows per list:

* 800,000 more customers (1,000,000 in all; owners round-robin as order_bench's) and a contract for
  each (1,000,000 contracts; these have no lines or installments: the ledger does not read them);
* 1,000,000 quotations over three years (won, lost, sent; drafts and some in approval in the last
  two months), without lines (the list does not read them);
* 1,000,000 leads over three years (converted, closed, followed up; open ones of the last 90 days,
  one in twenty waiting unassigned for its owner's department);
* 1,000,000 approval requests for half of the orders (chain 订单评审: the submitter's direct
  superior; one in ten, when that superior is not the director, then the director), with their
  tasks (about 1,095,000 for 300 approvers): the last 1 % still in approval, so that an order
  reviewer has some 10 tasks waiting and 1,000 in all (medians), and the director about 500
  waiting;
* 1,000,000 notifications over a year (half a percent each to the measured rep and the director:
  about 5,000 each; unread those of the last week), 1,000,000 audit entries of the company (a
  status change of each order of the other half, by its owner);
* 1,000,000 visit plans over 52 weeks (44 past, 8 ahead; about ten per person and week), a visit
  follow-up for each one done (about 590,000);
* number counters that continue the quotation and contract numbers, then VACUUM ANALYZE;

and measures, as the first rep (scope: his own records) and the director (scope: the whole
company), the server time of GET on the first page of each list through Django's test client
(median and p95 over `--runs` runs after warm-up runs, SQL queries of one run) and counts the
rows each of them sees there: quotations, contracts, orders, shipments, invoices, payments, the
approval inbox (waiting for me) and the requests I submitted, notifications, the audit log, leads
(open), customers, the week of visit plans (the director's with his company's team week), the
collection tasks and the receivables (aging per customer).

Generating took 14 minutes for order_bench's part and 5 to 7 more for the rest on the shared
2-core development machine (load average 4–6, another benchmark running beside it; the table's
footnote gives each run's time). `--reuse` keeps the database between runs, generates only what
is not there yet, applies new migrations and then runs ANALYZE, so that one can change the code
and measure again in minutes; `--only quotations,orders` measures a few lists only; `--scale 0.01`
generates a hundredth of the data (order_bench's part in half a minute), for trying it out.

Prints a Markdown table and writes it to bench/out/list_bench.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.org_bench import OUT, run_in_database, timed  # noqa: E402

DATABASE = "salesdesk_bench_lists"
TARGET_MS = 50  # p95, issue 16 §2

# key, label, URL name, query string for the rep, for the director, rows counted in the table
LISTS = [
    ("quotations", "quotations", "sales:quotations", "", "?scene=all", "quotations"),
    ("contracts", "contracts (ledger)", "sales:contracts", "", "?scene=all", "contracts"),
    ("orders", "orders", "sales:orders", "", "?scene=all", "orders"),
    ("shipments", "shipments", "sales:shipments", "", "", "shipments"),
    ("invoices", "invoices", "finance:invoices", "", "", "invoices"),
    ("payments", "payments", "finance:payments", "", "", "payments"),
    ("approvals", "approvals, waiting for me (inbox)", "approvals:inbox", "", "", "approval_tasks"),
    ("approvals_submitted", "approvals, submitted by me", "approvals:inbox", "?tab=submitted", "?tab=submitted",
     "approval_requests"),
    ("notifications", "notifications", "notifications:list", "", "", "notifications"),
    ("audit", "audit log", "audit:log", "", "", "audit_entries"),
    ("leads", "leads (open)", "customers:leads", "", "", "leads"),
    ("customers", "customers", "customers:list", "", "", "customers"),
    ("visit_plans", "visit plans, this week (director: with the team's week)", "customers:visit_plans", "", "",
     "visit_plans"),
    ("collection", "collection tasks (open)", "finance:collection", "", "", "collection_tasks"),
    ("receivables", "receivables (aging per customer)", "finance:receivables", "", "", "open_invoices"),
]

# Sizes at --scale 1: every list at a million rows.
MILLION = 1_000_000
ROLES = ("rep", "director")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the data of a kept database if it is there")
    parser.add_argument("--only", default="", help="comma-separated list keys")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the data to generate (default 1)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)
    result, version = run_in_database(
        Path(__file__).resolve(), DATABASE,
        ["--runs", str(options.runs), "--scale", str(options.scale), "--only", options.only],
        reuse=options.reuse, keep=options.keep, needs="the list benchmark")
    if result is None:
        return 1
    report = table(result, version)
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "list_bench.md").write_text(report + "\n", encoding="utf-8")
    return 0


def cell(measure: dict | None) -> str:
    if measure is None:
        return "not run"
    if "error" in measure:
        return measure["error"]
    mark = "" if measure["p95"] <= TARGET_MS else " ✗"
    return f"{measure['median']:.1f} / {measure['p95']:.1f}{mark} ({measure['queries']})"


def table(result: dict, version: str) -> str:
    size, measures, visible = result["size"], result["measures"], result["visible"]
    lines = [f"PostgreSQL {version}; GET of the first page, server time through Django's test client: "
             f"median / p95 in ms (SQL queries); target p95 ≤ {TARGET_MS} ms (✗: over it).", "",
             "| list | rows | rep: median / p95 (queries) | rep sees | director: median / p95 (queries) | director sees |",
             "|---|---|---|---|---|---|"]
    for key, label, _url, _rep_query, _director_query, rows in LISTS:
        if not any(f"{key}_{role}" in measures for role in ROLES):
            continue
        seen = [visible.get(f"{key}_{role}") for role in ROLES]
        seen = [f"{count:,}" if isinstance(count, int) else "—" for count in seen]
        lines.append(f"| {label} | {size.get(rows, 0):,} | {cell(measures.get(f'{key}_rep'))} | {seen[0]} | "
                     f"{cell(measures.get(f'{key}_director'))} | {seen[1]} |")
    lines.append("")
    lines.append(
        ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in size.items()) + "; "
        + ("; ".join(f"{part} generated in {seconds:.0f} s" for part, seconds in result["generated"].items())
           or "kept from an earlier run")
        + f" (ready in {result['build_seconds']:.0f} s); {result['runs']} runs per measure.")
    return "\n".join(lines)


# --- the worker ---------------------------------------------------------------------------------


def worker(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from bench import order_bench
    from bench.org_bench import build_org
    from salesdesk.finance.models import FinanceSettings
    from salesdesk.org.models import Company
    from salesdesk.sales.models import Quotation

    started = time.perf_counter()
    applied = MigrationRecorder.Migration.objects.count() \
        if "django_migrations" in connection.introspection.table_names() else 0
    call_command("migrate", verbosity=0)
    migrated = MigrationRecorder.Migration.objects.count() != applied
    generated = {}
    if not FinanceSettings.objects.filter(company__code="bench").exists():  # order_bench's part
        if Company.objects.filter(code="bench").exists():
            print("The database holds an unfinished generation; run without --reuse to start again.")
            return 1
        build_org()
        print(f"organisation built in {time.perf_counter() - started:.0f} s", flush=True)
        order_bench.generate(options.scale, started)
        generated["order_bench's data"] = time.perf_counter() - started
    if not Quotation.objects.filter(company__code="bench").exists():
        lists_started = time.perf_counter()
        generate_lists(started)
        generated["the lists' data"] = time.perf_counter() - lists_started
    elif migrated:  # new indexes (and their expressions' statistics) on kept data
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"new migrations applied, ANALYZE done in {time.perf_counter() - started:.0f} s", flush=True)
    size = counts()
    build_seconds = time.perf_counter() - started
    print(f"ready in {build_seconds:.0f} s: {size}", flush=True)
    only = {key for key in options.only.split(",") if key}
    visible, measures = measure(options.runs, only)
    result = {"size": size, "build_seconds": build_seconds, "generated": generated, "runs": options.runs,
              "measures": measures, "visible": visible}
    Path(options.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def counts() -> dict:
    from django.db import connection

    tables = [
        ("customers", "customers_customer WHERE company_id = %s"),
        ("quotations", "sales_quotation WHERE company_id = %s"),
        ("contracts", "sales_contract WHERE company_id = %s"),
        ("orders", "sales_salesorder WHERE company_id = %s"),
        ("shipments", "sales_shipment WHERE company_id = %s"),
        ("invoices", "finance_invoice WHERE company_id = %s"),
        ("open_invoices", "finance_invoice WHERE company_id = %s AND amount > paid_amount + written_off_amount"
                          " AND status IN ('issued', 'mailed', 'received')"),
        ("payments", "finance_payment WHERE company_id = %s"),
        ("approval_requests", "approvals_approvalrequest WHERE company_id = %s"),
        ("approval_tasks", "approvals_approvaltask t JOIN approvals_approvalrequest r ON r.id = t.request_id"
                           " WHERE r.company_id = %s"),
        ("notifications", "notifications_notification n JOIN org_employee e ON e.id = n.recipient_id"
                          " WHERE e.company_id = %s"),
        ("audit_entries", "audit_auditentry WHERE company_id = %s"),
        ("leads", "customers_lead WHERE company_id = %s"),
        ("visit_plans", "customers_visitplan v JOIN org_employee e ON e.id = v.owner_id WHERE e.company_id = %s"),
        ("follow_ups", "customers_followup f JOIN org_employee e ON e.id = f.owner_id WHERE e.company_id = %s"),
        ("collection_tasks", "finance_collectiontask WHERE company_id = %s"),
        ("employees", "org_employee WHERE company_id = %s"),
    ]
    size = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_company WHERE code = 'bench'")
        company = cursor.fetchone()[0]
        for key, source in tables:
            cursor.execute(f"SELECT count(*) FROM {source}", [company])
            size[key] = cursor.fetchone()[0]
    return size


# --- generation ---------------------------------------------------------------------------------


def generate_lists(started: float) -> None:
    """What order_bench does not generate, in SQL, in one transaction (a failed run leaves nothing
    behind, and the quotations mark it done for --reuse). The sizes follow order_bench's: the same
    fraction of a million rows as its orders are of two million."""
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from bench.order_bench import FUNCTIONS, ORDERS, create_owner_table
    from bench.org_bench import bench_users
    from salesdesk.approvals.models import ApprovalChain
    from salesdesk.core.numbering import series_for
    from salesdesk.org.models import Company, Employee
    from salesdesk.sales.models import SalesOrder

    def clock(label):
        print(f"  {time.perf_counter() - started:6.0f} s  {label}", flush=True)

    company = Company.objects.get(code="bench")
    orders = SalesOrder.objects.filter(company=company).count()
    size = max(int(MILLION * orders / ORDERS), 1_000)  # order_bench's scale, read from its data
    director = Employee.objects.get(company=company, assignments__position__code="head-HQ",
                                    assignments__ended_on__isnull=True)
    rep = Employee.objects.get(company=company, user=bench_users()["rep"])
    chain = ApprovalChain.objects.get(company=company, document_type="order")
    series = {document: series_for(company, document).pk for document in ("quotation", "contract")}
    today = timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        def scalar(statement, params=()):
            cursor.execute(statement, params)
            return cursor.fetchone()[0]

        def offset(table):
            return scalar(f"SELECT coalesce(max(id), 0) FROM {table}")

        try:
            cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not a superuser: the triggers run, which is only slower
            pass
        cursor.execute("SET LOCAL work_mem = '256MB'")
        owners = create_owner_table(cursor, company.pk)
        existing_customers = scalar("SELECT count(*) FROM customers_customer WHERE company_id = %s", [company.pk])
        cursor.execute("""
            CREATE TEMP TABLE bench_superior AS
            SELECT a.employee_id,
                   (SELECT s.employee_id FROM org_assignment s WHERE s.position_id = p.reports_to_id
                    AND s.ended_on IS NULL ORDER BY s.employee_id LIMIT 1) AS superior_id
            FROM org_assignment a JOIN org_position p ON p.id = a.position_id JOIN org_employee e ON e.id = a.employee_id
            WHERE e.company_id = %s AND a.is_primary AND a.ended_on IS NULL
        """, [company.pk])
        cursor.execute("DELETE FROM bench_superior WHERE superior_id IS NULL")
        cursor.execute("CREATE UNIQUE INDEX ON bench_superior (employee_id)")
        values = {
            "company": company.pk, "today": f"'{today.isoformat()}'::date", "owners": owners,
            "director": director.pk, "rep": rep.pk, "chain": chain.pk,
            "order_type": scalar("SELECT id FROM django_content_type WHERE app_label = 'sales' AND model = 'salesorder'"),
            "extra_customers": max(size - existing_customers, 0),
            "first_customer": offset("customers_customer") + 1,
            "so0": scalar("SELECT min(id) - 1 FROM sales_salesorder WHERE company_id = %s", [company.pk]),
            "quotations": size, "leads": size, "approvals": min(size, orders // 2), "notifications": size,
            "audit": min(size, orders // 2), "plans": size,
            "qu0": offset("sales_quotation"), "ct0": offset("sales_contract"), "le0": offset("customers_lead"),
            "ar0": offset("approvals_approvalrequest"), "at0": offset("approvals_approvaltask"),
            "no0": offset("notifications_notification"), "au0": offset("audit_auditentry"),
            "vp0": offset("customers_visitplan"), "fu0": offset("customers_followup"),
            "plan1": json.dumps([STEP_SUPERIOR]), "plan2": json.dumps([STEP_SUPERIOR, STEP_DIRECTOR]),
        }
        cursor.execute(next(function for function in FUNCTIONS if "FUNCTION pg_temp.seq(" in function))
        # The r-th order of one half of them (0 or 1): alternate blocks of `owners` orders, so that
        # every owner has orders in both halves (an order's owner repeats with its number modulo their count).
        cursor.execute("CREATE FUNCTION pg_temp.half(r bigint, side int, owners int) RETURNS bigint IMMUTABLE "
                       "LANGUAGE sql AS $$ SELECT (r - 1) / owners * 2 * owners + side * owners + mod(r - 1, owners) + 1 $$")
        cursor.execute(customers_statement().format(**values))
        clock(f"customers: {cursor.rowcount:,} rows")
        # Every customer of the company, numbered 0…n-1 in id order, with its owner: what the
        # documents below are drawn from.
        cursor.execute("CREATE TEMP TABLE bench_customer AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id,"
                       " owner_id, department_id FROM customers_customer WHERE company_id = %s", [company.pk])
        cursor.execute("CREATE UNIQUE INDEX ON bench_customer (n)")
        cursor.execute("ANALYZE bench_customer")
        values["customers"] = scalar("SELECT count(*) FROM bench_customer")
        for label, statement in EXTRA_STEPS:
            cursor.execute(statement.format(**values))
            clock(f"{label}: {cursor.rowcount:,} rows")
        for document, table_name in (("quotation", "sales_quotation"), ("contract", "sales_contract")):
            cursor.execute(f"""
                INSERT INTO core_numbercounter (series_id, period, last)
                SELECT %s, split_part(number, '-', 2), max(split_part(number, '-', 3)::int)
                FROM {table_name} WHERE company_id = %s GROUP BY 2
                ON CONFLICT (series_id, period) DO UPDATE SET last = greatest(core_numbercounter.last, excluded.last)
            """, [series[document], company.pk])
        for table_name in ("customers_customer", "sales_contract", "sales_quotation", "customers_lead",
                           "approvals_approvalrequest", "approvals_approvaltask", "notifications_notification",
                           "audit_auditentry", "customers_visitplan", "customers_followup"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table_name}))")
        clock("number counters and sequences")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock("VACUUM ANALYZE")
    connection.close()  # the measures get a connection of their own, with the server's settings


def customers_statement() -> str:
    """order_bench's customers, numbered on from the last one: the same columns and owners (customer
    g goes to owner g modulo their count), so an id's owner is found the same way for both."""
    from bench.order_bench import STEPS

    statement = dict((label, sql) for label, _table, sql in STEPS)["customers"]
    head = "FROM generate_series(1, {customers}) g"
    assert head in statement, "order_bench's customer statement changed"
    return (statement.replace(head, "FROM generate_series({first_customer}, {first_customer} + {extra_customers} - 1) g")
            .replace("{cu0} + g", "g"))


STEP_SUPERIOR = {"name": "直接上级审核", "approver": "superior", "levels": 1, "mode": "any", "positions": []}
STEP_DIRECTOR = {"name": "销售总监审批", "approver": "positions", "levels": 1, "mode": "any", "positions": []}

# Owners go round-robin (a record's number modulo their count, directly or through its customer),
# so statuses and the like are drawn from the record's round (number / owners), not from its
# number modulo a divisor of the owner count: else one owner's records would all share one status.
# What must also vary among recent records (the two-step approvals still open) adds the number.
EXTRA_STEPS = [
    # A contract for each new customer, signed over three and a half years, numbered on in each
    # month after order_bench's contracts.
    ("contracts", """
        INSERT INTO sales_contract (id, company_id, number, customer_id, owner_id, quotation_id, title, signed_on,
            starts_on, ends_on, status, amount, list_amount, terms, created_at, updated_at, booked_department_id,
            booked_territory_id)
        SELECT {ct0} + x.k, {company},
            'HT-' || to_char(x.s, 'YYYYMM') || '-' || pg_temp.seq(coalesce(b.last, 0)
                + row_number() OVER (PARTITION BY to_char(x.s, 'YYYYMM') ORDER BY x.k)),
            x.id, x.owner_id, NULL, '框架供货协议 ' || x.k, x.s, x.s, x.s + 364,
            CASE WHEN mod(x.k, 50) = 0 THEN 'terminated' WHEN x.s + 364 < {today} THEN 'completed' ELSE 'active' END,
            x.amount, round(x.amount * 1.06, 2), '', (x.s - 5)::timestamptz, now(), x.department_id, NULL
        FROM (SELECT g.k, c.id, c.owner_id, c.department_id, (20000 + mod(g.k * 7919, 480000))::numeric AS amount,
                     {today} - 1275 + ((g.k - 1) * 1245 / greatest({extra_customers}, 1))::int AS s
              FROM generate_series(1::bigint, {extra_customers}) g(k) JOIN customers_customer c ON c.id = {first_customer} + g.k - 1) x
        LEFT JOIN (SELECT split_part(number, '-', 2) AS period, max(split_part(number, '-', 3)::int) AS last
                   FROM sales_contract WHERE company_id = {company} GROUP BY 1) b ON b.period = to_char(x.s, 'YYYYMM')
    """),
    # Quotations over three years, to customers drawn across all of them (at their owner's name):
    # decided or sent when older than two months, else drafts, in approval or sent.
    ("quotations", """
        INSERT INTO sales_quotation (id, company_id, number, version, title, quoted_on, valid_until, terms, status,
            list_amount, amount, lost_reason, decided_on, created_at, updated_at, contact_id, customer_id, owner_id,
            previous_id, booked_department_id, booked_territory_id)
        SELECT {qu0} + x.q, {company},
            'BJ-' || to_char(x.d, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(x.d, 'YYYYMM') ORDER BY x.q)),
            1, '产品报价 ' || x.q, x.d, x.d + 30, '', x.status, round(x.amount * 1.08, 2), x.amount,
            CASE WHEN x.status = 'lost' THEN '价格偏高' ELSE '' END,
            CASE WHEN x.status IN ('won', 'lost') THEN least(x.d + 10, {today}) END,
            x.d::timestamptz + interval '9 hours', now(), NULL, c.id, c.owner_id, NULL,
            CASE WHEN x.status <> 'draft' THEN c.department_id END, NULL
        FROM (SELECT q, {today} - 1095 + ((q - 1) * 1096 / {quotations})::int AS d,
                     (1000 + mod(q * 37, 199000))::numeric AS amount,
                     CASE WHEN (q - 1) * 1096 / {quotations} < 1036
                          THEN CASE WHEN mod(q / {owners}, 10) < 3 THEN 'won' WHEN mod(q / {owners}, 10) < 7 THEN 'lost'
                                    ELSE 'sent' END
                          ELSE CASE WHEN mod(q / {owners}, 5) = 0 THEN 'draft' WHEN mod(q / {owners}, 20) = 1 THEN 'in_review'
                                    ELSE 'sent' END
                     END AS status
              FROM generate_series(1::bigint, {quotations}) q) x
        JOIN bench_customer c ON c.n = mod(x.q * 7919, {customers})
    """),
    # Leads over three years: older than 90 days converted (1 in 4), closed (2 in 4) or still
    # followed up; newer ones new or followed up, one in twenty waiting for its team's lead.
    ("leads", """
        INSERT INTO customers_lead (id, name, company_name, title, mobile, mobile_key, phone, email, wechat, country,
            province, city, address, needs, status, close_reason, next_followup_on, created_at, updated_at, company_id,
            created_by_id, customer_id, owner_id, team_id, territory_id, source_id)
        SELECT {le0} + x.l, '联系人' || x.l, '意向客户' || x.l || '号', '', x.mobile, x.mobile, '', '', '', '中国', '江苏',
            (ARRAY['南京','苏州','无锡','常州'])[1 + mod(x.l, 4)], '', '', x.status,
            CASE WHEN x.status = 'closed' THEN '暂无采购需求' ELSE '' END,
            CASE WHEN x.status IN ('new', 'following') THEN {today} + mod(x.l, 14)::int - 3 END,
            x.d::timestamptz + interval '10 hours', now(), {company}, o.employee_id,
            CASE WHEN x.status = 'converted' THEN c.id END,
            CASE WHEN x.unassigned THEN NULL ELSE o.employee_id END,
            CASE WHEN x.unassigned THEN o.department_id END, NULL, NULL
        FROM (SELECT l, {today} - 1095 + ((l - 1) * 1096 / {leads})::int AS d,
                     '13' || lpad(mod(l * 7919, 1000000000)::text, 9, '0') AS mobile,
                     (l - 1) * 1096 / {leads} >= 1006 AND mod(l / {owners}, 20) = 0 AS unassigned,
                     CASE WHEN (l - 1) * 1096 / {leads} < 1006
                          THEN CASE mod(l / {owners}, 4) WHEN 0 THEN 'converted' WHEN 3 THEN 'following' ELSE 'closed' END
                          WHEN mod(l / {owners}, 2) = 0 THEN 'new' ELSE 'following' END AS status
              FROM generate_series(1::bigint, {leads}) l) x
        JOIN bench_owner o ON o.n = mod(x.l, {owners})
        JOIN bench_customer c ON c.n = mod(x.l * 7919, {customers})
    """),
    # An approval request for half of the orders, by its owner, reviewed by his direct superior and,
    # one in ten, then by the director; the last 1 % still in approval (half of the two-step ones
    # at the director's step), otherwise approved, rejected (1 in 40) or returned (1 in 50).
    ("approval requests", """
        INSERT INTO approvals_approvalrequest (id, document_type, object_id, title, amount, facts, chain_name, plan,
            status, current_step, stall_reason, stall_detail, submitted_at, decided_at, chain_id, company_id,
            content_type_id, submitter_id)
        SELECT {ar0} + x.r, 'order', x.id, x.number, x.amount, '{{}}'::jsonb, '订单评审',
            CASE WHEN x.two THEN '{plan2}' ELSE '{plan1}' END::jsonb, x.status,
            CASE WHEN x.status = 'approved' THEN CASE WHEN x.two THEN 2 ELSE 1 END
                 WHEN x.status = 'pending' AND x.two AND mod(x.r + x.r / {owners}, 20) = 0 THEN 1 ELSE 0 END,
            '', '', x.created_at + interval '1 hour',
            CASE WHEN x.status <> 'pending' THEN x.created_at + interval '20 hours' END,
            {chain}, {company}, {order_type}, x.owner_id
        FROM (SELECT g.r, so.id, so.number, so.amount, so.created_at, so.owner_id,
                     mod(g.r + g.r / {owners}, 10) = 0 AND s.superior_id <> {director} AS two,
                     CASE WHEN g.r > {approvals} - {approvals} / 100 THEN 'pending'
                          WHEN mod(g.r / {owners}, 40) = 0 THEN 'rejected'
                          WHEN mod(g.r / {owners}, 50) = 1 THEN 'returned' ELSE 'approved' END AS status
              FROM generate_series(1::bigint, {approvals}) g(r)
              JOIN sales_salesorder so ON so.id = {so0} + pg_temp.half(g.r, 0, {owners})
              JOIN bench_superior s ON s.employee_id = so.owner_id) x
    """),
    ("approval tasks", """
        INSERT INTO approvals_approvaltask (id, step, step_name, status, comment, created_at, acted_at, approver_id,
            request_id, added_by_id, required)
        SELECT {at0} + (q.id - {ar0}) * 2 - 1, 0, '直接上级审核',
            CASE WHEN q.status = 'pending' AND q.current_step = 0 THEN 'pending'
                 WHEN q.status IN ('rejected', 'returned') THEN q.status ELSE 'approved' END,
            CASE WHEN q.status = 'rejected' THEN '价格低于底价' WHEN q.status = 'returned' THEN '请补充交货期' ELSE '' END,
            q.submitted_at, CASE WHEN q.status = 'pending' AND q.current_step = 0 THEN NULL
                                 ELSE q.submitted_at + interval '4 hours' END,
            s.superior_id, q.id, NULL::bigint, false
        FROM approvals_approvalrequest q JOIN bench_superior s ON s.employee_id = q.submitter_id
        WHERE q.id > {ar0}
        UNION ALL
        SELECT {at0} + (q.id - {ar0}) * 2, 1, '销售总监审批', CASE WHEN q.status = 'pending' THEN 'pending' ELSE 'approved' END,
            '', q.submitted_at + interval '4 hours',
            CASE WHEN q.status = 'pending' THEN NULL ELSE q.submitted_at + interval '20 hours' END,
            {director}, q.id, NULL::bigint, false
        FROM approvals_approvalrequest q
        WHERE q.id > {ar0} AND jsonb_array_length(q.plan) = 2
              AND (q.status = 'approved' OR (q.status = 'pending' AND q.current_step = 1))
    """),
    # Notifications over the last year, round-robin over the owners except one in 200 each to the
    # measured rep and the director; read after two hours, except those of the last week.
    ("notifications", """
        INSERT INTO notifications_notification (id, kind, params, url, created_at, read_at, actor_id, recipient_id)
        SELECT {no0} + x.n, CASE WHEN mod(x.n, 3) = 0 THEN 'approval_approved' ELSE 'approval_requested' END,
            jsonb_build_object('actor', '员工' || lpad((1 + mod(x.n * 7, {owners}))::text, 4, '0'),
                               'document_type', 'order', 'title', 'DD-' || to_char(x.t, 'YYYYMM') || '-' || mod(x.n, 9000)),
            '', x.t, CASE WHEN x.t < now() - interval '7 days' THEN x.t + interval '2 hours' END, a.employee_id,
            CASE mod(x.n, 200) WHEN 0 THEN {rep} WHEN 1 THEN {director} ELSE o.employee_id END
        FROM (SELECT n, now() - ({notifications} - n) * (interval '365 days' / {notifications}) AS t
              FROM generate_series(1::bigint, {notifications}) n) x
        JOIN bench_owner o ON o.n = mod(x.n, {owners})
        JOIN bench_owner a ON a.n = mod(x.n * 7, {owners})
    """),
    # The audit log: a status change of each order of the other half, by its owner, when it was
    # placed; filed under the company, as the audit signals file them.
    ("audit entries", """
        INSERT INTO audit_auditentry (id, at, actor_name, source, request_id, action, object_id, object_repr, changes,
            actor_id, actor_employee_id, content_type_id, company_id)
        SELECT {au0} + g.r, so.created_at + interval '2 hours', e.name, 'web', '', 'update', so.id::text, so.number,
            jsonb_build_object('status', jsonb_build_array('draft', 'confirmed')), e.user_id, e.id, {order_type},
            {company}
        FROM generate_series(1::bigint, {audit}) g(r)
        JOIN sales_salesorder so ON so.id = {so0} + pg_temp.half(g.r, 1, {owners})
        JOIN org_employee e ON e.id = so.owner_id
    """),
    # Visit plans over 52 weeks (44 past, 8 ahead), each for one customer in turn, by its owner:
    # past ones done (7 in 10, with the visit recorded), cancelled (1 in 20) or overdue.
    ("visit plans", """
        INSERT INTO customers_visitplan (id, planned_on, purpose, status, created_at, customer_id, followup_id, owner_id)
        SELECT {vp0} + x.v, x.d, '介绍新品，了解采购计划', x.status, (x.d - 3)::timestamptz + interval '9 hours', c.id,
            CASE WHEN x.status = 'done' THEN {fu0} + x.v END, c.owner_id
        FROM (SELECT v, {today} - 308 + ((v - 1) * 364 / {plans})::int AS d,
                     CASE WHEN {today} - 308 + ((v - 1) * 364 / {plans})::int < {today}
                          THEN CASE WHEN mod(v / {owners}, 10) < 7 THEN 'done' WHEN mod(v / {owners}, 20) = 7 THEN 'cancelled'
                                    ELSE 'planned' END
                          WHEN mod(v / {owners}, 30) = 0 THEN 'cancelled' ELSE 'planned' END AS status
              FROM generate_series(1::bigint, {plans}) v) x
        JOIN bench_customer c ON c.n = mod(x.v - 1, {customers})
    """),
    ("visits (follow-ups)", """
        INSERT INTO customers_followup (id, method, at, content, result, next_followup_on, checked_in_at,
            check_in_place, latitude, longitude, created_at, contact_id, customer_id, owner_id, lead_id)
        SELECT p.followup_id, 'visit', p.planned_on + interval '10 hours', '上门拜访，介绍新品', '客户有意向', NULL, NULL,
            '', NULL, NULL, p.planned_on + interval '11 hours', NULL, p.customer_id, p.owner_id, NULL
        FROM customers_visitplan p WHERE p.id > {vp0} AND p.followup_id IS NOT NULL
    """),
]


# --- the measures -------------------------------------------------------------------------------


def measure(runs: int, only: set[str]):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench.org_bench import bench_users
    from salesdesk.approvals import selectors as approvals
    from salesdesk.audit.models import AuditEntry
    from salesdesk.customers import selectors as customers
    from salesdesk.customers.visit_plans import plans_of_week, team_week, week_of
    from salesdesk.finance import selectors as finance
    from salesdesk.finance.receivables import open_invoices
    from salesdesk.notifications.selectors import notifications_for
    from salesdesk.org.models import Company, Employee
    from salesdesk.sales import selectors as sales

    company = Company.objects.get(code="bench")
    director = Employee.objects.filter(company=company, assignments__position__code="head-HQ",
                                       assignments__ended_on__isnull=True).order_by("pk").first().user
    users = {"rep": bench_users()["rep"], "director": director}
    monday = week_of(timezone.localdate())

    def week(user):
        employee = Employee.objects.get(user=user)
        mine = plans_of_week(user, employee, monday).count()
        if user == director:  # his page adds the team's week: every plan of the week he sees
            return sum(row.planned for row in team_week(user, monday))
        return mine

    # What each list shows, counted in full (the pages count only up to their cap).
    seen = {
        "quotations": lambda user, scene: sales.quotations_for(user, scene=scene).count(),
        "contracts": lambda user, scene: sales.contracts_for(user, scene=scene).count(),
        "orders": lambda user, scene: sales.orders_for(user, scene=scene).count(),
        "shipments": lambda user, scene: sales.shipments_for(user).count(),
        "invoices": lambda user, scene: finance.invoices_for(user).count(),
        "payments": lambda user, scene: finance.payments_for(user).count(),
        "approvals": lambda user, scene: approvals.my_pending_tasks(user).count(),
        "approvals_submitted": lambda user, scene: approvals.my_requests(user).count(),
        "notifications": lambda user, scene: notifications_for(user).count(),
        "audit": lambda user, scene: AuditEntry.objects.restrict(user, "view").count(),
        "leads": lambda user, scene: customers.lead_scene(user, "open").count(),
        "customers": lambda user, scene: customers.customer_scene(user, "all").count(),
        "visit_plans": lambda user, scene: week(user),
        "collection": lambda user, scene: finance.collection_tasks_for(user, status="open").count(),
        "receivables": lambda user, scene: open_invoices(user).values("customer_id").distinct().count(),
    }
    clients = {}
    for role, user in users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    visible, measures = {}, {}
    for key, _label, url_name, rep_query, director_query, _rows in LISTS:
        if only and key not in only:
            continue
        for role, query in (("rep", rep_query), ("director", director_query)):
            user = users[role]
            scene = "all" if "scene=all" in query else sales.default_scene(user)
            visible[f"{key}_{role}"] = seen[key](user, scene)
            url = reverse(url_name) + query
            client = clients[role]

            def get(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            try:
                measures[f"{key}_{role}"] = timed(get, runs)
            except AssertionError as error:
                measures[f"{key}_{role}"] = {"error": f"failed: {error}"}
            print(f"  {key} ({role}): {cell(measures[f'{key}_{role}'])}, sees {visible[f'{key}_{role}']:,}",
                  flush=True)
    return visible, measures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
