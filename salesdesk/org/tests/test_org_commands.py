"""The org management commands: org_templates lists the templates, load_org loads one by name or
file (never over an existing organisation unless --replace), export_org writes the file back byte
for byte, apply_org_changes can run every day, and demo_setup can run twice."""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from salesdesk.audit.models import AuditEntry
from salesdesk.audit.registry import timeline_for
from salesdesk.org import orgfile, versions
from salesdesk.org.models import Company, Department, Employee, OrgChangeSet, OrgVersion, Position

pytestmark = pytest.mark.django_db

CODES = ["fmcg-brand", "industrial", "real-estate", "sales-company", "standard-sales"]


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def template_text(code):
    return (orgfile.TEMPLATES_DIR / f"{code}.json").read_text(encoding="utf-8")


def template(code):
    return json.loads(template_text(code))


def count_nodes(tree):
    return sum(1 + count_nodes(node.get("children", [])) for node in tree)


def totals():
    return (Company.objects.count(), Department.objects.count(), Position.objects.count(), Employee.objects.count(),
            OrgVersion.objects.count(), OrgChangeSet.objects.count(), get_user_model().objects.count())


# --- org_templates ----------------------------------------------------------------------------


def test_org_templates_lists_the_five_templates_with_their_counts():
    out, _err = run("org_templates")

    lines = out.splitlines()
    assert lines[0].split() == ["code", "name", "departments", "positions", "territories", "headcount"]
    assert set(lines[1]) <= {"-", " "}
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:]}
    assert sorted(rows) == CODES
    for code in CODES:
        data = template(code)
        expected = [data["name"], str(count_nodes(data["departments"])), str(len(data["positions"])),
                    str(count_nodes(data["territories"])), str(sum(p.get("headcount", 1) for p in data["positions"]))]
        assert rows[code] == expected, code


def test_org_templates_lines_up_its_columns_for_chinese_names():
    out, _err = run("org_templates")

    import unicodedata

    def column_of_positions(line):
        # display columns before the fourth cell (positions), CJK characters counting two
        cells_seen, width, in_cell = 0, 0, False
        for char in line:
            if char != " " and not in_cell:
                cells_seen += 1
                in_cell = True
                if cells_seen == 4:
                    return width
            elif char == " ":
                in_cell = False
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
        return None

    starts = {column_of_positions(line) for line in out.splitlines()[2:]}
    assert len(starts) == 1


# --- load_org -----------------------------------------------------------------------------------


def test_load_org_loads_a_template_by_name_and_says_what_it_loaded():
    out, _err = run("load_org", "standard-sales")

    data = template("standard-sales")
    company = Company.objects.get()
    assert company.code == data["company"]["code"]
    assert out.strip() == (f"Loaded {data['name']} into {data['company']['name']} ({data['company']['code']}): "
                           f"{count_nodes(data['departments'])} departments, {len(data['positions'])} positions, "
                           f"{count_nodes(data['territories'])} territories, 0 people.")
    assert Position.objects.filter(company=company).count() == len(data["positions"])


def test_load_org_loads_a_file_by_its_path(tmp_path):
    data = template("real-estate")
    data["company"] = {"name": "文件公司", "code": "from-file"}
    path = tmp_path / "my org.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    run("load_org", str(path))

    company = Company.objects.get(code="from-file")
    assert company.name == "文件公司"
    assert Position.objects.filter(company=company).count() == len(data["positions"])


def test_load_org_names_the_templates_when_the_source_is_neither_template_nor_file(tmp_path):
    with pytest.raises(CommandError) as raised:
        run("load_org", str(tmp_path / "missing.json"))

    assert "is neither a template" in str(raised.value)
    assert all(code in str(raised.value) for code in CODES)
    assert not Company.objects.exists()


def test_load_org_reports_a_bad_file_and_loads_nothing(tmp_path):
    data = template("standard-sales")
    next(item for item in data["positions"] if item["code"] == "manager-assistant")["reports_to"] = "nobody"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        run("load_org", str(path))

    assert "nobody" in str(raised.value) and "manager-assistant" in str(raised.value)
    assert totals() == (0, 0, 0, 0, 0, 0, 0)


def test_load_org_reports_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError):
        run("load_org", str(path))

    assert not Company.objects.exists()


def test_load_org_refuses_to_overwrite_an_organisation_without_replace():
    run("load_org", "standard-sales")
    Department.objects.filter(code="field").update(name="外勤组")
    before = totals()

    with pytest.raises(CommandError) as raised:
        run("load_org", "standard-sales")

    assert "--replace" in str(raised.value)
    assert totals() == before
    assert Department.objects.get(code="field").name == "外勤组"


