import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from salesdesk.customers import services
from salesdesk.customers.models import Customer, FollowUp, Lead, OwnershipChange

from .conftest import customer

pytestmark = pytest.mark.django_db


def client_for(org, key):
    client = Client()
    client.force_login(org.user(key))
    return client


def listed(response):
    return {c.name for c in response.context["page"]}


def test_scenes_split_mine_my_teams_and_collaborating(org, customers):
    services.set_collaborator(customer=customers["outsider"], employee=org.people["superior"], access="read")
    client = client_for(org, "superior")

    assert listed(client.get(reverse("customers:list"), {"scene": "mine"})) == {"superior的客户有限公司"}
    assert listed(client.get(reverse("customers:list"), {"scene": "team"})) == {"owner的客户有限公司",
                                                                                  "teammate的客户有限公司"}
    assert listed(client.get(reverse("customers:list"), {"scene": "collaborating"})) == {"outsider的客户有限公司"}


def test_keyword_search_finds_by_pinyin_initials_and_contact_mobile(org):
    first = customer(org, "owner", "华东机电有限公司")
    services.add_contact(customer=first, name="王", mobile="13912345678")
    customer(org, "owner", "北方重工有限公司")
    client = client_for(org, "owner")

    assert listed(client.get(reverse("customers:list"), {"q": "hdjd"})) == {"华东机电有限公司"}
    assert listed(client.get(reverse("customers:list"), {"q": "139 1234 5678"})) == {"华东机电有限公司"}


def test_the_due_scene_lists_todays_and_overdue_follow_ups_and_the_workbench_counts_them(org, customers):
    today = timezone.localdate()
    Customer.objects.filter(pk=customers["owner"].pk).update(next_followup_on=today - datetime.timedelta(days=2))
    Customer.objects.filter(pk=customers["teammate"].pk).update(next_followup_on=today)
    client = client_for(org, "owner")

    assert listed(client.get(reverse("customers:list"), {"scene": "due"})) == {"owner的客户有限公司"}
    from salesdesk.customers.queues import followups_due

    assert followups_due(org.user("owner")).count() == 1


