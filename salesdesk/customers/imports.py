"""Importing customers and leads from .xlsx or .csv (导入).

Steps, each a plain function the pages, the API and tests share:

1. `read_table(name, content)` -> headers and rows (strings), from .xlsx (openpyxl, read-only) or
   .csv (UTF-8 with or without BOM, else GB18030 as Chinese Excel writes it);
2. `guess_mapping(kind, headers)` -> column -> field, by the field's label in any of the three
   languages or its key; the user may change it;
3. `check(...)` -> one `RowResult` per row: the values, errors in the user's language, and
   duplicates (in the database and earlier in the same file); nothing is written;
4. `commit(...)` -> writes in one transaction: every row, or (on request) the valid rows only;
   as new records, or as updates of the customers they match; into an owner or a pool. Rows are
   inserted in bulk, with their ownership history and audit entries, so 100,000 rows take
   seconds, not hours. Historical imports keep the creator and the creation date from the file.
5. `rejected_workbook(...)` -> the rows that were not imported, with the reason, as .xlsx.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from salesdesk.audit.registry import record_bulk_update
from salesdesk.core.scope import ALL, scope_for
from salesdesk.org.models import Company, Employee

from . import matching, services
from .exports import neutralise
from .models import Contact, Customer, CustomerClass, CustomerPool, Lead, LeadSource, Level, OwnershipChange

MAX_ROWS = 200_000
CHUNK = 1000
SIMILAR_CHECK_LIMIT = 5000  # similar names are looked for in files up to this size


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object
    required: bool = False


CUSTOMER_FIELDS = [
    ImportField("name", gettext_lazy("Name"), required=True),
    ImportField("kind", gettext_lazy("Kind")),
    ImportField("credit_code", gettext_lazy("Unified social credit code")),
    ImportField("industry", gettext_lazy("Industry")),
    ImportField("country", gettext_lazy("Country")),
    ImportField("province", gettext_lazy("Province")),
    ImportField("city", gettext_lazy("City")),
    ImportField("district", gettext_lazy("District")),
    ImportField("address", gettext_lazy("Address")),
    ImportField("postal_code", gettext_lazy("Postal code")),
    ImportField("phone", gettext_lazy("Phone")),
    ImportField("mobile", gettext_lazy("Mobile")),
    ImportField("level", gettext_lazy("Level")),
    ImportField("customer_class", gettext_lazy("Class")),
    ImportField("source", gettext_lazy("Source")),
    ImportField("owner", gettext_lazy("Owner")),
    ImportField("tags", gettext_lazy("Tags")),
    ImportField("notes", gettext_lazy("Notes")),
    ImportField("contact_name", gettext_lazy("Contact name")),
    ImportField("contact_title", gettext_lazy("Job title")),
    ImportField("contact_mobile", gettext_lazy("Contact mobile")),
    ImportField("contact_email", gettext_lazy("Contact email")),
    ImportField("created_at", gettext_lazy("Created")),
    ImportField("created_by", gettext_lazy("Created by")),
]
LEAD_FIELDS = [
    ImportField("name", gettext_lazy("Contact name"), required=True),
    ImportField("company_name", gettext_lazy("Company name")),
    ImportField("title", gettext_lazy("Job title")),
    ImportField("mobile", gettext_lazy("Mobile")),
    ImportField("phone", gettext_lazy("Phone")),
    ImportField("email", gettext_lazy("Email")),
    ImportField("wechat", gettext_lazy("WeChat")),
    ImportField("country", gettext_lazy("Country")),
    ImportField("province", gettext_lazy("Province")),
    ImportField("city", gettext_lazy("City")),
    ImportField("source", gettext_lazy("Source")),
    ImportField("needs", gettext_lazy("Needs")),
    ImportField("owner", gettext_lazy("Owner")),
    ImportField("created_at", gettext_lazy("Created")),
]
CONTACT_FIELDS = [
    ImportField("customer", gettext_lazy("Customer"), required=True),
    ImportField("name", gettext_lazy("Name"), required=True),
    ImportField("title", gettext_lazy("Job title")),
    ImportField("mobile", gettext_lazy("Mobile")),
    ImportField("phone", gettext_lazy("Phone")),
    ImportField("wechat", gettext_lazy("WeChat")),
    ImportField("email", gettext_lazy("Email")),
]
FIELDS = {"customers": CUSTOMER_FIELDS, "leads": LEAD_FIELDS, "contacts": CONTACT_FIELDS}
KINDS = {"customers": gettext_lazy("Customers"), "leads": gettext_lazy("Leads"), "contacts": gettext_lazy("Contacts")}
KIND_CHOICES = {value: key for key, value in Customer.Kind.choices}


class UnreadableFile(ValidationError):
    """The file as a whole cannot be read."""


# --- reading --------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, content: bytes, progress=None) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first sheet of an .xlsx or of a .csv; blank rows dropped.
    `progress(done, total)`, when given, hears how far the reading has got (rows of the sheet)."""
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(_("This is not an Excel (.xlsx) file that can be read.")) from error
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_text(cell) for cell in row])
            if progress is not None and len(rows) % CHUNK == 0:
                progress(len(rows), max(sheet.max_row or 0, len(rows)))
        book.close()
    elif lower.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile(_("The CSV file is neither UTF-8 nor GB18030 text."))
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise UnreadableFile(_("Upload an .xlsx or a .csv file."))
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise UnreadableFile(_("The file is empty."))
    headers, body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise UnreadableFile(_("The file has %(count)d rows; at most %(max)d can be imported at once.")
                           % {"count": len(body), "max": MAX_ROWS})
    width = len(headers)
    return headers, [(row + [""] * width)[:width] for row in body]


