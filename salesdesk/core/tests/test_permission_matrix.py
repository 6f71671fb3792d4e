"""The permission matrix: every URL pattern of the project, asked for by each role, answers with
the status written down here by hand.

The roles are people of the small organisation (conftest.py) seen from the owner's records:

    anonymous      not logged in
    outsider       吴代表, a rep in another region (北京), own records only
    owner          李代表, a rep in 上海; the records under test are his
    superior       孙经理, his office manager (subordinates' records); the named approver
    collaborator   周代表, his teammate, given read access to his employee record and to his
                   customer as a collaborator; employee records do not take collaborators, so
                   there it grants nothing, while he reads (but may not change) the customer
    administrator  赵总监, the sales director (all customers), who also holds the org-admin duty

A new URL without a row here fails `test_every_url_pattern_has_a_row`, so no page or endpoint
slips past the matrix. Anonymous page requests must go to the log-in page and anonymous API
calls must get 401; records out of someone's scope are 404 (not 403), so ids reveal nothing.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from salesdesk.accounts import services as account_services
from salesdesk.audit.models import AuditEntry
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.core.models import Collaborator
from salesdesk.core.scope import ScopeLevel
from salesdesk.customers import services as customer_services
from salesdesk.customers import visitors
from salesdesk.customers.models import ImportJob, VisitorDay
from salesdesk.org import services, versions
from salesdesk.org.capabilities import ORG_ADMIN
from salesdesk.org.models import Employee

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "owner", "superior", "collaborator", "administrator"]
PEOPLE = {"outsider": "outsider", "owner": "owner", "superior": "superior", "collaborator": "teammate",
          "administrator": "director"}
LOGIN = "/accounts/login/"


@dataclass
class World:
    org: object
    owner: Employee
    territory: object
    token: object
    version: object
    draft: object
    submitted: object
    audit_entry: AuditEntry
    customer: object = None
    pooled: object = None
    lead: object = None
    followup: object = None
    import_job: object = None
    order_import: object = None
    visitor: object = None
    visitor_day: object = None
    visit_plan: object = None
    approval: object = None
    chain: object = None
    notification: object = None
    product: object = None
    price_list: object = None
    price_change: object = None
    quotation: object = None
    contract: object = None
    attachment: object = None
    order: object = None
    shipment: object = None
    warehouse: object = None
    invoice: object = None
    payment: object = None
    collection_task: object = None
    job: object = None
    api_tokens: dict = field(default_factory=dict)


@pytest.fixture
def world(small_org):
    org = small_org
    director = org.positions["director"]
    services.set_duties(position=director, duties=[
        {"text": "维护组织架构", "capability": ORG_ADMIN}, {"text": "带领团队", "queue": "team"}])
    owner, teammate = org.people["owner"], org.people["teammate"]
    Collaborator.objects.create(content_type=ContentType.objects.get_for_model(Employee), object_id=owner.pk,
                                employee=teammate, access=Collaborator.Access.READ)
    territory = services.create_territory(company=org.company, name="华东", code="east")
    with acting_as(actor_for_user(owner.user)):
        account_services.set_language(user=owner.user, language="en")
    audit_entry = AuditEntry.objects.filter(actor_employee=owner).latest("id")
    token, _raw = account_services.create_api_token(user=owner.user, name="报表脚本")
    version = versions.record_version(company=org.company, title="初始编制", effective_date=datetime.date(2030, 1, 1),
                                      drafted_by_name="人事部", approved_by_name="赵总监")
    rename = [{"op": "rename_department", "department": "SH", "name": "上海分公司"}]
    draft = versions.draft_change_set(company=org.company, title="华东调整", effective_date=datetime.date(2030, 2, 1),
                                      drafted_by=org.people["director"], operations=rename)
    submitted = versions.draft_change_set(company=org.company, title="上海改名", effective_date=datetime.date(2030, 3, 1),
                                          drafted_by=org.people["director"], operations=rename)
    versions.submit(change_set=submitted, approver=org.people["superior"])
    for code, level in (("director", ScopeLevel.ALL), ("east-rm", ScopeLevel.DEPARTMENT_TREE),
                        ("sh-mgr", ScopeLevel.SUBORDINATES)):
        services.set_position_scope(position=org.positions[code], module="customers", level=level)
    customer = customer_services.create_customer(company=org.company, by=owner, owner=owner, name="李代表的客户",
                                                 mobile="13812345678", contacts=[{"name": "王经理"}])
    customer_services.set_collaborator(customer=customer, employee=teammate, access=Collaborator.Access.READ)
    pooled = customer_services.create_customer(company=org.company, by=None, name="公海客户")
    lead = customer_services.create_lead(company=org.company, by=owner, owner=owner, name="张先生",
                                         mobile="13700001111")
    followup = customer_services.record_followup(by=owner, customer=customer, content="电话沟通")
    import_job = ImportJob.objects.create(company=org.company, kind="customers", created_by=owner,
                                          file_name="客户.csv", content="名称\n新客户甲\n".encode(), mapping={"0": "name"},
                                          rows=1, rejected_file=b"PK")
    order_import = ImportJob.objects.create(company=org.company, kind="orders", created_by=owner, file_name="历史订单.csv",
                                            content="原单号\nA-1\n".encode(), mapping={"0": "number"}, rows=1)
    # The Shanghai office manager is the 组长 of its site: he collects its visitor register.
    services.set_duties(position=org.positions["sh-mgr"], duties=[
        {"text": "收齐组员的来访记录", "queue": "visitor_registers", "capability": "collect_visitor_registers"}])
    visitors.set_rotation(site=org.departments["shanghai"], employees=[owner, teammate])
    visitor = visitors.register_visitor(site=org.departments["shanghai"], by=owner, name="来访客人", receptionist=owner)
    from salesdesk.customers.visit_plans import plan_visit

    plan = plan_visit(by=owner, customer=customer, planned_on=datetime.date.today() + datetime.timedelta(days=1))
    world_extra = {"visitor": visitor, "visitor_day": VisitorDay.objects.get(), "visit_plan": plan}
    world_extra.update(_approval_of_owners_memo(org))
    world_extra.update(_product_with_a_price_to_check(org))
    world = World(org=org, owner=owner, territory=territory, token=token, version=version, draft=draft,
                  submitted=submitted, audit_entry=audit_entry, customer=customer, pooled=pooled, lead=lead,
                  followup=followup, import_job=import_job, order_import=order_import, **world_extra)
    _quotation_of_the_owner(world)
    world.job = _export_job_of_the_owner(org)
    for role, key in PEOPLE.items():
        world.api_tokens[role] = account_services.create_api_token(user=org.user(key), name="matrix")[1]
    return world


def _export_job_of_the_owner(org):
    """A finished background job of the owner's, with a file to download."""
    from salesdesk.jobs.models import Job

    return Job.objects.create(kind="customers.export", company=org.company, started_by=org.people["owner"],
                              status=Job.Status.DONE, result_file=b"PK", result_name="customers.xlsx")