def test_load_org_with_replace_loads_the_template_afresh():
    run("load_org", "standard-sales", "--demo-people")
    Department.objects.filter(code="field").update(name="外勤组")

    out, _err = run("load_org", "standard-sales", "--replace")

    assert Company.objects.count() == 1
    assert Department.objects.get(code="field").name == "市场销售组"
    assert not Employee.objects.exists()
    assert list(OrgVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert out.strip().endswith("0 people.")


def test_load_org_with_demo_people_fills_the_positions():
    out, _err = run("load_org", "industrial", "--demo-people")

    expected = sum(min(p["headcount"], 2) for p in template("industrial")["positions"])
    assert Employee.objects.count() == expected
    assert out.strip().endswith(f"{expected} people.")
    user = get_user_model().objects.get(username="sales-director-1")
    assert user.check_password(orgfile.DEMO_PASSWORD)


def test_load_org_can_name_the_company_differently():
    run("load_org", "fmcg-brand", "--company-name", "测试日化")

    assert Company.objects.get().name == "测试日化"


def test_load_org_runs_as_the_command_in_the_audit_log():
    run("load_org", "standard-sales")

    entry = timeline_for(Department.objects.get(code="field")).get(action="create")
    assert (entry.actor_name, entry.source, entry.actor_id) == ("load_org", "command", None)


# --- export_org ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_export_org_writes_the_loaded_template_to_standard_output_byte_for_byte(code):
    run("load_org", code)

    out, _err = run("export_org", "--format", "json")

    assert out == template_text(code)


@pytest.mark.parametrize("code", CODES)
def test_export_org_writes_the_loaded_template_to_a_file_byte_for_byte(code, tmp_path):
    run("load_org", code)
    path = tmp_path / "export.json"

    out, err = run("export_org", "--format", "json", "--output", str(path))

    assert path.read_bytes() == (orgfile.TEMPLATES_DIR / f"{code}.json").read_bytes()
    assert out == "" and str(path) in err


def test_an_exported_file_with_people_loads_back_through_the_commands_unchanged(tmp_path):
    run("load_org", "real-estate", "--demo-people")
    first = tmp_path / "first.json"
    run("export_org", "--with-people", "--output", str(first))

    run("load_org", str(first), "--replace")
    again, _err = run("export_org", "--with-people")

    assert again == first.read_text(encoding="utf-8")
    assert len(json.loads(again)["people"]) == Employee.objects.count() > 0


def test_export_org_needs_a_company_and_asks_which_when_there_are_several():
    with pytest.raises(CommandError, match="no company yet"):
        run("export_org")
    run("load_org", "standard-sales")
    run("load_org", "industrial")

    with pytest.raises(CommandError) as raised:
        run("export_org")
    assert "hengyuan" in str(raised.value) and "huaxin" in str(raised.value)

    out, _err = run("export_org", "--company", "hengyuan")
    assert out == template_text("industrial")
    with pytest.raises(CommandError, match="nowhere"):
        run("export_org", "--company", "nowhere")


def test_export_org_only_knows_json():
    run("load_org", "standard-sales")

    with pytest.raises(CommandError):
        run("export_org", "--format", "xml")


# --- apply_org_changes --------------------------------------------------------------------------


@pytest.fixture
def company():
    run("load_org", "standard-sales", "--demo-people")
    return Company.objects.get()


def holder(company, code):
    return Employee.objects.filter(company=company, assignments__position__code=code).order_by("pk").first()


def approved(company, title, effective_date, operations):
    drafter, approver = holder(company, "manager-assistant"), holder(company, "manager")
    change_set = versions.draft_change_set(company=company, title=title, effective_date=effective_date,
                                           drafted_by=drafter, operations=operations)
    versions.submit(change_set=change_set, approver=approver)
    return versions.approve(change_set=change_set, by=approver, comment="同意")


def test_apply_org_changes_applies_what_is_due_and_a_second_run_applies_nothing(company):
    change_set = approved(company, "售后组改名", timezone.localdate(),
                          [{"op": "rename_department", "department": "after-sales", "name": "客户服务组"}])

    out, _err = run("apply_org_changes")

    change_set.refresh_from_db()
    assert change_set.status == OrgChangeSet.Status.EFFECTIVE
    assert Department.objects.get(code="after-sales").name == "客户服务组"
    assert out.strip() == f"Applied “售后组改名”: {company.name} is now at version 2."
    before = (totals(), AuditEntry.objects.count(), change_set.applied_at)

    out, _err = run("apply_org_changes")

    change_set.refresh_from_db()
    assert out.strip() == "No approved change sets are due; nothing changed."
    assert (totals(), AuditEntry.objects.count(), change_set.applied_at) == before
    assert OrgVersion.objects.filter(company=company).count() == 2


def test_apply_org_changes_waits_for_the_effective_date_given_by_date(company):
    later = timezone.localdate() + datetime.timedelta(days=10)
    change_set = approved(company, "新设华南组", later,
                          [{"op": "create_department", "code": "south", "name": "华南组", "parent": "sales"}])

    run("apply_org_changes")
    run("apply_org_changes", "--date", (later - datetime.timedelta(days=1)).isoformat())
    assert not Department.objects.filter(code="south").exists()

    run("apply_org_changes", "--date", later.isoformat())

    change_set.refresh_from_db()
    assert change_set.status == OrgChangeSet.Status.EFFECTIVE
    assert Department.objects.get(code="south").parent.code == "sales"
    version = OrgVersion.objects.get(company=company, number=2)
    assert version.effective_date == later and version.change_set == change_set


def test_apply_org_changes_refuses_a_date_it_cannot_read(company):
    with pytest.raises(CommandError, match="Not a date"):
        run("apply_org_changes", "--date", "2030-13-01")


def test_apply_org_changes_reports_a_change_set_that_no_longer_fits_and_changes_nothing(company):
    today = timezone.localdate()
    first = approved(company, "新设华南组", today,
                     [{"op": "create_department", "code": "south", "name": "华南组", "parent": "sales"}])
    second = approved(company, "也设华南组", today,
                      [{"op": "rename_department", "department": "field", "name": "外勤组"},
                       {"op": "create_department", "code": "south", "name": "南方组", "parent": "sales"}])

    with pytest.raises(CommandError, match="1 change set"):
        run("apply_org_changes")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OrgChangeSet.Status.EFFECTIVE
    assert second.status == OrgChangeSet.Status.APPROVED and "south" in second.last_error
    assert Department.objects.get(code="field").name == "市场销售组"  # the first operation was rolled back
    assert Department.objects.get(code="south").name == "华南组"
    assert OrgVersion.objects.filter(company=company).count() == 2

    with pytest.raises(CommandError):  # still failing, still not half applied
        run("apply_org_changes")
    assert OrgVersion.objects.filter(company=company).count() == 2


def test_apply_org_changes_records_itself_as_the_actor(company):
    approved(company, "售后组改名", timezone.localdate(),
             [{"op": "rename_department", "department": "after-sales", "name": "客户服务组"}])

    run("apply_org_changes")

    entry = timeline_for(Department.objects.get(code="after-sales")).filter(action="update").latest("id")
    assert (entry.actor_name, entry.source) == ("apply_org_changes", "command")
    assert entry.changes["name"] == ["售后服务组", "客户服务组"]


# --- demo_setup ---------------------------------------------------------------------------------


def login_table(output):
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("username"))
    end = next((n for n, line in enumerate(lines) if line.startswith("Who does which step")), len(lines))
    return [line for line in lines[start:end] if line.strip()]


