"""One command for the load test of issue 16 §5: the production stack on this machine — gunicorn
(sync workers, one thread each) with PostgreSQL, Redis for cache and sessions, and the task worker
— under the locust scenario of bench/load/locustfile.py.

    .venv/bin/pip install -e '.[load]'         # locust (not part of dev: CI does not need it)
    .venv/bin/python bench/load/run.py --workers 1 --users 40 --duration 10m
    .venv/bin/python bench/load/run.py --workers 4 --users 160 --duration 10m --reuse
    .venv/bin/python bench/load/run.py --workers 1 --find --step-duration 2m

What it does, in order:

1. the PostgreSQL database `salesdesk_load` on 127.0.0.1:5432 (PGUSER, default postgres): dropped
   and created again (`--reuse` keeps it), migrated, `demo_setup`, then bench/load/users.py adds
   people to the demo's positions until there are `--people` log-ins (7 reps : 2 managers : 1
   clerk, as the scenario's weights; reps with `--customers-per-rep` customers each);
2. Redis database 5 (`--redis-db`) emptied: the cache and the sessions (REDIS_URL →
   cached_db sessions);
3. `collectstatic` into a temporary directory (some two minutes; `--static-root DIR` keeps them
   between runs, collected again only when DIR has no staticfiles.json);
4. gunicorn `salesdesk.wsgi -w N --threads 1` on 127.0.0.1:`--port` and `manage.py run_worker`,
   with DEBUG=0 and the production settings (plain HTTP: SECURE_SSL_REDIRECT=0, SECURE_COOKIES=0);
5. locust headless (`-u U -r R`), its CSV files and the servers' logs in `--out`
   (default bench/out/load/<workers>w-<users>u/ or <workers>w-find/); the statistics cover the
   steady state, from the moment the last user has logged in for `--duration` (the log-ins are
   reported apart);
6. prints requests, failures, median and p95 per page and overall, requests per second, the
   load average before and after, the CPU that gunicorn, PostgreSQL, the worker, locust and the
   whole machine used in the window (per request, what the server costs whatever else runs), and
   whether the run holds p95 ≤ `--p95` ms with no error (exit status 0 if it does, 1 if not);
7. stops gunicorn and the worker, also on Ctrl-C or an error.

`--find` looks for the most users the workers hold: short runs (`--step-duration`) from
`--users`, `--step` more each time while the run holds, then halving the gap between the last run
that held and the first that did not down to `--resolution` users; the stack (and the data, which
the runs add to) stays up between the runs. It prints each run and the answer.

The machine should be quiet: every other process on its cores is in the response times (the CPU
line shows how much "everything else" took). Runs are comparable at the same `--people` and
`--customers-per-rep` (the data the pages read). Workers add capacity only while there are cores
for them: each request costs CPU in gunicorn and in PostgreSQL, and locust needs some too, so four
workers hold about four times as many users as one only with some five cores free.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
DATABASE = "salesdesk_load"  # the only database this script creates or drops
WEIGHTS = {"rep": 7, "manager": 2, "clerk": 1}  # as the user classes of locustfile.py


def duration(text: str) -> int:
    """Seconds of "90", "90s", "10m" or "1h"."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 90s, 10m, 1h)")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=1, help="gunicorn worker processes (default 1)")
    parser.add_argument("--users", type=int, default=20, help="simulated users; with --find, where to start")
    parser.add_argument("--duration", type=duration, default=600, help="measured time (default 10m)")
    parser.add_argument("--spawn-rate", type=float, default=None,
                        help="users started per second (default: one per worker; each log-in costs a worker "
                             "several hundred ms of password hashing)")
    parser.add_argument("--p95", type=float, default=300.0, help="the p95 a run must hold, ms (default 300)")
    parser.add_argument("--find", action="store_true", help="look for the most users the workers hold")
    parser.add_argument("--step", type=int, default=10, help="--find: users added per run (default 10)")
    parser.add_argument("--step-duration", type=duration, default=120, help="--find: measured time per run (2m)")
    parser.add_argument("--resolution", type=int, default=5, help="--find: stop halving at this many users")
    parser.add_argument("--max-users", type=int, default=1000, help="--find: never more users than this")
    parser.add_argument("--people", type=int, default=200,
                        help="distinct log-ins (default 200; more users than this share log-ins, each with its "
                             "own session)")
    parser.add_argument("--customers-per-rep", type=int, default=10)
    parser.add_argument("--reuse", action="store_true",
                        help=f"keep the database {DATABASE} of an earlier run (migrated; people added as needed)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--static-root", help="collect static files here (kept: collected again only when the "
                                              "directory has no manifest) instead of a temporary directory")
    parser.add_argument("--out", help="where the CSV files and logs go (default bench/out/load/<workers>w-<users>u)")
    options = parser.parse_args(argv)
    if options.workers < 1 or options.users < 1:
        parser.error("--workers and --users must be at least 1")
    options.spawn_rate = options.spawn_rate or float(options.workers)
    return options