def _approval_of_owners_memo(org) -> dict:
    """The owner submits a memo (tests/scopetest) whose one step is his direct superior's."""
    from decimal import Decimal

    from salesdesk.approvals import services as approvals
    from salesdesk.approvals.models import ApprovalChain, ApprovalStep
    from salesdesk.notifications.models import Notification
    from tests.scopetest.models import Memo

    for code, level in (("director", ScopeLevel.ALL), ("east-rm", ScopeLevel.DEPARTMENT_TREE),
                        ("sh-mgr", ScopeLevel.SUBORDINATES)):
        services.set_position_scope(position=org.positions[code], module="sales", level=level)
    chain = ApprovalChain.objects.create(company=org.company, document_type="memo", name="审核")
    ApprovalStep.objects.create(chain=chain, order=1, name="上级审核", approver="superior")
    memo = Memo.objects.create(title="备忘", owner=org.people["owner"], amount=Decimal("1000"))
    approval = approvals.submit(document=memo, document_type="memo", submitter=org.people["owner"])
    return {"approval": approval, "chain": chain, "notification": Notification.objects.get(recipient=org.people["superior"])}


def _product_with_a_price_to_check(org) -> dict:
    """A product whose price the director (an org administrator, who may price) entered."""
    from decimal import Decimal

    from salesdesk.sales import services as sales_services
    from salesdesk.sales.models import PriceList

    product = sales_services.create_product(company=org.company, by=org.people["director"], code="P-1", name="产品",
                                            standard_price=Decimal("10"))
    price_list = PriceList.objects.create(company=org.company, name="经销价", channel="distributor")
    return {"product": product, "price_list": price_list, "price_change": product.price_changes.get()}


def _quotation_of_the_owner(world) -> None:
    """The owner quotes a product whose price was checked to his customer."""
    from decimal import Decimal

    from salesdesk.sales import quotations
    from salesdesk.sales.models import Product

    checked = Product.objects.create(company=world.org.company, code="P-2", name="已复核产品", price_checked=True,
                                     standard_price=Decimal("20"))
    world.quotation = quotations.create_quotation(
        by=world.owner, customer=world.customer, lines=[quotations.LineInput(checked, Decimal("3"))],
        valid_until=datetime.date.today() + datetime.timedelta(days=30))
    from salesdesk.sales import contracts

    today = datetime.date.today()
    world.contract = contracts.create_contract(
        by=world.owner, customer=world.customer, title="合同", starts_on=today, ends_on=today + datetime.timedelta(days=90),
        lines=[quotations.LineInput(checked, Decimal("3"))],
        installments=[contracts.InstallmentInput("advance", Decimal("60"), today)])
    world.attachment = contracts.attach(contract=world.contract, by=world.owner, name="扫描件.pdf", content=b"%PDF")
    from salesdesk.sales import orders

    world.order = orders.create_order(by=world.owner, customer=world.customer, delivery_on=today,
                                      lines=[quotations.LineInput(checked, Decimal("2"))])
    from salesdesk.sales import shipping
    from salesdesk.sales.models import Warehouse

    shipped = orders.create_order(by=world.owner, customer=world.customer, delivery_on=today,
                                  lines=[quotations.LineInput(checked, Decimal("2"))])
    orders.submit_for_review(order=shipped, by=world.owner)
    world.warehouse = Warehouse.objects.create(company=world.org.company, code="W", name="总库")
    world.shipment = shipping.create_shipment(order=shipped, by=world.owner, warehouse=world.warehouse,
                                              quantities={shipped.lines.get().pk: Decimal("1")})
    from salesdesk.finance import invoicing
    from salesdesk.finance.models import FinanceSettings

    FinanceSettings.objects.create(company=world.org.company, invoice_basis=FinanceSettings.Basis.ORDERED)
    world.invoice = invoicing.request_invoice(order=shipped, by=world.owner, kind="normal",
                                              quantities={shipped.lines.get().pk: Decimal("1")})
    from salesdesk.finance import payments
    from salesdesk.finance.models import CollectionTask

    world.payment = payments.register(customer=world.customer, by=world.owner, amount=Decimal("100"),
                                      received_on=today)
    world.collection_task = CollectionTask.objects.create(company=world.org.company, customer=world.customer,
                                                          owner=world.owner, overdue_amount=Decimal("100"),
                                                          oldest_due_on=today, opened_on=today)