def test_demo_setup_twice_loads_once_keeps_one_admin_and_prints_the_log_ins_both_times():
    first, _err = run("demo_setup")
    before = (totals(), AuditEntry.objects.count())

    second, _err = run("demo_setup")

    assert (totals(), AuditEntry.objects.count()) == before
    assert "Loaded the industrial template" in first and "Created the superuser admin." in first
    assert "Reusing the existing company" in second and "Reusing the existing user admin." in second
    assert "Loaded" not in second
    User = get_user_model()
    admin = User.objects.get(username="admin")
    assert User.objects.filter(username="admin").count() == 1
    assert admin.is_superuser and admin.check_password("admin12345")
    table = login_table(second)
    assert table == login_table(first)
    assert table[0].split() == ["username", "password", "position", "department"]
    assert table[2].split()[:2] == ["admin", "admin12345"]
    positions = Position.objects.filter(is_active=True).count()
    assert len(table) == 3 + positions  # header, rule, admin, one log-in per position
    for line in table[3:]:
        username, password = line.split()[:2]
        assert password == orgfile.DEMO_PASSWORD
        assert User.objects.get(username=username).check_password(orgfile.DEMO_PASSWORD)


def test_demo_setup_leaves_an_existing_admin_account_alone():
    User = get_user_model()
    User.objects.create_user(username="admin", password="my-own-password-1")

    out, _err = run("demo_setup")

    admin = User.objects.get(username="admin")
    assert "Reusing the existing user admin." in out
    assert admin.check_password("my-own-password-1") and not admin.is_superuser
    assert User.objects.filter(username="admin").count() == 1


def test_demo_setup_reuses_a_company_that_is_already_there():
    run("load_org", "standard-sales")

    out, _err = run("demo_setup")

    assert Company.objects.count() == 1 and Company.objects.get().code == "huaxin"
    assert "Reusing the existing company 华信商贸有限公司 (huaxin); nothing loaded." in out
    assert login_table(out)[2].split()[:2] == ["admin", "admin12345"]
    assert len(login_table(out)) == 3  # nobody holds a position yet