def guess_mapping(kind: str, headers: list[str]) -> dict[int, str]:
    """Column index -> field key, where a header names a field in any language or by its key."""
    return match_columns(FIELDS[kind], headers)


def match_columns(fields: list[ImportField], headers: list[str]) -> dict[int, str]:
    """`guess_mapping` for any list of fields (other imports, such as past orders, use it too)."""
    names = {}
    for language in ("zh-hans", "en", "zh-hant"):
        with translation.override(language):
            for spec in fields:
                names.setdefault(str(spec.label).strip().lower(), spec.key)
    for spec in fields:
        names.setdefault(spec.key, spec.key)
    mapping, used = {}, set()
    for index, header in enumerate(headers):
        key = names.get(header.strip().lower())
        if key and key not in used:
            mapping[index] = key
            used.add(key)
    return mapping


# --- checking -------------------------------------------------------------------------------


@dataclass
class RowResult:
    number: int  # the row number in the file (the header is row 1)
    values: dict
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    duplicate_of: int | None = None  # an existing customer the row matches (updates write to it)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Lookups:
    company: Company
    classes: dict
    sources: dict
    people: dict  # lowercased username / name / employee number -> Employee
    visible_owners: object  # ALL or a set of employee ids the importer may give records to


def lookups(company: Company, user) -> Lookups:
    people = {}
    for employee in Employee.objects.filter(company=company, status=Employee.Status.ACTIVE).select_related("user"):
        for key in (employee.name, employee.employee_no, employee.user.get_username() if employee.user else ""):
            if key:
                people.setdefault(key.strip().lower(), employee)
    owners = scope_for(user).owners("customers", writing=True)
    return Lookups(
        company=company,
        classes={c.name.lower(): c for c in CustomerClass.objects.filter(company=company)},
        sources={s.name.lower(): s for s in LeadSource.objects.filter(company=company)},
        people=people,
        visible_owners=owners,
    )