@dataclass
class Row:
    name: str
    expect: dict  # role -> status
    method: str = "get"
    args: object = None  # world -> reverse() args
    data: dict = field(default_factory=dict)
    api: bool = False
    json: bool = False  # send `data` as a JSON body


def everyone(status, anonymous=302, **overrides):
    return {"anonymous": anonymous, **{role: status for role in ROLES[1:]}, **overrides}


def only(role_statuses: dict, others: int, anonymous=302):
    return {"anonymous": anonymous, **{role: role_statuses.get(role, others) for role in ROLES[1:]}}


ADMIN_ONLY_PAGE = only({"administrator": 200}, 403)
OWNERS_EMPLOYEE = only({"owner": 200, "superior": 200, "administrator": 200}, 404)


READERS = ("owner", "superior", "collaborator", "administrator")
CHANGERS = ("owner", "superior", "administrator")
READS_CUSTOMER = only({role: 200 for role in READERS}, 404)
CHANGES_CUSTOMER = only({role: 200 for role in CHANGERS}, 404)


def owners_customer(w):
    return [w.customer.pk]


def owners_import(w):
    return [w.import_job.pk]


def owners_lead(w):
    return [w.lead.pk]


def owner_pk(w):
    return [w.owner.pk]


SEES_APPROVAL = only({"owner": 200, "superior": 200, "administrator": 200}, 404)


def owners_approval(w):
    return [w.approval.pk]


def owners_quotation(w):
    return [w.quotation.pk]


def owners_contract(w):
    return [w.contract.pk]


def superiors_notice(w):
    return [w.notification.pk]


def shanghai(w):
    return [w.org.departments["shanghai"].pk]


def rep_position(w):
    return [w.org.positions["sh-rep"].pk]


