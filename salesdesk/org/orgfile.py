"""The organisation as a data file (format ``salesdesk-org/1``): load one into the database,
export a company's organisation back out.

A file names everything by code, never by database id, and lists things in a stable order
(trees by sort order then code, positions in the order they were created), so an exported
organisation loads into an empty database and exports again byte for byte identical. The five
templates in ``org_templates/`` are files of this format.

Top level::

    format, code, name, description      the template this organisation came from
    company {name, code}
    territories [{code, name, level, children?}]                         (a tree)
    departments [{code, name, territories?, children?}]                   (a tree)
    positions   [{code, title, department, reports_to, headcount, grade, is_department_head,
                  main_work, requirements, authority, meetings, duties [{text, queue?, capability?}],
                  scopes {module: level}, scope_departments? {module: [department codes]},
                  read_only_scopes? [modules whose level is for reading only],
                  territories? [codes]}]
    people?     [{name, username, employee_no, mobile, email, status, positions [codes]}]
    approval_chains? and other sections that apps above the organisation register (`Section`):
                each checks, loads and exports its own list, naming positions by code.

Loading validates the whole file first and then writes everything in one transaction through
``org.services``, so a bad file leaves nothing behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesdesk.core import capabilities
from salesdesk.core.contextvars import current_actor
from salesdesk.core.scope import MODULES, ScopeLevel

from . import services
from .models import (
    Assignment,
    Company,
    Department,
    Employee,
    Grade,
    OrgChangeSet,
    Position,
    PositionScope,
    Territory,
    deferred_scope_refresh,
)

FORMAT = "salesdesk-org/1"
TEMPLATES_DIR = Path(__file__).resolve().parent / "org_templates"

# Modules that are not registered yet but that templates already grant scopes for; their
# scope rows are stored so that the modules find them once they exist.
FUTURE_MODULES = ("customers", "sales", "finance", "service", "targets", "expenses", "reports")

DEMO_PASSWORD = "demo12345"

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")

TOP_KEYS = ("format", "code", "name", "description", "company", "territories", "departments", "positions", "people")
TERRITORY_KEYS = ("code", "name", "level", "children")
DEPARTMENT_KEYS = ("code", "name", "territories", "children")
POSITION_KEYS = ("code", "title", "department", "reports_to", "headcount", "grade", "is_department_head",
                 "main_work", "requirements", "authority", "meetings", "duties", "scopes", "scope_departments",
                 "read_only_scopes", "territories")
DUTY_KEYS = ("text", "queue", "capability")
PERSON_KEYS = ("name", "username", "employee_no", "mobile", "email", "status", "positions")


@dataclass(frozen=True)
class Section:
    """A part of the org file that an app above the organisation owns (the approval chains a
    template ships, say). `validate(items, positions)` returns messages, given the file's positions
    by code; `load(company, items, positions)` writes, given the created Position rows by code, and
    replaces what the company had; `dump(company)` returns the list (empty: the key is left out)."""

    key: str
    validate: Callable
    load: Callable
    dump: Callable


SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    SECTIONS[section.key] = section


def _top_keys() -> tuple[str, ...]:
    return (*TOP_KEYS[:-1], *sorted(SECTIONS), TOP_KEYS[-1])


class OrgExistsError(ValidationError):
    """The company already has an organisation and the caller did not ask to replace it."""


def known_modules() -> set[str]:
    return set(MODULES) | set(FUTURE_MODULES)


# --- reading, writing and normalising files -------------------------------------------------


def dumps(data: dict) -> str:
    """The file text: UTF-8 friendly, indented, keys in the canonical order, trailing newline."""
    return json.dumps(normalize(data), ensure_ascii=False, indent=2) + "\n"


def read_file(path) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValidationError(_("No such org file: %(path)s") % {"path": path})
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError(_("%(path)s is not a valid JSON file: %(error)s") % {"path": path, "error": error})
    if not isinstance(data, dict):
        raise ValidationError(_("%(path)s does not hold an org file.") % {"path": path})
    return data


def template_codes() -> list[str]:
    return sorted(path.stem for path in TEMPLATES_DIR.glob("*.json"))


def load_template(code: str) -> dict:
    if code not in template_codes():
        raise ValidationError(_("No org template named %(code)s. Known templates: %(known)s")
                              % {"code": code, "known": ", ".join(template_codes())})
    return read_file(TEMPLATES_DIR / f"{code}.json")


def template_summaries() -> list[dict]:
    """Code, name and counts of every shipped template (for `org_templates`)."""
    summaries = []
    for code in template_codes():
        data = load_template(code)
        summaries.append({
            "code": code,
            "name": data.get("name", ""),
            "description": data.get("description", ""),
            "departments": sum(1 for _node in _walk(data.get("departments", []))),
            "positions": len(data.get("positions", [])),
            "territories": sum(1 for _node in _walk(data.get("territories", []))),
            "headcount": sum(p.get("headcount", 1) for p in data.get("positions", [])),
        })
    return summaries


def _ordered(mapping: dict, keys) -> dict:
    result = {key: mapping[key] for key in keys if key in mapping}
    result.update({key: mapping[key] for key in sorted(mapping) if key not in result})
    return result


def normalize(data: dict) -> dict:
    """The same data with keys in the canonical order (JSONB on PostgreSQL reorders keys)."""

    def tree(nodes, keys):
        result = []
        for node in nodes:
            node = _ordered(node, keys)
            if "children" in node:
                node["children"] = tree(node["children"], keys)
            result.append(node)
        return result

    data = _ordered(data, _top_keys())
    if isinstance(data.get("company"), dict):
        data["company"] = _ordered(data["company"], ("name", "code"))
    if isinstance(data.get("territories"), list):
        data["territories"] = tree(data["territories"], TERRITORY_KEYS)
    if isinstance(data.get("departments"), list):
        data["departments"] = tree(data["departments"], DEPARTMENT_KEYS)
    if isinstance(data.get("positions"), list):
        positions = []
        for position in data["positions"]:
            position = _ordered(position, POSITION_KEYS)
            if isinstance(position.get("duties"), list):
                position["duties"] = [_ordered(duty, DUTY_KEYS) for duty in position["duties"]]
            for key in ("scopes", "scope_departments"):
                if isinstance(position.get(key), dict):
                    position[key] = dict(sorted(position[key].items()))
            if isinstance(position.get("read_only_scopes"), list):
                position["read_only_scopes"] = sorted(position["read_only_scopes"], key=str)
            positions.append(position)
        data["positions"] = positions
    if isinstance(data.get("people"), list):
        data["people"] = [_ordered(person, PERSON_KEYS) for person in data["people"]]
    return data


def _walk(nodes, parent=None):
    """(node, parent node, index among siblings) in tree order."""
    if not isinstance(nodes, list):
        return
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        yield node, parent, index
        yield from _walk(node.get("children"), node)


# --- validation -----------------------------------------------------------------------------


def validate(data) -> list[str]:
    """Every problem of the file, as messages; an empty list means it can be loaded."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return [_("An org file is a JSON object.")]
    if data.get("format") != FORMAT:
        errors.append(_("Unknown org file format %(found)r; expected %(expected)r.")
                      % {"found": data.get("format"), "expected": FORMAT})
        return errors
    company = data.get("company")
    if not isinstance(company, dict) or not _is_text(company.get("name")) or not _is_text(company.get("code")):
        errors.append(_("The file must name the company: company.name and company.code."))
    elif not _SLUG.match(company["code"]):
        errors.append(_("Company code %(code)r may only hold letters, digits, hyphens and underscores.")
                      % {"code": company["code"]})

    territory_codes = _validate_tree(data.get("territories", []), str(Territory._meta.verbose_name), errors, TERRITORY_LEVELS)
    department_codes = _validate_tree(data.get("departments", []), str(Department._meta.verbose_name), errors)
    if not department_codes and not errors:
        errors.append(_("The file has no departments."))
    for node, _parent, _index in _walk(data.get("departments", [])):
        for code in _list(node.get("territories"), errors, _("department %(code)s: territories") % node):
            if code not in territory_codes:
                errors.append(_('Department "%(department)s" names an unknown territory "%(code)s".')
                              % {"department": node.get("code"), "code": code})

    positions = data.get("positions", [])
    if not isinstance(positions, list):
        errors.append(_("positions must be a list."))
        positions = []
    position_codes: dict[str, dict] = {}
    for index, position in enumerate(positions):
        if not isinstance(position, dict):
            errors.append(_("Position number %(n)d is not an object.") % {"n": index + 1})
            continue
        code = position.get("code")
        if not _is_text(code) or not _CODE.match(code):
            errors.append(_("Position number %(n)d has no valid code.") % {"n": index + 1})
            continue
        if code in position_codes:
            errors.append(_('Position code "%(code)s" is used twice.') % {"code": code})
            continue
        position_codes[code] = position
    known = known_modules()
    for code, position in position_codes.items():
        errors.extend(_validate_position(code, position, position_codes, department_codes, territory_codes, known))
    errors.extend(_reporting_cycles(position_codes))
    errors.extend(_validate_people(data.get("people", []), position_codes))
    for key, section in SECTIONS.items():
        if key in data:
            if not isinstance(data[key], list):
                errors.append(_("%(section)s must be a list.") % {"section": key})
            else:
                errors.extend(section.validate(data[key], position_codes))
    return errors


