"""The load scenario (issue 16 §5): reps, managers and order clerks of the demo company using the
pages as a browser does — real log-in through the log-in form (django-axes), real form posts with
their CSRF token, the htmx fragments the pages load — against a running server.

Three kinds of user, by weight:

* Rep (7): browses his customer list (scenes, level filters, a search, page 2), opens a customer,
  records a follow-up through the customer page's form, opens his orders and quotations, the
  workbench.
* Manager (2): the workbench (and its cards, as htmx refreshes them), the sales report (measures
  and rows varied), contract execution with its statistics fragment, the collection analysis,
  the team's customers.
* Clerk (1, 跟单): the order queue (?scene=follow), an order's page, and a new order keyed in
  through the order form — customer and product found with the pickers as the form's widgets do,
  one or two lines, saved as a draft, then submitted for review (credit check, approval chain).

Each simulated user logs in once when it starts, with a log-in of its own taken in turn from the
JSON file LOAD_LOGINS (bench/load/users.py writes it; when there are more users than log-ins, log-ins
are shared, each user still with a session of its own). Requests are named by page (`name=`), so
the statistics group them. A form post that does not redirect where it should (the form shown
again with errors) counts as a failure, and so do a log-in that fails and a page that redirects
(to the log-in page: the session was lost).

bench/load/run.py starts the whole stack and runs this file; on its own, against a server that is
already running:

    LOAD_LOGINS=/tmp/logins.json LOAD_MEASURE_SECONDS=90 .venv/bin/locust -f bench/load/locustfile.py \\
        --host http://127.0.0.1:8001 --headless -u 20 -r 1 -t 5m --csv /tmp/load

The statistics cover the steady state only: they start again from nothing when the last user has
logged in (log-ins hash the password: several hundred ms of a worker each, all of them while users
spawn), and with LOAD_MEASURE_SECONDS the test stops that many seconds later (-t stays a bound).
With LOAD_SUMMARY=path the file writes, when the test stops, what that leaves out: the log-ins
(count, failures, median and p95) and how long the window was.
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

LOGINS = json.loads(Path(os.environ["LOAD_LOGINS"]).read_text(encoding="utf-8")) if os.environ.get("LOAD_LOGINS") else {}
_turns = {role: itertools.count() for role in ("rep", "manager", "clerk")}
LOGIN_TIMES: list[float] = []
LOGIN_FAILURES: list[str] = []
# The measured window opens when the last user has logged in (logins hash the password, several hundred ms
# of a worker each, and all come while users spawn); LOAD_MEASURE_SECONDS later the test stops.
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS") or 0)
WINDOW = {"started_users": 0, "since": None}

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))  # the company's day (TIME_ZONE Asia/Shanghai)
FORM_POST = {"Content-Type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}
CUSTOMER_LINK = re.compile(r'href="/customers/(\d+)/"')
ORDER_LINK = re.compile(r'href="/sales/orders/(\d+)/"')
ORDER_PAGE = re.compile(r"^/sales/orders/(\d+)/$")
CITIES = ["南京", "杭州", "济南", "上海", "苏州", "青岛", "合肥", "宁波", "无锡", "郑州", "武汉"]
PRODUCT_SEARCHES = ["SBS", "AGT", "RP"]  # the demo's everyday products (not the 386,000 mixing plant)
NOTES = ["电话沟通了本月用量，对方要求更新报价。", "上门拜访，了解了新项目的进度。", "确认了上批货的到货情况。",
         "对方采购在比价，下周再联系。", "介绍了新产品，对方要求寄样品。"]


def take_login(role: str) -> dict:
    logins = LOGINS.get(role) or []
    if not logins:
        LOGIN_FAILURES.append(f"no log-in for the role {role} in LOAD_LOGINS")
        raise StopUser()
    return logins[next(_turns[role]) % len(logins)]


class Forms(HTMLParser):
    """The forms of a page: each one's action, id and fields with the values the page gives them
    (an input's value, a select's selected option, a textarea's text)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "id": attrs.get("id") or "", "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in ("checkbox", "radio", "submit"):
            self._form["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"][self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += data

    def having(self, field: str) -> dict | None:
        return next((form for form in self.forms if field in form["fields"]), None)

    def posting_to(self, suffix: str) -> dict | None:
        return next((form for form in self.forms if form["action"].endswith(suffix)), None)


def location(response) -> str:
    """The path a redirect points to ("" when the response is no redirect)."""
    if response.status_code not in (301, 302, 303):
        return ""
    headers = response.headers or {}
    target = headers.get("Location") or headers.get("location") or ""
    return urlsplit(target).path


def today() -> datetime.date:
    return datetime.datetime.now(SHANGHAI).date()


def started_user(environment) -> None:
    """Counts users through their log-in; the last one opens the measured window: locust's statistics
    start again from nothing (the log-ins are kept in LOGIN_TIMES) and the test stops
    LOAD_MEASURE_SECONDS later."""
    WINDOW["started_users"] += 1
    runner = environment.runner
    if runner is None or WINDOW["since"] is not None or WINDOW["started_users"] < runner.target_user_count:
        return
    environment.stats.reset_all()
    WINDOW["since"] = time.time()
    if MEASURE_SECONDS:
        gevent.spawn_later(MEASURE_SECONDS, runner.quit)


class Staff(FastHttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 5)

    def on_start(self):
        try:
            self.log_in()
        finally:
            started_user(self.environment)

    def log_in(self):
        login = take_login(self.role)
        self.username = login["username"]
        page = self.client.get("/accounts/login/", name="log-in page")
        form = Forms(page.text or "").having("username")
        if form is None:
            self._login_failed("no log-in form")
        fields = {**form["fields"], "username": login["username"], "password": login["password"]}
        started = time.perf_counter()
        with self.client.post("/accounts/login/", data=urlencode(fields), headers=FORM_POST, name="log in",
                              allow_redirects=False, catch_response=True) as response:
            target = location(response)
            refused = not target or target.startswith("/accounts/login")
            if refused:
                response.failure(f"log-in of {login['username']} refused ({response.status_code})")
        LOGIN_TIMES.append((time.perf_counter() - started) * 1000)
        if refused:
            self._login_failed(f"{login['username']}: {response.status_code}")

    def _login_failed(self, why: str):
        LOGIN_FAILURES.append(why)
        raise StopUser()

    def page(self, path: str, name: str, headers: dict | None = None):
        """GETs a page; a redirect counts as a failure (to the log-in page: the session was lost)."""
        with self.client.get(path, name=name, headers=headers, allow_redirects=False,
                             catch_response=True) as response:
            if 300 <= response.status_code < 400:
                response.failure(f"{self.username}: {path} redirected to {location(response)!r}")
        return response

    def post_form(self, action: str, fields: dict, name: str, expect: re.Pattern | str):
        """Posts a form; a success is a redirect to `expect` (a path, or a pattern of paths). Returns
        the path redirected to (the caller follows it, as the browser would, under the page's name),
        or None."""
        with self.client.post(action, data=urlencode(fields), headers=FORM_POST, name=name, allow_redirects=False,
                              catch_response=True) as response:
            target = location(response)
            matches = expect.match(target) if isinstance(expect, re.Pattern) else target == expect
            if not matches:
                response.failure(f"{self.username}: {action} answered {response.status_code} {target!r}")
                return None
        return target


class Rep(Staff):
    """A rep (业务人员 / 销售代表): his customers, their follow-ups, his documents."""

    weight = 7
    role = "rep"

    def on_start(self):
        super().on_start()
        self.customers: list[int] = []
        self.customer_list()

    @task(4)
    def customer_list(self):
        query = random.choice([
            {"scene": "mine"}, {"scene": "due"}, {"scene": "all"}, {"scene": "mine", "level": random.choice("ABC")},
            {"scene": "all", "sort": "name"}, {"scene": "all", "page": "2"}, {"q": random.choice(CITIES)},
        ])
        response = self.page("/customers/?" + urlencode(query), name="customers: list")
        found = [int(pk) for pk in CUSTOMER_LINK.findall(response.text or "")]
        if found:
            self.customers = found

    @task(3)
    def customer_page(self):
        if self.customers:
            self.page(f"/customers/{random.choice(self.customers)}/", name="customers: page")

    @task(2)
    def record_followup(self):
        if not self.customers:
            return
        pk = random.choice(self.customers)
        response = self.page(f"/customers/{pk}/", name="customers: page")
        form = Forms(response.text or "").posting_to(f"/customers/{pk}/follow-ups/")
        if form is None:  # not his customer to follow up (seen in "all", owned by no one he may write for)
            return
        method = random.choice(["phone", "phone", "wechat", "visit"])
        fields = {**form["fields"], "method": method, "content": random.choice(NOTES),
                  "next_followup_on": (today() + datetime.timedelta(days=random.randint(1, 14))).isoformat()}
        if method == "visit":
            fields["check_in_place"] = "客户办公室"
        target = self.post_form(form["action"], fields, "customers: record follow-up", f"/customers/{pk}/")
        if target:
            self.page(target, name="customers: page")

    @task(2)
    def orders(self):
        self.page("/sales/orders/", name="orders: list")

    @task(1)
    def quotations(self):
        self.page("/sales/quotations/", name="quotations: list")

    @task(1)
    def workbench(self):
        self.page("/", name="workbench")


class Manager(Staff):
    """A manager (销售总监, 销售经理, 大区经理, 办事处经理): the workbench and the reports over his team."""

    weight = 2
    role = "manager"

    @task(3)
    def workbench(self):
        self.page("/", name="workbench")

    @task(1)
    def workbench_cards(self):  # what the workbench's htmx refresh asks every two minutes
        self.page("/workbench/cards/", name="workbench: cards", headers=HTMX)

    @task(2)
    def sales_report(self):
        query = {"measure": random.choice(["orders", "orders", "shipments", "invoices", "collections"]),
                 "rows": random.choice(["owner", "department", "customer"]), "unit": random.choice(["month", "quarter"])}
        self.page("/reports/?" + urlencode(query), name="reports: sales")

    @task(2)
    def contract_execution(self):
        self.page("/reports/contracts/", name="reports: contract execution")
        self.page("/reports/contracts/?part=statistics", name="reports: contract statistics", headers=HTMX)

    @task(2)
    def collection(self):
        self.page("/reports/collection/?by=" + random.choice(["department", "owner", "customer"]),
                  name="reports: collection")

    @task(2)
    def team_customers(self):
        self.page("/customers/?scene=team", name="customers: list")


class Clerk(Staff):
    """An order clerk (销售内勤 / 销售经理助理, 跟单): the order queue, orders keyed in and submitted."""

    weight = 1
    role = "clerk"

    def on_start(self):
        super().on_start()
        self.orders: list[int] = []
        self.follow_queue()

    @task(4)
    def follow_queue(self):
        response = self.page("/sales/orders/?scene=follow", name="orders: follow queue")
        found = [int(pk) for pk in ORDER_LINK.findall(response.text or "")]
        if found:
            self.orders = found

    @task(3)
    def order_page(self):
        if self.orders:
            self.page(f"/sales/orders/{random.choice(self.orders)}/", name="orders: page")

    @task(2)
    def new_order(self):
        customers = self.page("/customers/pick/?" + urlencode({"q": random.choice(CITIES)}), name="customers: picker")
        products = self.page("/sales/products/pick/?" + urlencode({"q": random.choice(PRODUCT_SEARCHES)}),
                             name="products: picker")
        if customers.status_code != 200 or products.status_code != 200:
            return
        customers, products = customers.json().get("results"), products.json().get("results")
        if not customers or not products:
            return
        customer = random.choice(customers)["id"]
        with self.client.get(f"/sales/orders/new/?customer={customer}", name="orders: new order form",
                             catch_response=True) as response:
            form = Forms(response.text or "").having("lines-TOTAL_FORMS")
            if form is None:
                response.failure(f"{self.username}: no order form for customer {customer}")
                return
        fields = dict(form["fields"])
        for index, product in enumerate(random.sample(products, k=min(len(products), random.randint(1, 2)))):
            fields[f"lines-{index}-product"] = str(product["id"])
            fields[f"lines-{index}-quantity"] = str(random.randint(1, 20))
        fields["notes"] = "负载测试订单"
        target = self.post_form("/sales/orders/new/", fields, "orders: save draft", ORDER_PAGE)
        if not target:
            return
        # The clerk reads the draft over, then submits it for review (credit check, approval chain).
        order = self.page(target, name="orders: page")
        form = Forms(order.text or "").posting_to(f"/sales/orders/{ORDER_PAGE.match(target).group(1)}/submit/")
        if form is not None and self.post_form(form["action"], form["fields"], "orders: submit", target):
            self.page(target, name="orders: page")

    @task(1)
    def workbench(self):
        self.page("/", name="workbench")


@events.quitting.add_listener
def write_summary(environment, **_kwargs):
    """What the measured window leaves out of locust's statistics: the log-ins, and how long it was."""
    path = os.environ.get("LOAD_SUMMARY")
    if not path:
        return
    times = sorted(LOGIN_TIMES)

    def percentile(share: float) -> float | None:
        return round(times[min(len(times) - 1, int(share * len(times)))], 1) if times else None

    since = WINDOW["since"]
    Path(path).write_text(json.dumps({
        "logins": len(times), "login_failures": LOGIN_FAILURES, "login_p50_ms": percentile(0.5),
        "login_p95_ms": percentile(0.95), "started_users": WINDOW["started_users"],
        "window_start": since, "measured_seconds": round(time.time() - since, 1) if since else None,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
