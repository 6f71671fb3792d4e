"""The demo company's products, prices, approval chains and a few quotations (used by demo_setup).
Prices are entered by one inside-sales clerk and confirmed by the other, as the pricing rule wants."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from salesdesk.core.access import Actor
from salesdesk.core.contextvars import acting_as, actor_for_user
from salesdesk.customers.models import Customer
from salesdesk.demo.clock import as_of, days_ago
from salesdesk.org.models import Employee
from salesdesk.sales import contracts, orders, pricing, quotations, services, shipping
from salesdesk.sales.models import PriceList, Warehouse

PRODUCTS = [
    # code, name, spec, unit, line, price, floor
    ("SBS-791", "SBS改性剂", "791-H", "吨", "SBS", "13200", "12600"),
    ("SBS-1301", "SBS改性剂", "1301-1", "吨", "SBS", "12800", "12200"),
    ("AGT-01", "助溶剂", "AG-1 25kg/桶", "桶", "外采产品", "460", "420"),
    ("RP-40", "橡胶粉", "40目", "吨", "外采产品", "2600", "2400"),
    ("EQ-MIX", "改性沥青搅拌设备", "MX-20", "台", "设备", "386000", "360000"),
    ("EQ-SVC", "设备安装调试服务", "", "次", "设备", "12000", None),
]


def _holder(company, code: str) -> Employee | None:
    return (Employee.objects.filter(company=company, assignments__position__code=code,
                                    assignments__ended_on__isnull=True).order_by("pk").first())


@transaction.atomic
def add_demo_sales(company) -> dict:
    maker, checker = _holder(company, "inside-sales-sbs"), _holder(company, "inside-sales-cnpc")
    if maker is None or checker is None:
        return {"products": 0}
    products = {}
    for code, name, spec, unit, line_name, price, floor in PRODUCTS:
        with acting_as(actor_for_user(maker.user, source="command")):
            line = services.create_product_line(company=company, name=line_name)
            product = services.create_product(company=company, by=maker, code=code, name=name, spec=spec, unit=unit,
                                              product_line=line, standard_price=Decimal(price),
                                              floor_price=Decimal(floor) if floor else None)
        with acting_as(actor_for_user(checker.user, source="command")):
            pricing.confirm_price_change(by=checker, change=product.price_changes.get())
        product.refresh_from_db()
        products[code] = product
    distributors = PriceList.objects.create(company=company, name="经销商价", channel="distributor")
    for code, price in (("SBS-791", "12900"), ("SBS-1301", "12500"), ("AGT-01", "440")):
        with acting_as(actor_for_user(maker.user, source="command")):
            change = pricing.propose_price_change(by=maker, product=products[code], price_list=distributors,
                                                  price=Decimal(price))
        with acting_as(actor_for_user(checker.user, source="command")):
            pricing.confirm_price_change(by=checker, change=change)
    # The main warehouse and a transit warehouse near the east region's customers (中转库).
    main = Warehouse.objects.create(company=company, code="WH-MAIN", name="岳阳总库", address="湖南省岳阳市")
    transit = Warehouse.objects.create(company=company, code="WH-NJ", name="南京中转库", kind=Warehouse.Kind.TRANSIT,
                                       address="江苏省南京市")
    for code, at_main, at_transit in (("SBS-791", "120", "30"), ("SBS-1301", "80", "20"), ("AGT-01", "600", "100"),
                                      ("RP-40", "200", "0"), ("EQ-MIX", "3", "0")):
        shipping.receive_stock(by=Actor.command("demo"), warehouse=main, product=products[code], quantity=Decimal(at_main))
        if Decimal(at_transit):
            shipping.receive_stock(by=Actor.command("demo"), warehouse=transit, product=products[code], quantity=Decimal(at_transit))
    # One price change waits for the second clerk: it shows on her workbench.
    with acting_as(actor_for_user(maker.user, source="command")):
        pricing.propose_price_change(by=maker, product=products["RP-40"], price=Decimal("2680"),
                                     floor_price=Decimal("2450"), reason="原料上涨")
    # The approval chains (quotations, 合同评审, 订单评审 …) come with the industrial template.
    made = _demo_quotations(company, products)
    return {"products": len(products), "quotations": made}


def _demo_quotations(company, products) -> int:
    today = timezone.localdate()
    made = 0
    reps = Employee.objects.filter(company=company, assignments__position__code__in=["nanjing-rep", "sales-rep"],
                                   assignments__ended_on__isnull=True).distinct().order_by("pk")
    for rep in reps:
        customer = Customer.objects.filter(owner=rep).order_by("pk").first()
        if customer is None:
            continue
        with acting_as(actor_for_user(rep.user, source="command")):
            sent = quotations.create_quotation(
                by=rep, customer=customer, valid_until=today + datetime.timedelta(days=30), title="SBS 季度供货",
                lines=[quotations.LineInput(products["SBS-791"], Decimal("20")),
                       quotations.LineInput(products["AGT-01"], Decimal("40"))],
                terms="款到发货；含税含运费；交货期：合同签订后 7 天。")
            quotations.send_quotation(quotation=sent, by=rep)
            below = quotations.create_quotation(
                by=rep, customer=customer, valid_until=today + datetime.timedelta(days=15), title="大客户特价",
                lines=[quotations.LineInput(products["SBS-1301"], Decimal("30"), unit_price=Decimal("12000"))])
            quotations.send_quotation(quotation=below, by=rep)
            # The sent quotation was won: its contract waits in review (合同评审).
            contract = contracts.contract_from_quotation(quotation=sent, by=rep)
            contracts.submit_for_review(contract=contract, by=rep)
        # Seven weeks ago an order for part of an earlier delivery was reviewed and confirmed; it has
        # shipped and been invoiced since (demo.finance).
        with as_of(days_ago(50)), acting_as(actor_for_user(rep.user, source="command")):
            order = orders.create_order(by=rep, customer=customer,
                                        delivery_on=timezone.localdate() + datetime.timedelta(days=5),
                                        lines=[quotations.LineInput(products["AGT-01"], Decimal("10"))],
                                        ship_to=f"{customer.city}市")
            review = orders.submit_for_review(order=order, by=rep)
            _approve_all(review)
        made += 2
    made += _demo_contract_carried_out(company, products)
    return made


def _demo_contract_carried_out(company, products) -> int:
    """Two months ago the first office rep's quotation became a contract that went through the whole
    合同评审 (his region, 法务 and 账务 together, the sales manager) and was called off in an order;
    the order ships, is invoiced and partly paid with the others (demo.finance), so the contract
    execution report has a contract with every column filled."""
    rep = Employee.objects.filter(company=company, assignments__position__code="nanjing-rep",
                                  assignments__ended_on__isnull=True).order_by("pk").first()
    customer = Customer.objects.filter(owner=rep).order_by("pk").last() if rep else None
    if customer is None:
        return 0
    with as_of(days_ago(62)), acting_as(actor_for_user(rep.user, source="command")):
        quotation = quotations.create_quotation(
            by=rep, customer=customer, valid_until=timezone.localdate() + datetime.timedelta(days=30),
            title="年度 SBS 框架采购", lines=[quotations.LineInput(products["SBS-791"], Decimal("6"))],
            terms="货到 30 天付款；含税含运费；分两批交货。")
        quotations.send_quotation(quotation=quotation, by=rep)
    with as_of(days_ago(60)), acting_as(actor_for_user(rep.user, source="command")):
        contract = contracts.contract_from_quotation(quotation=quotation, by=rep)
        review = contracts.submit_for_review(contract=contract, by=rep)
        _approve_all(review, comment="条款、价格和付款方式已审。")
    with as_of(days_ago(52)), acting_as(actor_for_user(rep.user, source="command")):
        contract.refresh_from_db()
        line = contract.lines.get()
        order = orders.create_order(by=rep, customer=customer, contract=contract,
                                    delivery_on=timezone.localdate() + datetime.timedelta(days=5),
                                    lines=[quotations.LineInput(line.product, Decimal("3"))],
                                    ship_to=f"{customer.city}市")
        _approve_all(orders.submit_for_review(order=order, by=rep))
    return 1


def _approve_all(review, comment: str = "交期、库存、价格已核对。") -> None:
    """A review as the template runs it: whoever the chain asks at each step (for an order, the 内勤
    checking delivery date, stock and prices) approves, step by step, until the document passes."""
    from salesdesk.approvals import services as approvals
    from salesdesk.approvals.models import ApprovalRequest, ApprovalTask

    for _step in range(10):
        review.refresh_from_db()
        if review.status != ApprovalRequest.Status.PENDING:
            return
        task = review.tasks.filter(step=review.current_step, status=ApprovalTask.Status.PENDING).select_related(
            "approver__user").order_by("pk").first()
        with acting_as(actor_for_user(task.approver.user, source="command")):
            approvals.decide(request=review, actor=task.approver, decision="approve", comment=comment)


HISTORY_PRODUCTS = (("SBS-791", 13200, 6), ("SBS-1301", 12800, 5), ("AGT-01", 460, 80), ("RP-40", 2600, 12))


def add_demo_history(company, *, months: int = 12) -> dict:
    """A year of past orders (imported as history, shipped and closed) for the reps' own customers, so
    the reports have figures from the first start. Deterministic: the same demo every time."""
    from salesdesk.customers.models import Customer
    from salesdesk.sales import history

    importer = _holder(company, "sales-director")
    reps = [(employee, list(Customer.objects.filter(owner=employee).order_by("pk")[:4]))
            for employee in Employee.objects.filter(company=company, assignments__position__code__in=(
                "nanjing-rep", "hangzhou-rep", "jinan-rep", "sales-rep"), assignments__ended_on__isnull=True)
            .order_by("pk").distinct()]
    reps = [(rep, customers) for rep, customers in reps if customers]
    if importer is None or not reps:
        return {"orders": 0}
    today = timezone.localdate()
    rows = []
    for back in range(months, 0, -1):
        month_start = (today.replace(day=1) - datetime.timedelta(days=31 * back - 15)).replace(day=1)
        for index, (rep, customers) in enumerate(reps):
            for number in range(1 + (back + index) % 3):
                code, price, quantity = HISTORY_PRODUCTS[(back + index + number) % len(HISTORY_PRODUCTS)]
                ordered_on = month_start + datetime.timedelta(days=(3 + 7 * number + index) % 26)
                shipped_on = min(ordered_on + datetime.timedelta(days=4), today)
                rows.append([f"LS-{ordered_on:%Y%m}-{index:02d}{number}", ordered_on.isoformat(),
                             customers[(back + number) % len(customers)].name, rep.name, code,
                             str(quantity + (back * 7 + index) % 5), str(price), shipped_on.isoformat()])
    keys = ["number", "ordered_on", "customer", "owner", "product", "quantity", "unit_price", "shipped_on"]
    outcome = history.commit(company=company, user=importer.user, rows=rows, mapping=dict(enumerate(keys)))
    return {"orders": outcome.orders}