TERRITORY_LEVELS = tuple(Territory.Level.values)


def _is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _list(value, errors, where) -> list:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.append(_("%(where)s must be a list of codes.") % {"where": where})
        return []
    return value


def _validate_tree(nodes, kind: str, errors: list, levels=None) -> set[str]:
    codes: set[str] = set()
    if not isinstance(nodes, list):
        errors.append(_("%(kind)s tree must be a list.") % {"kind": kind})
        return codes
    for node, _parent, _index in _walk(nodes):
        code = node.get("code")
        if not _is_text(code) or not _CODE.match(code):
            errors.append(_("A %(kind)s has no valid code: %(node)s") % {"kind": kind, "node": node.get("name")})
            continue
        if code in codes:
            errors.append(_('%(kind)s code "%(code)s" is used twice.') % {"kind": kind, "code": code})
        codes.add(code)
        if not _is_text(node.get("name")):
            errors.append(_('%(kind)s "%(code)s" has no name.') % {"kind": kind, "code": code})
        if levels is not None and node.get("level", levels[0]) not in levels:
            errors.append(_('Territory "%(code)s" has an unknown level "%(level)s"; use one of %(levels)s.')
                          % {"code": code, "level": node.get("level"), "levels": ", ".join(levels)})
        if node.get("children") is not None and not isinstance(node.get("children"), list):
            errors.append(_('The children of "%(code)s" must be a list.') % {"code": code})
    # Nodes that are not objects are skipped by _walk; report them.
    for node, _parent, _index in _walk(nodes):
        children = node.get("children")
        for child in children if isinstance(children, list) else []:
            if not isinstance(child, dict):
                errors.append(_('"%(code)s" has a child that is not an object.') % {"code": node.get("code")})
    if any(not isinstance(node, dict) for node in nodes):
        errors.append(_("Every %(kind)s must be an object.") % {"kind": kind})
    return codes


