"""Deploy Salesdesk as the README's "Production deployment" says, check it answers, back it up and
restore it — what an operator does on a clean machine, run by CI on every change.

    python scripts/deploy_check.py [--database postgres|sqlite|both] [--keep DIR]

1. Copies the checkout (the files git tracks or would track) into a new directory, as if unpacked
   on a server, and runs the shell block of the README's "Production deployment" section there,
   line by line: a new virtualenv with `pip install .`, `npm ci` and the asset build, compiled
   translations, collectstatic, migrate, `check --deploy`, `load_org`, createsuperuser (given
   `--noinput` and its DJANGO_SUPERUSER_* variables) and gunicorn, started in the background on a
   free port. The block's `export` line names the settings; this script sets them itself: a new
   PostgreSQL database (or SQLite file), a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1. Everything
   else is the production default (DEBUG off, HTTPS redirect, secure cookies, HSTS, CSP).
2. Starts the worker as the README's systemd unit does (`manage.py run_worker`).
3. Talks to gunicorn as nginx would pass requests on (`X-Forwarded-Proto: https`): the log-in page
   (with its security headers), a hashed static file (cached for a year), the log-in of a person,
   two signed-in pages, the API with a token (a list, and creating a customer), and a background
   job (the customer export, run by the worker, downloaded as .xlsx). A plain-HTTP request must be
   redirected to HTTPS, and gunicorn's log must hold no server error.
4. Stops gunicorn and the worker and backs up the database as the README's "Backups" section says
   (`pg_dump -Fc`; the SQLite file copied with the server stopped), restores it into a new
   database (`pg_restore`; the file copied back), compares `manage.py record_digest` of both
   (record counts per table, a fingerprint of the whole audit log), and serves the restored
   database: the person logs in again and finds the customer.

`--database both` (the default) installs once and then runs steps 1 (from migrate on) to 4 on
PostgreSQL (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/; the databases are
created and dropped) and on SQLite. Needs git, python3, Node.js/npm and, for PostgreSQL, pg_dump
and pg_restore of the server's version. Exit status 0 when everything held.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PERSON, PERSON_PASSWORD = "nanjing-rep-1", "demo12345"  # a rep of the industrial template's demo people
CUSTOMER = "部署检查机电设备有限公司"
INSTALL_WORDS = ("pip install", "npm ci", "compile_translations", "collectstatic")


class CheckFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"[deploy-check {time.strftime('%H:%M:%S')}] {message}", flush=True)


def expect(condition, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


# --- the README's block -----------------------------------------------------------------------


def readme_block() -> list[str]:
    """The commands of the first ```sh block under "## Production deployment", one per line
    (continuations joined)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Production deployment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    expect(block, "README: no ```sh block under “Production deployment”")
    commands, current = [], ""
    for line in block.group(1).splitlines():
        current += line.rstrip("\\").rstrip() + " " if line.endswith("\\") else line
        if not line.endswith("\\"):
            if current.strip():
                commands.append(current.split("  #")[0].strip())
            current = ""
    return commands