def server_environment(options, static_root: Path) -> dict:
    pguser = os.environ.get("PGUSER", "postgres")
    inherited = {name: value for name, value in os.environ.items() if name != "SALESDESK_TESTING"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "salesdesk.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("LOAD_SECRET_KEY", "load-test-only-secret-key-not-for-production-use"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "DATABASE_URL": f"postgres://{pguser}@127.0.0.1:5432/{DATABASE}",
        "REDIS_URL": f"redis://127.0.0.1:6379/{options.redis_db}",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(command: list[str], env: dict, **kwargs) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, **kwargs)


# --- the data ------------------------------------------------------------------------------------


def prepare_database(options, env: dict, logins: Path) -> None:
    import psycopg

    admin = f"host=127.0.0.1 port=5432 user={os.environ.get('PGUSER', 'postgres')} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists and not options.reuse:
            step(f"dropping the database {DATABASE} of an earlier run")
            connection.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
    step(f"migrating {DATABASE}, demo_setup")
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "demo_setup"], env, stdout=subprocess.DEVNULL)
    counts = {role: math.ceil(options.people * weight / sum(WEIGHTS.values())) for role, weight in WEIGHTS.items()}
    step(f"log-ins: {counts['rep']} reps, {counts['manager']} managers, {counts['clerk']} clerks")
    run([PYTHON, str(HERE / "users.py"), "--reps", str(counts["rep"]), "--managers", str(counts["manager"]),
         "--clerks", str(counts["clerk"]), "--customers-per-rep", str(options.customers_per_rep),
         "--out", str(logins)], env)
    run([PYTHON, "-c", "import django; django.setup(); from django.db import connection; "
                       "connection.cursor().execute('VACUUM ANALYZE')"], env)


def empty_redis(options) -> None:
    import redis

    redis.Redis(host="127.0.0.1", port=6379, db=options.redis_db).flushdb()


# --- the servers ---------------------------------------------------------------------------------


