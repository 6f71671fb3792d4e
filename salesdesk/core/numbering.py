"""Document numbers (单据编号): unique and gap-free per series and period, under concurrency.

`next_number` must run inside the transaction that saves the document. It locks the series'
counter row for the period (SELECT … FOR UPDATE) and increments it; a second transaction asking
for the same series waits until the first commits or rolls back. A rolled-back document gives
its number back (the increment is rolled back with it), so the numbers of saved documents have
no gaps. The row for a new period is created with INSERT … ON CONFLICT DO NOTHING, so two
transactions starting a month together do not collide.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone

from .models import NumberCounter, NumberSeries

if TYPE_CHECKING:  # core imports no app at run time
    from salesdesk.org.models import Company

# What a company gets unless it configures otherwise (pinyin initials of the document's name).
DEFAULT_PREFIXES = {
    "quotation": "BJ",  # 报价单
    "contract": "HT",  # 合同
    "order": "DD",  # 订单
    "shipment": "FH",  # 发货单
    "invoice": "KP",  # 开票申请
    "payment": "HK",  # 回款
    "refund": "TK",  # 退款
    "complaint": "KS",  # 客诉
}

PERIOD_FORMATS = {
    NumberSeries.Reset.NEVER: "",
    NumberSeries.Reset.YEARLY: "%Y",
    NumberSeries.Reset.MONTHLY: "%Y%m",
    NumberSeries.Reset.DAILY: "%Y%m%d",
}


def series_for(company: Company, document: str) -> NumberSeries:
    series = NumberSeries.objects.filter(company=company, document=document).first()
    if series is None:
        NumberSeries.objects.bulk_create(
            [NumberSeries(company=company, document=document,
                          prefix=DEFAULT_PREFIXES.get(document, document[:2].upper()))],
            ignore_conflicts=True)
        series = NumberSeries.objects.get(company=company, document=document)
    return series


def format_number(series: NumberSeries, period: str, value: int) -> str:
    parts = [series.prefix, period, f"{value:0{series.digits}d}"]
    return series.separator.join(part for part in parts if part)


def next_number(*, company: Company, document: str, on: datetime.date | None = None) -> str:
    """The next number of `document` for `company` (dated `on`, default today)."""
    if not connection.in_atomic_block:
        raise RuntimeError("next_number() runs inside the transaction that saves the document")
    series = series_for(company, document)
    day = on or timezone.localdate()
    pattern = PERIOD_FORMATS[series.reset]
    period = day.strftime(pattern) if pattern else ""
    with transaction.atomic():
        NumberCounter.objects.bulk_create([NumberCounter(series=series, period=period)], ignore_conflicts=True)
        counter = NumberCounter.objects.select_for_update().get(series=series, period=period)
        counter.last += 1
        counter.save(update_fields=["last"])
    return format_number(series, period, counter.last)
