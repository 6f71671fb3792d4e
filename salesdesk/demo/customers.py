"""Demo customers for `demo_setup`: what a few weeks of use leave behind. Every rep whose duties
include following up customers gets a handful of customers with contacts and follow-ups (some due
today, some overdue, one about to return to the pool); a few customers wait in the company pool
and a few leads wait for a rep. Deterministic: the same company always gets the same records."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers import services
from salesdesk.customers.models import CustomerClass, FollowUp, Lead, LeadSource
from salesdesk.org.models import Employee

CITIES = ["上海", "南京", "杭州", "苏州", "济南", "青岛", "合肥", "宁波", "无锡", "郑州", "武汉", "长沙"]
WORDS = ["恒通", "华信", "宏达", "精工", "新锐", "博远", "盛泰", "金桥", "同创", "瑞丰", "联拓", "安捷", "启明", "东升",
         "万象", "凯达", "鼎盛", "远航"]
TRADES = [("机电设备", "制造业"), ("建材", "建筑"), ("物流", "物流"), ("电子科技", "电子"), ("贸易", "批发零售"),
          ("化工", "化工"), ("食品", "食品"), ("汽车配件", "汽车")]
PEOPLE = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"]
TITLES = ["采购经理", "总经理", "技术主管", "采购专员", "设备部长"]
NOTES = ["介绍了新产品，对方要求报价。", "询问交货期和付款方式。", "上门拜访，参观了车间。", "电话确认样品已收到。",
         "对方预算在审批中，下月再联系。"]


def reps_of(company) -> list[Employee]:
    return list(Employee.objects.filter(
        company=company, status=Employee.Status.ACTIVE, user__isnull=False,
        assignments__ended_on__isnull=True, assignments__position__duties__queue="followups_today",
    ).distinct().order_by("pk"))


def city_of(rep: Employee, fallback: str) -> str:
    """The city of the rep's office (南京办事处 → 南京), looking up the tree; `fallback` for a rep
    whose departments are not named after a city (材料销售部)."""
    department = services.primary_department(rep)
    while department is not None:
        for city in CITIES:
            if department.name.startswith(city):
                return city
        department = department.parent
    return fallback


@transaction.atomic
def add_demo_customers(company, *, per_rep: int = 4, seed: int = 7) -> dict:
    services.ensure_defaults(company=company)
    rng = random.Random(seed)
    classes = list(CustomerClass.objects.filter(company=company).order_by("sort_order"))
    sources = list(LeadSource.objects.filter(company=company).order_by("sort_order"))
    today = timezone.localdate()
    now = timezone.now()
    words = {city: iter(WORDS) for city in CITIES}  # each city's firm names, used once
    made = 0
    for number, rep in enumerate(reps_of(company)):
        # A rep sells in his own office's city; the others get one of the cities in turn.
        city = city_of(rep, CITIES[number % len(CITIES)])
        with acting_as(actor_for_user(rep.user, source="command")):
            for index in range(per_rep):
                trade, industry = rng.choice(TRADES)
                name = f"{city}{next(words[city])}{trade}有限公司"
                created = now - datetime.timedelta(days=rng.randint(20, 60))
                # The last customer of each rep is a C that nobody called for 12 days: the 15-day
                # rule of the company pool takes it back in 3 days unless someone follows up.
                level = "C" if index == per_rep - 1 else rng.choice("ABC")
                customer = services.create_customer(
                    company=company, by=rep, owner=rep, name=name, industry=industry, city=name[:2],
                    level=level, customer_class=rng.choice(classes[:4]), source=rng.choice(sources),
                    created_at=created, allow_similar=True, check_duplicates=False,
                    contacts=[{"name": rng.choice(PEOPLE) + rng.choice(["经理", "先生", "女士", "工"]),
                               "title": rng.choice(TITLES), "mobile": f"13{rng.randint(100000000, 999999999)}"}])
                last = now - datetime.timedelta(days=12 if index == per_rep - 1 else rng.randint(1, 6))
                # The first customer is due today, the second overdue; the rest later.
                next_on = [today, today - datetime.timedelta(days=2)][index] if index < 2 else \
                    today + datetime.timedelta(days=rng.randint(3, 20))
                services.record_followup(by=rep, customer=customer, at=last, content=rng.choice(NOTES),
                                         method=rng.choice([FollowUp.Method.PHONE, FollowUp.Method.VISIT]),
                                         next_followup_on=next_on if next_on >= timezone.localdate(last) else None)
                if next_on < timezone.localdate(last):
                    type(customer).objects.filter(pk=customer.pk).update(next_followup_on=next_on)
                made += 1
    pooled = 0
    for word in WORDS[-4:]:
        services.create_customer(company=company, by=None, name=f"{word}国际贸易有限公司", city="上海", level="C",
                                 source=sources[0], check_duplicates=False)
        pooled += 1
    # Web leads wait in the department of whoever assigns leads.
    assigner = Employee.objects.filter(company=company, assignments__ended_on__isnull=True,
                                       assignments__position__duties__queue="leads_unassigned").order_by("pk").first()
    team = services.primary_department(assigner) if assigner else None
    leads = 0
    for index, person in enumerate(PEOPLE[:3]):
        services.create_lead(company=company, by=None, name=f"{person}先生", company_name=f"{CITIES[index]}新客户有限公司",
                             mobile=f"1590000{index:04d}", source=sources[index % len(sources)], team=team,
                             needs="官网留言，询问产品价格。", status=Lead.Status.NEW, auto_assign=False)
        leads += 1
    return {"customers": made, "pool": pooled, "leads": leads}