def _validate_position(code, position, positions, departments, territories, modules) -> list[str]:
    errors = []
    where = {"code": code}
    if not _is_text(position.get("title")):
        errors.append(_('Position "%(code)s" has no title.') % where)
    department = position.get("department")
    if not isinstance(department, str) or department not in departments:
        errors.append(_('Position "%(code)s" is in an unknown department "%(department)s".')
                      % {**where, "department": position.get("department")})
    superior = position.get("reports_to")
    if superior is not None and (not isinstance(superior, str) or superior not in positions):
        errors.append(_('Position "%(code)s" reports to an unknown position "%(superior)s".')
                      % {**where, "superior": superior})
    if superior == code:
        errors.append(_('Position "%(code)s" reports to itself.') % where)
    headcount = position.get("headcount", 1)
    if not isinstance(headcount, int) or isinstance(headcount, bool) or headcount < 0 or headcount > 32767:
        errors.append(_('Position "%(code)s" has an invalid headcount %(headcount)r.') % {**where, "headcount": headcount})
    if position.get("grade", Grade.JUNIOR) not in Grade.values:
        errors.append(_('Position "%(code)s" has an unknown grade "%(grade)s"; use one of %(grades)s.')
                      % {**where, "grade": position.get("grade"), "grades": ", ".join(Grade.values)})
    if not isinstance(position.get("is_department_head", False), bool):
        errors.append(_('Position "%(code)s": is_department_head must be true or false.') % where)
    for key in ("main_work", "requirements", "authority", "meetings"):
        if not isinstance(position.get(key, ""), str):
            errors.append(_('Position "%(code)s": %(field)s must be text.') % {**where, "field": key})
    duties = position.get("duties", [])
    if not isinstance(duties, list):
        errors.append(_('Position "%(code)s": duties must be a list.') % where)
        duties = []
    for number, duty in enumerate(duties, start=1):
        if not isinstance(duty, dict) or not _is_text(duty.get("text")):
            errors.append(_('Position "%(code)s": duty %(n)d has no text.') % {**where, "n": number})
            continue
        for key in ("queue", "capability"):
            if not isinstance(duty.get(key, ""), str) or len(duty.get(key, "")) > 64:
                errors.append(_('Position "%(code)s": duty %(n)d has an invalid %(field)s.')
                              % {**where, "n": number, "field": key})
        if isinstance(duty.get("capability", ""), str) and capabilities.unknown([duty.get("capability", "")]):
            errors.append(_('Position "%(code)s": duty %(n)d grants an unknown capability "%(capability)s".')
                          % {**where, "n": number, "capability": duty["capability"]})
    scopes = position.get("scopes", {})
    if not isinstance(scopes, dict):
        errors.append(_('Position "%(code)s": scopes must map modules to levels.') % where)
        scopes = {}
    for module, level in scopes.items():
        if module not in modules:
            errors.append(_('Position "%(code)s" grants a scope in an unknown module "%(module)s".')
                          % {**where, "module": module})
        if level not in ScopeLevel.values:
            errors.append(_('Position "%(code)s" has an unknown scope level "%(level)s" for %(module)s; use one of %(levels)s.')
                          % {**where, "level": level, "module": module, "levels": ", ".join(ScopeLevel.values)})
    scope_departments = position.get("scope_departments", {})
    if not isinstance(scope_departments, dict):
        errors.append(_('Position "%(code)s": scope_departments must map modules to department codes.') % where)
        scope_departments = {}
    for module, codes in scope_departments.items():
        if scopes.get(module) != ScopeLevel.DEPARTMENTS:
            errors.append(_('Position "%(code)s" names departments for %(module)s, whose level is not "departments".')
                          % {**where, "module": module})
        for department in _list(codes, errors, f"{code}.scope_departments.{module}"):
            if department not in departments:
                errors.append(_('Position "%(code)s" names an unknown department "%(department)s" in its %(module)s scope.')
                              % {**where, "department": department, "module": module})
    for module, level in scopes.items():
        if level == ScopeLevel.DEPARTMENTS and not scope_departments.get(module):
            errors.append(_('Position "%(code)s" has the level "departments" for %(module)s but names no departments.')
                          % {**where, "module": module})
    for module in _list(position.get("read_only_scopes"), errors, f"{code}.read_only_scopes"):
        if scopes.get(module, ScopeLevel.SELF) == ScopeLevel.SELF:
            errors.append(_('Position "%(code)s" makes its %(module)s scope read-only, but grants no more than '
                            'its own records there.') % {**where, "module": module})
    for territory in _list(position.get("territories"), errors, f"{code}.territories"):
        if territory not in territories:
            errors.append(_('Position "%(code)s" names an unknown territory "%(territory)s".')
                          % {**where, "territory": territory})
    return errors