def test_creating_a_duplicate_shows_who_holds_it_and_keeps_the_input(org):
    customer(org, "outsider", "北京华北贸易有限公司")
    client = client_for(org, "owner")

    response = client.post(reverse("customers:create"), {"kind": "company", "name": "北京华北贸易股份有限公司",
                                                          "city": "北京", "contact_name": "赵"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "吴代表" in html and 'value="北京"' in html
    assert Customer.objects.filter(name__startswith="北京华北").count() == 1


def test_the_duplicate_dialog_names_a_customer_out_of_scope_without_linking_it(org):
    hidden = customer(org, "outsider", "北京华北贸易有限公司")
    client = client_for(org, "owner")

    html = client.get(reverse("customers:duplicates"), {"q": "北京华北贸易"}).content.decode()

    assert "北京华北贸易有限公司" in html and "吴代表" in html
    assert reverse("customers:detail", args=[hidden.pk]) not in html
    assert client.get(reverse("customers:detail", args=[hidden.pk])).status_code == 404


def test_a_rep_records_a_visit_with_a_check_in_and_it_shows_on_the_timeline(org, customers):
    client = client_for(org, "owner")
    target = customers["owner"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    response = client.post(reverse("customers:followup_add", args=[target.pk]), {
        "method": "visit", "content": "到厂演示新品", "result": "对方有意向", "next_followup_on": tomorrow,
        "check_in_place": "客户工厂", "latitude": "31.230400", "longitude": "121.473700"})

    assert response.status_code == 302
    followup = FollowUp.objects.get(customer=target)
    assert followup.checked_in_at is not None and str(followup.latitude) == "31.230400"
    html = client.get(reverse("customers:detail", args=[target.pk])).content.decode()
    assert "到厂演示新品" in html and "客户工厂" in html


def test_a_follow_up_with_a_bad_date_keeps_what_was_typed(org, customers):
    client = client_for(org, "owner")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    response = client.post(reverse("customers:followup_add", args=[customers["owner"].pk]), {
        "method": "phone", "content": "电话沟通价格", "next_followup_on": yesterday})

    assert response.status_code == 400
    assert "电话沟通价格" in response.content.decode()
    assert FollowUp.objects.count() == 0


def test_claiming_from_the_pool_page_keeps_the_rep_on_the_pool_page(org):
    pooled = customer(org, None, "公海里的客户")
    client = client_for(org, "owner")

    response = client.post(reverse("customers:claim", args=[pooled.pk]), {"next": reverse("customers:pool")})

    pooled.refresh_from_db()
    assert response["Location"] == reverse("customers:pool")
    assert pooled.owner == org.people["owner"]


def test_a_batch_claim_takes_what_the_daily_limit_allows_and_says_why_not_the_rest(org):
    from salesdesk.customers.models import CustomerPool

    CustomerPool.objects.filter(company=org.company).update(max_claims_per_day=2)
    pooled = [customer(org, None, f"公海客户{n}号") for n in range(3)]
    client = client_for(org, "owner")
    back = reverse("customers:pool") + "?q=%E5%85%AC%E6%B5%B7"  # ?q=公海

    response = client.post(reverse("customers:pool_claim"), {"ids": [c.pk for c in pooled], "next": back},
                           follow=True)

    owners = [Customer.objects.get(pk=c.pk).owner for c in pooled]
    assert response.redirect_chain[-1][0] == back
    assert owners == [org.people["owner"], org.people["owner"], None]
    said = [str(message) for message in response.context["messages"]]
    assert said[0] == "已领取 2 个客户。" and said[1].startswith("公海客户2号：")  # the page speaks Chinese


def test_a_batch_claim_ignores_customers_that_are_not_in_a_pool_the_rep_sees(org, customers):
    client = client_for(org, "owner")

    client.post(reverse("customers:pool_claim"), {"ids": [customers["teammate"].pk]})

    assert Customer.objects.get(pk=customers["teammate"].pk).owner == org.people["teammate"]


def test_a_batch_transfer_by_a_manager_moves_the_customers_and_returns_to_the_list(org, customers):
    client = client_for(org, "superior")
    back = reverse("customers:list") + "?scene=team"

    response = client.post(reverse("customers:batch"), {
        "action": "transfer", "ids": [customers["owner"].pk, customers["teammate"].pk],
        "owner": org.people["superior"].pk, "reason": "调整片区", "next": back})

    assert response["Location"] == back
    assert Customer.objects.filter(owner=org.people["superior"]).count() == 3
    assert OwnershipChange.objects.filter(kind="transferred").count() == 2


def test_a_rep_cannot_transfer_and_cannot_touch_customers_out_of_scope(org, customers):
    client = client_for(org, "owner")

    client.post(reverse("customers:batch"), {"action": "transfer", "ids": [customers["owner"].pk],
                                            "owner": org.people["teammate"].pk})
    client.post(reverse("customers:batch"), {"action": "release", "ids": [customers["outsider"].pk],
                                            "reason": "试试"})

    assert Customer.objects.get(pk=customers["owner"].pk).owner == org.people["owner"]
    assert Customer.objects.get(pk=customers["outsider"].pk).owner == org.people["outsider"]


def test_export_holds_only_the_selected_customers_in_scope_with_formulas_neutralised(org, customers):
    sneaky = customer(org, "owner", "=HYPERLINK(\"http://x\")有限公司", notes="+1 SUM(A1)")
    client = client_for(org, "owner")

    response = client.post(reverse("customers:batch"), {
        "action": "export", "ids": [sneaky.pk, customers["owner"].pk, customers["outsider"].pk]})

    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.values)
    names = [row[1] for row in rows[1:]]
    assert sorted(names) == sorted(["'=HYPERLINK(\"http://x\")有限公司", "owner的客户有限公司"])
    assert "'+1 SUM(A1)" in rows[1] + rows[2]


def test_a_manager_sees_masked_mobiles_of_his_reps_customers_and_the_owner_sees_them_in_full(org):
    target = customer(org, "owner", "个人客户", kind="person", mobile="13812345678")

    assert "13812345678" in client_for(org, "owner").get(reverse("customers:detail", args=[target.pk])).content.decode()
    html = client_for(org, "superior").get(reverse("customers:detail", args=[target.pk])).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_a_lead_typed_in_by_a_rep_stays_with_them_and_converts_in_one_step(org):
    client = client_for(org, "owner")

    response = client.post(reverse("customers:lead_create"), {"name": "钱经理", "company_name": "杭州新材料有限公司",
                                                              "mobile": "13611112222"})
    lead = Lead.objects.get()
    converted = client.post(reverse("customers:lead_convert", args=[lead.pk]), {
        "kind": "company", "name": "杭州新材料有限公司", "level": "A"})

    made = Customer.objects.get(name="杭州新材料有限公司")
    assert response.status_code == 302 and lead.owner == org.people["owner"]
    assert converted["Location"] == reverse("customers:detail", args=[made.pk])
    assert made.owner == org.people["owner"] and made.contacts.get().name == "钱经理"


def test_the_api_lists_customers_in_scope_and_creates_one_for_the_caller(org, customers):
    from salesdesk.accounts.services import create_api_token

    _token, raw = create_api_token(user=org.user("owner"), name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client = Client()

    listed_names = {item["name"] for item in client.get("/api/v1/customers/", **headers).json()["results"]}
    made = client.post("/api/v1/customers/", {"name": "API 新客户", "contacts": [{"name": "孙"}]},
                       content_type="application/json", **headers)
    again = client.post("/api/v1/customers/", {"name": "API新客户有限公司"}, content_type="application/json", **headers)

    assert listed_names == {"owner的客户有限公司"}
    assert made.status_code == 201 and made.json()["owner"]["name"] == "李代表"
    assert again.status_code == 409 and "李代表" in again.json()["message"]


def test_importing_through_the_pages_previews_errors_then_imports_the_valid_rows(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from salesdesk.customers.models import ImportJob
    from salesdesk.jobs.testing import run_queued_tasks

    client = client_for(org, "owner")
    content = "名称,城市,级别\r\n甲公司,上海,A\r\n乙公司,北京,Z\r\n".encode("utf-8-sig")

    uploaded = client.post(reverse("customers:import_new"), {
        "kind": "customers", "file": SimpleUploadedFile("客户.csv", content, content_type="text/csv")})
    job = ImportJob.objects.get()
    preview = client.get(uploaded["Location"])
    refused = client.post(reverse("customers:import_commit", args=[job.pk]), {"valid_only": "0"})
    run_queued_tasks()  # the worker imports; with an error in a row, nothing
    after_refusal = Customer.objects.count()
    refusal_page = client.get(refused["Location"]).content.decode()
    done = client.post(reverse("customers:import_commit", args=[job.pk]), {"valid_only": "1"})
    run_queued_tasks()
    page = client.get(done["Location"])
    rejected = client.get(reverse("customers:import_rejected", args=[job.pk]))

    assert preview.status_code == 200 and preview.context["bad"] == 1
    assert "级别须为 A、B 或 C" in preview.content.decode()  # pages speak the site's language, Chinese
    assert (refused.status_code, after_refusal) == (302, 0)
    assert "有 1 行存在错误，未导入任何数据" in refusal_page  # the job's error, in the uploader's language
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == ("done", 1, 1)
    assert 'id="rejected-download"' in page.content.decode()
    book = load_workbook(io.BytesIO(rejected.content))
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["乙公司"]


def test_an_unreadable_upload_says_so_and_creates_no_job(org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from salesdesk.customers.models import ImportJob

    response = client_for(org, "owner").post(reverse("customers:import_new"), {
        "kind": "customers", "file": SimpleUploadedFile("客户.xlsx", b"not excel")})

    assert response.status_code == 400 and ImportJob.objects.count() == 0
    assert "无法读取这个 Excel" in response.content.decode()


def test_the_template_download_has_the_columns_in_the_users_language(org):
    client = client_for(org, "owner")
    chinese = client.get(reverse("customers:import_template"), {"kind": "leads"})
    english = client.get(reverse("customers:import_template"), {"kind": "leads"}, HTTP_ACCEPT_LANGUAGE="en")

    def first_header(response):
        return next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[0]

    assert (first_header(chinese), first_header(english)) == ("联系人姓名", "Contact name")


def test_a_manager_hands_over_a_leaving_reps_customers_and_open_leads(org, customers):
    lead = services.create_lead(company=org.company, by=None, name="张", mobile="13700001111", owner=org.people["owner"])
    client = client_for(org, "superior")

    page = client.get(reverse("customers:handover", args=[org.people["owner"].pk]))
    response = client.post(reverse("customers:handover", args=[org.people["owner"].pk]),
                           {"owner": org.people["teammate"].pk, "reason": "离职交接"})

    assert page.context["customer_count"] == 1 and page.context["lead_count"] == 1
    assert response.status_code == 302
    assert Customer.objects.get(pk=customers["owner"].pk).owner == org.people["teammate"]
    assert Lead.objects.get(pk=lead.pk).owner == org.people["teammate"]
    assert OwnershipChange.objects.get(customer=customers["owner"], kind="transferred").reason == "离职交接"


def test_the_deactivation_page_links_to_the_handover(org, customers, admin_client):
    html = admin_client.get(reverse("org:manage_employee_deactivate", args=[org.people["owner"].pk])).content.decode()

    assert reverse("customers:handover", args=[org.people["owner"].pk]) in html


def test_a_duplicate_of_ones_own_is_merged_from_the_customer_page(org):
    keep = customer(org, "owner", "上海华东机电有限公司")
    other = customer(org, "owner", "上海华东机电设备有限公司", allow_similar=True)
    services.add_contact(customer=other, name="老王")
    client = client_for(org, "owner")

    html = client.get(reverse("customers:detail", args=[keep.pk])).content.decode()
    response = client.post(reverse("customers:merge", args=[keep.pk]), {"merge": other.pk})

    assert f'data-merge="{other.pk}"' in html
    assert response.status_code == 302 and not Customer.objects.filter(pk=other.pk).exists()
    assert keep.contacts.filter(name="老王").exists()


def test_nobody_merges_a_customer_they_may_not_change(org):
    keep = customer(org, "owner", "甲公司")
    theirs = customer(org, "outsider", "甲 有限公司 分部", allow_similar=True)

    client_for(org, "owner").post(reverse("customers:merge", args=[keep.pk]), {"merge": theirs.pk})

    assert Customer.objects.filter(pk=theirs.pk).exists()


def test_a_list_longer_than_the_cap_says_more_than_instead_of_counting_everything(org, monkeypatch):
    from salesdesk.core.paging import CappedPaginator

    for name in ("甲", "乙", "丙"):
        customer(org, "owner", f"{name}公司")
    monkeypatch.setattr(CappedPaginator, "cap", 2)

    response = client_for(org, "owner").get(reverse("customers:list"))

    assert response.context["page"].paginator.capped
    assert "超过 2 个客户" in response.content.decode()
    assert len(response.context["page"].object_list) == 3


def test_owners_are_chosen_by_typing_so_the_list_never_renders_every_employee(org, customers):
    from salesdesk.org.models import Employee

    Employee.objects.bulk_create([Employee(company=org.company, name=f"新员工{n:03d}") for n in range(40)])

    html = client_for(org, "director").get(reverse("customers:list")).content.decode()

    assert "新员工" not in html
    assert 'data-url="' + reverse("org:people_pick") + '"' in html


def test_the_transfer_picker_shows_the_chosen_owner_again_when_the_form_comes_back(org, customers):
    from salesdesk.customers.forms import TransferForm

    form = TransferForm({"owner": org.people["teammate"].pk, "reason": ""}, company=org.company)

    html = str(form["owner"])

    assert form.is_valid()
    assert f'value="{org.people["teammate"].pk}"' in html and org.people["teammate"].name in html
    assert "<option" not in html


def test_the_list_filters_by_a_typed_tag(org, customers):
    tag = services._tags(org.company, ["老客户"])[0]
    customers["owner"].tags.add(tag)

    response = client_for(org, "director").get(reverse("customers:list"), {"tag": " 老客户 "})

    assert listed(response) == {customers["owner"].name}


def test_the_customer_page_shows_the_latest_entries_and_loads_older_ones_on_request(org, customers):
    mine = customers["owner"]
    now = timezone.now()
    FollowUp.objects.bulk_create([FollowUp(customer=mine, owner=org.people["owner"], content=f"第{n}次",
                                           at=now - datetime.timedelta(hours=n + 1)) for n in range(40)])
    client = client_for(org, "owner")

    page = client.get(reverse("customers:detail", args=[mine.pk]))
    shown = [entry.item.content for entry in page.context["timeline"] if entry.kind == "followup"]
    more = client.get(reverse("customers:timeline", args=[mine.pk]), {"before": page.context["timeline_more"]})
    older = [entry.item.content for entry in more.context["timeline"] if entry.kind == "followup"]

    assert len(page.context["timeline"]) == 20  # the newest entry is the customer's creation, then 19 visits
    assert shown == [f"第{n}次" for n in range(19)]
    assert older == [f"第{n}次" for n in range(19, 39)]  # the next 20, and a link to the last one
    last = client.get(reverse("customers:timeline", args=[mine.pk]), {"before": more.context["timeline_more"]})
    assert [entry.item.content for entry in last.context["timeline"]] == ["第39次"]
    assert 'id="timeline-more"' in page.content.decode() and 'id="timeline-more"' not in last.content.decode()


def test_the_older_entries_link_without_a_date_is_refused_plainly(org, customers):
    response = client_for(org, "owner").get(reverse("customers:timeline", args=[customers["owner"].pk]),
                                            {"before": "yesterday"})

    assert response.status_code == 400
