"""Organisation benchmarks: scope resolution and the org pages on a large organisation.

    python bench/org_bench.py [--runs 25] [--only sqlite|postgres] [--keep]

Builds, in a temporary SQLite file and (when reachable) in a PostgreSQL database
`salesdesk_bench` that the script creates and drops, a company with 300 departments over six
levels, about 2,000 employees in positions of mixed scope levels and 20,000 audit entries spread
over their actors, then measures medians over `--runs` runs (after warm-up runs):

* scope resolution: `scope_for(user, refresh=True)`, the visible owners of the org and audit
  modules, `scope_filter(AuditEntry, user)` and `Employee.objects.restrict(user).count()`;
* server time of GET /org/ and /org/chart.json as a superuser and as a regional manager, and of
  GET /org/people/ as a regional manager, through django.test.Client (in-process, so the time is
  the application's: middleware, views, queries and templates, no network).

Prints a Markdown table (measure | target | SQLite median | PostgreSQL median) and writes it to
bench/out/org_bench.md. Each database runs in its own worker process (`--worker`).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/salesdesk"
BENCH_DATABASE = "salesdesk_bench"

# (key, label, target in ms)
MEASURES = [
    ("scope_regional", "scope resolution, regional manager (department and below)", 5),
    ("scope_office", "scope resolution, office manager (subordinates)", 5),
    ("scope_rep", "scope resolution, sales rep (own records)", 5),
    ("chart_admin", "GET /org/ as superuser", 300),
    ("chart_regional", "GET /org/ as regional manager", 300),
    ("chart_json_admin", "GET /org/chart.json as superuser", 300),
    ("chart_json_regional", "GET /org/chart.json as regional manager", 300),
    ("people_regional", "GET /org/people/ as regional manager", 50),
    ("load_template", "load the industrial template with demo people (rolled back)", 2000),
]

# Department tree: children per node at each depth (1 → 5 → 20 → 60 → 120), then 94 offices
# spread over the 120 cities: 300 departments, depths 0 to 5.
FAN_OUT = [5, 4, 3, 2]
OFFICES = 94
EMPLOYEES = 2000
AUDIT_ENTRIES = 20_000


# --- orchestration --------------------------------------------------------------------------------


def postgres_server(url: str) -> tuple[dict | None, str]:
    """Connection parameters for the server at `url` when it answers, else (None, reason)."""
    import dj_database_url
    import psycopg

    settings = dj_database_url.parse(url)
    if "postgresql" not in settings["ENGINE"]:
        return None, "DATABASE_URL is not a PostgreSQL URL"
    params = {"host": settings["HOST"] or None, "port": settings["PORT"] or None,
              "user": settings["USER"] or None, "password": settings["PASSWORD"] or None}
    try:
        with psycopg.connect(dbname="postgres", connect_timeout=3, **params) as connection:
            params["version"] = connection.execute("SHOW server_version").fetchone()[0].split()[0]
    except Exception as error:
        return None, (str(error).strip().splitlines() or [type(error).__name__])[0]
    return params, ""


def postgres_admin(params: dict, statement: str) -> list:
    import psycopg

    connect = {key: value for key, value in params.items() if key != "version"}
    with psycopg.connect(dbname="postgres", connect_timeout=5, autocommit=True, **connect) as connection:
        cursor = connection.execute(statement)
        return cursor.fetchall() if cursor.description else []


def postgres_url(params: dict, database: str) -> str:
    from urllib.parse import quote

    credentials = quote(params["user"] or "postgres")
    if params["password"]:
        credentials += ":" + quote(params["password"])
    return f"postgres://{credentials}@{params['host'] or '127.0.0.1'}:{params['port'] or 5432}/{database}"


def run_worker(label: str, database_url: str, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result_path = Path(tmp) / "result.json"
        env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
        env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="bench.settings")
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", "--runs", str(runs),
                   "--result", str(result_path), "--label", label]
        print(f"\n=== {label}", flush=True)
        code = subprocess.call(command, cwd=ROOT, env=env)
        if code != 0 or not result_path.exists():
            return {"label": label, "error": f"worker exited with status {code}"}
        return json.loads(result_path.read_text())


def run_in_database(script: Path, database: str, worker_args: list[str], *, reuse: bool, keep: bool,
                    needs: str) -> tuple[dict | None, str]:
    """Run `script --worker …` against a PostgreSQL database of its own, made for the run (or kept
    from a run before with `reuse`) and dropped afterwards unless `keep` or `reuse`. Returns (the
    worker's result, the server's version), or (None, why not)."""
    params, reason = postgres_server(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL)
    if params is None:
        print(f"PostgreSQL is not reachable ({reason}); {needs} needs it.")
        return None, reason
    if reuse:
        if not postgres_admin(params, f"SELECT 1 FROM pg_database WHERE datname = '{database}'"):
            postgres_admin(params, f"CREATE DATABASE {database}")
    else:
        postgres_admin(params, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        postgres_admin(params, f"CREATE DATABASE {database}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            result_path = Path(tmp) / "result.json"
            env = {key: value for key, value in os.environ.items() if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")}
            env.update(DATABASE_URL=postgres_url(params, database), DJANGO_SETTINGS_MODULE="bench.settings")
            code = subprocess.call([sys.executable, str(script), "--worker", "--result", str(result_path),
                                    *worker_args], cwd=ROOT, env=env)
            if code != 0 or not result_path.exists():
                print(f"the worker failed (status {code})")
                return None, f"the worker failed (status {code})"
            return json.loads(result_path.read_text()), params["version"]
    finally:
        if not (keep or reuse):
            postgres_admin(params, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def format_cell(result: dict | None, key: str) -> str:
    if result is None:
        return "not run"
    if "error" in result:
        return "failed"
    measure = result["measures"].get(key)
    if measure is None:
        return "not run"
    if "error" in measure:
        return measure["error"]
    return f"{measure['median']:.1f} ms"


def table(sqlite: dict | None, postgres: dict | None) -> str:
    pg_header = f"PostgreSQL {postgres['version']} median" if postgres and postgres.get("version") else \
        "PostgreSQL median"
    lines = [f"| measure | target | SQLite median | {pg_header} |", "|---|---|---|---|"]
    for key, label, target in MEASURES:
        lines.append(f"| {label} | ≤ {target} ms | {format_cell(sqlite, key)} | {format_cell(postgres, key)} |")
    return "\n".join(lines)


def details(results: list[dict]) -> str:
    lines = []
    for result in results:
        if "error" in result:
            lines.append(f"- {result['label']}: {result['error']}")
            continue
        size = result["size"]
        lines.append(
            f"- {result['label']}: {size['departments']} departments (depth {size['max_depth'] + 1} levels), "
            f"{size['positions']} positions, {size['employees']} employees, {size['audit_entries']} audit "
            f"entries; built in {result['build_seconds']:.1f} s; {result['runs']} runs per measure. "
            "Queries per run: " + ", ".join(
                f"{key} {measure['queries']}" for key, measure in result["measures"].items() if "queries" in measure)
            + ". Visible people: " + ", ".join(f"{role} {count}" for role, count in result["visible"].items())
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=25, help="measured runs per measure (default 25, at least 20)")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="run on one database only")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)

    sys.path.insert(0, str(ROOT))
    sqlite = postgres = None
    if options.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = run_worker("SQLite", f"sqlite:///{tmp}/bench.sqlite3", options.runs)
    if options.only in (None, "postgres"):
        params, reason = postgres_server(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL)
        if params is None:
            print(f"\n=== PostgreSQL not reachable ({reason}); skipped", flush=True)
        else:
            postgres_admin(params, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
            postgres_admin(params, f"CREATE DATABASE {BENCH_DATABASE}")
            try:
                postgres = run_worker(f"PostgreSQL {params['version']}", postgres_url(params, BENCH_DATABASE),
                                      options.runs)
                postgres["version"] = params["version"]
            finally:
                if not options.keep:
                    postgres_admin(params, f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    report = table(sqlite, postgres) + "\n\n" + details([r for r in (sqlite, postgres) if r is not None])
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "org_bench.md").write_text(report + "\n", encoding="utf-8")
    failed = [r for r in (sqlite, postgres) if r is not None and "error" in r]
    return 1 if failed else 0


# --- the worker: one database -------------------------------------------------------------------


def worker(options) -> int:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org = build_org()
    build_seconds = time.perf_counter() - started
    print(f"built the organisation in {build_seconds:.1f} s: {org['size']}", flush=True)
    measures = measure_all(org, runs=max(options.runs, 1))
    result = {"label": options.label, "size": org["size"], "build_seconds": build_seconds, "runs": options.runs,
              "measures": measures, "visible": org["visible"]}
    Path(options.result).write_text(json.dumps(result), encoding="utf-8")
    for key, label, target in MEASURES:
        measure = measures.get(key, {})
        shown = measure.get("error") or f"median {measure['median']:.1f} ms, p90 {measure['p90']:.1f} ms"
        print(f"  {label}: {shown} (target ≤ {target} ms)", flush=True)
    return 0


def bench_users() -> dict:
    """The people the benchmarks act as, in an organisation built by `build_org`: the first
    region's head (department tree), the first city's head (subordinates), the first rep and the
    administrator."""
    from django.contrib.auth import get_user_model

    from salesdesk.org.models import Position

    User = get_user_model()

    def holder(position):
        return (User.objects.filter(employee__assignments__position=position, employee__assignments__ended_on=None)
                .order_by("pk").first())

    return {"regional": holder(Position.objects.get(company__code="bench", code="head-D2-1")),
            "office": holder(Position.objects.get(company__code="bench", code="head-D4-1")),
            "rep": holder(Position.objects.filter(company__code="bench", code__startswith="rep-").order_by("pk").first()),
            "admin": User.objects.get(username="bench-admin")}


def build_org() -> dict:
    """300 departments over six levels, heads with scope levels by level, reps in the leaves,
    assistants in the regions, 2,000 employees with log-ins and 20,000 audit entries."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone

    from salesdesk.audit.models import AuditEntry
    from salesdesk.core.contextvars import Actor, acting_as
    from salesdesk.core.scope import ScopeLevel
    from salesdesk.org import services
    from salesdesk.org.models import Assignment, Department, Employee, Position

    User = get_user_model()
    with acting_as(Actor.command("bench")), transaction.atomic():
        company = services.create_company(name="基准测试销售公司", code="bench")
        root = services.create_department(company=company, name="销售总部", code="HQ")
        levels = [[root]]
        names = ["事业部", "大区", "省区", "城市"]
        for depth, fan_out in enumerate(FAN_OUT, start=1):
            level = []
            for parent in levels[-1]:
                for index in range(fan_out):
                    level.append(services.create_department(
                        company=company, parent=parent, name=f"{parent.name[:12]}-{names[depth - 1]}{index + 1}",
                        code=f"D{depth}-{len(level) + 1}", sort_order=index))
            levels.append(level)
        cities = levels[-1]
        offices = []
        for index, city in enumerate(cities):  # OFFICES offices spread evenly over the cities
            if (index * OFFICES) // len(cities) != ((index + 1) * OFFICES) // len(cities):
                offices.append(services.create_department(company=company, parent=city, name=f"{city.name}-办事处",
                                                          code=f"D5-{len(offices) + 1}"))
        levels.append(offices)

        # Heads: director sees all; division, region and province heads their department tree;
        # city and office managers their subordinates. Region assistants see their department.
        level_scope = [ScopeLevel.ALL, ScopeLevel.DEPARTMENT_TREE, ScopeLevel.DEPARTMENT_TREE,
                       ScopeLevel.DEPARTMENT_TREE, ScopeLevel.SUBORDINATES, ScopeLevel.SUBORDINATES]
        titles = ["销售总监", "事业部总经理", "大区经理", "省区经理", "城市经理", "办事处经理"]
        head_of: dict[int, Position] = {}
        seats: list[tuple[Position, int]] = []  # (position, people to place)
        for depth, level in enumerate(levels):
            for department in level:
                parent_head = head_of.get(department.parent_id)
                scope = {"org": level_scope[depth], "audit": level_scope[depth]}
                head = services.create_position(
                    department=department, title=titles[depth], code=f"head-{department.code}", reports_to=parent_head,
                    grade="senior" if depth < 2 else "middle", is_department_head=True, scopes=scope)
                head_of[department.pk] = head
                seats.append((head, 1))
                if depth == 2:
                    assistant = services.create_position(
                        department=department, title="大区助理", code=f"asst-{department.code}", reports_to=head,
                        scopes={"org": ScopeLevel.DEPARTMENT, "audit": ScopeLevel.DEPARTMENT})
                    seats.append((assistant, 1))
        leaves = [department for level in levels for department in level
                  if not Department.objects.filter(parent=department).exists()]
        reps_total = EMPLOYEES - len(seats)
        for index, department in enumerate(leaves):
            count = reps_total // len(leaves) + (1 if index < reps_total % len(leaves) else 0)
            rep = services.create_position(department=department, title="销售代表", code=f"rep-{department.code}",
                                           reports_to=head_of[department.pk], headcount=count + 1)
            seats.append((rep, count))

        # People, in bulk: users, employees, assignments.
        password = make_password("bench-pass")
        people = [(position, f"p{position.pk}-{seat}") for position, count in seats for seat in range(count)]
        User.objects.bulk_create([User(username=username, password=password) for _position, username in people],
                                 batch_size=1000)
        users = dict(User.objects.filter(username__startswith="p").values_list("username", "pk"))
        Employee.objects.bulk_create([
            Employee(company=company, name=f"员工{number:04d}", user_id=users[username], employee_no=f"E{number:05d}")
            for number, (_position, username) in enumerate(people, start=1)], batch_size=1000)
        employees = dict(Employee.objects.filter(company=company).values_list("user__username", "pk"))
        today = timezone.localdate()
        Assignment.objects.bulk_create([
            Assignment(employee_id=employees[username], position=position, is_primary=True, started_on=today)
            for position, username in people], batch_size=1000)

        # Audit entries spread over the employees as actors (bulk inserts: only UPDATE/DELETE are blocked).
        content_type = ContentType.objects.get_for_model(Employee)
        actor_ids = list(employees.values())
        user_of = {pk: users[username] for username, pk in employees.items()}
        AuditEntry.objects.bulk_create([
            AuditEntry(actor_id=user_of[actor_ids[n % len(actor_ids)]], actor_name=f"员工{n % len(actor_ids)}",
                       actor_employee_id=actor_ids[n % len(actor_ids)], source="web", action="update",
                       content_type=content_type, object_id=str(actor_ids[(n * 7) % len(actor_ids)]),
                       object_repr="员工", changes={"mobile": ["13800000000", f"139{n:08d}"]})
            for n in range(AUDIT_ENTRIES)], batch_size=2000)
        User.objects.create_superuser(username="bench-admin", password="bench-pass", email="")
    # Fresh planner statistics, as autovacuum (PostgreSQL) or a routine ANALYZE would give a live system.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    depth = max(department.depth for level in levels for department in level)
    return {
        "users": bench_users(),
        "size": {"departments": Department.objects.filter(company=company).count(), "max_depth": depth,
                 "positions": Position.objects.filter(company=company).count(),
                 "employees": Employee.objects.filter(company=company).count(),
                 "audit_entries": AuditEntry.objects.count()},
        "visible": {},
    }