def _reporting_cycles(positions: dict[str, dict]) -> list[str]:
    errors, reported = [], set()
    for start in positions:
        seen, code = [], start
        while isinstance(code, str) and code in positions and code not in seen:
            seen.append(code)
            code = positions[code].get("reports_to")
        if isinstance(code, str) and code in seen:
            cycle = seen[seen.index(code):]
            key = frozenset(cycle)
            if key not in reported and len(cycle) > 1:
                reported.add(key)
                errors.append(_("The reporting line goes round in a circle: %(cycle)s.")
                              % {"cycle": " → ".join([*cycle, code])})
    return errors


def _validate_people(people, positions) -> list[str]:
    errors = []
    if people is None:
        return errors
    if not isinstance(people, list):
        return [_("people must be a list.")]
    usernames = set()
    for number, person in enumerate(people, start=1):
        if not isinstance(person, dict) or not _is_text(person.get("name")):
            errors.append(_("Person number %(n)d has no name.") % {"n": number})
            continue
        username = person.get("username", "")
        if not isinstance(username, str):
            errors.append(_("Person %(name)s has an invalid username.") % person)
        elif username:
            if username in usernames:
                errors.append(_('The username "%(username)s" is used twice.') % {"username": username})
            usernames.add(username)
        if person.get("status", Employee.Status.ACTIVE) not in Employee.Status.values:
            errors.append(_("Person %(name)s has an unknown status %(status)r.") % {"name": person["name"],
                                                                                    "status": person.get("status")})
        for code in _list(person.get("positions"), errors, _("positions of %(name)s") % person):
            if code not in positions:
                errors.append(_('Person %(name)s holds an unknown position "%(code)s".') % {"name": person["name"],
                                                                                           "code": code})
    return errors


