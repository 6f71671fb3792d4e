"""The 100,000-row customer import as a person starts it from the page, on PostgreSQL.

    python bench/import_bench.py [--rows 100000] [--keep]

In a PostgreSQL database `salesdesk_bench_import` of its own (created and dropped), a company with
a sales director whose customers scope is the whole company; a generated .xlsx of `--rows`
customers (name, city, level, contact, contact mobile). Through Django's test client, as the
director: upload the file (kept; reading and checking it handed to the worker), open its page
(the check's progress), let a real worker process (`manage.py run_worker --batch`) read and check
it while the page polls the progress, open the preview (its first page, and its last), then press
"import" — the commit request hands the import to the worker — and let the worker import it while
the page polls again. The worker's times run from the moment the request before it returned.

Prints a Markdown table and writes it to bench/out/import_bench.md.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.org_bench import OUT, run_in_database  # noqa: E402

DATABASE = "salesdesk_bench_import"
MEASURES = [  # key, label, target in ms
    ("upload", "upload request (the .xlsx kept, its check handed to the worker)", 1000),
    ("checking_page", "import page while the worker checks (progress)", 1000),
    ("check_poll", "progress poll while the worker checks (slowest)", 1000),
    ("check", "until the worker has read and checked every row (preview kept)", None),
    ("preview", "preview page (counts, first 50 rows)", 1000),
    ("preview_last", "preview page, last page of rows", 1000),
    ("commit", "commit request (the import handed to the worker)", 1000),
    ("import_poll", "progress poll while the worker imports (slowest)", 1000),
    ("worker", "until the worker has imported every row", None),
]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.worker:
        return worker(options)
    result, version = run_in_database(Path(__file__).resolve(), DATABASE, ["--rows", str(options.rows)],
                                      reuse=False, keep=options.keep, needs="the import benchmark")
    if result is None:
        return 1
    report = table(result, version)
    print("\n" + report)
    OUT.mkdir(exist_ok=True)
    (OUT / "import_bench.md").write_text(report + "\n", encoding="utf-8")
    return 0


def table(result: dict, version: str) -> str:
    lines = [f"| measure | target | PostgreSQL {version} |", "|---|---|---|"]
    for key, label, target in MEASURES:
        ms = result["measures"][key]
        cell = f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"
        lines.append(f"| {label} | {'< 1 s' if target else '—'} | {cell} |")
    lines.append("")
    lines.append(f"{result['rows']:,} rows of .xlsx ({result['file_mb']:.1f} MB); imported: {result['created']:,} "
                 f"customers, {result['contacts']:,} contacts; the jobs' status: check {result['check_status']}, "
                 f"import {result['status']}; progress polls: {result['polls']}.")
    return "\n".join(lines)


def _build(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("客户")
    sheet.append(["名称", "城市", "级别", "联系人姓名", "联系人手机"])
    for n in range(rows):
        sheet.append([f"导入客户{n}号有限公司", "南京", "ABC"[n % 3], f"联系人{n}", f"15{n:09d}"])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def worker(options) -> int:
    import json

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from salesdesk.core.scope import ScopeLevel
    from salesdesk.customers.models import Contact, Customer, ImportJob
    from salesdesk.jobs.models import Job
    from salesdesk.org import services

    call_command("migrate", verbosity=0)
    company = services.create_company(name="导入测试公司", code="bench")
    sales = services.create_department(company=company, name="销售部", code="SALES")
    director = services.create_position(department=sales, title="销售总监", code="director",
                                        scopes={"customers": ScopeLevel.ALL})
    user = get_user_model().objects.create_user(username="director", password="bench-pass-1")
    services.create_employee(company=company, name="赵总监", user=user, positions=[director])
    content = _build(options.rows)
    client = Client()
    client.force_login(user)
    measures, polls = {}, {"check": 0, "import": 0}

    def timed(key, request):
        started = time.perf_counter()
        response = request()
        measures[key] = max(measures.get(key, 0), (time.perf_counter() - started) * 1000)
        return response

    def work_while_polling(job_kind: str, key: str, since: float) -> Job:
        """Run a real worker until the queue is empty; meanwhile poll the job's progress as the page does."""
        worker = subprocess.Popen([sys.executable, "manage.py", "run_worker", "--batch", "--verbosity", "0"],
                                  cwd=ROOT, env={**os.environ})
        job = Job.objects.get(kind=job_kind)
        while worker.poll() is None:
            poll = timed(f"{key}_poll", lambda: client.get(reverse("jobs:progress", args=[job.pk]), HTTP_HX_REQUEST="true"))
            assert poll.status_code in (200, 204), poll.status_code
            polls[key] += 1
            time.sleep(1)
        measures[key if key == "check" else "worker"] = (time.perf_counter() - since) * 1000
        assert worker.returncode == 0, worker.returncode
        job.refresh_from_db()
        return job

    uploaded = timed("upload", lambda: client.post(reverse("customers:import_new"), {
        "kind": "customers", "file": SimpleUploadedFile("客户.xlsx", content)}))
    returned = time.perf_counter()
    assert uploaded.status_code == 302, uploaded.status_code
    record = ImportJob.objects.get()
    page = timed("checking_page", lambda: client.get(uploaded["Location"]))
    assert page.status_code == 200 and 'id="import-checking"' in page.content.decode()

    check = work_while_polling("customers.import_check", "check", returned)
    assert check.status == Job.Status.DONE, (check.status, check.text())
    preview = timed("preview", lambda: client.get(uploaded["Location"]))
    assert preview.status_code == 200 and 'data-bad="0"' in preview.content.decode()
    record.refresh_from_db()
    last = -(-record.preview["total"] // 50)
    timed("preview_last", lambda: client.get(uploaded["Location"], {"page": last}))

    committed = timed("commit", lambda: client.post(reverse("customers:import_commit", args=[record.pk]),
                                                    {"valid_only": "0"}))
    returned = time.perf_counter()
    assert committed.status_code == 302, committed.status_code
    job = work_while_polling("customers.import", "import", returned)
    result = {"measures": measures, "rows": options.rows, "file_mb": len(content) / 2**20, "status": job.status,
              "check_status": check.status, "polls": f"{polls['check']} while checking, {polls['import']} while importing",
              "created": Customer.objects.count(), "contacts": Contact.objects.count()}
    Path(options.result).write_text(json.dumps(result))
    return 0 if job.status == Job.Status.DONE and result["created"] == options.rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
