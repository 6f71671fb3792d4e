"""Order-to-cash benchmarks on PostgreSQL: three years of orders, shipments, invoices and payments,
and what a director, a regional manager, a rep and an order clerk do with them.

    python bench/order_bench.py [--runs 25] [--keep] [--reuse] [--only KEY,…] [--scale 1.0] [--documents]

Builds, in a PostgreSQL database `salesdesk_bench_orders` that the script creates and drops, the
benchmark organisation of bench/org_bench.py (2,000 employees, 300 departments) with customers,
sales and finance scopes like their org scopes, an order clerk (跟单员, sales scope: all) and an
accountant (财务会计), duties with their queues, an order review chain (订单评审: the direct
superior), then generates in SQL (INSERT … SELECT generate_series):

* 200,000 customers (owners round-robin, each in its owner's department), credit profiles for
  four in five of them (levels A–D, limits and days of credit by level; D pays cash);
* 2,000 products in 10 product lines, a distributor price list, two warehouses with stock;
* 200,000 contracts (one per customer, signed over three and a half years) with three lines and
  two or three installments each;
* 2,000,000 orders over three years (6,000,000 lines; the orders of one customer in four placed
  while its contract was in force are taken from the contract, at its prices and within its
  quantities: 7 %): the first fifteen months closed (imported with their shipment, as
  salesdesk/sales/history.py does), then shipped; confirmed or partly shipped (跟单: about 5 %)
  those of the last 20 days and one in three of the 100 days before; 2 % cancelled, a few drafts;
* one shipment per shipped, closed or partly shipped order with its lines (about 1,900,000: every
  such order has its shipment, so there are more than orders invoiced);
* one invoice per shipped order (about 1,000,000, issued three days after shipping, due by the
  customer's days of credit, lines as the order's), and about 1,000,000 confirmed payments
  allocated to them — paid in full, except one in forty, long overdue (half of those half paid),
  and two in three of those due in the last 20 days or not yet due — or to the advance
  installment of one contract in four;
* number counters that continue the generated document numbers, the collection tasks of the daily
  run (`refresh_collection_tasks`), the reports' monthly figures (`reports.summaries.rebuild`, as
  `manage.py rebuild_report_figures` does), then VACUUM ANALYZE;

and measures, median and p95 over `--runs` runs (after warm-up runs), with SQL query counts:

* GET /finance/receivables/ (aging per customer) as the director (finance scope: all) and as a
  regional manager (his region);
* `reports.selectors.sales_summary(measure="orders", by=("month", "department"))` over last
  calendar year, as the director;
* creating an order of 20 lines and submitting it for review (credit check, approval chain), in
  a transaction rolled back every run;
* GET /sales/contracts/ (first page of the contract ledger) as the director (all) and a rep
  (mine);
* GET /sales/orders/?scene=follow, the order clerk's queue (跟单) the workbench card opens;
* without targets of their own, the report pages as the director: the sales report (orders per
  owner and month, last year), the contract execution table and its statistics per month (last
  year), and the collection analysis (this month, per department);
* every report for last calendar year as the director, computed in the request: the sales report
  page per department and per owner, the contract execution statistics per month (the page's
  statistics part, which must answer with the figures) and the collection analysis per department
  and per owner (`reports.collection.collection`). `--documents` measures them from the documents
  instead of the monthly figures (the figures before there were any).

`--reuse` keeps the database between runs and generates the data only when it is not there yet
(the order measure rolls back what it writes; new migrations are applied, then VACUUM ANALYZE), so
that one can change the code and measure again in minutes; `--only ar_aging_company,clerk_queue`
measures a few keys only; `--scale 0.01` generates a hundredth of the data (for trying the script
out).

Prints a Markdown table and writes it to bench/out/order_bench.md.
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

DATABASE = "salesdesk_bench_orders"
MEASURES = [  # key, label, target ms, statistic
    ("ar_aging_company", "AR aging, whole company, director", 1000, "median"),
    ("ar_aging_region", "AR aging, regional manager", 300, "median"),
    ("sales_month_department", "sales per month and department, one year, director", 500, "median"),
    ("order_20_lines", "order with 20 lines, submitted for review (credit check)", 100, "median"),
    ("contract_ledger_director", "contract ledger, first page, director (all)", 50, "median"),
    ("contract_ledger_rep", "contract ledger, first page, rep (mine)", 50, "median"),
    ("clerk_queue", "order clerk's queue (跟单), first page", 50, "median"),
    # Not among the targets: the report pages, measured so that a slow one shows.
    ("sales_report_page", "sales report page, orders per owner and month, one year, director", None, "median"),
    ("contract_execution_page", "contract execution table, first page, director (200,000 contracts)", None, "median"),
    ("contract_statistics", "contract execution per month, one year, director", None, "median"),
    ("collection_page", "collection analysis, this month per department, director", None, "median"),
    # Issue 16 §3: every report for a year, for the whole company, as the director, computed in the
    # request (not a background job's "started"): ≤ 300 ms median each.
    ("sales_report_department", "sales report page, orders per department and month, one year, director", 300,
     "median"),
    ("sales_report_owner", "sales report page, orders per owner and month, one year, director", 300, "median"),
    ("contract_statistics_year", "contract execution per month, one year, director, in the request", 300, "median"),
    ("collection_year_department", "collection analysis, one year per department, director, in the request", 300,
     "median"),
    ("collection_year_owner", "collection analysis, one year per owner, director, in the request", 300, "median"),
]

# Sizes at --scale 1.
CUSTOMERS = 200_000
PRODUCTS = 2_000
ORDERS = 2_000_000
DAYS = 1096  # orders from 1095 days ago up to today
CLOSED_DAYS = 471  # the first fifteen months came from the former system (closed, with their shipment)
RECENT_DAYS = 20  # orders of the last 20 days are still to follow …
STUCK_DAYS = 120  # … and one in three of those of the 100 days before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the data of a kept database if it is there")
    parser.add_argument("--only", default="", help="comma-separated measure keys")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the data to generate (default 1)")
    parser.add_argument("--documents", action="store_true",
                        help="reports from the documents, not from the monthly figures (to compare)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)
    result, version = run_in_database(
        Path(__file__).resolve(), DATABASE, ["--runs", str(options.runs), "--scale", str(options.scale), "--only", options.only,
                                             *(["--documents"] if options.documents else [])],
        reuse=options.reuse, keep=options.keep, needs="the order benchmark")
    if result is None:
        return 1
    report = table(result, version)
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "order_bench.md").write_text(report + "\n", encoding="utf-8")
    return 0


def table(result: dict, version: str) -> str:
    lines = [f"| measure | target | PostgreSQL {version} | queries |", "|---|---|---|---|"]
    for key, label, target, statistic in MEASURES:
        if key not in result["measures"]:
            continue
        measure = result["measures"][key]
        if "error" in measure:
            cell = measure["error"]
        else:
            cell = f"median {measure['median']:.1f} ms, p95 {measure['p95']:.1f} ms"
        goal = f"{statistic} ≤ {target} ms" if target else "—"
        lines.append(f"| {label} | {goal} | {cell} | {measure.get('queries', '')} |")
    size = result["size"]
    lines.append("")
    lines.append(
        f"{size['customers']:,} customers ({size['credit_profiles']:,} with a credit profile), {size['products']:,} "
        f"products, {size['contracts']:,} contracts, {size['orders']:,} orders with {size['order_lines']:,} lines, "
        f"{size['shipments']:,} shipments, {size['invoices']:,} invoices ({size['open_invoices']:,} open), "
        f"{size['payments']:,} payments, {size['employees']:,} employees; "
        + (f"kept from an earlier run (ready in {result['build_seconds']:.0f} s); " if result.get("reused")
           else f"generated in {result['build_seconds']:.0f} s; ")
        + f"{result['runs']} runs per measure. Visible: "
        + ", ".join(f"{role} {count:,}" for role, count in result["visible"].items()) + ".")
    return "\n".join(lines)


# --- the worker ---------------------------------------------------------------------------------


def worker(options) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    from bench.org_bench import bench_users, build_org
    from salesdesk.finance.models import FinanceSettings
    from salesdesk.org.models import Company

    started = time.perf_counter()
    applied = MigrationRecorder.Migration.objects.count() if "django_migrations" in connection.introspection.table_names() \
        else 0
    call_command("migrate", verbosity=0)
    reused = FinanceSettings.objects.filter(company__code="bench").exists()  # a kept database (--reuse)
    if reused:
        org = {"users": bench_users()}
        if MigrationRecorder.Migration.objects.count() != applied:  # new indexes: their statistics too
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    elif Company.objects.filter(code="bench").exists():
        print("The database holds an unfinished generation; run without --reuse to start again.")
        return 1
    else:
        org = build_org()
        print(f"organisation built in {time.perf_counter() - started:.0f} s", flush=True)
        generate(options.scale, started)
    from salesdesk.reports.models import MonthlyFigures

    if not MonthlyFigures.objects.filter(company__code="bench").exists():  # kept from before there were any
        from salesdesk.reports.summaries import rebuild

        print(f"monthly report figures: {rebuild(company=Company.objects.get(code='bench')):,} rows", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE reports_monthlyfigures")
    if options.documents:  # what the reports cost when every one reads the documents
        from salesdesk.reports import summaries

        summaries.readable = lambda *args, **kwargs: None
    size = existing_counts()
    build_seconds = time.perf_counter() - started
    print(f"ready in {build_seconds:.0f} s: {size}", flush=True)
    only = {key for key in options.only.split(",") if key}
    visible, measures = measure(org, options.runs, only, documents=options.documents)
    result = {"size": size, "build_seconds": build_seconds, "reused": reused, "runs": options.runs,
              "measures": measures, "visible": visible}
    Path(options.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def existing_counts() -> dict:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_company WHERE code = 'bench'")
        company = cursor.fetchone()[0]
        for key, statement in [
            ("customers", "SELECT count(*) FROM customers_customer WHERE company_id = %s"),
            ("credit_profiles", "SELECT count(*) FROM finance_creditprofile WHERE company_id = %s"),
            ("products", "SELECT count(*) FROM sales_product WHERE company_id = %s"),
            ("contracts", "SELECT count(*) FROM sales_contract WHERE company_id = %s"),
            ("orders", "SELECT count(*) FROM sales_salesorder WHERE company_id = %s"),
            ("order_lines", "SELECT count(*) FROM sales_salesorderline l JOIN sales_salesorder o ON o.id = l.order_id"
                            " WHERE o.company_id = %s"),
            ("shipments", "SELECT count(*) FROM sales_shipment WHERE company_id = %s"),
            ("invoices", "SELECT count(*) FROM finance_invoice WHERE company_id = %s"),
            ("open_invoices", "SELECT count(*) FROM finance_invoice WHERE company_id = %s"
                              " AND amount > paid_amount + written_off_amount"
                              " AND status IN ('issued', 'mailed', 'received')"),
            ("payments", "SELECT count(*) FROM finance_payment WHERE company_id = %s"),
            ("employees", "SELECT count(*) FROM org_employee WHERE company_id = %s"),
        ]:
            cursor.execute(statement, [company])
            counts[key] = cursor.fetchone()[0]
    return counts


# --- generation ---------------------------------------------------------------------------------


def setup_company():
    """What the generated data needs besides the organisation: scopes of the customers, sales and
    finance modules like the org scopes, duties with their queues, an order clerk and an
    accountant, the order review chain, product lines, a price list, warehouses, number series."""
    from salesdesk.approvals.models import ApprovalChain, ApprovalStep
    from salesdesk.core.numbering import series_for
    from salesdesk.core.scope import ScopeLevel
    from salesdesk.customers import services as customer_services
    from salesdesk.org import services as org_services
    from salesdesk.org.models import Company, Department, Position
    from salesdesk.sales.models import PriceList, ProductLine, Warehouse

    company = Company.objects.get(code="bench")
    customer_services.ensure_defaults(company=company)
    positions = list(Position.objects.filter(company=company).select_related("department"))
    for position in positions:
        level = position.scope_level("org")
        if level != ScopeLevel.SELF:
            for module in ("customers", "sales", "finance"):
                org_services.set_position_scope(position=position, module=module, level=level)
    # Duties as in the organisation templates: the director and the region heads chase receivables
    # and approve, the reps follow up their customers and chase their own receivables.
    for position in positions:
        if position.code == "head-HQ":
            duties = [{"text": "掌握销售与回款，审批重大事项。", "queue": "approvals"},
                      {"text": "监督应收账款的催收。", "queue": "receivables_overdue"},
                      {"text": "审定客户信用等级和信用额度。", "capability": "credit"}]
        elif position.code.startswith("head-D2-"):
            duties = [{"text": "督导本大区的业务和货款回收。", "queue": "receivables_overdue"},
                      {"text": "审批本大区的单据。", "queue": "approvals"}]
        elif position.code.startswith("rep-"):
            duties = [{"text": "拜访和跟进客户。", "queue": "followups_today"},
                      {"text": "催收本人客户的应收账款。", "queue": "receivables_overdue"}]
        else:
            continue
        org_services.set_duties(position=position, duties=duties)
    headquarters = Department.objects.get(company=company, code="HQ")
    director_position = Position.objects.get(company=company, code="head-HQ")
    everything = {module: ScopeLevel.ALL for module in ("customers", "sales")}
    clerk = org_services.create_position(
        department=headquarters, title="跟单员", code="clerk-HQ", reports_to=director_position,
        scopes={**everything, "finance": ScopeLevel.SELF},
        duties=[{"text": "接收全国客户的订单，跟踪发货直至全部发出。", "queue": "orders_to_follow"},
                {"text": "安排发货出库。", "queue": "to_ship", "capability": "ship_goods"}])
    accountant = org_services.create_position(
        department=headquarters, title="财务会计", code="accountant-HQ", reports_to=director_position,
        scopes={**everything, "finance": ScopeLevel.ALL},
        duties=[{"text": "确认回款并核销。", "queue": "payments_to_confirm", "capability": "confirm_payments"},
                {"text": "复核开票申请。", "queue": "invoices_to_check", "capability": "check_invoices"},
                {"text": "跟进逾期应收。", "queue": "receivables_overdue"}])
    org_services.create_employee_with_login(company=company, name="跟单员甲", username="bench-clerk",
                                            password="bench-pass", positions=[clerk])
    org_services.create_employee_with_login(company=company, name="会计乙", username="bench-accountant",
                                            password="bench-pass", positions=[accountant])
    chain = ApprovalChain.objects.create(company=company, document_type="order", name="订单评审")
    ApprovalStep.objects.create(chain=chain, order=1, name="直接上级审核", approver="superior")
    ProductLine.objects.bulk_create([ProductLine(company=company, name=f"产品线{n + 1:02d}", sort_order=n)
                                     for n in range(10)])
    PriceList.objects.create(company=company, name="经销商价", channel="distributor")
    Warehouse.objects.create(company=company, code="WH-MAIN", name="总库", address="江苏省南京市")
    Warehouse.objects.create(company=company, code="WH-SZ", name="苏州中转库", kind=Warehouse.Kind.TRANSIT,
                             address="江苏省苏州市")
    for document in ("contract", "order", "shipment", "invoice", "payment"):
        series_for(company, document)
    return company


def generate(scale: float, started: float) -> None:
    """The customers and the order-to-cash documents, in SQL. Every row gets an explicit id (an
    offset plus its number, so children find their parents without joins); documents are
    numbered PREFIX-YYYYMM-NNNN per month of their date, as core.numbering numbers them, and the
    counters continue from there."""
    from django.db import DatabaseError, connection
    from django.utils import timezone

    from salesdesk.core.models import NumberSeries
    from salesdesk.finance.models import FinanceSettings
    from salesdesk.finance.receivables import refresh_collection_tasks
    from salesdesk.org.models import Employee
    from salesdesk.reports.summaries import rebuild
    from salesdesk.sales.models import PriceList, ProductLine, Warehouse

    company = setup_company()
    today = timezone.localdate()
    customers = max(int(CUSTOMERS * scale), 100)
    products = max(int(PRODUCTS * scale), 50)
    orders = max(int(ORDERS * scale), 2_000)
    accountant = Employee.objects.get(company=company, user__username="bench-accountant").pk
    lines = list(ProductLine.objects.filter(company=company).order_by("sort_order").values_list("pk", flat=True))
    warehouses = dict(Warehouse.objects.filter(company=company).values_list("code", "pk"))
    series = dict(NumberSeries.objects.filter(company=company).values_list("document", "pk"))
    price_list = PriceList.objects.get(company=company, name="经销商价").pk

    def clock(label):
        print(f"  {time.perf_counter() - started:6.0f} s  {label}", flush=True)

    with connection.cursor() as cursor:
        def offset(table):
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            return cursor.fetchone()[0]

        values = {
            "company": company.pk, "customers": customers, "products": products, "orders": orders,
            "today": f"'{today.isoformat()}'::date", "day0": f"('{today.isoformat()}'::date - {DAYS - 1})",
            "days": DAYS, "closed_days": CLOSED_DAYS, "recent_day": DAYS - RECENT_DAYS, "stuck_day": DAYS - STUCK_DAYS,
            "accountant": accountant, "lines": "ARRAY[" + ",".join(map(str, lines)) + "]::bigint[]",
            "main": warehouses["WH-MAIN"], "transit": warehouses["WH-SZ"], "price_list": price_list,
            "cu0": offset("customers_customer"), "cp0": offset("finance_creditprofile"),
            "pr0": offset("sales_product"), "ct0": offset("sales_contract"), "cl0": offset("sales_contractline"),
            "in0": offset("sales_installment"), "so0": offset("sales_salesorder"),
            "ol0": offset("sales_salesorderline"), "sh0": offset("sales_shipment"),
            "sl0": offset("sales_shipmentline"), "iv0": offset("finance_invoice"),
            "il0": offset("finance_invoiceline"), "pa0": offset("finance_payment"), "al0": offset("finance_allocation"),
        }

        def run(label, statement, table_name):
            cursor.execute(statement.format(**values))
            rows = cursor.rowcount
            cursor.execute(f"ANALYZE {table_name}")  # fresh statistics for the steps that read it
            clock(f"{label}: {rows:,} rows" if rows and rows > 0 else label)

        # Bulk loading: no foreign-key triggers (every id below is one that exists), no fsync wait.
        try:
            cursor.execute("SET session_replication_role = replica")
        except DatabaseError:  # not a superuser: the triggers run, which is only slower
            pass
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in FUNCTIONS:
            cursor.execute(statement.format(**values))
        values["owners"] = create_owner_table(cursor, company.pk)
        for label, table_name, statement in STEPS:
            run(label, statement, table_name)
        for document, table_name in (("contract", "sales_contract"), ("order", "sales_salesorder"),
                                     ("shipment", "sales_shipment"), ("invoice", "finance_invoice"),
                                     ("payment", "finance_payment")):
            cursor.execute(f"""
                INSERT INTO core_numbercounter (series_id, period, last)
                SELECT %s, split_part(number, '-', 2), max(split_part(number, '-', 3)::int)
                FROM {table_name} WHERE company_id = %s GROUP BY 2
                ON CONFLICT (series_id, period) DO UPDATE SET last = greatest(core_numbercounter.last, excluded.last)
            """, [series[document], company.pk])
        for table_name in ("customers_customer", "finance_creditprofile", "sales_product", "sales_pricelistitem",
                           "sales_stocklevel", "sales_contract", "sales_contractline", "sales_installment",
                           "sales_salesorder", "sales_salesorderline", "sales_shipment", "sales_shipmentline",
                           "finance_invoice", "finance_invoiceline", "finance_payment", "finance_allocation"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table_name}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table_name}))")
        cursor.execute("SET session_replication_role = DEFAULT")
        clock("number counters and sequences")
    outcome = refresh_collection_tasks(company=company)
    clock(f"collection tasks: {outcome}")
    clock(f"monthly report figures: {rebuild(company=company):,} rows")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    clock("VACUUM ANALYZE")
    FinanceSettings.objects.create(company=company)  # last: marks the generation as complete (--reuse)
    connection.close()  # the measures get a connection of their own, with the server's settings


def create_owner_table(cursor, company_id: int) -> int:
    """The temporary table bench_owner (n, employee_id, department_id): the owners that generated
    records go to round-robin (record number modulo their count), everyone but the clerk and the
    accountant; returns their count."""
    cursor.execute("""
        CREATE TEMP TABLE bench_owner AS
        SELECT row_number() OVER (ORDER BY e.id) - 1 AS n, e.id AS employee_id, p.department_id
        FROM org_employee e JOIN org_assignment a ON a.employee_id = e.id JOIN org_position p ON p.id = a.position_id
        WHERE e.company_id = %s AND a.ended_on IS NULL AND a.is_primary AND p.code NOT IN ('clerk-HQ', 'accountant-HQ')
    """, [company_id])
    cursor.execute("SELECT count(*) FROM bench_owner")
    return cursor.fetchone()[0]


# Inlined SQL functions (pg_temp): which customer, day, status and lines an order has, from its
# number o; which products and prices a contract k (the contract of customer k) has.
FUNCTIONS = [
    "CREATE FUNCTION pg_temp.price(p bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT (50 + mod(p * 7331, 4951))::numeric $$",
    "CREATE FUNCTION pg_temp.unit_of(p bigint) RETURNS text IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT (ARRAY['件','台','箱','套'])[1 + mod(p, 4)::int] $$",
    "CREATE FUNCTION pg_temp.net(list numeric, discount numeric) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT round(list * (100 - discount) / 100, 4) $$",
    "CREATE FUNCTION pg_temp.seq(n bigint) RETURNS text IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END $$",
    # contracts: customer k's contract, signed from 180 days before the first order to 30 days ago
    "CREATE FUNCTION pg_temp.c_start(k bigint) RETURNS date IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT {day0} - 180 + (((k - 1) * ({days} + 180 - 31)) / {customers})::int $$",
    "CREATE FUNCTION pg_temp.c_status(k bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT CASE "
    "WHEN k > {customers} - {customers} / 400 THEN 'draft' WHEN mod(k, 50) = 0 THEN 'terminated' "
    "WHEN pg_temp.c_start(k) + 364 < {today} THEN 'completed' ELSE 'active' END $$",
    "CREATE FUNCTION pg_temp.c_product(k bigint, j int) RETURNS bigint IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT 1 + mod(k * 13 + j * 577, {products}) $$",
    "CREATE FUNCTION pg_temp.c_quantity(k bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT (150 + mod(k, 5) * 20)::numeric $$",
    "CREATE FUNCTION pg_temp.c_discount(k bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT (mod(k, 3) * 5)::numeric $$",
    # orders
    "CREATE FUNCTION pg_temp.o_customer(o bigint) RETURNS bigint IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT 1 + mod(o * 7919, {customers}) $$",
    "CREATE FUNCTION pg_temp.o_day(o bigint) RETURNS int IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT ((o - 1) * {days} / {orders})::int $$",
    "CREATE FUNCTION pg_temp.o_linked(o bigint) RETURNS boolean IMMUTABLE LANGUAGE sql AS $$ SELECT "
    "mod(o, 4) = 0 AND pg_temp.c_status(pg_temp.o_customer(o)) IN ('active', 'completed') "
    "AND {day0} + pg_temp.o_day(o) BETWEEN pg_temp.c_start(pg_temp.o_customer(o)) "
    "AND pg_temp.c_start(pg_temp.o_customer(o)) + 364 $$",
    "CREATE FUNCTION pg_temp.o_lines(o bigint) RETURNS int IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT CASE WHEN pg_temp.o_linked(o) THEN 3 ELSE 1 + mod(o, 5)::int END $$",
    "CREATE FUNCTION pg_temp.o_product(o bigint, j int) RETURNS bigint IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT CASE WHEN pg_temp.o_linked(o) THEN pg_temp.c_product(pg_temp.o_customer(o), j) "
    "ELSE 1 + mod(o * 31 + j * 613, {products}) END $$",
    "CREATE FUNCTION pg_temp.o_discount(o bigint) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT CASE WHEN pg_temp.o_linked(o) THEN pg_temp.c_discount(pg_temp.o_customer(o)) "
    "ELSE mod(o, 4) * 2.5 END $$",
    "CREATE FUNCTION pg_temp.o_quantity(o bigint, j int) RETURNS numeric IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT (2 + mod(o * 3 + j * 7, 19))::numeric $$",
    "CREATE FUNCTION pg_temp.o_status(o bigint) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT CASE "
    "WHEN mod(o, 50) = 7 THEN 'cancelled' "
    "WHEN o > {orders} - {orders} / 1000 AND mod(o, 4) = 1 THEN 'draft' "
    "WHEN pg_temp.o_day(o) >= {recent_day} THEN CASE WHEN mod(o, 3) = 0 THEN 'partly_shipped' ELSE 'confirmed' END "
    "WHEN pg_temp.o_day(o) >= {stuck_day} AND mod(o, 3) = 1 "
    "THEN CASE WHEN mod(o, 2) = 0 THEN 'partly_shipped' ELSE 'confirmed' END "
    "WHEN pg_temp.o_day(o) < {closed_days} THEN 'closed' ELSE 'shipped' END $$",
    "CREATE FUNCTION pg_temp.o_shipped_on(o bigint, ordered date) RETURNS date IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT least(ordered + 2 + mod(o, 5)::int, {today}) $$",
    # a customer's credit rating 0–9, not tied to its owner (owners go round-robin): 0 and 5 not rated,
    # 1–2 level A, 3–4 B, 6–8 C, 9 D (cash); its days of credit by level, 30 without a profile
    "CREATE FUNCTION pg_temp.rating(c bigint) RETURNS int IMMUTABLE LANGUAGE sql AS "
    "$$ SELECT mod(c + c / 2000, 10)::int $$",
    "CREATE FUNCTION pg_temp.days_of_credit(c bigint) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT CASE "
    "pg_temp.rating(c) WHEN 1 THEN 60 WHEN 2 THEN 60 WHEN 3 THEN 45 WHEN 4 THEN 45 WHEN 9 THEN 0 ELSE 30 END $$",
]

STEPS = [
    ("customers", "customers_customer", """
        INSERT INTO customers_customer (id, company_id, kind, name, name_key, initials, credit_code, industry, size,
            country, province, city, district, address, postal_code, phone, mobile, mobile_key, intended_unit,
            visits, level, channel, owner_id, owned_since, department_id, notes, is_locked, last_followup_at,
            next_followup_on, created_at, updated_at, customer_class_id, source_id)
        SELECT {cu0} + g, {company}, 'company',
            '客户' || g || '号' || (ARRAY['机电','建材','物流','电子','贸易'])[1 + mod(g, 5)] || '有限公司',
            '客户' || g || '号' || (ARRAY['机电','建材','物流','电子','贸易'])[1 + mod(g, 5)],
            'kh' || g || 'h', '9132' || lpad(g::text, 14, '0'), '制造业', '', '中国', '江苏',
            (ARRAY['南京','苏州','无锡','常州'])[1 + mod(g, 4)], '', '', '', '', '', '', '', 0,
            (ARRAY['A','B','C'])[1 + mod(g, 3)],
            (ARRAY['direct','direct','direct','distributor','distributor','agent'])[1 + mod(g, 6)],
            o.employee_id, now() - (400 + mod(g, 89)) * interval '1 day', o.department_id, '', false,
            now() - mod(g, 14) * interval '1 day', {today} + mod(g, 20)::int - 5,
            now() - (1300 + mod(g, 60)) * interval '1 day', now(), NULL, NULL
        FROM generate_series(1, {customers}) g JOIN bench_owner o ON o.n = mod(g, {owners})
    """),
    ("credit profiles", "finance_creditprofile", """
        INSERT INTO finance_creditprofile (id, company_id, customer_id, level, "limit", policy, payment_days, note,
            updated_by_id, updated_at)
        SELECT {cp0} + g, {company}, {cu0} + g,
            CASE WHEN pg_temp.rating(g) IN (1, 2) THEN 'A' WHEN pg_temp.rating(g) IN (3, 4) THEN 'B'
                 WHEN pg_temp.rating(g) = 9 THEN 'D' ELSE 'C' END,
            CASE WHEN pg_temp.rating(g) IN (1, 2) THEN 3000000 WHEN pg_temp.rating(g) IN (3, 4) THEN 1500000
                 WHEN pg_temp.rating(g) = 9 THEN 0 ELSE 800000 END,
            CASE WHEN pg_temp.rating(g) = 9 THEN 'cash' ELSE 'credit' END, pg_temp.days_of_credit(g), '',
            {accountant}, now() - interval '400 days'
        FROM generate_series(1, {customers}) g WHERE pg_temp.rating(g) NOT IN (0, 5)
    """),
    ("products, list prices, stock", "sales_product", """
        WITH products AS (
            INSERT INTO sales_product (id, company_id, code, name, spec, unit, product_line_id, tax_rate,
                standard_price, floor_price, is_active, price_checked, created_at)
            SELECT {pr0} + p, {company}, 'P' || lpad(p::text, 5, '0'), '产品' || p, '规格' || mod(p, 7),
                pg_temp.unit_of(p), ({lines})[1 + mod(p, 10)], 0.13, pg_temp.price(p),
                round(pg_temp.price(p) * 0.85, 4), true, true, now() - interval '1300 days'
            FROM generate_series(1, {products}) p
            RETURNING id, standard_price
        ), items AS (
            INSERT INTO sales_pricelistitem (price_list_id, product_id, price, floor_price)
            SELECT {price_list}, id, round(standard_price * 0.95, 4), NULL FROM products
        )
        INSERT INTO sales_stocklevel (warehouse_id, product_id, quantity)
        SELECT w, id, 100000 FROM products CROSS JOIN unnest(ARRAY[{main}, {transit}]) w
    """),
    ("contracts", "sales_contract", """
        INSERT INTO sales_contract (id, company_id, number, customer_id, owner_id, quotation_id, title, signed_on,
            starts_on, ends_on, status, amount, list_amount, terms, created_at, updated_at, booked_department_id,
            booked_territory_id)
        SELECT {ct0} + k, {company},
            'HT-' || to_char(s, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(s, 'YYYYMM') ORDER BY k)),
            {cu0} + k, o.employee_id, NULL, '年度供货合同 ' || k,
            CASE WHEN pg_temp.c_status(k) = 'draft' THEN NULL ELSE s END, s, s + 364, pg_temp.c_status(k),
            t.amount, t.listed, '', (s - 5)::timestamptz, now(),
            -- booked once in force: the owner's department (the customers have no territory)
            CASE WHEN pg_temp.c_status(k) <> 'draft' THEN o.department_id END, NULL
        FROM (SELECT k, pg_temp.c_start(k) AS s FROM generate_series(1, {customers}) k) c
        JOIN bench_owner o ON o.n = mod(c.k, {owners})
        CROSS JOIN LATERAL (
            SELECT sum(round(pg_temp.c_quantity(k) * pg_temp.net(pg_temp.price(pg_temp.c_product(k, j)),
                                                                 pg_temp.c_discount(k)), 2)) AS amount,
                   sum(round(pg_temp.c_quantity(k) * pg_temp.price(pg_temp.c_product(k, j)), 2)) AS listed
            FROM generate_series(1, 3) j) t
    """),
    ("contract lines", "sales_contractline", """
        INSERT INTO sales_contractline (id, contract_id, position, product_id, description, quantity, unit,
            list_price, discount, unit_price, floor_price, tax_rate, amount)
        SELECT {cl0} + k * 3 + j, {ct0} + k, j, {pr0} + p, '', pg_temp.c_quantity(k), pg_temp.unit_of(p),
            pg_temp.price(p), pg_temp.c_discount(k), pg_temp.net(pg_temp.price(p), pg_temp.c_discount(k)),
            round(pg_temp.price(p) * 0.85, 4), 0.13,
            round(pg_temp.c_quantity(k) * pg_temp.net(pg_temp.price(p), pg_temp.c_discount(k)), 2)
        FROM generate_series(1, {customers}) k CROSS JOIN generate_series(1, 3) j
        CROSS JOIN LATERAL (SELECT pg_temp.c_product(k, j) AS p) x
    """),
    ("installments", "sales_installment", """
        INSERT INTO sales_installment (id, contract_id, position, kind, amount, due_on, note)
        SELECT {in0} + (c.id - {ct0}) * 3 + i.position, c.id, i.position, i.kind, i.amount, i.due_on, ''
        FROM sales_contract c
        CROSS JOIN LATERAL (
            SELECT round(c.amount * 0.3, 2) AS advance,
                   CASE WHEN mod(c.id - {ct0}, 2) = 0 THEN c.amount - round(c.amount * 0.3, 2)
                        ELSE round(c.amount * 0.6, 2) END AS delivery) a
        CROSS JOIN LATERAL (VALUES
            (1, 'advance', a.advance, c.starts_on + 7),
            (2, 'delivery', a.delivery, c.starts_on + 60),
            (3, 'retention', c.amount - a.advance - a.delivery, c.ends_on)) i(position, kind, amount, due_on)
        WHERE c.company_id = {company} AND c.id > {ct0} AND (i.position < 3 OR mod(c.id - {ct0}, 2) = 1)
    """),
    ("orders", "sales_salesorder", """
        INSERT INTO sales_salesorder (id, company_id, number, customer_id, owner_id, contract_id, ordered_on,
            delivery_on, ship_to, notes, external_number, status, amount, list_amount, confirmed_at, created_at,
            updated_at, booked_department_id, booked_territory_id)
        SELECT {so0} + x.o, {company},
            'DD-' || to_char(x.d, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(x.d, 'YYYYMM') ORDER BY x.o)),
            {cu0} + x.c, w.employee_id, CASE WHEN pg_temp.o_linked(x.o) THEN {ct0} + x.c END, x.d,
            x.d + 7 + mod(x.o, 14)::int, '', '', CASE WHEN x.status = 'closed' THEN 'OLD-' || x.o END, x.status,
            t.amount, t.listed,
            CASE WHEN x.status IN ('confirmed', 'partly_shipped', 'shipped')
                 THEN least((x.d + 1)::timestamptz + interval '10 hours', now()) END,
            x.d::timestamptz + interval '9 hours', now(),
            CASE WHEN x.status IN ('confirmed', 'partly_shipped', 'shipped', 'closed') THEN w.department_id END, NULL
        FROM (SELECT o, {day0} + pg_temp.o_day(o) AS d, pg_temp.o_customer(o) AS c, pg_temp.o_status(o) AS status
              FROM generate_series(1, {orders}) o) x
        JOIN bench_owner w ON w.n = mod(x.c, {owners})
        CROSS JOIN LATERAL (
            SELECT sum(round(pg_temp.o_quantity(x.o, j) * pg_temp.net(pg_temp.price(pg_temp.o_product(x.o, j)),
                                                                       pg_temp.o_discount(x.o)), 2)) AS amount,
                   sum(round(pg_temp.o_quantity(x.o, j) * pg_temp.price(pg_temp.o_product(x.o, j)), 2)) AS listed
            FROM generate_series(1, pg_temp.o_lines(x.o)) j) t
    """),
    ("order lines", "sales_salesorderline", """
        INSERT INTO sales_salesorderline (id, order_id, contract_line_id, position, product_id, description, quantity,
            unit, list_price, discount, unit_price, floor_price, tax_rate, amount, shipped_quantity,
            invoiced_quantity)
        SELECT {ol0} + x.o * 5 + j, x.id, CASE WHEN x.contract_id IS NOT NULL THEN {cl0} + (x.contract_id - {ct0}) * 3 + j END,
            j, {pr0} + p, '', q, pg_temp.unit_of(p), pg_temp.price(p), pg_temp.o_discount(x.o),
            pg_temp.net(pg_temp.price(p), pg_temp.o_discount(x.o)), round(pg_temp.price(p) * 0.85, 4), 0.13,
            round(q * pg_temp.net(pg_temp.price(p), pg_temp.o_discount(x.o)), 2),
            CASE WHEN x.status IN ('closed', 'shipped') THEN q
                 WHEN x.status = 'partly_shipped' AND j = 1 THEN q - 1 ELSE 0 END,
            CASE WHEN x.status = 'shipped' THEN q ELSE 0 END
        FROM (SELECT id, id - {so0} AS o, contract_id, status FROM sales_salesorder
              WHERE company_id = {company} AND id > {so0}) x
        CROSS JOIN LATERAL generate_series(1, pg_temp.o_lines(x.o)) j
        CROSS JOIN LATERAL (SELECT pg_temp.o_product(x.o, j) AS p, pg_temp.o_quantity(x.o, j) AS q) v
    """),
    ("shipments", "sales_shipment", """
        INSERT INTO sales_shipment (id, company_id, number, order_id, customer_id, owner_id, warehouse_id, status,
            ship_to, carrier, tracking_number, shipped_on, delivered_on, receipt_note, created_by_id, created_at,
            updated_at, booked_department_id, booked_territory_id)
        SELECT {sh0} + x.o, {company},
            'FH-' || to_char(x.s, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(x.s, 'YYYYMM') ORDER BY x.o)),
            x.id, x.customer_id, x.owner_id, CASE WHEN mod(x.o, 5) = 0 THEN {transit} ELSE {main} END,
            CASE WHEN x.status = 'partly_shipped' THEN 'released' ELSE 'delivered' END, '',
            (ARRAY['顺丰速运','德邦物流','中通快运'])[1 + mod(x.o, 3)::int], 'SF' || lpad(x.o::text, 10, '0'), x.s,
            CASE WHEN x.status <> 'partly_shipped' THEN least(x.s + 2, {today}) END,
            CASE WHEN x.status = 'closed' THEN '随历史订单导入' WHEN x.status = 'shipped' THEN '客户签收，回单已归档'
                 ELSE '' END,
            x.owner_id, x.s::timestamptz + interval '8 hours', now(), x.booked_department_id, x.booked_territory_id
        FROM (SELECT id, id - {so0} AS o, customer_id, owner_id, status, booked_department_id, booked_territory_id,
                     pg_temp.o_shipped_on(id - {so0}, ordered_on) AS s
              FROM sales_salesorder WHERE company_id = {company} AND id > {so0}
                                      AND status IN ('closed', 'shipped', 'partly_shipped')) x
    """),
    ("shipment lines", "sales_shipmentline", """
        INSERT INTO sales_shipmentline (id, shipment_id, order_line_id, kind, product_id, quantity, unit, unit_price,
            amount)
        SELECT {sl0} + (l.id - {ol0}), {sh0} + (l.order_id - {so0}), l.id, 'ordered', l.product_id,
            l.shipped_quantity, l.unit, l.unit_price, round(l.shipped_quantity * l.unit_price, 2)
        FROM sales_salesorderline l WHERE l.id > {ol0} AND l.shipped_quantity > 0
    """),
    ("invoice lines", "finance_invoiceline", """
        INSERT INTO finance_invoiceline (id, invoice_id, order_line_id, product_id, quantity, unit_price, tax_rate,
            amount, tax_amount)
        SELECT {il0} + (l.id - {ol0}), {iv0} + (l.order_id - {so0}), l.id, l.product_id, l.invoiced_quantity,
            l.unit_price, l.tax_rate, l.amount, round(l.amount * l.tax_rate / (1 + l.tax_rate), 2)
        FROM sales_salesorderline l WHERE l.id > {ol0} AND l.invoiced_quantity > 0
    """),
    ("invoices", "finance_invoice", """
        INSERT INTO finance_invoice (id, company_id, number, order_id, customer_id, owner_id, requested_by_id, kind,
            buyer_name, buyer_tax_id, buyer_address_phone, buyer_bank_account, status, amount, tax_amount,
            checked_by_id, checked_at, check_comment, invoice_number, issued_on, mail_tracking, mailed_on,
            received_on, due_on, paid_amount, written_off_amount, created_at, updated_at, booked_department_id,
            booked_territory_id)
        SELECT {iv0} + x.o, {company},
            'KP-' || to_char(x.issued - 2, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(x.issued - 2, 'YYYYMM') ORDER BY x.o)),
            x.id, x.customer_id, x.owner_id, x.owner_id, 'special', x.name, x.credit_code, '南京市 025-00000000',
            '工商银行 0000', CASE WHEN x.issued < {today} - 7 THEN 'received' WHEN x.issued < {today} - 3
                                  THEN 'mailed' ELSE 'issued' END,
            x.amount, t.tax, {accountant}, (x.issued - 1)::timestamptz + interval '15 hours', '',
            lpad(x.o::text, 8, '0'), x.issued, CASE WHEN x.issued < {today} - 3 THEN 'EMS' || x.o ELSE '' END,
            CASE WHEN x.issued < {today} - 3 THEN x.issued + 1 END,
            CASE WHEN x.issued < {today} - 7 THEN x.issued + 4 END, x.due,
            CASE WHEN x.due < {today} - 20
                 THEN CASE WHEN mod(x.o, 80) = 11 THEN 0 WHEN mod(x.o, 40) = 11 THEN round(x.amount / 2, 2)
                           ELSE x.amount END
                 WHEN mod(x.o, 3) = 0 OR pg_temp.days_of_credit(x.c) = 0 THEN x.amount ELSE 0 END,
            0, (x.issued - 2)::timestamptz + interval '11 hours', now(), x.booked_department_id, x.booked_territory_id
        FROM (SELECT so.id, so.id - {so0} AS o, so.customer_id, so.customer_id - {cu0} AS c, so.owner_id, so.amount,
                     so.booked_department_id, so.booked_territory_id,
                     cu.name, cu.credit_code, pg_temp.o_shipped_on(so.id - {so0}, so.ordered_on) + 3 AS issued,
                     pg_temp.o_shipped_on(so.id - {so0}, so.ordered_on) + 3
                         + pg_temp.days_of_credit(so.customer_id - {cu0}) AS due
              FROM sales_salesorder so JOIN customers_customer cu ON cu.id = so.customer_id
              WHERE so.company_id = {company} AND so.id > {so0} AND so.status = 'shipped') x
        JOIN (SELECT invoice_id, sum(tax_amount) AS tax FROM finance_invoiceline WHERE id > {il0} GROUP BY invoice_id) t
            ON t.invoice_id = {iv0} + x.o
    """),
    ("payments", "finance_payment", """
        INSERT INTO finance_payment (id, company_id, number, customer_id, owner_id, method, amount, received_on, payer,
            reference, bill_number, bill_due_on, note, status, registered_by_id, confirmed_by_id, confirmed_at,
            reject_reason, allocated_amount, refunded_amount, created_at, updated_at, booked_department_id,
            booked_territory_id)
        SELECT {pa0} + x.n, {company},
            'HK-' || to_char(x.received, 'YYYYMM') || '-'
                || pg_temp.seq(row_number() OVER (PARTITION BY to_char(x.received, 'YYYYMM') ORDER BY x.n)),
            x.customer_id, x.owner_id, CASE WHEN mod(x.n, 10) = 0 THEN 'bill' ELSE 'transfer' END, x.amount,
            x.received, x.payer, 'BK' || lpad(x.n::text, 10, '0'),
            CASE WHEN mod(x.n, 10) = 0 THEN 'CD' || lpad(x.n::text, 10, '0') ELSE '' END,
            CASE WHEN mod(x.n, 10) = 0 THEN x.received + 180 END, x.note, 'confirmed', x.owner_id, {accountant},
            least((x.received + 1)::timestamptz + interval '10 hours', now()), '', x.amount, 0,
            x.received::timestamptz + interval '14 hours', now(), x.booked_department_id, x.booked_territory_id
        FROM (
            SELECT i.id - {iv0} AS n, i.customer_id, i.owner_id, i.paid_amount AS amount, i.buyer_name AS payer,
                   greatest(i.issued_on, least(i.due_on - mod(i.id - {iv0}, 10)::int, {today})) AS received,
                   '' AS note, i.booked_department_id, i.booked_territory_id
            FROM finance_invoice i WHERE i.company_id = {company} AND i.id > {iv0} AND i.paid_amount > 0
            UNION ALL
            SELECT {orders} + (c.id - {ct0}), c.customer_id, c.owner_id, n.amount, cu.name,
                   least(c.starts_on + 5, {today}), '预付款', c.booked_department_id, c.booked_territory_id
            FROM sales_contract c JOIN sales_installment n ON n.contract_id = c.id AND n.position = 1
                 JOIN customers_customer cu ON cu.id = c.customer_id
            WHERE c.company_id = {company} AND c.id > {ct0} AND mod(c.id - {ct0}, 4) = 0
                  AND c.status IN ('active', 'completed')) x
    """),
    ("allocations", "finance_allocation", """
        INSERT INTO finance_allocation (id, payment_id, invoice_id, installment_id, amount, allocated_by_id,
            allocated_on, created_at)
        SELECT {al0} + (p.id - {pa0}), p.id,
            CASE WHEN p.id - {pa0} <= {orders} THEN {iv0} + (p.id - {pa0}) END,
            CASE WHEN p.id - {pa0} > {orders} THEN {in0} + (p.id - {pa0} - {orders}) * 3 + 1 END,
            p.amount, {accountant}, p.received_on, p.received_on::timestamptz + interval '16 hours'
        FROM finance_payment p WHERE p.company_id = {company} AND p.id > {pa0}
    """),
]


# --- the measures -------------------------------------------------------------------------------


class RolledBack(Exception):
    pass


def measure(org: dict, runs: int, only: set[str], documents: bool = False):
    import datetime
    from decimal import Decimal

    from django.db import transaction
    from django.http import QueryDict
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from salesdesk.core.contextvars import acting_as, actor_for_user
    from salesdesk.core.scope import scope_for
    from salesdesk.customers.models import Customer
    from salesdesk.finance import credit
    from salesdesk.finance.receivables import open_invoices
    from salesdesk.org.models import Company, Employee
    from salesdesk.reports.collection import collection
    from salesdesk.reports.execution import statistics
    from salesdesk.reports.selectors import sales_summary
    from salesdesk.reports.views import contracts_for as contracts_for_page
    from salesdesk.sales import orders
    from salesdesk.sales.lines import LineInput
    from salesdesk.sales.models import Product, SalesOrder
    from salesdesk.sales.selectors import contracts_for, orders_for

    company = Company.objects.get(code="bench")
    users = org["users"]

    def holder(code):
        return Employee.objects.filter(company=company, assignments__position__code=code,
                                       assignments__ended_on__isnull=True).order_by("pk").first().user

    director, clerk = holder("head-HQ"), holder("clerk-HQ")
    roles = {"director": director, "regional": users["regional"], "rep": users["rep"], "clerk": clerk}
    visible = {
        "open invoices (director)": open_invoices(director).count(),
        "open invoices (regional manager)": open_invoices(users["regional"]).count(),
        "contracts (director)": contracts_for(director, scene="all").count(),
        "contracts (rep, mine)": contracts_for(users["rep"], scene="mine").count(),
        "orders to follow (clerk)": orders_for(clerk, scene="follow").count(),
    }
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

    if wanted("ar_aging_company"):
        measures["ar_aging_company"] = timed(page(clients["director"], reverse("finance:receivables")), runs)
    if wanted("ar_aging_region"):
        measures["ar_aging_region"] = timed(page(clients["regional"], reverse("finance:receivables")), runs)

    if wanted("sales_month_department"):
        year = timezone.localdate().year - 1

        def summary():
            scope_for(director, refresh=True)  # as in a request: the scope is resolved once per request
            rows = sales_summary(director, measure="orders", by=("month", "department"),
                                 date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31))
            assert rows
        measures["sales_month_department"] = timed(summary, runs)

    if wanted("order_20_lines"):
        rep = Employee.objects.get(pk=scope_for(users["rep"]).employee_id)
        products = list(Product.objects.filter(company=company, is_active=True).order_by("code")[:20])
        lines = [LineInput(product=product, quantity=Decimal(5)) for product in products]
        estimate = sum((product.standard_price * 5 for product in products), Decimal(0))
        # One of the rep's customers rated for credit whom the credit rules let through.
        customer = None
        for candidate in (Customer.objects.filter(owner=rep, credit_profile__policy="credit")
                          .select_related("credit_profile").order_by("pk")):
            if credit.problem("confirm", order=SalesOrder(customer=candidate), amount=estimate) is None:
                customer = candidate
                break
        assert customer is not None, "no customer of the rep passes the credit check"

        def order_20_lines():
            try:
                with acting_as(actor_for_user(users["rep"])), transaction.atomic():
                    scope_for(users["rep"], refresh=True)
                    order = orders.create_order(by=rep, customer=customer,
                                                delivery_on=timezone.localdate() + datetime.timedelta(days=7),
                                                lines=lines)
                    orders.submit_for_review(order=order, by=rep)
                    order.refresh_from_db(fields=["status"])
                    assert order.status == SalesOrder.Status.IN_REVIEW, order.status
                    raise RolledBack
            except RolledBack:
                pass
        measures["order_20_lines"] = timed(order_20_lines, runs)

    if wanted("contract_ledger_director"):
        measures["contract_ledger_director"] = timed(
            page(clients["director"], reverse("sales:contracts") + "?scene=all"), runs)
    if wanted("contract_ledger_rep"):
        measures["contract_ledger_rep"] = timed(page(clients["rep"], reverse("sales:contracts")), runs)
    if wanted("clerk_queue"):
        measures["clerk_queue"] = timed(page(clients["clerk"], reverse("sales:orders") + "?scene=follow"), runs)
    last_year = timezone.localdate().year - 1
    if wanted("sales_report_page"):
        measures["sales_report_page"] = timed(page(clients["director"], reverse("reports:sales") + (
            f"?measure=orders&rows=owner&unit=month&from={last_year}-01-01&to={last_year}-12-31")), runs)
    if wanted("contract_execution_page"):
        measures["contract_execution_page"] = timed(page(clients["director"], reverse("reports:contracts")), runs)
    if wanted("contract_statistics"):
        measures["contract_statistics"] = timed(page(clients["director"], reverse("reports:contracts") + (
            f"?part=statistics&from={last_year}-01-01&to={last_year}-12-31")), runs)
    if wanted("collection_page"):
        measures["collection_page"] = timed(page(clients["director"], reverse("reports:collection")), runs)

    year_query = f"from={last_year}-01-01&to={last_year}-12-31"
    for rows in ("department", "owner"):
        if wanted(f"sales_report_{rows}"):
            measures[f"sales_report_{rows}"] = timed(page(clients["director"], reverse("reports:sales") + (
                f"?measure=orders&rows={rows}&unit=month&{year_query}")), runs)
    if wanted("contract_statistics_year"):
        def contract_statistics_year():
            if documents:  # the page would start a job: what the job computes, in the request
                scope_for(director, refresh=True)
                rows = statistics(contracts_for_page(director, QueryDict())[0], date_from=datetime.date(last_year, 1, 1),
                                  date_to=datetime.date(last_year, 12, 31))
                assert rows
                return
            response = clients["director"].get(reverse("reports:contracts") + f"?part=statistics&{year_query}")
            assert response.status_code == 200 and b"data-job=" not in response.content, "not in the request"
        measures["contract_statistics_year"] = timed(contract_statistics_year, runs)
    for by in ("department", "owner"):
        if wanted(f"collection_year_{by}"):
            def collection_year(by=by):
                scope_for(director, refresh=True)
                rows, total = collection(director, date_from=datetime.date(last_year, 1, 1),
                                         date_to=datetime.date(last_year, 12, 31), by=by)
                assert rows and total.invoiced
            measures[f"collection_year_{by}"] = timed(collection_year, runs)
    return visible, measures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
