"""Importing past orders (history.py, the import pages and the import_orders command) into the small
organisation: 李代表 (owner) and his teammate are reps with their own records, 孙经理 (superior) sees
his reps', the director all; 吴代表 (outsider) sells in 北京."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook

from salesdesk.audit.models import AuditEntry
from salesdesk.customers.models import ImportJob
from salesdesk.org import services as org_services
from salesdesk.org.capabilities import ORG_ADMIN
from salesdesk.org.models import Employee
from salesdesk.sales import history, selectors
from salesdesk.sales.models import SalesOrder, SalesOrderLine, Shipment, Warehouse

pytestmark = pytest.mark.django_db

KEYS = ["number", "ordered_on", "customer", "owner", "product", "quantity", "unit_price", "discount", "delivery_on",
        "shipped_on"]
# Two past orders of 李代表's customer: A-1 shipped (one line at 5 % off), A-2 not yet.
PAST = [
    ["A-1", "2025-03-05", "巴陵石化", "李代表", "SBS", "2", "12000", "5", "2025-03-20", "2025-03-18"],
    ["A-1", "2025-03-05", "巴陵石化", "李代表", "AGT", "3", "299.99", "", "2025-03-20", "2025-03-18"],
    ["A-2", "2025-02-01", "巴陵石化", "李代表", "AGT", "1.5", "300", "12.5", "", ""],
    # 0.05 × 0.9 = 0.045: half a cent rounds up.
    ["A-2", "2025-02-01", "巴陵石化", "李代表", "AGT", "1", "0.05", "10", "", ""],
]


def headers(keys=KEYS, language="en"):
    labels = {}
    with translation.override(language):
        for spec in history.FIELDS:
            labels[spec.key] = str(spec.label)
    return [labels[key] for key in keys]


def xlsx(rows, keys=KEYS) -> bytes:
    book = Workbook()
    book.active.append(headers(keys))
    for row in rows:
        book.active.append(row)
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def run(org, key, content, name="orders.xlsx"):
    columns, rows = history.read_table(name, content)
    return history.commit(company=org.company, user=org.user(key), rows=rows, mapping=history.guess_mapping(columns))


@pytest.fixture
def warehouse(org):
    return Warehouse.objects.create(company=org.company, code="W1", name="岳阳总库")


def test_a_shipped_order_comes_in_closed_with_its_shipment_and_an_open_one_confirmed_for_the_order_clerk(
        org, deal, warehouse):
    outcome = run(org, "owner", xlsx(PAST))

    assert (outcome.orders, outcome.lines, outcome.shipments) == (2, 4, 1)
    shipped, waiting = SalesOrder.objects.get(external_number="A-1"), SalesOrder.objects.get(external_number="A-2")
    # Numbered in the order series as of their order dates, the older order first.
    assert (waiting.number, shipped.number) == ("DD-202502-0001", "DD-202503-0001")
    assert shipped.status == SalesOrder.Status.CLOSED and waiting.status == SalesOrder.Status.CONFIRMED
    assert (shipped.amount, shipped.list_amount) == (Decimal("23699.97"), Decimal("24899.97"))
    assert (waiting.amount, waiting.list_amount) == (Decimal("393.80"), Decimal("450.05"))
    assert waiting.delivery_on == datetime.date(2025, 2, 1)  # no delivery date: the order date
    line = shipped.lines.get(product=deal["sbs"])
    assert (line.list_price, line.discount, line.unit_price, line.amount) == (
        Decimal("12000"), Decimal("5"), Decimal("11400"), Decimal("22800.00"))
    assert line.shipped_quantity == line.quantity and not waiting.lines.filter(shipped_quantity__gt=0).exists()
    shipment = Shipment.objects.get()
    assert (shipment.order, shipment.status, shipment.shipped_on, shipment.warehouse, shipment.number) == (
        shipped, Shipment.Status.DELIVERED, datetime.date(2025, 3, 18), warehouse, "FH-202503-0001")
    assert sorted(shipment.lines.values_list("amount", flat=True)) == [Decimal("899.97"), Decimal("22800.00")]
    # The order clerk follows the open one only; the closed one cannot be shipped again.
    assert list(selectors.orders_for(org.user("owner"), scene="follow")) == [waiting]
    audited = AuditEntry.objects.filter(action="create")
    assert audited.filter(content_type__model="salesorder").count() == 2
    assert audited.filter(content_type__model="shipment").count() == 1


def test_unknown_products_customers_and_owners_name_their_rows_and_nothing_is_imported(org, deal, warehouse):
    rows = [PAST[0], [*PAST[1][:4], "NOPE", *PAST[1][5:]], ["B-1", "2025-01-02", "不存在的公司", "李代表", "SBS", "1",
                                                             "100", "", "", ""],
            ["B-2", "2025-01-02", "巴陵石化", "王五", "SBS", "1", "100", "", "", ""],
            ["B-3", "2025-13-02", "巴陵石化", "李代表", "SBS", "-1", "1.23456", "120", "", ""]]

    with pytest.raises(history.OrdersNotImported) as refused:
        run(org, "owner", xlsx(rows))

    assert SalesOrder.objects.count() == 0 and SalesOrderLine.objects.count() == 0 and Shipment.objects.count() == 0
    problems = {result.number: result.errors for result in refused.value.results if result.errors}
    assert problems == {
        3: ["There is no product with the code “NOPE”."],
        4: ["There is no customer called “不存在的公司”."],
        5: ["Nobody in the company is called “王五”."],
        6: ["Order date: “2025-13-02” is not a date.", "Unit price has more than 4 decimal places: “1.23456”.",
            "The quantity must be above zero.", "The discount is a percentage between 0 and 100, not “120”."],
    }
    assert refused.value.messages[0] == ("Rows with errors: 4. No order was imported; correct the file and import it "
                                         "again.")
    assert "Row 3: There is no product with the code “NOPE”." in refused.value.messages


def test_the_message_names_the_first_ten_rows_at_fault(org, deal):
    rows = [[f"X-{n}", "2025-01-02", "巴陵石化", "李代表", f"NOPE-{n}", "1", "100", "", "", ""] for n in range(12)]

    with pytest.raises(history.OrdersNotImported) as refused:
        run(org, "owner", xlsx(rows))

    assert refused.value.messages[1] == "Row 2: There is no product with the code “NOPE-0”."
    assert refused.value.messages[10:] == ["Row 11: There is no product with the code “NOPE-9”.", "… and 2 more."]


def test_a_rep_imports_only_his_own_past_orders_and_his_manager_those_of_his_reps(org, deal, warehouse):
    outsiders = [["C-1", *PAST[0][1:3], "吴代表", *PAST[0][4:]], ["C-2", *PAST[2][1:3], "周代表", *PAST[2][4:]]]

    with pytest.raises(history.OrdersNotImported) as refused:
        run(org, "owner", xlsx(outsiders))
    assert [result.errors for result in refused.value.results] == [
        ["You may not import orders of 吴代表: they are outside your sales scope."],
        ["You may not import orders of 周代表: they are outside your sales scope."]]
    with pytest.raises(history.OrdersNotImported):
        run(org, "superior", xlsx(outsiders))  # 周代表 is his, 吴代表 is not

    assert run(org, "superior", xlsx(PAST)).orders == 2
    assert run(org, "director", xlsx(outsiders)).orders == 2
    assert set(SalesOrder.objects.values_list("owner__name", flat=True)) == {"李代表", "吴代表", "周代表"}
    # An organisation administrator brings in anyone's orders, whatever his own sales scope.
    org_services.set_duties(position=org.positions["inside"], duties=[{"text": "维护组织架构", "capability": ORG_ADMIN}])
    assert run(org, "clerk", xlsx([["D-1", *PAST[0][1:3], "吴代表", *PAST[0][4:]]])).orders == 1


def test_a_csv_in_gb18030_with_chinese_headers_and_dates_imports(org, deal, warehouse):
    lines = [",".join(headers(language="zh-hans")),
             "旧-001,2024年5月6日,巴陵石化,李代表,SBS,\"1,000\",12.5,0,2024/5/20,2024.5.10"]
    content = "\r\n".join(lines).encode("gb18030")

    outcome = run(org, "owner", content, name="历史订单.csv")

    order = SalesOrder.objects.get()
    assert (outcome.orders, order.external_number, order.ordered_on, order.delivery_on, order.amount) == (
        1, "旧-001", datetime.date(2024, 5, 6), datetime.date(2024, 5, 20), Decimal("12500.00"))
    assert order.shipments.get().shipped_on == datetime.date(2024, 5, 10)


def test_rows_of_one_order_must_agree_and_a_file_imported_twice_is_refused(org, deal, warehouse):
    disagreeing = [PAST[0], [PAST[1][0], "2025-03-06", *PAST[1][2:]]]
    with pytest.raises(history.OrdersNotImported) as refused:
        run(org, "owner", xlsx(disagreeing))
    assert refused.value.results[1].errors == ["Order date differs from row 2 of the same order (A-1)."]

    run(org, "owner", xlsx(PAST))
    with pytest.raises(history.OrdersNotImported) as again:
        run(org, "owner", xlsx(PAST))

    assert again.value.results[0].errors == ["Order A-1 has been imported already (as DD-202503-0001)."]
    assert SalesOrder.objects.count() == 2


def test_a_shipped_order_needs_a_warehouse_to_ship_from(org, deal):
    with pytest.raises(history.OrdersNotImported) as refused:
        run(org, "owner", xlsx(PAST[:1]))

    assert refused.value.results[0].errors == [
        "The company has no warehouse to record the shipment from; add one first."]


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def upload(client, content, name="orders.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/sales/orders/import/", {"file": SimpleUploadedFile(name, content)})


def test_upload_preview_and_import_through_the_pages(org, deal, warehouse):
    from salesdesk.jobs.testing import run_queued_tasks

    Employee.objects.filter(pk=org.people["owner"].pk).update(language="en")  # the page in English
    client = client_for(org, "owner")
    assert 'id="order-template"' in client.get("/sales/orders/import/").content.decode()
    template = load_workbook(io.BytesIO(client.get("/sales/orders/import/template/").content))
    assert [cell.value for cell in template.active[1]][:3] == ["Former order number", "Order date", "Customer"]

    bad = upload(client, xlsx([PAST[0], [*PAST[1][:4], "NOPE", *PAST[1][5:]]]))
    page = client.get(bad["Location"]).content.decode()
    assert 'data-bad="1"' in page and "There is no product with the code “NOPE”." in page
    assert 'id="commit-orders" disabled' in page
    client.post(bad["Location"] + "commit/")
    run_queued_tasks()
    assert SalesOrder.objects.count() == 0

    good = upload(client, xlsx(PAST))
    job = ImportJob.objects.get(pk=good["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client.get(good["Location"]).content.decode()
    assert 'data-bad="0"' in page and 'data-orders="2"' in page and "24,093.77" in page
    # His teammate does not see the upload; his manager looks but does not import it.
    assert client_for(org, "teammate").get(good["Location"]).status_code == 404
    assert client_for(org, "superior").post(good["Location"] + "commit/").status_code == 404

    started = client.post(good["Location"] + "commit/", follow=True)
    assert 'id="job-' in started.content.decode()  # the page answers at once, showing the job's progress
    run_queued_tasks()
    done = client.get(good["Location"])

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 2
    assert "Orders imported: 2 (lines: 4; shipped: 1)." in done.content.decode()
    assert SalesOrder.objects.filter(status=SalesOrder.Status.CLOSED).count() == 1
    # Past orders have pages of their own: the customers import does not open them.
    assert client.get(f"/customers/imports/{job.pk}/").status_code == 404
    assert client.post(good["Location"] + "commit/").status_code == 302 and SalesOrder.objects.count() == 2


def test_the_import_orders_command_imports_as_the_named_user(org, deal, warehouse, tmp_path):
    path = tmp_path / "orders.xlsx"
    path.write_bytes(xlsx(PAST))
    out = io.StringIO()

    call_command("import_orders", str(path), company=org.company.code, user="superior", stdout=out)

    assert out.getvalue().startswith("2 orders with 4 lines imported into 测试销售公司; 1 of them shipped")
    entry = AuditEntry.objects.filter(content_type__model="salesorder").first()
    assert (entry.actor_name, entry.source) == ("孙经理", "command")
    with pytest.raises(CommandError, match="Order A-1 has been imported already"):
        call_command("import_orders", str(path), company=org.company.code, user="superior", stdout=out)
    with pytest.raises(CommandError, match="outside your sales scope"):
        call_command("import_orders", str(path), company=org.company.code, user="outsider", stdout=out)


def test_a_large_file_of_past_orders_is_checked_by_the_worker_and_its_rows_with_errors_are_listed_a_page_at_a_time(
        org, deal, warehouse, settings):
    from salesdesk.customers import previews
    from salesdesk.jobs import services as jobs
    from salesdesk.jobs.testing import run_queued_tasks
    from salesdesk.sales.jobs import ORDER_CHECK

    settings.SALESDESK = {**settings.SALESDESK, "IMPORT_JOB_ABOVE_KB": 0}  # every file is checked by the worker
    Employee.objects.filter(pk=org.people["owner"].pk).update(language="en")
    client = client_for(org, "owner")
    unknown = [[f"B-{number}", "2025-03-05", "巴陵石化", "李代表", "NOPE", "1", "10", "", "", ""] for number in range(60)]

    uploaded = upload(client, xlsx(PAST + unknown))
    record = ImportJob.objects.get(pk=uploaded["Location"].rstrip("/").rsplit("/", 1)[1])
    waiting = client.get(uploaded["Location"]).content.decode()
    assert record.preview is None and 'id="import-checking"' in waiting

    assert run_queued_tasks() == 1
    first = client.get(uploaded["Location"])
    second = client.get(uploaded["Location"], {"page": 2})
    assert jobs.latest(previews.check_key(ORDER_CHECK, record)).status == "done"
    assert 'data-total="64" data-bad="60" data-orders="2"' in first.content.decode()
    assert [row.number for row in first.context["results"]] == list(range(6, 56))  # the rows to correct
    assert [row.number for row in second.context["results"]] == list(range(56, 66))
    assert "There is no product with the code “NOPE”." in first.content.decode()
    assert 'id="commit-orders" disabled' in first.content.decode()

    good = upload(client, xlsx(PAST))
    run_queued_tasks()
    page = client.get(good["Location"]).content.decode()
    assert 'data-bad="0"' in page and 'data-orders="2"' in page and "24,093.77" in page
    client.post(good["Location"] + "commit/")
    run_queued_tasks()
    assert SalesOrder.objects.count() == 2