# --- loading --------------------------------------------------------------------------------


def load_org(*, data: dict, company_name: str | None = None, replace: bool = False,
             demo_people: bool = False) -> Company:
    """Create the company's organisation from `data`. Refuses when the company already has
    one, unless `replace` (which deletes the old organisation first). All or nothing."""
    errors = validate(data)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        company = _company_for(data, company_name=company_name, replace=replace)
        territories = _load_territories(company, data.get("territories", []))
        departments = _load_departments(company, data.get("departments", []), territories)
        with deferred_scope_refresh():
            positions = _load_positions(company, data.get("positions", []), departments, territories)
        _load_people(company, data.get("people") or [], positions)
        for key, section in SECTIONS.items():
            if key in data:
                section.load(company, data[key], positions)
        if demo_people:
            add_demo_people(company=company)
        from .versions import record_version

        actor = current_actor.get()
        record_version(company=company, title=data.get("name") or company.name,
                       effective_date=timezone.localdate(),
                       drafted_by_name=actor.name if actor else "system",
                       meta={key: data.get(key, "") for key in ("code", "name", "description")})
    return company


def has_org(company: Company) -> bool:
    return (Department.objects.filter(company=company).exists() or Position.objects.filter(company=company).exists()
            or Territory.objects.filter(company=company).exists())


def _company_for(data, *, company_name, replace) -> Company:
    code = data["company"]["code"]
    company = Company.objects.select_for_update().filter(code=code).first()
    if company is None:
        return services.create_company(name=company_name or data["company"]["name"], code=code)
    if has_org(company):
        if not replace:
            raise OrgExistsError(
                _("The company %(name)s (%(code)s) already has an organisation. Loading again would overwrite "
                  "it; ask for it explicitly (replace / --replace) if that is what you want.")
                % {"name": company.name, "code": company.code})
        clear_org(company=company)
    if company_name and company.name != company_name:
        company.name = company_name
        company.full_clean()
        company.save()
    return company


def blocking_records(company: Company) -> list[str]:
    """What the company's employees own outside the org itself (customers, orders, …), which
    would be lost if they were deleted; one line per kind of record."""
    ids = list(Employee.objects.filter(company=company).values_list("pk", flat=True))
    found = []
    if not ids:
        return found
    for relation in Employee._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or not (relation.one_to_many or relation.one_to_one
                                                                   or relation.many_to_many):
            continue
        model = relation.related_model
        if model._meta.app_label in ("org", "audit"):
            continue
        count = model._base_manager.filter(**{f"{relation.field.name}__in": ids}).distinct().count()
        if count:
            found.append(f"{model._meta.verbose_name_plural}: {count}")
    return sorted(found)