def _date_time(text: str):
    value = parse_datetime(text) or (parse_date(text[:10]) if len(text) >= 10 else None)
    if value is None:
        return None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(9, 0))
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _convert(kind: str, values: dict, refs: Lookups, result: RowResult, me: Employee | None) -> dict:
    """Turn the strings of one row into field values; problems go to result.errors."""
    data = dict(values)
    if "level" in data and data["level"]:
        level = data["level"].strip().upper()[:1]
        if level not in Level.values:
            result.errors.append(_("Level must be A, B or C, not “%(value)s”.") % {"value": data["level"]})
        data["level"] = level
    if "kind" in data:
        text = data["kind"].strip().lower()
        data["kind"] = KIND_CHOICES.get(text, text) or Customer.Kind.COMPANY
        if data["kind"] not in Customer.Kind.values:
            with translation.override("zh-hans"):
                names = {str(label).lower(): key for key, label in Customer.Kind.choices}
            data["kind"] = names.get(text, data["kind"])
            if data["kind"] not in Customer.Kind.values:
                result.errors.append(_("Unknown kind “%(value)s”.") % {"value": values["kind"]})
    for name, table, label in (("customer_class", refs.classes, _("class")), ("source", refs.sources, _("source"))):
        if data.get(name):
            found = table.get(data[name].strip().lower())
            if found is None:
                result.errors.append(_("There is no %(what)s called “%(value)s”.") % {"what": label, "value": data[name]})
            data[name] = found
        elif name in data:
            data[name] = None
    for name in ("owner", "created_by"):
        text = data.get(name, "")
        if text:
            person = refs.people.get(text.strip().lower())
            if person is None:
                result.errors.append(_("Nobody in the company is called “%(value)s”.") % {"value": text})
            elif name == "owner" and refs.visible_owners is not ALL and person.pk not in refs.visible_owners:
                result.errors.append(_("You may not give records to %(name)s.") % {"name": person.name})
            data[name] = person
        else:
            data[name] = None
    if data.get("created_at"):
        when = _date_time(data["created_at"])
        if when is None:
            result.errors.append(_("“%(value)s” is not a date.") % {"value": data["created_at"]})
        elif when > timezone.now():
            result.errors.append(_("The creation date lies in the future."))
        data["created_at"] = when
    else:
        data["created_at"] = None
    if "budget" in data and data["budget"]:
        try:
            data["budget"] = Decimal(data["budget"].replace(",", ""))
        except InvalidOperation:
            result.errors.append(_("Budget must be a number."))
    if "contact_email" in data or "email" in data:
        from django.core.validators import validate_email

        for name in ("contact_email", "email"):
            if data.get(name):
                try:
                    validate_email(data[name])
                except ValidationError:
                    result.errors.append(_("“%(value)s” is not an email address.") % {"value": data[name]})
    for spec in FIELDS[kind]:
        if spec.required and not values.get(spec.key, "").strip():
            result.errors.append(_("%(field)s is required.") % {"field": spec.label})
    limits = {f.name: f.max_length for f in (Customer if kind == "customers" else Lead)._meta.concrete_fields
              if getattr(f, "max_length", None)}
    for name, value in data.items():
        if isinstance(value, str) and name in limits and len(value) > limits[name]:
            result.errors.append(_("%(field)s is longer than %(max)d characters.") % {
                "field": name, "max": limits[name]})
    return data


def check(*, company: Company, user, kind: str, rows: list[list[str]], mapping: dict[int, str],
          update: bool = False, progress=None) -> list[RowResult]:
    """Validate every row and find duplicates; writes nothing. `progress(done, total)`: rows checked."""
    refs = lookups(company, user)
    me = Employee.objects.filter(pk=scope_for(user).employee_id).first()
    results = []
    for number, row in enumerate(rows, start=2):
        values = {key: row[index] for index, key in mapping.items() if index < len(row)}
        result = RowResult(number=number, values=values)
        result.values = _convert(kind, values, refs, result, me)
        results.append(result)
        if progress is not None and len(results) % CHUNK == 0:
            progress(len(results), len(rows))
    if kind == "customers":
        _mark_customer_duplicates(company, user, results, update)
    elif kind == "leads":
        _mark_lead_duplicates(company, results)
    elif kind == "contacts":
        _attach_contacts_to_customers(company, user, results)
    return results