def timed(function, runs: int, warmup: int = 3) -> dict:
    from django.db import connection

    for _ in range(warmup):
        function()
    # Counted with an execute wrapper: the test client's request_started signal resets
    # connection.queries, which would hide a request's queries from CaptureQueriesContext.
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        function()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {"median": statistics.median(samples), "p90": samples[int(len(samples) * 0.9) - 1] if runs >= 10
            else samples[-1], "p95": samples[max(int(len(samples) * 0.95) - 1, 0)], "min": samples[0],
            "queries": len(queries)}


def measure_all(org: dict, runs: int) -> dict:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from salesdesk.audit.models import AuditEntry
    from salesdesk.core.scope import scope_filter, scope_for
    from salesdesk.org.models import Employee

    users = org["users"]
    measures = {}

    for role in ("regional", "office", "rep"):
        user = users[role]

        def resolve(user=user):
            scope = scope_for(user, refresh=True)
            scope.owners("org")
            scope_filter(AuditEntry, user)
            return Employee.objects.restrict(user).count()

        org["visible"][role] = resolve()
        measures[f"scope_{role}"] = timed(resolve, runs)

    clients = {}
    for role in ("admin", "regional"):
        clients[role] = Client()
        clients[role].force_login(users[role])

    pages = [("chart_admin", "org:chart", "admin"), ("chart_regional", "org:chart", "regional"),
             ("chart_json_admin", "org:chart_data", "admin"), ("chart_json_regional", "org:chart_data", "regional"),
             ("people_regional", "org:people", "regional")]
    for key, url_name, role in pages:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            measures[key] = {"error": f"no URL {url_name}"}
            continue
        client = clients[role]
        response = client.get(url)
        if response.status_code != 200:
            measures[key] = {"error": f"HTTP {response.status_code}"}
            continue

        def get(client=client, url=url):
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
            return response

        measures[key] = timed(get, runs)

    from django.db import transaction

    from salesdesk.org import orgfile

    template = orgfile.load_template("industrial")

    class RolledBack(Exception):
        pass

    def load():  # what `load_org` and every test that loads a template pay
        try:
            with transaction.atomic():
                orgfile.load_org(data=template, demo_people=True)
                raise RolledBack
        except RolledBack:
            pass

    measures["load_template"] = timed(load, runs)
    return measures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
