"""Counting consultations in SQL: by category, channel and month (Asia/Seoul months).

The customer's own charts use these today; the staff and manager analytics use them too.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from .models import Consultation


def counts_by_category(qs: QuerySet[Consultation]) -> list[tuple[str, int]]:
    rows = (
        qs.values("main_category__code", "main_category__name")
        .annotate(n=Count("id"))
        .order_by("main_category__code")
    )
    return [(r["main_category__name"], r["n"]) for r in rows]


def counts_by_channel(qs: QuerySet[Consultation]) -> list[tuple[str, int]]:
    rows = (
        qs.values("channel__sort_order", "channel__name")
        .annotate(n=Count("id"))
        .order_by("channel__sort_order")
    )
    return [(r["channel__name"], r["n"]) for r in rows]


def counts_by_month(
    qs: QuerySet[Consultation], *, months: int = 12, until: dt.date | None = None
) -> list[tuple[str, int]]:
    """The last `months` calendar months (Korean time) up to `until`, empty months included."""
    until = until or timezone.localdate()
    first = until.replace(day=1)
    for _ in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    counted = {
        row["month"].date(): row["n"]
        for row in qs.filter(occurred_at__gte=start)
        .annotate(month=TruncMonth("occurred_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
    }
    result, month = [], first
    for _ in range(months):
        result.append((f"{month:%Y-%m}", counted.get(month, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return result