def _mark_customer_duplicates(company, user, results, update: bool) -> None:
    keys = {}
    for result in results:
        values = result.values
        values["name_key"] = matching.name_key(values.get("name", ""))
        values["credit_code"] = matching.normalise_credit_code(values.get("credit_code", ""))
        values["mobile_key"] = matching.mobile_key(values.get("mobile", ""))
        values["contact_mobile_key"] = matching.mobile_key(values.get("contact_mobile", ""))
        keys[result.number] = values
    name_keys = {v["name_key"] for v in keys.values() if v["name_key"]}
    codes = {v["credit_code"] for v in keys.values() if v["credit_code"]}
    mobiles = {k for v in keys.values() for k in (v["mobile_key"], v["contact_mobile_key"]) if len(k) >= 7}
    existing_by_name, existing_by_code, existing_by_mobile = {}, {}, {}
    base = Customer.objects.filter(company=company)
    for chunk in _chunks(sorted(name_keys)):
        existing_by_name.update(base.filter(name_key__in=chunk).values_list("name_key", "pk"))
    for chunk in _chunks(sorted(codes)):
        existing_by_code.update(base.filter(credit_code__in=chunk).values_list("credit_code", "pk"))
    for chunk in _chunks(sorted(mobiles)):
        existing_by_mobile.update(base.filter(mobile_key__in=chunk).values_list("mobile_key", "pk"))
        existing_by_mobile.update(Contact.objects.filter(customer__company=company, mobile_key__in=chunk)
                                  .values_list("mobile_key", "customer_id"))
    changeable = set()
    if update:
        candidates = set(existing_by_name.values()) | set(existing_by_code.values())
        for chunk in _chunks(sorted(candidates)):
            changeable.update(Customer.objects.restrict(user, "change").filter(pk__in=chunk)
                              .values_list("pk", flat=True))
    seen_names, seen_codes = {}, {}
    for result in results:
        values = result.values
        match = existing_by_code.get(values["credit_code"]) or existing_by_name.get(values["name_key"])
        by_mobile = existing_by_mobile.get(values["mobile_key"]) or existing_by_mobile.get(values["contact_mobile_key"])
        if update:
            if match is None:
                result.errors.append(_("No customer to update matches this name or credit code."))
            elif match not in changeable:
                result.errors.append(_("The matching customer is not yours to change."))
            else:
                result.duplicate_of = match
        elif match is not None or by_mobile is not None:
            result.duplicate_of = match or by_mobile
            result.errors.append(_("A customer with this %(what)s already exists (#%(id)d).") % {
                "what": _("credit code") if values["credit_code"] and values["credit_code"] in existing_by_code
                else _("name") if match else _("mobile"), "id": result.duplicate_of})
        for table, key in ((seen_names, values["name_key"]), (seen_codes, values["credit_code"])):
            if key and key in table:
                result.errors.append(_("Same customer as row %(row)d of this file.") % {"row": table[key]})
                break
        if values["name_key"]:
            seen_names.setdefault(values["name_key"], result.number)
        if values["credit_code"]:
            seen_codes.setdefault(values["credit_code"], result.number)
    if not update and len(results) <= SIMILAR_CHECK_LIMIT:
        for result in results:
            if result.ok and result.values["name_key"]:
                similar = services.find_duplicates(company=company, name=result.values["name"], similar=True, limit=3)
                for duplicate in similar:
                    if duplicate.reason == "similar_name":
                        result.warnings.append(_("Similar to %(name)s (#%(id)d).") % {
                            "name": duplicate.name, "id": duplicate.customer_id})


def _mark_lead_duplicates(company, results) -> None:
    keys = {matching.mobile_key(r.values.get("mobile", "")) for r in results}
    keys = {key for key in keys if len(key) >= 7}
    existing = set()
    for chunk in _chunks(sorted(keys)):
        existing.update(Lead.objects.filter(company=company, mobile_key__in=chunk).values_list("mobile_key", flat=True))
    seen = {}
    for result in results:
        key = matching.mobile_key(result.values.get("mobile", ""))
        if not (result.values.get("mobile") or result.values.get("phone") or result.values.get("email")
                or result.values.get("wechat")):
            result.errors.append(_("Give at least one way to reach the lead: mobile, phone, email or WeChat."))
        if len(key) >= 7 and key in existing:
            result.errors.append(_("A lead with this mobile already exists."))
        elif len(key) >= 7 and key in seen:
            result.errors.append(_("Same lead as row %(row)d of this file.") % {"row": seen[key]})
        if len(key) >= 7:
            seen.setdefault(key, result.number)