ROWS = [
    # workbench
    Row("workbench:home", everyone(200)),
    Row("workbench:cards", everyone(200)),
    # accounts
    Row("accounts:login", everyone(302, anonymous=200)),  # people already logged in go on to the workbench
    Row("accounts:logout", everyone(302, anonymous=302), method="post"),
    Row("accounts:password_change", everyone(200)),
    # Forgotten passwords: open to everyone; a made-up link says it is invalid.
    Row("accounts:password_reset", everyone(200, anonymous=200)),
    Row("accounts:password_reset_done", everyone(200, anonymous=200)),
    Row("accounts:password_reset_confirm", everyone(200, anonymous=200), args=lambda w: ["MQ", "made-up-token"]),
    Row("accounts:password_reset_complete", everyone(200, anonymous=200)),
    Row("accounts:profile", everyone(200)),
    Row("accounts:token_create", everyone(400), method="post"),  # no name: the form comes back
    Row("accounts:token_revoke", only({"owner": 302}, 404), method="post", args=lambda w: [w.token.pk]),
    Row("accounts:set_language", everyone(302, anonymous=302), method="post", data={"language": "en"}),
    # organisation: reference data every employee of the company reads
    Row("org:chart", everyone(200)),
    Row("org:chart_data", everyone(200)),
    Row("org:department", everyone(200), args=shanghai),
    Row("org:position", everyone(200), args=rep_position),
    Row("org:headcount", everyone(200)),
    Row("org:people", everyone(200)),
    Row("org:people_pick", everyone(200), data={"q": "李"}),
    Row("org:employee", OWNERS_EMPLOYEE, args=owner_pk),
    Row("org:vacancies", everyone(200)),
    # organisation maintenance: administrators only
    Row("org:manage", ADMIN_ONLY_PAGE),
    Row("org:manage_department_create", ADMIN_ONLY_PAGE),
    Row("org:manage_department_rename", ADMIN_ONLY_PAGE, args=shanghai),
    Row("org:manage_department_move", ADMIN_ONLY_PAGE, args=shanghai),
    Row("org:manage_position_create", ADMIN_ONLY_PAGE),
    Row("org:manage_position_edit", ADMIN_ONLY_PAGE, args=rep_position),
    Row("org:manage_people", ADMIN_ONLY_PAGE),
    Row("org:manage_employee_create", ADMIN_ONLY_PAGE),
    Row("org:manage_employee", ADMIN_ONLY_PAGE, args=owner_pk),
    Row("org:manage_employee_assign", only({"administrator": 400}, 403), method="post", args=owner_pk),
    Row("org:manage_employee_deactivate", ADMIN_ONLY_PAGE, args=owner_pk),
    Row("org:manage_employee_password", ADMIN_ONLY_PAGE, args=owner_pk),
    Row("org:manage_assignment_end", only({"administrator": 302}, 403), method="post",
        args=lambda w: [w.owner.assignments.get().pk]),
    # versions and change sets: everyone reads, administrators draft, the named approver decides
    Row("org:versions", everyone(200)),
    Row("org:version", everyone(200), args=lambda w: [w.version.pk]),
    Row("org:change_set_create", ADMIN_ONLY_PAGE),
    Row("org:change_set", everyone(200), args=lambda w: [w.draft.pk]),
    Row("org:change_set_add_operation", only({"administrator": 400}, 403), method="post",
        args=lambda w: [w.draft.pk]),
    Row("org:change_set_remove_operation", only({"administrator": 302}, 403), method="post",
        args=lambda w: [w.draft.pk, 0]),
    Row("org:change_set_submit", only({"administrator": 400}, 403), method="post", args=lambda w: [w.draft.pk]),
    Row("org:change_set_approve", only({"superior": 302}, 403), method="post", args=lambda w: [w.submitted.pk],
        data={"comment": "同意"}),
    Row("org:change_set_reject", only({"superior": 302}, 403), method="post", args=lambda w: [w.submitted.pk],
        data={"comment": "名称再议"}),
    # customers: the owner's customer (collaborator: read only), a customer in the company pool
    Row("customers:list", everyone(200)),
    # approvals: everyone has an inbox; the request is seen by its submitter, approver and scope
    Row("approvals:inbox", everyone(200)),
    Row("approvals:detail", SEES_APPROVAL, args=owners_approval),
    Row("approvals:decide", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=owners_approval, data={"decision": "approve"}),
    Row("approvals:withdraw", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=owners_approval),
    Row("approvals:resume", only({"administrator": 302}, 403), method="post", args=owners_approval),
    # organising a review: those who see the request and hold the duty (an org administrator may too)
    Row("approvals:add_reviewer", only({"owner": 403, "superior": 403, "administrator": 302}, 404), method="post",
        args=owners_approval, data={"add-reviewer": ""}),
    Row("approvals:record_review", only({"owner": 403, "superior": 403, "administrator": 302}, 404), method="post",
        args=owners_approval, data={"record-conclusion": ""}),
    Row("approvals:chains", ADMIN_ONLY_PAGE),
    Row("approvals:chain_new", ADMIN_ONLY_PAGE),
    Row("approvals:chain_edit", ADMIN_ONLY_PAGE, args=lambda w: [w.chain.pk]),
    # products and prices: reference data everyone reads; pricing duty (here: the administrator) maintains
    Row("sales:products", everyone(200)),
    Row("sales:product_new", ADMIN_ONLY_PAGE),
    Row("sales:product", everyone(200), args=lambda w: [w.product.pk]),
    Row("sales:product_edit", ADMIN_ONLY_PAGE, args=lambda w: [w.product.pk]),
    Row("sales:price_change_propose", only({"administrator": 302}, 403), method="post",
        args=lambda w: [w.product.pk], data={"price": "9"}),
    Row("sales:price_changes", everyone(200)),
    # He entered it himself: refused with a message (a second person confirms).
    Row("sales:price_change_decide", only({"administrator": 302}, 403), method="post",
        args=lambda w: [w.price_change.pk, "confirm"]),
    Row("sales:price_lists", everyone(200)),
    Row("sales:price_list_new", ADMIN_ONLY_PAGE),
    Row("sales:price_list", everyone(200), args=lambda w: [w.price_list.pk]),
    Row("sales:price_list_edit", ADMIN_ONLY_PAGE, args=lambda w: [w.price_list.pk]),
    Row("sales:price_lookup", everyone(200), data={"product": "1"}),
    Row("sales:product_pick", everyone(200), data={"q": "P"}),
    Row("sales:numbering", ADMIN_ONLY_PAGE),
    # quotations: the owner's scope (his superior, the director); the customer's collaborator does not see them
    Row("sales:quotations", everyone(200)),
    Row("sales:quotation_new", everyone(200)),
    Row("sales:quotation", SEES_APPROVAL, args=owners_quotation),
    Row("sales:quotation_edit", SEES_APPROVAL, args=owners_quotation),
    Row("sales:quotation_print", SEES_APPROVAL, args=owners_quotation),
    Row("sales:quotation_pdf", SEES_APPROVAL, args=owners_quotation),
    Row("sales:quotation_action", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=lambda w: [w.quotation.pk, "send"]),
    Row("sales:quotation_contract", only({"owner": 302, "superior": 302, "administrator": 302}, 404),
        method="post", args=owners_quotation),  # a draft quotation: refused with a message
    # contracts: like quotations; attachments follow their contract
    Row("sales:contracts", everyone(200)),
    Row("sales:contract_new", everyone(200)),
    Row("sales:contract", SEES_APPROVAL, args=owners_contract),
    Row("sales:contract_edit", SEES_APPROVAL, args=owners_contract),
    Row("sales:contract_attach", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=owners_contract),  # no file: back with a message
    Row("sales:contract_attachment", SEES_APPROVAL, args=lambda w: [w.contract.pk, w.attachment.pk]),
    Row("sales:contract_action", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=lambda w: [w.contract.pk, "submit"]),
    Row("sales:contract_order", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=owners_contract),  # no delivery date: back with a message
    Row("sales:orders", everyone(200)),
    Row("sales:order_new", everyone(200)),
    Row("sales:order", SEES_APPROVAL, args=lambda w: [w.order.pk]),
    Row("sales:order_edit", SEES_APPROVAL, args=lambda w: [w.order.pk]),
    Row("sales:order_action", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=lambda w: [w.order.pk, "cancel"]),
    # Importing past orders: anyone uploads (the rows' owners must lie in his sales scope); an upload is
    # seen like a customers import, by the uploader and his managers, and run by the uploader (here
    # the file has errors: back to its page with a message).
    Row("sales:order_import", everyone(200)),
    Row("sales:order_import_template", everyone(200)),
    Row("sales:order_import_job", CHANGES_CUSTOMER, args=lambda w: [w.order_import.pk]),
    Row("sales:order_import_commit", only({"owner": 302}, 404), method="post", args=lambda w: [w.order_import.pk]),
    Row("sales:order_import_check", only({"owner": 302}, 404), method="post", args=lambda w: [w.order_import.pk]),
    Row("sales:shipment_new", SEES_APPROVAL, args=lambda w: [w.shipment.order_id]),
    Row("sales:shipments", everyone(200)),
    Row("sales:shipment", SEES_APPROVAL, args=lambda w: [w.shipment.pk]),
    Row("sales:delivery_note", SEES_APPROVAL, args=lambda w: [w.shipment.pk]),
    Row("sales:shipment_action", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=lambda w: [w.shipment.pk, "cancel"]),
    Row("sales:warehouses", everyone(200)),
    # Keeping stock: holders of the to_ship duty and administrators (no quantity: back with a message).
    Row("sales:stock_receive", only({"administrator": 302}, 403), method="post", args=lambda w: [w.warehouse.pk]),
    # Maintaining the warehouses: the same people (no to_ship duty here, so the administrator alone).
    Row("sales:warehouse_new", ADMIN_ONLY_PAGE),
    Row("sales:warehouse_edit", ADMIN_ONLY_PAGE, args=lambda w: [w.warehouse.pk]),
    # invoices: the order owner's finance scope (here nobody has one beyond their own) and the customer's
    Row("finance:invoices", everyone(200)),
    Row("finance:invoice_new", only({"owner": 200, "superior": 200, "administrator": 200}, 404),
        args=lambda w: [w.invoice.order_id]),
    # Nobody's finance scope reaches beyond their own records here: the owner alone sees his invoice.
    Row("finance:invoice", only({"owner": 200}, 404), args=lambda w: [w.invoice.pk]),
    Row("finance:invoice_action", only({"owner": 302}, 404), method="post", args=lambda w: [w.invoice.pk, "submit"]),
    # A draft invoice cannot be written off: the owner is sent back with a message.
    Row("finance:write_off", only({"owner": 302}, 404), method="post", args=lambda w: [w.invoice.pk]),
    # payments, receivables, collection: the same finance scope (the owner's alone here); confirming,
    # allocating and refunding is for finance (the payments_to_confirm duty) or org administrators.
    Row("finance:payments", everyone(200)),
    Row("finance:payment_new", everyone(200)),
    Row("finance:payment", only({"owner": 200}, 404), args=lambda w: [w.payment.pk]),
    Row("finance:payment_action", only({"owner": 403}, 404), method="post", args=lambda w: [w.payment.pk, "confirm"]),
    Row("finance:receivables", everyone(200)),  # aging within each one's scope (finance/tests/test_receivables)
    Row("finance:customer_receivables", READS_CUSTOMER, args=owners_customer),
    Row("finance:collection", everyone(200)),
    Row("finance:collection_task", only({"owner": 200}, 404), args=lambda w: [w.collection_task.pk]),
    Row("finance:credit", everyone(200)),
    Row("finance:settings", ADMIN_ONLY_PAGE),  # the company's finance settings: organisation administrators
    # reports: everyone's figures within his own scope (reports/tests/test_report_views.py)
    Row("reports:sales", everyone(200)),
    Row("reports:contracts", everyone(200)),
    Row("reports:collection", everyone(200)),
    # Rating a customer: whoever holds the credit capability, or an org administrator, for customers they see.
    Row("finance:credit_profile", {**READS_CUSTOMER, "owner": 403, "superior": 403, "collaborator": 403},
        args=owners_customer),
    # Nothing blocks this order (no credit profile): whoever sees it is sent back with a message.
    Row("finance:credit_override", {**SEES_APPROVAL, "owner": 302, "superior": 302, "administrator": 302},
        method="post", args=lambda w: [w.order.pk], data={"action": "confirm", "reason": "x"}),
    # notifications are their recipient's alone
    Row("notifications:list", everyone(200)),
    Row("notifications:open", only({"superior": 302}, 404), method="post", args=superiors_notice),
    Row("notifications:read_all", everyone(302), method="post"),
    # background jobs: the starter follows his own; administrators (org admins) see the company's on the
    # jobs page and each job's page, but only the starter downloads its file (made in his scope)
    Row("jobs:list", ADMIN_ONLY_PAGE),
    Row("jobs:detail", only({"owner": 200, "administrator": 200}, 404), args=lambda w: [w.job.pk]),
    Row("jobs:progress", only({"owner": 200, "administrator": 200}, 404), args=lambda w: [w.job.pk]),
    Row("jobs:download", only({"owner": 200}, 404), args=lambda w: [w.job.pk]),
    # Saved scenes are the person's own: everyone saves and deletes theirs, then goes back to the list.
    Row("customers:scene_save", everyone(302), method="post", data={"list": "customers", "name": "A类",
                                                                     "query": "level=A"}),
    Row("customers:scene_delete", everyone(302), method="post", args=lambda w: ["abc123"], data={"list": "leads"}),
    Row("customers:export", everyone(200)),  # the list as filtered, in each one's own scope
    Row("customers:batch", everyone(302), method="post"),  # nothing selected: back to the list with a message
    Row("customers:create", everyone(200)),
    Row("customers:duplicates", everyone(200)),
    Row("customers:pool", everyone(200)),
    Row("customers:analytics", everyone(200)),  # figures within each one's scope (customers/tests/test_analytics)
    Row("customers:detail", READS_CUSTOMER, args=owners_customer),
    Row("customers:timeline", READS_CUSTOMER, args=owners_customer, data={"before": "2100-01-01T00:00:00+00:00"}),
    Row("customers:edit", CHANGES_CUSTOMER, args=owners_customer),
    Row("customers:followup_add", {**READS_CUSTOMER, **{r: 400 for r in READERS}}, method="post",
        args=owners_customer),  # empty form: the page comes back with the errors
    Row("customers:contact_add", {**CHANGES_CUSTOMER, **{r: 400 for r in CHANGERS}}, method="post",
        args=owners_customer),
    Row("customers:contact_options", everyone(200)),  # no customer chosen: the blank option only
    Row("customers:invoicing_profile", CHANGES_CUSTOMER, args=owners_customer),  # whoever may change the customer
    Row("customers:invoicing_verify", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_customer),  # nothing to verify yet: back to the customer with a message
    Row("customers:claim", everyone(302), method="post", args=lambda w: [w.pooled.pk]),
    Row("customers:release", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_customer),
    Row("customers:transfer", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_customer),
    Row("customers:merge", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_customer),  # nothing chosen: back to the page with a message
    Row("customers:handover", only({"superior": 200, "administrator": 200}, 404), args=owner_pk),  # managers
    Row("customers:import_new", everyone(200)),
    Row("customers:import_template", everyone(200)),
    Row("customers:import_job", CHANGES_CUSTOMER, args=owners_import),  # the uploader and his managers look
    Row("customers:import_commit", only({"owner": 302}, 404), method="post", args=owners_import),  # he runs it
    Row("customers:import_check", only({"owner": 302}, 404), method="post", args=owners_import),  # and checks it
    Row("customers:import_progress", CHANGES_CUSTOMER, args=owners_import),
    Row("customers:import_rejected", CHANGES_CUSTOMER, args=owners_import),
    Row("customers:visitors", everyone(200)),
    Row("customers:pick", everyone(200), data={"q": "客户"}),
    Row("customers:settings", ADMIN_ONLY_PAGE),
    Row("customers:pool_new", ADMIN_ONLY_PAGE),
    Row("customers:pool_edit", ADMIN_ONLY_PAGE, args=lambda w: [w.pooled.pool_id]),
    Row("customers:pool_claim", everyone(302), method="post", data={}),  # nothing ticked: back with a message
    Row("customers:visit_plans", everyone(200)),
    Row("customers:plan_add", everyone(302), method="post", data={}),  # nothing chosen: back with a message
    # The owner cancels; his superior and the director see the plan (the refusal comes back as a
    # message); the collaborator on the customer does not see the rep's plans at all.
    Row("customers:plan_cancel", only({"owner": 302, "superior": 302, "administrator": 302}, 404), method="post",
        args=lambda w: [w.visit_plan.pk]),
    Row("customers:visitor_add", everyone(302), method="post"),  # incomplete: back with a message
    Row("customers:visitor_report", everyone(200)),
    # The rotation is set by managers whose department scope covers the site (here: the director).
    Row("customers:rotation", only({"administrator": 200}, 404), args=lambda w: [w.org.departments["shanghai"].pk]),
    Row("customers:visitor_convert", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=lambda w: [w.visitor.pk]),
    # Handing up the day's register: only the team leader of the site collects it (not a wide scope).
    Row("customers:visitor_hand_up", only({"superior": 302}, 404), method="post",
        args=lambda w: [w.visitor_day.pk]),
    Row("customers:leads", everyone(200)),
    Row("customers:lead_create", everyone(200)),
    Row("customers:lead", CHANGES_CUSTOMER, args=owners_lead),  # leads take no collaborators
    Row("customers:lead_followup", {**CHANGES_CUSTOMER, **{r: 400 for r in CHANGERS}}, method="post",
        args=owners_lead),
    Row("customers:lead_assign", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_lead),
    Row("customers:lead_close", {**CHANGES_CUSTOMER, **{r: 302 for r in CHANGERS}}, method="post",
        args=owners_lead),
    Row("customers:lead_convert", CHANGES_CUSTOMER, args=owners_lead),
    # audit log: a page everyone opens; its rows are scoped (see the list tests below)
    Row("audit:log", everyone(200)),
    # API: bearer tokens, 401 without one
    Row("api:index", everyone(200, anonymous=200), api=True),  # links only, no data
    Row("api:api-root", everyone(200, anonymous=200), api=True),  # the same path, answered by api:index
    Row("api:openapi-json", everyone(200, anonymous=200), api=True),
    Row("api:openapi-view", everyone(200, anonymous=200), api=True),
    Row("api:list_departments", everyone(200, anonymous=401), api=True),
    Row("api:get_department", everyone(200, anonymous=401), api=True, args=lambda w: shanghai(w)),
    Row("api:list_positions", everyone(200, anonymous=401), api=True),
    Row("api:get_position", everyone(200, anonymous=401), api=True, args=rep_position),
    Row("api:list_territories", everyone(200, anonymous=401), api=True),
    Row("api:get_territory", everyone(200, anonymous=401), api=True, args=lambda w: [w.territory.pk]),
    Row("api:list_employees", everyone(200, anonymous=401), api=True),
    Row("api:get_employee", {**OWNERS_EMPLOYEE, "anonymous": 401}, api=True, args=owner_pk),
    Row("api:list_audit_entries", everyone(200, anonymous=401), api=True),
    # The owner's own change; nobody here has an audit scope beyond their own changes.
    Row("api:get_audit_entry", only({"owner": 200}, 404, anonymous=401), api=True,
        args=lambda w: [w.audit_entry.pk]),
    Row("api:list_customers", everyone(200, anonymous=401), api=True),
    Row("api:create_customer", everyone(422, anonymous=401), method="post", api=True, json=True),
    Row("api:get_customer", {**READS_CUSTOMER, "anonymous": 401}, api=True, args=owners_customer),
    Row("api:customer_not_allowed", everyone(405, anonymous=405), method="delete", api=True, args=owners_customer),
    Row("api:list_contacts", everyone(200, anonymous=401), api=True),
    Row("api:get_contact", {**READS_CUSTOMER, "anonymous": 401}, api=True,
        args=lambda w: [w.customer.contacts.get().pk]),
    Row("api:list_followups", everyone(200, anonymous=401), api=True),
    Row("api:create_followup", everyone(422, anonymous=401), method="post", api=True, json=True),
    Row("api:get_followup", {**READS_CUSTOMER, "anonymous": 401}, api=True, args=lambda w: [w.followup.pk]),
    Row("api:list_leads", everyone(200, anonymous=401), api=True),
    Row("api:create_lead", everyone(422, anonymous=401), method="post", api=True, json=True),
    Row("api:get_lead", {**CHANGES_CUSTOMER, "anonymous": 401}, api=True, args=owners_lead),
    Row("api:lead_not_allowed", everyone(405, anonymous=405), method="delete", api=True, args=owners_lead),
    Row("api:list_pools", everyone(200, anonymous=401), api=True),
    Row("api:list_visit_plans", everyone(200, anonymous=401), api=True),
    Row("api:create_visit_plan", everyone(422, anonymous=401), method="post", api=True, json=True),
    Row("api:list_visitor_registrations", everyone(200, anonymous=401), api=True),
    Row("api:get_visitor_registration", {**CHANGES_CUSTOMER, "anonymous": 401}, api=True,
        args=lambda w: [w.visitor.pk]),
    Row("api:get_pool", everyone(200, anonymous=401), api=True, args=lambda w: [w.pooled.pool_id]),
    # The API is read-only: writing to a list or a record is not allowed, whoever asks.
    Row("api:list_not_allowed", everyone(405, anonymous=405), method="post", api=True),
    Row("api:detail_not_allowed", everyone(405, anonymous=405), method="delete", api=True, args=shanghai),
    # Approvals: the owner's memo waits for his superior; the director sees all sales records.
    Row("api:list_approvals", everyone(200, anonymous=401), api=True),
    Row("api:get_approval", {**SEES_APPROVAL, "anonymous": 401}, api=True, args=owners_approval),
    # The submitter cannot approve, the director is no approver of the step: refused (400).
    Row("api:decide_approval", {**SEES_APPROVAL, "owner": 400, "administrator": 400, "anonymous": 401},
        method="post", api=True, json=True, args=owners_approval, data={"decision": "approve"}),
    Row("api:withdraw_approval", {**SEES_APPROVAL, "superior": 400, "administrator": 400, "anonymous": 401},
        method="post", api=True, args=owners_approval),
    Row("api:list_products", everyone(200, anonymous=401), api=True),
    Row("api:get_product", everyone(200, anonymous=401), api=True, args=lambda w: [w.product.pk]),
    Row("api:list_price_lists", everyone(200, anonymous=401), api=True),
    Row("api:get_price_list", everyone(200, anonymous=401), api=True, args=lambda w: [w.price_list.pk]),
    Row("api:list_quotations", everyone(200, anonymous=401), api=True),
    Row("api:get_quotation", {**SEES_APPROVAL, "anonymous": 401}, api=True, args=owners_quotation),
    Row("api:list_contracts", everyone(200, anonymous=401), api=True),
    Row("api:get_contract", {**SEES_APPROVAL, "anonymous": 401}, api=True, args=owners_contract),
    Row("api:list_orders", everyone(200, anonymous=401), api=True),
    Row("api:get_order", {**SEES_APPROVAL, "anonymous": 401}, api=True, args=lambda w: [w.order.pk]),
    Row("api:list_shipments", everyone(200, anonymous=401), api=True),
    Row("api:get_shipment", {**SEES_APPROVAL, "anonymous": 401}, api=True, args=lambda w: [w.shipment.pk]),
    Row("api:list_invoices", everyone(200, anonymous=401), api=True),
    Row("api:get_invoice", only({"owner": 200}, 404, anonymous=401), api=True,
        args=lambda w: [w.invoice.pk]),
    Row("api:list_payments", everyone(200, anonymous=401), api=True),
    Row("api:get_payment", only({"owner": 200}, 404, anonymous=401), api=True, args=lambda w: [w.payment.pk]),
    # Registering for a customer one sees; nobody else's customer (the amount is missing: 422 after the scope).
    Row("api:register_payment", everyone(422, anonymous=401), method="post", api=True, json=True,
        data={"customer": 0}),
    Row("api:confirm_payment", only({"owner": 403}, 404, anonymous=401), method="post", api=True,
        args=lambda w: [w.payment.pk]),
    Row("api:allocate_payment", only({"owner": 403}, 404, anonymous=401), method="post", api=True, json=True,
        args=lambda w: [w.payment.pk], data={"targets": []}),
    Row("api:get_aging", everyone(200, anonymous=401), api=True),
    Row("api:get_customer_receivables", {**READS_CUSTOMER, "anonymous": 401}, api=True, args=owners_customer),
    Row("api:list_notifications", everyone(200, anonymous=401), api=True),
    Row("api:get_notification", only({"superior": 200}, 404, anonymous=401), api=True, args=superiors_notice),
    Row("api:read_notification", only({"superior": 200}, 404, anonymous=401), method="post", api=True,
        args=superiors_notice),
    # Django's admin is for system administrators (superusers) only; employees are sent to its log-in.
    Row("admin:index", everyone(302)),
]
ROWS_BY_NAME = {row.name: row for row in ROWS}