def readme_backup_block() -> list[str]:
    """The commands of the ```sh block under "### Backups" (comment lines left out)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    expect("### Backups" in text, "README: no “Backups” section")
    block = re.search(r"```sh\n(.*?)```", text.split("### Backups", 1)[1], re.S)
    expect(block, "README: no ```sh block under “Backups”")
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


# --- processes --------------------------------------------------------------------------------


def run(command: str, *, cwd: Path, env: dict, log: Path | None = None) -> str:
    say(f"$ {command}")
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, text=True, capture_output=True)
    if log is not None:
        with log.open("a", encoding="utf-8") as out:
            out.write(f"$ {command}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise CheckFailed(f"{command!r} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Background:
    """A long-running process (gunicorn, the worker) with its output in a log file."""

    def __init__(self, command: str, *, cwd: Path, env: dict, log: Path):
        say(f"$ {command} &")
        self.log = log
        self.output = log.open("a", encoding="utf-8")
        self.process = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=cwd, env=env, stdout=self.output,
                                        stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.output.close()


def wait_for_port(port: int, process: Background, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        expect(process.process.poll() is None, f"gunicorn stopped:\n{process.log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise CheckFailed(f"gunicorn did not listen on {port} within {seconds} s")


# --- HTTP as nginx passes it on -----------------------------------------------------------------


class Browser:
    """Requests as they reach gunicorn from nginx (HTTPS ended there), with the cookies a browser
    would keep (they are Secure, so a plain-HTTP client would drop them)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
                https: bool = True) -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=60)
        sent = {"Host": HOST, "Accept-Language": "zh-hans"}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent.update(headers or {})
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                cookie_name, cookie_value = value.split(";", 1)[0].split("=", 1)
                self.cookies[cookie_name.strip()] = cookie_value.strip()
        result_headers = {name.lower(): value for name, value in response.getheaders()}
        connection.close()
        return response.status, result_headers, data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict):
        origin = f"https://{HOST}"
        return self.request("POST", path, body=urllib.parse.urlencode(fields).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "Referer": origin + path})