class Stack:
    """gunicorn and the task worker, each in a process group of its own, stopped by `stop()`."""

    def __init__(self, options, env: dict, out: Path):
        self.options, self.env, self.out = options, env, out
        self.processes: list[tuple[str, subprocess.Popen]] = []

    def start(self) -> None:
        options = self.options
        try:  # something else answering on the port would be measured instead
            socket.create_connection(("127.0.0.1", options.port), timeout=2).close()
        except OSError:
            pass
        else:
            raise RuntimeError(f"127.0.0.1:{options.port} is taken by another server; give another --port")
        self._spawn("worker", [PYTHON, "manage.py", "run_worker"])
        self._spawn("gunicorn", [PYTHON, "-m", "gunicorn", "salesdesk.wsgi", "--workers", str(options.workers),
                                 "--threads", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{options.port}",
                                 "--timeout", "60", "--graceful-timeout", "10",
                                 # gunicorn's control socket is one path per user: another gunicorn may be running
                                 "--no-control-socket"])
        url = f"http://127.0.0.1:{options.port}/accounts/login/"
        deadline = time.monotonic() + 60
        while True:
            for name, process in self.processes:
                if process.poll() is not None:
                    raise RuntimeError(f"{name} stopped at once (exit {process.returncode}); see {self.out}/{name}.log")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn does not answer on {url}; see {self.out}/gunicorn.log")
            time.sleep(0.5)

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.out / f"{name}.log", "ab")  # the child keeps its own descriptor
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        log.close()
        self.processes.append((name, process))

    def stop(self) -> None:
        # SIGTERM: gunicorn's workers finish their request, the task worker its job; then, if need be, KILL.
        for _name, process in reversed(self.processes):
            signal_group(process, signal.SIGTERM)
        for name, process in reversed(self.processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                step(f"{name} did not stop within 30 s: killed")
                signal_group(process, signal.SIGKILL)
                process.wait()
        self.processes = []


def signal_group(process: subprocess.Popen, signum: int) -> None:
    """Signals the process group of one of our servers (its leader may have gone, its children not)."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


# --- where the CPU goes ---------------------------------------------------------------------------


class CpuSampler(threading.Thread):
    """Every second, the CPU seconds used so far by gunicorn (master and workers), the PostgreSQL
    backends of the load database, the task worker, locust, and the whole machine (busy, all cores),
    so that the measured window's share can be taken afterwards: per request it does not depend on
    what else the machine is doing, unlike the response times."""

    def __init__(self, stack: Stack):
        super().__init__(daemon=True)
        self.pids = {name: process.pid for name, process in stack.processes}
        self.locust_pid: int | None = None
        self.samples: list[tuple[float, dict]] = []
        self.used: dict[int, float] = {}  # per process: CPU seconds last seen (kept once it has exited)
        self.owner: dict[int, str] = {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.samples.append((time.time(), self.sample()))
            self.halt.wait(1.0)

    def sample(self) -> dict:
        import psutil

        groups: dict[str, list] = {}
        for name, pid in [*self.pids.items(), ("locust", self.locust_pid)]:
            if pid is None:
                continue
            try:
                root = psutil.Process(pid)
                groups[name] = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
        groups["postgres"] = []
        for process in psutil.process_iter(["cmdline"]):
            line = " ".join(process.info["cmdline"] or [])
            if line.startswith("postgres: ") and f" {DATABASE} " in line:
                groups["postgres"].append(process)
        for name, processes in groups.items():
            for process in processes:
                try:
                    times = process.cpu_times()
                except psutil.Error:
                    continue
                self.used[process.pid] = times.user + times.system
                self.owner[process.pid] = name
        totals = {name: 0.0 for name in ("gunicorn", "worker", "postgres", "locust")}
        for pid, seconds in self.used.items():
            totals[self.owner[pid]] += seconds
        machine = psutil.cpu_times()
        totals["machine"] = machine.user + machine.nice + machine.system + getattr(machine, "irq", 0) + \
            getattr(machine, "softirq", 0) + getattr(machine, "steal", 0)
        return totals

    def between(self, start: float, end: float) -> dict | None:
        """CPU seconds used from `start` to `end` (the samples nearest to them)."""
        if not self.samples:
            return None
        first = min(self.samples, key=lambda sample: abs(sample[0] - start))
        last = min(self.samples, key=lambda sample: abs(sample[0] - end))
        if last[0] <= first[0]:
            return None
        used = {name: last[1][name] - first[1][name] for name in last[1]}
        used["seconds"] = last[0] - first[0]
        return used


# --- locust --------------------------------------------------------------------------------------


def load(options, stack: Stack, users: int, seconds: int, logins: Path, out: Path) -> dict:
    """One locust run of `users` users measured for `seconds` after the last log-in; its figures."""
    prefix = out / f"locust-{users}u"
    summary = out / f"locust-{users}u-logins.json"
    # A bound on the whole run: the ramp (log-ins can queue behind each other) plus the window.
    bound = seconds + int(users / options.spawn_rate) * 3 + 120
    env = {**os.environ, "LOAD_LOGINS": str(logins), "LOAD_SUMMARY": str(summary),
           "LOAD_MEASURE_SECONDS": str(seconds)}
    command = [str(Path(PYTHON).with_name("locust")), "-f", str(HERE / "locustfile.py"),
               "--host", f"http://127.0.0.1:{options.port}", "--headless", "-u", str(users),
               "-r", str(options.spawn_rate), "-t", f"{bound}s", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING"]
    before = os.getloadavg()
    sampler = CpuSampler(stack)
    sampler.start()
    try:
        with open(out / f"locust-{users}u.log", "wb") as log:
            locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            sampler.locust_pid = locust.pid
            try:
                locust.wait()
            finally:
                if locust.poll() is None:  # interrupted: locust got Ctrl-C too; give it a moment, then end it
                    try:
                        locust.wait(timeout=10)
                    except subprocess.TimeoutExpired:
                        locust.kill()
                        locust.wait()
    finally:
        sampler.halt.set()
        sampler.join()
    after = os.getloadavg()
    rows = read_stats(Path(f"{prefix}_stats.csv"))
    logins_seen = json.loads(summary.read_text(encoding="utf-8")) if summary.exists() else {}
    cpu = None
    if logins_seen.get("window_start") and logins_seen.get("measured_seconds"):
        cpu = sampler.between(logins_seen["window_start"], logins_seen["window_start"] + logins_seen["measured_seconds"])
    total = next((row for row in rows if row["name"] == "Aggregated"), None)
    failures = (total["failures"] if total else 0) + len(logins_seen.get("login_failures", []))
    held = bool(total and total["requests"] and failures == 0 and total["p95"] <= options.p95
                and logins_seen.get("measured_seconds"))
    return {"users": users, "rows": rows, "total": total, "failures": failures, "logins": logins_seen,
            "load_before": before, "load_after": after, "held": held, "cpu": cpu}


def read_stats(path: Path) -> list[dict]:
    """The rows of locust's _stats.csv that have requests (the log-ins have none: they came before the
    window)."""
    if not path.exists():
        return []
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Request Count"] == "0":
                continue
            rows.append({"type": row["Type"], "name": row["Name"], "requests": int(row["Request Count"]),
                         "failures": int(row["Failure Count"]), "p50": float(row["50%"] or 0),
                         "p95": float(row["95%"] or 0), "rps": float(row["Requests/s"] or 0)})
    return rows


def report(result: dict, options) -> str:
    lines = ["| page | requests | failures | p50 ms | p95 ms | req/s |", "|---|---:|---:|---:|---:|---:|"]
    for row in result["rows"]:
        name = "**all**" if row["name"] == "Aggregated" else f"{row['type']} {row['name']}"
        lines.append(f"| {name} | {row['requests']} | {row['failures']} | {row['p50']:.0f} | {row['p95']:.0f} | "
                     f"{row['rps']:.1f} |")
    logins = result["logins"]
    lines.append("")
    lines.append(
        f"{result['users']} users on {options.workers} worker(s), measured "
        f"{logins.get('measured_seconds') or 0:.0f} s after the last log-in; log-ins (not in the table): "
        f"{logins.get('logins', 0)}, {len(logins.get('login_failures', []))} failed, p50 "
        f"{logins.get('login_p50_ms')} ms, p95 {logins.get('login_p95_ms')} ms. Load average before "
        f"{'/'.join(f'{value:.2f}' for value in result['load_before'])}, after "
        f"{'/'.join(f'{value:.2f}' for value in result['load_after'])}.")
    total = result["total"]
    cpu = result["cpu"]
    if cpu and total and total["requests"]:
        per_request = {name: cpu[name] * 1000 / total["requests"] for name in ("gunicorn", "postgres", "worker")}
        lines.append(
            f"CPU in the window ({cpu['seconds']:.0f} s): gunicorn {cpu['gunicorn']:.1f} s "
            f"({per_request['gunicorn']:.1f} ms per request), PostgreSQL {cpu['postgres']:.1f} s "
            f"({per_request['postgres']:.1f} ms per request), task worker {cpu['worker']:.1f} s, locust "
            f"{cpu['locust']:.1f} s; the whole machine {cpu['machine']:.1f} s of {cpu['seconds'] * (os.cpu_count() or 1):.0f} "
            f"(everything else: {cpu['machine'] - cpu['gunicorn'] - cpu['postgres'] - cpu['worker'] - cpu['locust']:.1f} s).")
    verdict = "HOLDS" if result["held"] else "does not hold"
    lines.append(f"p95 ≤ {options.p95:.0f} ms with no error: {verdict} (p95 "
                 f"{total['p95'] if total else '—'} ms, {result['failures']} failures).")
    return "\n".join(lines)


def find(options, stack: Stack, logins: Path, out: Path) -> list[dict]:
    """Step up, then halve the gap, as the module's docstring says."""
    runs: list[dict] = []

    def probe(users: int) -> bool:
        step(f"--find: {users} users for {options.step_duration} s")
        result = load(options, stack, users, options.step_duration, logins, out)
        runs.append(result)
        total = result["total"] or {}
        step(f"  {users} users: p95 {total.get('p95', '—')} ms, {result['failures']} failures, "
             f"{total.get('rps', 0):.1f} req/s → {'holds' if result['held'] else 'does not hold'}")
        return result["held"]

    held, failed = 0, None
    users = options.users
    while users <= options.max_users:
        if probe(users):
            held, users = users, users + options.step
        else:
            failed = users
            break
    if failed is None:
        return runs
    while failed - held > options.resolution:
        middle = (held + failed) // 2
        if probe(middle):
            held = middle
        else:
            failed = middle
    return runs