def url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def test_every_url_pattern_has_a_row():
    names = {name for name in url_names() if not name.startswith("admin:")}

    assert names - set(ROWS_BY_NAME) == set(), "add these URLs to the permission matrix"
    assert {name for name in ROWS_BY_NAME if not name.startswith("admin:")} - names == set()


def test_every_row_names_every_role():
    assert [row.name for row in ROWS if sorted(row.expect) != sorted(ROLES)] == []


def request(world, row, role):
    url = reverse(row.name, args=row.args(world) if row.args else None)
    client = Client()
    headers = {}
    if role != "anonymous":
        if row.api:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.api_tokens[role]}"
        else:
            client.force_login(world.org.user(PEOPLE[role]))
    if row.json:
        return getattr(client, row.method)(url, row.data, content_type="application/json", **headers)
    return getattr(client, row.method)(url, row.data, **headers)


@pytest.mark.parametrize("name", list(ROWS_BY_NAME))
def test_each_role_gets_the_status_in_the_matrix(world, name):
    """One row, every role; each request runs in a savepoint that is rolled back, so what one
    role's POST changes (a claim, a transfer) does not change what the next role finds."""
    row = ROWS_BY_NAME[name]
    got, anonymous_location = {}, ""
    for role in ROLES:
        with transaction.atomic():
            response = request(world, row, role)
            transaction.set_rollback(True)
        got[role] = response.status_code
        if role == "anonymous" and response.status_code == 302:
            anonymous_location = response["Location"]

    assert got == row.expect
    if row.expect["anonymous"] == 302 and not name.startswith(("accounts:", "admin:")):
        assert anonymous_location.startswith(LOGIN)