@transaction.atomic
def clear_org(*, company: Company) -> None:
    """Delete the company's organisation: people, assignments, positions, departments and
    territories, plus change sets that were never applied. Versions stay as history. Refuses
    when people still own business records."""
    blocking = blocking_records(company)
    if blocking:
        raise ValidationError(
            _("The organisation of %(name)s cannot be replaced: its people still own business records (%(records)s). "
              "Transfer or remove those first.") % {"name": company.name, "records": "; ".join(blocking)})
    OrgChangeSet.objects.filter(company=company).exclude(
        status__in=[OrgChangeSet.Status.EFFECTIVE, OrgChangeSet.Status.REJECTED]).delete()
    for assignment in Assignment.objects.filter(employee__company=company):
        assignment.delete()
    for employee in Employee.objects.filter(company=company):
        employee.delete()
    positions = sorted(Position.objects.filter(company=company), key=lambda p: (-p.line_path.count("/"), p.pk))
    for position in positions:
        position.delete()
    for model in (Department, Territory):
        for node in model.objects.filter(company=company).order_by("-depth", "-pk"):
            node.delete()


def _load_territories(company, nodes) -> dict[str, Territory]:
    created: dict[str, Territory] = {}
    for node, parent, index in _walk(nodes):
        created[node["code"]] = services.create_territory(
            company=company, name=node["name"].strip(), code=node["code"], level=node.get("level", "region"),
            parent=created[parent["code"]] if parent else None, sort_order=index)
    return created


def _load_departments(company, nodes, territories) -> dict[str, Department]:
    created: dict[str, Department] = {}
    for node, parent, index in _walk(nodes):
        department = services.create_department(
            company=company, name=node["name"].strip(), code=node["code"],
            parent=created[parent["code"]] if parent else None, sort_order=index)
        if node.get("territories"):
            department.territories.set([territories[code] for code in node["territories"]])
        created[node["code"]] = department
    return created


def _load_positions(company, items, departments, territories) -> dict[str, Position]:
    created: dict[str, Position] = {}
    order = {item["code"]: index for index, item in enumerate(items)}
    pending = list(items)
    while pending:  # superiors first; the file was checked for cycles
        waiting = []
        for item in pending:
            superior = item.get("reports_to")
            if superior is not None and superior not in created:
                waiting.append(item)
                continue
            created[item["code"]] = _create_position(item, departments, territories,
                                                     created.get(superior), order[item["code"]])
        pending = waiting
    return created


def _create_position(item, departments, territories, superior, sort_order) -> Position:
    position = services.create_position(
        department=departments[item["department"]], title=item["title"].strip(), code=item["code"],
        reports_to=superior, headcount=item.get("headcount", 1), grade=item.get("grade", Grade.JUNIOR),
        is_department_head=item.get("is_department_head", False), main_work=item.get("main_work", ""),
        requirements=item.get("requirements", ""), authority=item.get("authority", ""),
        meetings=item.get("meetings", ""), sort_order=sort_order,
        duties=[{"text": duty["text"], "queue": duty.get("queue", ""), "capability": duty.get("capability", "")}
                for duty in item.get("duties", [])],
    )
    scope_departments = item.get("scope_departments") or {}
    read_only = set(item.get("read_only_scopes") or [])
    for module, level in item.get("scopes", {}).items():
        named = [departments[code] for code in scope_departments.get(module, [])]
        set_scope(position=position, module=module, level=level, departments=named, read_only=module in read_only)
    if item.get("territories"):
        position.territories.set([territories[code] for code in item["territories"]])
    return position


def set_scope(*, position: Position, module: str, level: str, departments=(), read_only: bool = False) -> PositionScope:
    """`services.set_position_scope`, which also stores scopes of the known future modules
    (customers, sales, …) before those modules register themselves."""
    if module in MODULES:
        return services.set_position_scope(position=position, module=module, level=level, departments=departments,
                                           read_only=read_only)
    if module not in FUTURE_MODULES or level not in ScopeLevel.values:
        raise ValidationError(_("Unknown module or scope level: %(module)s=%(level)s") % {"module": module,
                                                                                         "level": level})
    return services.store_position_scope(position=position, module=module, level=level, departments=departments,
                                         read_only=read_only)