def csrf_token(html: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    expect(found, "no CSRF token in the form")
    return found.group(1).decode()


def log_in(browser: Browser) -> None:
    status, _headers, html = browser.get("/accounts/login/")
    expect(status == 200, f"log-in page: {status}")
    status, headers, _body = browser.post_form("/accounts/login/", {
        "csrfmiddlewaretoken": csrf_token(html), "username": PERSON, "password": PERSON_PASSWORD})
    expect(status == 302 and "sessionid" in browser.cookies,
           f"log-in as {PERSON}: {status} {headers.get('location')} (expected a redirect and a session)")


def smoke(port: int, *, cwd: Path, env: dict, log: Path) -> None:
    browser = Browser(port)

    status, headers, html = browser.get("/accounts/login/")
    expect(status == 200, f"log-in page: {status}")
    expect("content-security-policy" in headers, "log-in page: no Content-Security-Policy header")
    expect("strict-transport-security" in headers, "log-in page: no Strict-Transport-Security header")
    say(f"log-in page 200, {len(html)} bytes, CSP and HSTS headers")

    hashed = re.findall(rb'(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js))"', html)
    expect(hashed, "log-in page: no static file with a hashed name (manifest storage)")
    status, headers, body = browser.get(hashed[0].decode())
    expect(status == 200 and body, f"{hashed[0].decode()}: {status}")
    expect("max-age=315360000" in headers.get("cache-control", ""),
           f"{hashed[0].decode()}: not cached for good ({headers.get('cache-control')})")
    say(f"{hashed[0].decode()} 200, {len(body)} bytes, {headers.get('cache-control')}")

    status, headers, _body = browser.get("/accounts/login/", https=False)
    expect(status == 301 and headers.get("location", "").startswith("https://"),
           f"plain HTTP: {status} {headers.get('location')} (expected a redirect to HTTPS)")

    log_in(browser)
    for path in ("/", "/customers/"):
        status, _headers, html = browser.get(path)
        expect(status == 200 and b"/accounts/logout/" in html, f"{path} signed in: {status}")
        say(f"{path} signed in: 200, {len(html)} bytes")

    token = run(f".venv/bin/python manage.py create_api_token {PERSON}", cwd=cwd, env=env, log=log).strip()
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    status, _headers, body = browser.request("POST", "/api/v1/customers/", headers=api,
                                             body=json.dumps({"name": CUSTOMER}).encode())
    expect(status == 201, f"POST /api/v1/customers/: {status} {body[:300]!r}")
    status, _headers, body = browser.get("/api/v1/customers/?q=" + urllib.parse.quote("部署检查"), headers=api)
    found = json.loads(body)
    expect(status == 200 and found["count"] == 1 and found["results"][0]["name"] == CUSTOMER,
           f"GET /api/v1/customers/: {status} {body[:300]!r}")
    say("API: a customer created (201) and listed (200) with a token")

    status, headers, _body = browser.get("/customers/export/")
    expect(status == 302 and "/jobs/" in headers.get("location", ""),
           f"customer export: {status} {headers.get('location')} (expected the job's page)")
    job = urllib.parse.urlparse(headers["location"]).path
    deadline = time.monotonic() + 120
    while True:
        status, headers, body = browser.get(job + "download/")
        if status == 200:
            break
        expect(time.monotonic() < deadline, f"the export job {job} did not finish within 120 s")
        time.sleep(0.5)
    expect(body[:2] == b"PK", f"{job}download/: not an .xlsx")
    from openpyxl import load_workbook  # the checking side's package, not the deployment's

    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    expect(any(CUSTOMER in (cell or "") for row in sheet.iter_rows(values_only=True) for cell in row
               if isinstance(cell, str)), "the exported .xlsx does not hold the customer")
    say(f"background job {job}: run by the worker, .xlsx of {len(body)} bytes with the customer")


# --- one database -------------------------------------------------------------------------------


def postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/salesdesk")
    parts = urllib.parse.urlsplit(url)
    expect(parts.scheme.startswith("postgres"), f"DATABASE_URL is not PostgreSQL: {url}")
    return urllib.parse.urlunsplit(parts._replace(path="/"))


def database_url(name: str) -> str:
    return postgres_server().rstrip("/") + "/" + name


def admin_sql(statement: str, env: dict, cwd: Path) -> None:
    """CREATE/DROP DATABASE on the server, through psql connected to its `postgres` database."""
    run(f"psql -v ON_ERROR_STOP=1 -q {shlex.quote(postgres_server() + 'postgres')} -c {shlex.quote(statement)}",
        cwd=cwd, env=env)


def check_database(kind: str, *, srv: Path, base_env: dict, install: bool, log: Path) -> None:
    run_id = secrets.token_hex(3)
    name = f"salesdesk_deploy_{run_id}"
    restored = f"salesdesk_restored_{run_id}"
    (srv / "var").mkdir(exist_ok=True)
    port = free_port()
    env = dict(base_env)
    if kind == "postgres":
        env["DATABASE_URL"] = database_url(name)
        admin_sql(f"CREATE DATABASE {name}", env, srv)
    processes: list[Background] = []
    try:
        say(f"--- {kind}: deploying as the README says (gunicorn on {port})")
        gunicorn = None
        for command in readme_block():
            if command.startswith("export "):
                continue  # the settings: this script sets them (see the module's docstring)
            if not install and any(word in command for word in INSTALL_WORDS):
                continue  # installed by the first pass
            if "createsuperuser" in command:
                command += " --noinput"  # with the DJANGO_SUPERUSER_* variables
            if "load_org" in command:
                command += " --demo-people"  # the check logs in as one of them
            if "gunicorn" in command:
                gunicorn = re.sub(r"--bind \S+", f"--bind {HOST}:{port}", command)
                continue
            run(command, cwd=srv, env=env, log=log)
        expect(gunicorn, "README: the deployment block starts no gunicorn")
        server = Background(gunicorn, cwd=srv, env=env, log=log)
        processes.append(server)
        processes.append(Background(".venv/bin/python manage.py run_worker", cwd=srv, env=env, log=log))
        wait_for_port(port, server)
        smoke(port, cwd=srv, env=env, log=log)
        for process in reversed(processes):
            process.stop()
        processes.clear()
        expect("Internal Server Error" not in log.read_text(encoding="utf-8"),
               f"the server logged an error:\n{log.read_text(encoding='utf-8')[-3000:]}")

        say(f"--- {kind}: backup and restore as the README says")
        before = run(".venv/bin/python manage.py record_digest", cwd=srv, env=env)
        backup_lines = readme_backup_block()
        if kind == "postgres":
            restored_env = dict(env, DATABASE_URL=database_url(restored))
            admin_sql(f"CREATE DATABASE {restored}", env, srv)
            commands = [line for line in backup_lines if line.startswith(("pg_dump", "pg_restore"))]
            expect(len(commands) == 2, f"README: expected a pg_dump and a pg_restore line: {backup_lines}")
            run(commands[0], cwd=srv, env=env, log=log)
            run(commands[1], cwd=srv, env=dict(env, NEW_DATABASE_URL=restored_env["DATABASE_URL"]), log=log)
        else:
            restored_env = env  # the file is restored where it was
            commands = [line for line in backup_lines if line.startswith("cp ")]
            expect(len(commands) == 2, f"README: expected two cp lines (back up, restore): {backup_lines}")
            run(commands[0], cwd=srv, env=env, log=log)
            (srv / "var" / "salesdesk.sqlite3").unlink()  # lost
            run(commands[1], cwd=srv, env=env, log=log)
        after = run(".venv/bin/python manage.py record_digest", cwd=srv, env=restored_env)
        expect(json.loads(before) == json.loads(after), f"the restore differs:\n{before}\n---\n{after}")
        digest = json.loads(after)
        records = sum(digest["tables"].values())
        say(f"restored: {len(digest['tables'])} tables, {records} records and "
            f"{digest['audit_log']['entries']} audit entries, equal to the original (sha256 "
            f"{digest['audit_log']['sha256'][:12]}…)")
        run(".venv/bin/python manage.py migrate --check", cwd=srv, env=restored_env, log=log)

        server = Background(gunicorn, cwd=srv, env=restored_env, log=log)
        processes.append(server)
        wait_for_port(port, server)
        browser = Browser(port)
        log_in(browser)
        status, _headers, html = browser.get("/customers/?q=" + urllib.parse.quote("部署检查"))
        expect(status == 200 and CUSTOMER.encode() in html, f"the restored database: customer list {status}")
        say("the restored database serves: log-in and the customer found")
    finally:
        for process in reversed(processes):
            process.stop()
        if kind == "postgres":
            for database in (name, restored):
                subprocess.run(["psql", "-q", postgres_server() + "postgres", "-c",
                                f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"], env=base_env,
                               capture_output=True)


def copy_checkout(target: Path) -> None:
    """The files git tracks, and new ones it would track, as an unpacked release would hold them."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = raw.decode()
        source = ROOT / relative
        if source.is_file():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--keep", metavar="DIR", help="deploy into DIR and keep it (default: a temporary directory)")
    options = parser.parse_args(argv)
    started = time.monotonic()
    workdir = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="salesdesk-deploy-"))
    srv = workdir / "salesdesk"
    if srv.exists():
        shutil.rmtree(srv)
    srv.mkdir(parents=True)
    log = workdir / "deploy.log"
    log.write_text("", encoding="utf-8")
    copy_checkout(srv)
    say(f"checkout copied to {srv}; commands and output in {log}")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON")) and key not in {
               "DEBUG", "DATABASE_URL", "REDIS_URL", "TASKS_BACKEND", "PAGE_SIZE", "SECRET_KEY", "ALLOWED_HOSTS",
               "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATIC_ROOT", "EXPORT_JOB_ABOVE"}}
    env.update(SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS=HOST, CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
               DJANGO_SUPERUSER_USERNAME="admin", DJANGO_SUPERUSER_EMAIL="admin@example.com",
               DJANGO_SUPERUSER_PASSWORD=secrets.token_urlsafe(16),
               # One customer is enough to send the export to the worker, as a large one would go.
               EXPORT_JOB_ABOVE="0")
    kinds = ["postgres", "sqlite"] if options.database == "both" else [options.database]
    try:
        for index, kind in enumerate(kinds):
            check_database(kind, srv=srv, base_env=env, install=index == 0, log=log)
    except CheckFailed as failure:
        say(f"FAILED: {failure}")
        say(f"the log: {log}")
        return 1
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"deployment, smoke test, backup and restore held on {' and '.join(kinds)} "
        f"in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
