"""The org file (format salesdesk-org/1): clear validation messages, all-or-nothing loading,
refusing to overwrite an organisation unless asked, byte-identical export round trips without
database ids, and demo people for every position."""

import copy
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from salesdesk.audit.models import AuditEntry
from salesdesk.org import orgfile, services, versions
from salesdesk.org.models import (
    Assignment,
    Company,
    Department,
    Employee,
    OrgChangeSet,
    OrgVersion,
    Position,
    Territory,
)
from tests.scopetest.models import Account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages are compared with their English msgids."""
    with translation.override("en"):
        yield

CODES = ["fmcg-brand", "industrial", "real-estate", "sales-company", "standard-sales"]


def template_text(code):
    return (orgfile.TEMPLATES_DIR / f"{code}.json").read_text(encoding="utf-8")


def template(code):
    return json.loads(template_text(code))


def small_file():
    """A minimal valid org file: 销售部 → 华东 with a director and a rep."""
    return {
        "format": "salesdesk-org/1",
        "code": "tiny",
        "name": "小公司",
        "description": "",
        "company": {"name": "小公司", "code": "tiny"},
        "territories": [{"code": "east", "name": "华东", "level": "region"}],
        "departments": [{"code": "sales", "name": "销售部",
                         "children": [{"code": "east", "name": "华东", "territories": ["east"]}]}],
        "positions": [
            {"code": "director", "title": "销售总监", "department": "sales", "reports_to": None, "grade": "senior",
             "duties": [{"text": "带队完成年度目标", "queue": "team"}], "scopes": {"org": "all"}},
            {"code": "rep", "title": "销售代表", "department": "east", "reports_to": "director", "headcount": 3,
             "duties": [{"text": "拜访客户"}], "scopes": {"org": "self"}},
        ],
        "people": [{"name": "李四", "username": "lisi", "positions": ["rep"]}],
    }


def position(data, code):
    return next(item for item in data["positions"] if item["code"] == code)


def org_counts():
    return (Company.objects.count(), Department.objects.count(), Territory.objects.count(), Position.objects.count(),
            Employee.objects.count(), OrgVersion.objects.count(), get_user_model().objects.count(),
            AuditEntry.objects.count())


# --- validation -----------------------------------------------------------------------------


def test_the_small_file_is_valid():
    assert orgfile.validate(small_file()) == []


def test_a_file_that_is_not_an_object_is_refused():
    assert orgfile.validate(["format"]) == ["An org file is a JSON object."]


@pytest.mark.parametrize("found", ["salesdesk-org/2", None, "excel"])
def test_an_unknown_format_is_named_with_the_expected_one(found):
    data = small_file()
    data["format"] = found

    errors = orgfile.validate(data)

    assert errors == [f"Unknown org file format {found!r}; expected 'salesdesk-org/1'."]


def test_a_file_without_a_company_or_departments_says_so():
    data = small_file()
    del data["company"]
    assert "The file must name the company: company.name and company.code." in orgfile.validate(data)

    data = small_file()
    data.update(departments=[], positions=[], people=[])
    assert orgfile.validate(data) == ["The file has no departments."]


def test_a_company_code_with_spaces_is_refused():
    data = small_file()
    data["company"]["code"] = "tiny co"

    assert orgfile.validate(data) == [
        "Company code 'tiny co' may only hold letters, digits, hyphens and underscores."]


def test_a_position_in_an_unknown_department_names_both_codes():
    data = small_file()
    position(data, "rep")["department"] = "west"

    assert orgfile.validate(data) == ['Position "rep" is in an unknown department "west".']


def test_an_unknown_department_in_a_scope_or_territory_on_a_department_is_named():
    data = small_file()
    position(data, "director")["scopes"] = {"org": "departments"}
    position(data, "director")["scope_departments"] = {"org": ["sales", "nowhere"]}
    data["departments"][0]["territories"] = ["atlantis"]

    errors = orgfile.validate(data)

    assert 'Position "director" names an unknown department "nowhere" in its org scope.' in errors
    assert 'Department "sales" names an unknown territory "atlantis".' in errors
    assert len(errors) == 2


def test_a_superior_that_does_not_exist_is_named():
    data = small_file()
    position(data, "rep")["reports_to"] = "ceo"

    assert orgfile.validate(data) == ['Position "rep" reports to an unknown position "ceo".']


def test_a_reporting_line_that_goes_round_in_a_circle_is_shown_once_with_its_codes():
    data = small_file()
    data["positions"].append({"code": "assistant", "title": "助理", "department": "sales", "reports_to": "rep",
                              "duties": [{"text": "整理报表"}]})
    position(data, "director")["reports_to"] = "assistant"

    errors = orgfile.validate(data)

    assert len(errors) == 1
    assert errors[0].startswith("The reporting line goes round in a circle: ")
    circle = errors[0].removeprefix("The reporting line goes round in a circle: ").rstrip(".").split(" → ")
    assert set(circle) == {"director", "rep", "assistant"} and circle[0] == circle[-1] and len(circle) == 4


def test_a_position_reporting_to_itself_is_refused():
    data = small_file()
    position(data, "director")["reports_to"] = "director"

    assert orgfile.validate(data) == ['Position "director" reports to itself.']


def test_codes_used_twice_are_named():
    data = small_file()
    data["positions"].append(dict(position(data, "rep"), title="另一个代表"))
    data["departments"][0]["children"].append({"code": "east", "name": "华东二部"})
    data["territories"].append({"code": "east", "name": "华东二区"})

    errors = orgfile.validate(data)

    assert 'Position code "rep" is used twice.' in errors
    assert 'department code "east" is used twice.' in errors
    assert 'territory code "east" is used twice.' in errors
    assert len(errors) == 3


def test_an_unknown_module_or_scope_level_is_named():
    data = small_file()
    position(data, "rep")["scopes"] = {"org": "team", "crm": "self"}

    errors = orgfile.validate(data)

    assert 'Position "rep" grants a scope in an unknown module "crm".' in errors
    assert any(error.startswith('Position "rep" has an unknown scope level "team" for org; use one of ')
               for error in errors)
    assert len(errors) == 2


def test_the_modules_still_to_come_are_accepted_for_scopes():
    data = small_file()
    position(data, "rep")["scopes"] = {module: "self" for module in orgfile.FUTURE_MODULES}

    assert orgfile.validate(data) == []


def test_a_read_only_scope_needs_a_level_above_own_records():
    data = small_file()
    position(data, "rep")["scopes"] = {"org": "self"}
    position(data, "rep")["read_only_scopes"] = ["org"]

    assert orgfile.validate(data) == [
        'Position "rep" makes its org scope read-only, but grants no more than its own records there.']


def test_read_only_scopes_load_and_export_unchanged():
    data = small_file()
    position(data, "rep")["scopes"] = {"org": "all"}
    position(data, "rep")["read_only_scopes"] = ["org"]

    company = orgfile.load_org(data=data)

    rep = Position.objects.get(company=company, code="rep")
    assert rep.scope_is_read_only("org") and rep.scope_level("org", writing=True) == "self"
    exported = orgfile.export_org(company=company)
    assert [p for p in exported["positions"] if p["code"] == "rep"][0]["read_only_scopes"] == ["org"]
    assert "read_only_scopes" not in [p for p in exported["positions"] if p["code"] == "director"][0]


def test_the_departments_level_needs_departments_and_only_it_may_name_them():
    data = small_file()
    position(data, "director")["scopes"] = {"org": "departments"}
    position(data, "rep")["scope_departments"] = {"org": ["east"]}

    errors = orgfile.validate(data)

    assert sorted(errors) == sorted([
        'Position "rep" names departments for org, whose level is not "departments".',
        'Position "director" has the level "departments" for org but names no departments.'])


@pytest.mark.parametrize("headcount", [-1, "3", True, 40000, 2.5])
def test_an_invalid_headcount_is_refused(headcount):
    data = small_file()
    position(data, "rep")["headcount"] = headcount

    assert orgfile.validate(data) == [f'Position "rep" has an invalid headcount {headcount!r}.']


def test_an_unknown_grade_and_a_duty_without_text_are_named():
    data = small_file()
    position(data, "rep")["grade"] = "boss"
    position(data, "rep")["duties"].append({"text": "  ", "queue": "team"})

    errors = orgfile.validate(data)

    assert any(error.startswith('Position "rep" has an unknown grade "boss"') for error in errors)
    assert 'Position "rep": duty 2 has no text.' in errors
    assert len(errors) == 2


def test_a_person_with_an_unknown_position_is_named():
    data = small_file()
    data["people"][0]["positions"] = ["rep", "ceo"]

    assert orgfile.validate(data) == ['Person 李四 holds an unknown position "ceo".']


def test_people_with_the_same_username_or_an_unknown_status_are_named():
    data = small_file()
    data["people"].append({"name": "王五", "username": "lisi", "status": "retired", "positions": ["rep"]})

    errors = orgfile.validate(data)

    assert 'The username "lisi" is used twice.' in errors
    assert "Person 王五 has an unknown status 'retired'." in errors
    assert len(errors) == 2


def test_every_problem_of_a_file_is_reported_at_once():
    data = small_file()
    position(data, "rep")["department"] = "west"
    position(data, "director")["scopes"] = {"crm": "all"}
    data["people"][0]["positions"] = ["ceo"]

    assert len(orgfile.validate(data)) == 3


@pytest.mark.parametrize("key, value", [("department", ["east"]), ("reports_to", {"code": "director"})])
def test_a_code_that_is_not_text_is_a_message_not_a_crash(key, value):
    data = small_file()
    position(data, "rep")[key] = value

    errors = orgfile.validate(data)

    assert errors and all(isinstance(error, str) for error in errors)


def test_loading_a_bad_file_raises_its_messages_and_writes_nothing():
    data = small_file()
    position(data, "rep")["department"] = "west"
    before = org_counts()

    with pytest.raises(ValidationError) as raised:
        orgfile.load_org(data=data)

    assert raised.value.messages == ['Position "rep" is in an unknown department "west".']
    assert org_counts() == before


@pytest.mark.parametrize("problem", ["email", "username"])
def test_a_file_that_fails_half_way_through_loading_leaves_nothing_behind(problem):
    data = small_file()
    if problem == "email":
        data["people"][0]["email"] = "not an address"
    else:  # the log-in already belongs to someone in another company
        other = services.create_company(name="别家", code="other")
        user = get_user_model().objects.create_user(username="lisi", password="x-pass-123")
        services.create_employee(company=other, name="别人", user=user)
    assert orgfile.validate(data) == []
    before = org_counts()

    with pytest.raises(ValidationError):
        orgfile.load_org(data=data)

    assert org_counts() == before
    assert not Company.objects.filter(code="tiny").exists()


# --- loading ----------------------------------------------------------------------------------


def test_loading_the_small_file_creates_the_tree_lines_scopes_people_and_a_first_version():
    company = orgfile.load_org(data=small_file())

    east = Department.objects.get(company=company, code="east")
    rep = Position.objects.get(company=company, code="rep")
    assert east.parent.code == "sales" and [t.code for t in east.territories.all()] == ["east"]
    assert rep.reports_to.code == "director" and rep.headcount == 3 and rep.scope_level("org") == "self"
    assert [(d.text, d.queue) for d in Position.objects.get(code="director").duties.all()] == [("带队完成年度目标", "team")]
    person = Employee.objects.get(company=company)
    assert person.name == "李四" and person.user.username == "lisi" and not person.user.has_usable_password()
    assert [a.position.code for a in person.active_assignments()] == ["rep"]
    version = OrgVersion.objects.get(company=company)
    assert (version.number, version.title, version.snapshot["code"]) == (1, "小公司", "tiny")


def test_a_person_who_has_left_is_loaded_without_positions_or_log_in():
    data = small_file()
    data["people"][0]["status"] = "left"

    company = orgfile.load_org(data=data)

    person = Employee.objects.get(company=company)
    assert person.status == Employee.Status.LEFT and not person.user.is_active
    assert not person.active_assignments().exists()


def test_loading_over_an_existing_organisation_is_refused_and_changes_nothing():
    company = orgfile.load_org(data=template("standard-sales"))
    department = Department.objects.get(company=company, code="field")
    services.update_department(department=department, name="外勤组")
    before = org_counts()

    with pytest.raises(orgfile.OrgExistsError) as raised:
        orgfile.load_org(data=template("standard-sales"))

    assert "already has an organisation" in raised.value.messages[0]
    assert org_counts() == before
    assert Department.objects.get(pk=department.pk).name == "外勤组"


def test_replace_loads_the_file_afresh_and_keeps_the_old_versions():
    company = orgfile.load_org(data=template("standard-sales"), demo_people=True)
    services.update_department(department=Department.objects.get(company=company, code="field"), name="外勤组")
    first = OrgVersion.objects.get(company=company, number=1)

    again = orgfile.load_org(data=template("standard-sales"), replace=True)

    assert again.pk == company.pk
    assert Department.objects.get(company=company, code="field").name == "市场销售组"
    assert not Employee.objects.filter(company=company).exists()
    assert list(OrgVersion.objects.filter(company=company).order_by("number").values_list("number", flat=True)) == [1, 2]
    assert OrgVersion.objects.get(pk=first.pk).snapshot == first.snapshot


def test_replace_is_refused_while_people_still_own_business_records():
    company = orgfile.load_org(data=template("standard-sales"), demo_people=True)
    Account.objects.create(name="大客户", owner=Employee.objects.filter(company=company).first())
    before = org_counts()

    with pytest.raises(ValidationError) as raised:
        orgfile.load_org(data=template("standard-sales"), replace=True)

    assert "still own business records" in raised.value.messages[0]
    assert org_counts() == before


def test_clear_org_removes_the_organisation_and_unapplied_change_sets_but_keeps_history():
    company = orgfile.load_org(data=template("standard-sales"), demo_people=True)
    drafter = Employee.objects.filter(company=company, assignments__position__code="manager").first()
    approver = Employee.objects.filter(company=company, assignments__position__code="sales-supervisor").first()
    done = versions.draft_change_set(company=company, title="改名", effective_date=timezone.localdate(),
                                     drafted_by=drafter,
                                     operations=[{"op": "rename_department", "department": "field", "name": "外勤组"}])
    versions.submit(change_set=done, approver=approver)
    versions.approve(change_set=done, by=approver)
    versions.apply_due_change_sets(today=done.effective_date)
    pending = versions.draft_change_set(company=company, title="待定", effective_date=done.effective_date,
                                        drafted_by=drafter)

    orgfile.clear_org(company=company)

    for model in (Department, Territory, Position, Employee):
        assert not model.objects.filter(company=company).exists(), model
    assert not Assignment.objects.exists()
    assert list(OrgChangeSet.objects.values_list("pk", flat=True)) == [done.pk]
    assert not OrgChangeSet.objects.filter(pk=pending.pk).exists()
    assert OrgVersion.objects.filter(company=company).count() == 2
    assert not orgfile.has_org(company)


# --- export round trips -------------------------------------------------------------------------

ALLOWED_KEYS = {
    "top": set(orgfile.TOP_KEYS), "company": {"name", "code"}, "territory": set(orgfile.TERRITORY_KEYS),
    "department": set(orgfile.DEPARTMENT_KEYS), "position": set(orgfile.POSITION_KEYS),
    "duty": set(orgfile.DUTY_KEYS), "person": set(orgfile.PERSON_KEYS),
}


def ids_in(data) -> list[str]:
    """Every place in an exported file that could hold a database id: an unexpected key, or a
    number anywhere but a headcount."""
    found = []

    def check(item, kind, where):
        found.extend(f"{where}.{key}" for key in set(item) - ALLOWED_KEYS[kind])
        for key, value in item.items():
            scalars = [value] if not isinstance(value, (dict, list)) else []
            if isinstance(value, list):
                scalars = [v for v in value if not isinstance(v, dict)]
            if isinstance(value, dict) and key in ("scopes", "scope_departments"):
                scalars = [v for v in value.values() if not isinstance(v, list)]
                scalars += [v for codes in value.values() if isinstance(codes, list) for v in codes]
            for scalar in scalars:
                if isinstance(scalar, int) and not isinstance(scalar, bool) and key != "headcount":
                    found.append(f"{where}.{key}={scalar}")

    def tree(nodes, kind, where):
        for node in nodes:
            check(node, kind, f"{where}/{node.get('code')}")
            tree(node.get("children", []), kind, where)

    check({k: v for k, v in data.items() if not isinstance(v, (dict, list))}, "top", "")
    check(data["company"], "company", "company")
    tree(data["territories"], "territory", "territories")
    tree(data["departments"], "department", "departments")
    for item in data["positions"]:
        check({k: v for k, v in item.items() if k != "duties"}, "position", item["code"])
        for duty in item["duties"]:
            check(duty, "duty", item["code"] + ".duties")
    for person in data.get("people", []):
        check(person, "person", person["name"])
    return found


def test_the_id_check_catches_a_database_id():
    data = template("standard-sales")
    positions = {item["code"]: item for item in data["positions"]}
    positions["manager"]["id"] = 7
    positions["manager-assistant"]["reports_to"] = 12
    sales = next(node for node in data["departments"][0]["children"] if node["code"] == "sales")
    next(node for node in sales["children"] if node["code"] == "field")["parent"] = "sales"

    assert {entry.split("=")[0] for entry in ids_in(data)} == {
        "manager.id", "manager-assistant.reports_to", "departments/field.parent"}


@pytest.mark.parametrize("code", CODES)
def test_the_template_files_are_in_the_canonical_form(code):
    assert orgfile.dumps(template(code)) == template_text(code)


def test_every_loaded_template_exports_as_its_own_file_text_without_database_ids_whatever_came_first():
    # All five in one database: each company's ids follow the others', so an id that leaked into
    # an export would differ from the file.
    companies = {code: orgfile.load_org(data=template(code), demo_people=True) for code in CODES}

    for code, company in companies.items():
        assert ids_in(orgfile.export_org(company=company, with_people=True)) == [], code
        assert orgfile.dumps(orgfile.export_org(company=company)) == template_text(code), code


@pytest.mark.parametrize("code, with_people", [(code, True) for code in CODES] + [("industrial", False)],
                         ids=[f"{code}-with-people" for code in CODES] + ["industrial-without-people"])
def test_export_load_into_an_emptied_database_and_export_again_is_byte_identical(code, with_people):
    company = orgfile.load_org(data=template(code), demo_people=with_people)
    first = orgfile.dumps(orgfile.export_org(company=company, with_people=with_people))
    orgfile.clear_org(company=company)
    assert not orgfile.has_org(company)

    company = orgfile.load_org(data=json.loads(first))
    again = orgfile.dumps(orgfile.export_org(company=company, with_people=with_people))

    assert again == first
    assert ("people" in json.loads(first)) is with_people


@pytest.mark.parametrize("code", CODES)
def test_an_export_with_people_loads_as_another_company_with_the_same_chart(code):
    company = orgfile.load_org(data=template(code), demo_people=True)
    exported = orgfile.export_org(company=company, with_people=True)
    copy_file = copy.deepcopy(exported)
    copy_file["company"] = {"name": "复制公司", "code": "copy"}
    for person in copy_file["people"]:
        person["username"] = "copy-" + person["username"]

    other = orgfile.load_org(data=copy_file)
    again = orgfile.export_org(company=other, with_people=True)

    assert again["company"] == {"name": "复制公司", "code": "copy"}
    assert orgfile.dumps({**again, "company": exported["company"]}) == orgfile.dumps(
        {**copy_file, "company": exported["company"]})
    assert [p["positions"] for p in again["people"]] == [p["positions"] for p in exported["people"]]


def test_export_with_people_lists_each_person_with_log_in_and_positions_primary_first():
    company = orgfile.load_org(data=small_file())
    person = Employee.objects.get(company=company)
    services.assign(employee=person, position=Position.objects.get(company=company, code="director"), is_primary=True)

    people = orgfile.export_org(company=company, with_people=True)["people"]

    assert people == [{"name": "李四", "username": "lisi", "employee_no": "", "mobile": "", "email": "",
                       "status": "active", "positions": ["director", "rep"]}]
    assert "people" not in orgfile.export_org(company=company)


def test_a_retired_position_is_not_exported():
    company = orgfile.load_org(data=template("standard-sales"))
    services.update_position(position=Position.objects.get(company=company, code="clerk"), is_active=False)

    exported = orgfile.export_org(company=company)

    assert "clerk" not in [item["code"] for item in exported["positions"]]
    assert len(exported["positions"]) == len(template("standard-sales")["positions"]) - 1


def test_dumps_puts_keys_in_the_canonical_order_whatever_order_they_came_in():
    data = small_file()
    shuffled = {key: data[key] for key in reversed(list(data))}
    shuffled["positions"] = [{key: item[key] for key in reversed(list(item))} for item in data["positions"]]

    text = orgfile.dumps(shuffled)

    assert text == orgfile.dumps(data)
    assert text.startswith('{\n  "format": "salesdesk-org/1",\n  "code": "tiny",') and text.endswith("}\n")
    assert "销售总监" in text  # not \u escaped


# --- demo people ------------------------------------------------------------------------------


def test_demo_people_fill_up_to_two_seats_per_position_with_log_ins():
    company = orgfile.load_org(data=template("industrial"))

    created = orgfile.add_demo_people(company=company)

    data = template("industrial")
    assert len(created) == sum(min(item["headcount"], 2) for item in data["positions"])
    for item in data["positions"]:
        usernames = sorted(Assignment.objects.filter(position__company=company, position__code=item["code"])
                           .values_list("employee__user__username", flat=True))
        assert usernames == [f"{item['code']}-{n}" for n in range(1, min(item["headcount"], 2) + 1)], item["code"]
    for person in created:
        assert person.is_active and person.user.is_active
        assert person.user.check_password(orgfile.DEMO_PASSWORD)
        assert person.email == person.user.username + "@example.com"
    assert len({person.employee_no for person in created}) == len(created)
    assert len({person.mobile for person in created}) == len(created)


def test_demo_people_only_fill_seats_nobody_holds_and_a_second_run_adds_nobody():
    company = orgfile.load_org(data=small_file())  # 李四 already holds one of the three rep seats

    created = orgfile.add_demo_people(company=company)

    assert sorted(person.user.username for person in created) == ["director-1", "rep-2"]
    assert orgfile.add_demo_people(company=company) == []
    assert Employee.objects.filter(company=company).count() == 3


def test_demo_log_ins_taken_by_another_company_get_the_company_code_in_front():
    orgfile.load_org(data=template("industrial"), demo_people=True)

    company = orgfile.load_org(data=template("fmcg-brand"), demo_people=True)

    holder = Employee.objects.get(company=company, assignments__position__code="general-manager")
    assert holder.user.username == "meilan-general-manager-1"
    other = Employee.objects.get(company__code="hengyuan", assignments__position__code="general-manager")
    assert other.user.username == "general-manager-1"


def test_demo_people_use_the_given_password():
    company = orgfile.load_org(data=small_file())

    created = orgfile.add_demo_people(company=company, password="another-secret-9")

    assert all(person.user.check_password("another-secret-9") for person in created)


def _value_paths(value, prefix=()):
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _value_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _value_paths(item, prefix + (index,))


def test_no_value_of_the_wrong_type_anywhere_in_the_file_crashes_validation():
    """Hand-edited files put lists, objects, numbers and nulls where text belongs: each such
    value must come back as messages, never as an exception."""
    base = small_file()
    crashes = []
    for path in _value_paths(base):
        for wrong in (["x"], {"code": "x"}, 7, None, True, 1.5, ""):
            data = copy.deepcopy(base)
            parent = data
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = wrong
            try:
                orgfile.validate(data)
            except Exception as error:  # noqa: BLE001 - any exception is the failure being looked for
                crashes.append(f"{path} = {wrong!r}: {error!r}")

    assert crashes == []