def _user_for(company, username: str, password_hash: str | None):
    """The log-in for a person of the file: a free existing user of that name, or a new one."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        if Employee.objects.filter(user=user).exists():
            raise ValidationError(_('The username "%(username)s" already belongs to someone else.')
                                  % {"username": username})
        if password_hash:
            user.password = password_hash
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        return user
    user = User(username=username)
    if password_hash:
        user.password = password_hash
    else:
        user.set_unusable_password()
    user.save()
    return user


def _load_people(company, people, positions) -> None:
    for person in people:
        username = person.get("username") or ""
        user = _user_for(company, username, None) if username else None
        employee = services.create_employee(
            company=company, name=person["name"].strip(), user=user, mobile=person.get("mobile", ""),
            email=person.get("email", ""), employee_no=person.get("employee_no", ""),
            positions=[positions[code] for code in person.get("positions", [])])
        if person.get("status") == Employee.Status.LEFT:
            services.deactivate_employee(employee=employee)


# --- demo people ------------------------------------------------------------------------------

DEMO_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔汤"
DEMO_GIVEN_NAMES = (
    "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "丽",
    "建华", "志强", "海燕", "晓东", "丽华", "文博", "雨萱", "浩然", "思远", "国庆", "佳怡", "子轩", "秀英", "春梅",
    "建国", "晓燕", "宇航", "梦瑶", "俊杰", "欣然", "立新", "婉清",
)
_MOBILE_PREFIXES = ("138", "139", "137", "136", "135", "158", "159", "186", "187", "188", "150", "151", "133", "177")


def demo_name(index: int) -> str:
    return DEMO_SURNAMES[index % len(DEMO_SURNAMES)] + DEMO_GIVEN_NAMES[(index * 7 + index // len(DEMO_SURNAMES))
                                                                         % len(DEMO_GIVEN_NAMES)]


def demo_mobile(index: int) -> str:
    return _MOBILE_PREFIXES[index % len(_MOBILE_PREFIXES)] + f"{(index * 7919 + 20240601) % 10**8:08d}"


def add_demo_people(*, company: Company, password: str = DEMO_PASSWORD) -> list[Employee]:
    """One made-up person per position (two where the headcount is two or more, so managers
    have teams), named from a fixed list, log-in `<position code>-<n>`, all with `password`."""
    password_hash = make_password(password)  # hashed once: demo accounts share it
    created = []
    index = Employee.objects.filter(company=company).count()
    for position in Position.objects.filter(company=company, is_active=True).order_by("sort_order", "id"):
        wanted = min(position.headcount, 2)
        held = Assignment.objects.filter(position=position, ended_on__isnull=True).count()
        for number in range(held + 1, wanted + 1):
            username = f"{position.code}-{number}".lower()
            if get_user_model().objects.filter(username=username, employee__isnull=False).exists():
                username = f"{company.code}-{username}"
            user = _user_for(company, username, password_hash)
            employee = services.create_employee(
                company=company, name=demo_name(index), user=user, mobile=demo_mobile(index),
                email=f"{username}@example.com", employee_no=f"E{index + 1:04d}", positions=[position])
            created.append(employee)
            index += 1
    return created


# --- export -----------------------------------------------------------------------------------


def _tree(nodes, build) -> tuple[list[dict], dict[int, int]]:
    """Nested dicts in tree order (sort order, then code) and each node's place in that order."""
    children: dict[int | None, list] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    order: dict[int, int] = {}

    def nest(parent_id):
        result = []
        for node in sorted(children.get(parent_id, []), key=lambda n: (n.sort_order, n.code)):
            order[node.pk] = len(order)
            item = build(node)
            kids = nest(node.pk)
            if kids:
                item["children"] = kids
            result.append(item)
        return result

    return nest(None), order