def test_employees_are_sent_to_the_admin_log_in_not_into_the_admin(world):
    response = request(world, ROWS_BY_NAME["admin:index"], "administrator")

    assert response["Location"].startswith(reverse("admin:login"))


# --- what each role sees in the lists ----------------------------------------------------------

SEES_PEOPLE = {
    "outsider": {"吴代表"},
    "owner": {"李代表"},
    "superior": {"孙经理", "李代表", "周代表"},
    "collaborator": {"周代表"},
    "administrator": {"赵总监", "钱经理", "孙经理", "李代表", "周代表", "吴代表"},
}


@pytest.mark.parametrize("role", list(SEES_PEOPLE))
def test_the_people_list_shows_each_role_only_the_people_in_their_scope(world, role):
    html = request(world, Row("org:people", {}), role).content.decode()

    shown = {name for names in SEES_PEOPLE.values() for name in names if name in html}
    assert shown == SEES_PEOPLE[role]


@pytest.mark.parametrize("role", list(SEES_PEOPLE))
def test_the_employee_picker_offers_each_role_only_the_people_in_their_scope(world, role):
    offered = set()
    for search in ("总监", "经理", "代表"):
        body = request(world, Row("org:people_pick", {}, data={"q": search}), role).json()
        offered |= {item["name"] for item in body["results"]}

    assert offered == SEES_PEOPLE[role]


@pytest.mark.parametrize("role", list(SEES_PEOPLE))
def test_the_employees_api_lists_each_role_only_the_people_in_their_scope(world, role):
    body = request(world, Row("api:list_employees", {}, api=True), role).json()

    assert {item["name"] for item in body["results"]} == SEES_PEOPLE[role]


@pytest.mark.parametrize("role", list(SEES_PEOPLE))
def test_the_audit_log_shows_the_owners_change_to_the_owner_only(world, role):
    body = request(world, Row("api:list_audit_entries", {}, api=True), role).json()
    html = request(world, Row("audit:log", {}), role).content.decode()

    ids = {item["id"] for item in body["results"]}
    assert (world.audit_entry.pk in ids) == (role == "owner")
    assert (f'data-entry="{world.audit_entry.pk}"' in html) == (role == "owner")