def interrupted(_signum, _frame):
    raise KeyboardInterrupt


def main(argv: list[str]) -> int:
    options = parse(argv)
    if not Path(PYTHON).with_name("locust").exists():
        print("locust is not installed in this environment: .venv/bin/pip install -e '.[load]'", file=sys.stderr)
        return 2
    out = Path(options.out or ROOT / "bench" / "out" / "load" /
               f"{options.workers}w-{'find' if options.find else str(options.users) + 'u'}")
    out.mkdir(parents=True, exist_ok=True)
    static_root = Path(options.static_root) if options.static_root else Path(tempfile.mkdtemp(prefix="salesdesk-static-"))
    env = server_environment(options, static_root)
    logins = out / "logins.json"
    stack = Stack(options, env, out)
    # Ctrl-C reaches this process and locust, not the servers (sessions of their own): they are stopped
    # in `finally`. SIGTERM is taken as Ctrl-C; SIGINT explicitly too, since a shell starting this in
    # the background without job control would have it ignored.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    try:
        prepare_database(options, env, logins)
        empty_redis(options)
        if (static_root / "staticfiles.json").exists():
            step(f"static files kept in {static_root} (delete it after changing them)")
        else:
            step(f"collectstatic into {static_root}")
            run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        step(f"gunicorn ({options.workers} worker(s)) on 127.0.0.1:{options.port} and the task worker")
        stack.start()
        if options.find:
            runs = find(options, stack, logins, out)
            held = [result["users"] for result in runs if result["held"]]
            print()
            print("| users | p50 ms | p95 ms | failures | req/s | gunicorn CPU ms/req | PostgreSQL CPU ms/req "
                  "| load before | holds |")
            print("|---:|---:|---:|---:|---:|---:|---:|---|---|")
            for result in sorted(runs, key=lambda result: result["users"]):
                total = result["total"] or {"p50": 0, "p95": 0, "rps": 0, "requests": 0}
                cpu = result["cpu"] if result["cpu"] and total["requests"] else None
                per_request = [f"{cpu[name] * 1000 / total['requests']:.1f}" if cpu else "—"
                               for name in ("gunicorn", "postgres")]
                print(f"| {result['users']} | {total['p50']:.0f} | {total['p95']:.0f} | {result['failures']} | "
                      f"{total['rps']:.1f} | {per_request[0]} | {per_request[1]} | {result['load_before'][0]:.2f} | "
                      f"{'yes' if result['held'] else 'no'} |")
            print()
            print(f"{options.workers} worker(s): the most users that held p95 ≤ {options.p95:.0f} ms with no error "
                  f"for {options.step_duration} s: {max(held) if held else 'none (not even ' + str(options.users) + ')'}")
        else:
            step(f"locust: {options.users} users, {options.spawn_rate:g}/s, measured {options.duration} s")
            result = load(options, stack, options.users, options.duration, logins, out)
            print()
            print(report(result, options))
            return 0 if result["held"] else 1
        return 0
    except KeyboardInterrupt:
        step("interrupted")
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave the servers running
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        if not options.static_root:
            shutil.rmtree(static_root, ignore_errors=True)
        step(f"servers stopped; CSV files and logs in {out}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