def _attach_contacts_to_customers(company, user, results) -> None:
    visible = Customer.objects.restrict(user, "change")
    for result in results:
        text = result.values.get("customer", "").strip()
        found = None
        if text.isdigit():
            found = visible.filter(pk=int(text)).values_list("pk", flat=True).first()
        if found is None and text:
            found = visible.filter(name_key=matching.name_key(text)).values_list("pk", flat=True).first()
        if found is None and text:
            result.errors.append(_("No customer of yours is called “%(value)s”.") % {"value": text})
        result.duplicate_of = found


def _chunks(items, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- committing -----------------------------------------------------------------------------


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    rejected: list = field(default_factory=list)  # RowResults not imported


class NothingImported(ValidationError):
    def __init__(self, results):
        self.results = results
        bad = [r for r in results if not r.ok]
        super().__init__(_("%(count)d rows have errors; nothing was imported. Fix them, or import the valid rows "
                           "only.") % {"count": len(bad)})


CUSTOMER_COPY = ("kind", "credit_code", "industry", "country", "province", "city", "district", "address",
                 "postal_code", "phone", "mobile", "level", "customer_class", "source", "notes")


@transaction.atomic
def commit(*, company: Company, user, kind: str, rows: list[list[str]], mapping: dict[int, str],
           valid_only: bool = False, update: bool = False, pool: CustomerPool | None = None,
           progress=None) -> Outcome:
    results = check(company=company, user=user, kind=kind, rows=rows, mapping=mapping, update=update)
    bad = [result for result in results if not result.ok]
    if bad and not valid_only:
        raise NothingImported(results)
    good = [result for result in results if result.ok]
    me = Employee.objects.filter(pk=scope_for(user).employee_id).first()
    outcome = Outcome(rejected=bad)
    writer = {"customers": _write_customers_update if update else _write_customers,
              "leads": _write_leads, "contacts": _write_contacts}[kind]
    for start in range(0, len(good), CHUNK):
        chunk = good[start:start + CHUNK]
        created, updated = writer(company, chunk, me, pool)
        outcome.created += created
        outcome.updated += updated
        if progress is not None:
            progress(start + len(chunk), len(good))
    return outcome


def _write_customers(company, chunk, me, pool):
    now = timezone.now()
    into_pool = pool if pool is not None else None
    departments = {}
    built = []
    for result in chunk:
        values = result.values
        owner = None if into_pool is not None else (values.get("owner") or me)
        if owner is not None and owner.pk not in departments:
            departments[owner.pk] = services.primary_department(owner)
        created_at = values.get("created_at") or now
        customer = Customer(
            company=company, name=values["name"].strip(), name_key=values["name_key"],
            initials=matching.initials(values["name"])[:200], mobile_key=values["mobile_key"],
            owner=owner, owned_since=created_at if owner else None,
            pool=None if owner else (into_pool or services.pool_for(me, company)),
            department=departments.get(owner.pk) if owner else None,
            created_by=values.get("created_by") or me, created_at=created_at,
            **{name: values.get(name) if values.get(name) is not None else _blank(name)
               for name in CUSTOMER_COPY if name in values or name == "kind"},
        )
        if not customer.kind:
            customer.kind = Customer.Kind.COMPANY
        built.append(customer)
    Customer.objects.bulk_create(built, batch_size=CHUNK)
    contacts = [Contact(customer=customer, name=result.values["contact_name"], is_primary=True,
                        title=result.values.get("contact_title", ""), mobile=result.values.get("contact_mobile", ""),
                        mobile_key=result.values["contact_mobile_key"], email=result.values.get("contact_email", ""))
                for customer, result in zip(built, chunk, strict=True) if result.values.get("contact_name")]
    Contact.objects.bulk_create(contacts, batch_size=CHUNK)
    tags = [(customer, result.values.get("tags", "")) for customer, result in zip(built, chunk, strict=True)
            if result.values.get("tags")]
    if tags:
        through = Customer.tags.through
        links = []
        for customer, text in tags:
            for tag in services._tags(company, [part for part in text.replace("，", ",").split(",")]):
                links.append(through(customer_id=customer.pk, tag_id=tag.pk))
        through.objects.bulk_create(links, ignore_conflicts=True)
    OwnershipChange.objects.bulk_create([
        OwnershipChange(customer=customer, kind=OwnershipChange.Kind.CREATED, to_owner=customer.owner,
                        pool=customer.pool, by=me, at=customer.created_at, reason=_("imported"))
        for customer in built], batch_size=CHUNK)
    record_bulk_update(Customer, [(c.pk, c.name, {"name": (None, c.name), "owner": (None, c.owner_id),
                                                  "pool": (None, c.pool_id)}) for c in built], action="create")
    return len(built), 0


def _blank(name):
    return None if name in ("customer_class", "source") else ""


def _write_customers_update(company, chunk, me, pool):
    by_pk = {customer.pk: customer for customer in Customer.objects.select_for_update(of=("self",)).filter(
        pk__in=[result.duplicate_of for result in chunk])}
    changed, audit_rows, fields = [], [], set()
    for result in chunk:
        customer = by_pk[result.duplicate_of]
        changes = {}
        for name in CUSTOMER_COPY:
            value = result.values.get(name)
            if value in (None, "") or name not in result.values:
                continue  # an empty cell leaves the stored value alone
            before = getattr(customer, name)
            if before != value:
                changes[name] = (getattr(before, "pk", before), getattr(value, "pk", value))
                setattr(customer, name, value)
                fields.add(name)
        if changes:
            if "mobile" in changes:
                customer.mobile_key = matching.mobile_key(customer.mobile)
                fields.add("mobile_key")
            changed.append(customer)
            audit_rows.append((customer.pk, customer.name, changes))
    if changed:
        Customer.objects.bulk_update(changed, sorted(fields), batch_size=CHUNK)
        record_bulk_update(Customer, audit_rows)
    return 0, len(changed)


def _write_leads(company, chunk, me, pool):
    now = timezone.now()
    built = []
    for result in chunk:
        values = result.values
        built.append(Lead(
            company=company, name=values["name"].strip(), company_name=values.get("company_name", ""),
            title=values.get("title", ""), mobile=values.get("mobile", ""),
            mobile_key=matching.mobile_key(values.get("mobile", "")), phone=values.get("phone", ""),
            email=values.get("email", ""), wechat=values.get("wechat", ""), country=values.get("country", ""),
            province=values.get("province", ""), city=values.get("city", ""), source=values.get("source"),
            needs=values.get("needs", ""), owner=values.get("owner") or me, created_by=me,
            created_at=values.get("created_at") or now))
    Lead.objects.bulk_create(built, batch_size=CHUNK)
    record_bulk_update(Lead, [(lead.pk, str(lead), {"name": (None, lead.name), "owner": (None, lead.owner_id)})
                              for lead in built], action="create")
    return len(built), 0


def _write_contacts(company, chunk, me, pool):
    built = [Contact(customer_id=result.duplicate_of, name=result.values["name"], title=result.values.get("title", ""),
                     mobile=result.values.get("mobile", ""), mobile_key=matching.mobile_key(result.values.get("mobile", "")),
                     phone=result.values.get("phone", ""), wechat=result.values.get("wechat", ""),
                     email=result.values.get("email", ""))
             for result in chunk]
    Contact.objects.bulk_create(built, batch_size=CHUNK)
    record_bulk_update(Contact, [(c.pk, c.name, {"name": (None, c.name), "customer": (None, c.customer_id)})
                                 for c in built], action="create")
    return len(built), 0


# --- templates and rejected rows ------------------------------------------------------------


def template_workbook(kind: str) -> bytes:
    return fields_workbook(str(KINDS[kind]), FIELDS[kind])


def fields_workbook(title: str, fields: list[ImportField]) -> bytes:
    """An empty import template: the fields' labels in the user's language, the required ones marked."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append([str(spec.label) for spec in fields])
    sheet.append([str(_("(required)")) if spec.required else "" for spec in fields])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


def rejected_workbook(headers: list[str], rows: list[list[str]], rejected: list[RowResult]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(_("Rejected rows")))
    sheet.append([str(_("Row")), *headers, str(_("Why it was not imported"))])
    for result in rejected:
        row = rows[result.number - 2]
        sheet.append([result.number, *[neutralise(value) for value in row], " ".join(result.errors)])
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()
