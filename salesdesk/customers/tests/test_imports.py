import io

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from salesdesk.audit.models import AuditEntry
from salesdesk.customers import imports
from salesdesk.customers.models import Contact, Customer, Lead, OwnershipChange

from .conftest import customer
from .northwind import northwind_customers, northwind_sql, northwind_workbook

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def run(org, key, content, name="customers.xlsx", kind="customers", **options):
    headers, rows = imports.read_table(name, content)
    mapping = imports.guess_mapping(kind, headers)
    return imports.commit(company=org.company, user=org.user(key), kind=kind, rows=rows, mapping=mapping, **options)


@pytest.mark.skipif(northwind_sql() is None, reason="the Northwind sample is not available here")
def test_the_91_northwind_customers_import_cleanly_with_their_countries_and_cities(org):
    assert len(northwind_customers()) == 91

    outcome = run(org, "owner", northwind_workbook())

    assert (outcome.created, outcome.rejected) == (91, [])
    alfreds = Customer.objects.get(name="Alfreds Futterkiste")
    assert (alfreds.country, alfreds.city, alfreds.postal_code) == ("Germany", "Berlin", "12209")
    assert alfreds.contacts.get().name == "Maria Anders"
    assert Customer.objects.get(name="Ana Trujillo Emparedados y helados").city == "México D.F."
    assert Customer.objects.filter(owner=org.people["owner"]).count() == 91
    assert OwnershipChange.objects.filter(kind="created").count() == 91
    assert AuditEntry.objects.filter(action="create", content_type__model="customer").count() >= 91


@pytest.mark.skipif(northwind_sql() is None, reason="the Northwind sample is not available here")
def test_english_headers_map_as_well(org):
    headers, _rows = imports.read_table("nw.xlsx", northwind_workbook("en"))

    assert set(imports.guess_mapping("customers", headers).values()) >= {"name", "city", "country", "contact_name"}


def test_a_file_with_errors_imports_nothing_unless_valid_rows_only_is_asked(org):
    customer(org, "outsider", "已存在的客户有限公司")
    content = xlsx([["名称", "级别", "城市"], ["甲公司", "A", "上海"], ["", "B", "北京"], ["已存在的客户", "C", ""],
                    ["乙公司", "Z", ""], ["甲公司", "", ""]])

    with pytest.raises(imports.NothingImported) as refused:
        run(org, "owner", content)
    assert Customer.objects.count() == 1
    problems = {r.number: r.errors for r in refused.value.results if r.errors}
    assert sorted(problems) == [3, 4, 5, 6]

    outcome = run(org, "owner", content, valid_only=True)

    assert outcome.created == 1 and [r.number for r in outcome.rejected] == [3, 4, 5, 6]
    book = load_workbook(io.BytesIO(imports.rejected_workbook(*imports.read_table("c.xlsx", content),
                                                              outcome.rejected)))
    assert [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)] == [3, 4, 5, 6]


def test_historical_rows_keep_their_creator_and_date(org):
    content = xlsx([["名称", "创建时间", "创建人", "负责人"], ["老客户有限公司", "2019-05-06", "孙经理", "李代表"]])

    run(org, "superior", content)

    made = Customer.objects.get(name="老客户有限公司")
    assert timezone.localtime(made.created_at).date().isoformat() == "2019-05-06"
    assert (made.created_by, made.owner) == (org.people["superior"], org.people["owner"])


def test_a_rep_cannot_give_imported_customers_to_someone_outside_their_scope(org):
    content = xlsx([["名称", "负责人"], ["甲公司", "吴代表"]])

    with pytest.raises(imports.NothingImported) as refused:
        run(org, "owner", content)

    assert "吴代表" in refused.value.results[0].errors[0]


def test_importing_into_a_pool_leaves_the_customers_unowned(org, east_pool):
    outcome = run(org, "regional", xlsx([["名称"], ["公海甲"], ["公海乙"]]), pool=east_pool)

    assert outcome.created == 2
    assert set(Customer.objects.values_list("owner", "pool")) == {(None, east_pool.pk)}


def test_update_mode_changes_the_matching_customers_and_leaves_empty_cells_alone(org):
    mine = customer(org, "owner", "甲公司", city="上海", industry="制造业")
    customer(org, "outsider", "乙公司")
    content = xlsx([["名称", "城市", "行业"], ["甲 有限公司", "苏州", ""], ["乙公司", "北京", ""], ["丙公司", "", ""]])

    outcome = run(org, "owner", content, update=True, valid_only=True)

    mine.refresh_from_db()
    assert (outcome.updated, [r.number for r in outcome.rejected]) == (1, [3, 4])
    assert (mine.city, mine.industry) == ("苏州", "制造业")
    assert AuditEntry.objects.filter(action="update", object_id=str(mine.pk)).exists()


def test_csv_in_gb18030_is_read_as_chinese_excel_writes_it(org):
    content = "名称,城市\r\n华东贸易,杭州\r\n".encode("gb18030")

    outcome = run(org, "owner", content, name="c.csv")

    assert outcome.created == 1 and Customer.objects.get().city == "杭州"


def test_leads_and_contacts_import(org, customers):
    leads = run(org, "owner", xlsx([["联系人姓名", "公司名称", "手机"], ["王", "甲", "13900001111"],
                                    ["李", "乙", "13900001111"]]), kind="leads", valid_only=True)
    contacts = run(org, "owner", xlsx([["客户", "名称", "手机"], ["owner的客户", "新联系人", "13800002222"],
                                       ["outsider的客户有限公司", "不该进来", ""]]), kind="contacts", valid_only=True)

    assert (leads.created, len(leads.rejected)) == (1, 1)
    assert Lead.objects.get().owner == org.people["owner"]
    assert (contacts.created, len(contacts.rejected)) == (1, 1)
    assert Contact.objects.get(name="新联系人").customer == customers["owner"]


@pytest.mark.parametrize("name, content", [("a.txt", b"x"), ("a.xlsx", b"not a zip"), ("a.csv", b"")])
def test_unreadable_files_get_a_clear_message(name, content):
    with pytest.raises(imports.UnreadableFile):
        imports.read_table(name, content)