def export_meta(company: Company) -> dict:
    """Template code, name and description, as recorded with the company's latest version."""
    from .models import OrgVersion

    version = OrgVersion.objects.filter(company=company).order_by("-number").first()
    snapshot = version.snapshot if version is not None else {}
    return {"code": snapshot.get("code") or company.code, "name": snapshot.get("name") or company.name,
            "description": snapshot.get("description") or ""}


def export_org(*, company: Company, with_people: bool = False, meta: dict | None = None,
               sections: bool = True) -> dict:
    """The company's organisation as an org file (no database ids, stable order); with the apps'
    sections (approval chains …) unless `sections` is false (an org version records the chart only)."""
    meta = meta or export_meta(company)
    territories = list(Territory.objects.filter(company=company))
    territory_tree, territory_order = _tree(
        territories, lambda t: {"code": t.code, "name": t.name, "level": t.level})
    territory_code = {t.pk: t.code for t in territories}

    def territory_codes(items):
        return [territory_code[t.pk] for t in sorted(items, key=lambda t: territory_order[t.pk])]

    departments = list(Department.objects.filter(company=company).prefetch_related("territories"))

    def department_item(department):
        item = {"code": department.code, "name": department.name}
        if department.territories.all():
            item["territories"] = territory_codes(department.territories.all())
        return item

    department_tree, department_order = _tree(departments, department_item)
    department_code = {d.pk: d.code for d in departments}

    def department_codes(items):
        return [department_code[d.pk] for d in sorted(items, key=lambda d: department_order[d.pk])]

    positions = list(
        Position.objects.filter(company=company, is_active=True).order_by("sort_order", "id")
        .select_related("department", "reports_to").prefetch_related("duties", "scopes__departments", "territories"))
    position_items = []
    for position in positions:
        item = {
            "code": position.code, "title": position.title, "department": position.department.code,
            "reports_to": position.reports_to.code if position.reports_to_id else None,
            "headcount": position.headcount, "grade": position.grade,
            "is_department_head": position.is_department_head, "main_work": position.main_work,
            "requirements": position.requirements, "authority": position.authority, "meetings": position.meetings,
            "duties": [],
        }
        for duty in sorted(position.duties.all(), key=lambda d: (d.sort_order, d.pk)):
            entry = {"text": duty.text}
            if duty.queue:
                entry["queue"] = duty.queue
            if duty.capability:
                entry["capability"] = duty.capability
            item["duties"].append(entry)
        scopes = sorted(position.scopes.all(), key=lambda s: s.module)
        item["scopes"] = {scope.module: scope.level for scope in scopes}
        named = {scope.module: department_codes(scope.departments.all()) for scope in scopes
                 if scope.level == ScopeLevel.DEPARTMENTS and scope.departments.all()}
        if named:
            item["scope_departments"] = named
        read_only = [scope.module for scope in scopes if scope.read_only and scope.level != ScopeLevel.SELF]
        if read_only:
            item["read_only_scopes"] = read_only
        if position.territories.all():
            item["territories"] = territory_codes(position.territories.all())
        position_items.append(item)

    data = {
        "format": FORMAT,
        "code": meta.get("code", ""),
        "name": meta.get("name", ""),
        "description": meta.get("description", ""),
        "company": {"name": company.name, "code": company.code},
        "territories": territory_tree,
        "departments": department_tree,
        "positions": position_items,
    }
    if sections:
        for key, section in SECTIONS.items():
            items = section.dump(company)
            if items:
                data[key] = items
    if with_people:
        data["people"] = _export_people(company)
    return normalize(data)


def _export_people(company) -> list[dict]:
    people = []
    employees = Employee.objects.filter(company=company).select_related("user").order_by("id")
    for employee in employees:
        assignments = (Assignment.objects.filter(employee=employee, ended_on__isnull=True, position__is_active=True)
                       .select_related("position").order_by("-is_primary", "id"))
        people.append({
            "name": employee.name,
            "username": employee.user.get_username() if employee.user_id else "",
            "employee_no": employee.employee_no,
            "mobile": employee.mobile,
            "email": employee.email,
            "status": employee.status,
            "positions": [assignment.position.code for assignment in assignments],
        })
    return people
