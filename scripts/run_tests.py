"""Run the whole test suite on SQLite, then again on PostgreSQL when one is reachable.

    python scripts/run_tests.py [pytest arguments...]

PostgreSQL is taken from DATABASE_URL (default postgres://postgres@127.0.0.1:5432/salesdesk); the
suite runs against fresh test databases (`--create-db`). Browser tests (marked `browser`) run in
the SQLite pass only, to keep the time down.

Each pass spreads the tests over several processes (pytest-xdist, `-n`), one per CPU unless
TEST_PROCESSES says otherwise. Every process has its own test database: in memory on SQLite,
test_<database>_gw0, test_<database>_gw1, … on PostgreSQL. `-n 0` among the pytest arguments runs
each pass in a single process, as does a machine without pytest-xdist (with a note).

Environment:
    REQUIRE_POSTGRES=1   fail when PostgreSQL is not reachable
    REQUIRE_BROWSER=1    fail when the browser tests are skipped or did not run
    TEST_DATABASE_NAME   name of the PostgreSQL test database (default test_<database>; each test
                         process adds _gw0, _gw1, … to it)
    TEST_PROCESSES       test processes per pass (default: the number of CPUs; 1 = no pytest-xdist)

Exit status is non-zero when any run failed or a requirement was not met.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/salesdesk"
BROWSER_TESTS = "tests.browser."


def flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class Outcome:
    label: str
    exit_code: int = 0
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    browser_ran: int = 0
    browser_skipped: int = 0
    browser_failed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        # 5 = nothing collected (e.g. a path filter that matches no test for this pass).
        return self.exit_code in (0, 5) and not self.failed and not self.errors

    def describe(self) -> str:
        parts = [f"{self.passed} passed"]
        for count, word in ((self.failed, "failed"), (self.errors, "errors"), (self.skipped, "skipped")):
            if count:
                parts.append(f"{count} {word}")
        if self.exit_code not in (0, 1, 5):
            parts.append(f"pytest exit code {self.exit_code}")
        return f"{self.label} ({', '.join(parts)})"


def read_junit(path: Path, outcome: Outcome) -> None:
    if not path.exists():
        outcome.notes.append("no test report written")
        return
    for case in ET.parse(path).getroot().iter("testcase"):
        is_browser = (case.get("classname") or "").startswith(BROWSER_TESTS)
        if case.find("skipped") is not None:
            outcome.skipped += 1
            outcome.browser_skipped += is_browser
        elif case.find("failure") is not None:
            outcome.failed += 1
            outcome.browser_failed += is_browser
            outcome.browser_ran += is_browser
        elif case.find("error") is not None:
            outcome.errors += 1
            outcome.browser_failed += is_browser
        else:
            outcome.passed += 1
            outcome.browser_ran += is_browser


def process_count() -> int:
    if os.environ.get("TEST_PROCESSES", "").strip():
        return max(1, int(os.environ["TEST_PROCESSES"]))
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_args() -> tuple[list[str], str]:
    """The pytest-xdist arguments for each pass, and a note when the passes run in one process.

    The suite's time is nearly all CPU (the tests build organisations and go through Django's
    test client): on two CPUs a pass takes a little over half as long as in one process."""
    count = process_count()
    if count <= 1:
        return [], ""
    if importlib.util.find_spec("xdist") is None:
        return [], "pytest-xdist is not installed (make deps): each pass runs in one process"
    return ["-n", str(count)], ""


def run_pytest(label: str, env: dict, args: list[str]) -> Outcome:
    outcome = Outcome(label)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-rfEs", f"--junitxml={report}", *args]
        print(f"\n=== {label}: {' '.join(command[1:])}", flush=True)
        outcome.exit_code = subprocess.call(command, cwd=ROOT, env=env)
        read_junit(report, outcome)
    return outcome


def postgres_version(url: str) -> tuple[str | None, str]:
    """(server version, "") when the server at `url` answers, else (None, reason)."""
    try:
        import dj_database_url
        import psycopg
    except ImportError as error:
        return None, f"missing package: {error.name}"
    settings = dj_database_url.parse(url)
    if "postgresql" not in settings["ENGINE"]:
        return None, f"DATABASE_URL is not a PostgreSQL URL ({settings['ENGINE']})"
    try:
        with psycopg.connect(host=settings["HOST"] or None, port=settings["PORT"] or None,
                             user=settings["USER"] or None, password=settings["PASSWORD"] or None,
                             dbname="postgres", connect_timeout=3) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
    except Exception as error:
        return None, str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return version.split()[0], ""


def main(argv: list[str]) -> int:
    base_env = dict(os.environ)
    # The suite uses its own settings (tests.settings); a DEBUG or database from the shell would leak in.
    for name in ("DEBUG", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"):
        base_env.pop(name, None)
    outcomes: list[Outcome] = []
    problems: list[str] = []

    parallel, note = parallel_args()
    if note:
        print(f"=== {note}", flush=True)
    # The caller's arguments come last, so that their own -n (e.g. -n 0) wins.
    sqlite = run_pytest("SQLite", base_env, [*parallel, *argv])
    outcomes.append(sqlite)

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    version, reason = postgres_version(database_url)
    if version:
        env = dict(base_env, DATABASE_URL=database_url)
        outcomes.append(run_pytest(f"PostgreSQL {version}", env,
                                   [*parallel, "--create-db", "-m", "not browser", *argv]))
    else:
        message = f"PostgreSQL not reachable at {redact(database_url)}: {reason}"
        print(f"\n=== {message}; skipping the PostgreSQL run", flush=True)
        if flag("REQUIRE_POSTGRES"):
            problems.append(f"REQUIRE_POSTGRES=1 but {message}")

    if sqlite.browser_ran:
        browser = f"ran in the SQLite pass ({sqlite.browser_ran} tests, {sqlite.browser_failed} failed)"
    elif sqlite.browser_skipped:
        browser = f"skipped ({sqlite.browser_skipped} tests; Chromium missing?)"
    else:
        browser = "none selected"
    if flag("REQUIRE_BROWSER") and (not sqlite.browser_ran or sqlite.browser_skipped):
        problems.append(f"REQUIRE_BROWSER=1 but the browser tests {browser}")

    print("\n" + "=" * 72)
    print("Tested on: " + ", ".join(outcome.describe() for outcome in outcomes))
    print(f"Browser tests: {browser}")
    for outcome in outcomes:
        for note in outcome.notes:
            print(f"{outcome.label}: {note}")
    failed = [outcome.label for outcome in outcomes if not outcome.ok]
    if failed:
        problems.append("failing run(s): " + ", ".join(failed))
    for problem in problems:
        print(f"FAIL: {problem}")
    print("Result: " + ("FAILED" if problems else "OK"))
    return 1 if problems else 0


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{host}"
    return url


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
