"""Counting in SQL, for the customer's own charts and for the staff/manager analytics alike.

Every counter takes either raw consultations (a customer's few hundred rows: COUNT) or the per-day
counts kept by triggers (ConsultationDay: SUM(n)), so the same code answers "my consultations by
channel" and "a year of the whole bank by channel". Periods are Seoul calendar days, weeks
(Monday first), months, quarters and years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import day_end, day_start

from .models import Channel, ConsultationDay
from .search import ConsultationFilters, consultation_search

GRANULARITIES = ("day", "week", "month", "quarter", "year")
DIMENSIONS = {
    # dimension: (key field, label field, order field)
    "channel": ("channel_id", "channel__name", "channel__sort_order"),
    "category": ("main_category_id", "main_category__name", "main_category__code"),
    "staff": ("staff_id", "staff__name", "staff__name"),
    "branch": (
        "staff__staff_profile__branch_id",
        "staff__staff_profile__branch__name",
        "staff__staff_profile__branch__code",
    ),
}


@dataclass(frozen=True)
class Row:
    key: Any
    label: str
    n: int


def bucket_start(day: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return day
    if granularity == "week":
        return day - dt.timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    if granularity == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def next_bucket(start: dt.date, granularity: str) -> dt.date:
    if granularity == "day":
        return start + dt.timedelta(days=1)
    if granularity == "week":
        return start + dt.timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[granularity]
    month = start.month - 1 + months
    return start.replace(year=start.year + month // 12, month=month % 12 + 1, day=1)


@dataclass(frozen=True)
class Period:
    """From `first` to `last` (Seoul days, both included), cut into buckets of `granularity`."""

    first: dt.date
    last: dt.date
    granularity: str = "day"

    def buckets(self) -> list[dt.date]:
        out, start = [], bucket_start(self.first, self.granularity)
        while start <= self.last:
            out.append(start)
            start = next_bucket(start, self.granularity)
        return out

    def label(self, start: dt.date) -> str:
        if self.granularity == "day":
            return f"{start:%m-%d}" if self.first.year == self.last.year else f"{start:%Y-%m-%d}"
        if self.granularity == "week":
            return f"{start:%m-%d}~"
        if self.granularity == "month":
            return f"{start:%Y-%m}"
        if self.granularity == "quarter":
            return f"{start.year} Q{(start.month - 1) // 3 + 1}"
        return str(start.year)

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as instants: Seoul midnight of `first` to Seoul midnight after `last`."""
        return day_start(self.first), day_end(self.last)

    def is_partial(self, start: dt.date, today: dt.date | None = None) -> bool:
        """The bucket is not a whole one: cut by the period's ends, or still running (holds today or
        the future), so its count is not comparable with the others (drawn dashed or lighter)."""
        today = today or timezone.localdate()
        end = next_bucket(start, self.granularity) - dt.timedelta(days=1)
        return start < self.first or end > self.last or end >= today

    def marked_label(self, start: dt.date, today: dt.date | None = None) -> tuple[str, bool]:
        """The label, and whether the bucket is partial; a partial one says why in its label (in the
        chart, its table and the CSV alike): still running (집계 중) or cut by the period (일부 기간)."""
        label = self.label(start)
        today = today or timezone.localdate()
        if not self.is_partial(start, today):
            return label, False
        end = next_bucket(start, self.granularity) - dt.timedelta(days=1)
        running = end >= today and start <= today
        note = _("%(label)s (집계 중)") if running else _("%(label)s (일부 기간)")
        return note % {"label": label}, True

    def bucket_bounds(self, start: dt.date) -> tuple[dt.date, dt.date]:
        """The days of one bucket inside the period (for drill-down links)."""
        return max(start, self.first), min(
            next_bucket(start, self.granularity) - dt.timedelta(days=1), self.last
        )


def _measure(qs: QuerySet) -> Any:
    return Sum("n") if qs.model is ConsultationDay else Count("id")


def in_period(qs: QuerySet, period: Period) -> QuerySet:
    if qs.model is ConsultationDay:
        return qs.filter(day__gte=period.first, day__lte=period.last)
    start, end = period.bounds()
    return qs.filter(occurred_at__gte=start, occurred_at__lt=end)


def counts_by(qs: QuerySet, dimension: str) -> list[Row]:
    key, label, order = DIMENSIONS[dimension]
    rows = qs.values(key, label, order).annotate(total=_measure(qs)).order_by(order, key)
    return [Row(r[key], r[label] or "—", r["total"] or 0) for r in rows if r["total"]]


def counts_over_time(
    qs: QuerySet, period: Period, *, split: str | None = None
) -> tuple[list[dt.date], list[tuple[Row, list[int]]]]:
    """Buckets of the period (empty ones included) and one series per `split` value (or one in all)."""
    field = "day" if qs.model is ConsultationDay else "occurred_at"
    tz = None if field == "day" else timezone.get_current_timezone()
    bucketed = in_period(qs, period).annotate(bucket=Trunc(field, period.granularity, tzinfo=tz))
    fields = ["bucket"]
    if split:
        key, label, order = DIMENSIONS[split]
        fields += [key, label, order]
    rows = bucketed.values(*fields).annotate(total=_measure(qs)).order_by()
    buckets = period.buckets()
    index = {b: i for i, b in enumerate(buckets)}
    series: dict[Any, tuple[Row, list[int]]] = {}
    order_of: dict[Any, Any] = {}
    for r in rows:
        bucket = r["bucket"].date() if isinstance(r["bucket"], dt.datetime) else r["bucket"]
        k = r[DIMENSIONS[split][0]] if split else "all"
        if k not in series:
            name = (r[DIMENSIONS[split][1]] or "—") if split else ""
            series[k] = (Row(k, name, 0), [0] * len(buckets))
            order_of[k] = r[DIMENSIONS[split][2]] if split else 0
        if bucket in index:
            series[k][1][index[bucket]] += r["total"] or 0
    ordered = sorted(
        series.items(), key=lambda item: (order_of[item[0]] is None, order_of[item[0]] or 0, str(item[0]))
    )
    return buckets, [(Row(row.key, row.label, sum(values)), values) for _, (row, values) in ordered]


# --- the customer's own charts (raw rows of one customer) ------------------------------------------
def counts_by_category(qs: QuerySet) -> list[tuple[str, int]]:
    return [(r.label, r.n) for r in counts_by(qs, "category")]


def counts_by_channel(qs: QuerySet) -> list[tuple[str, int]]:
    return [(r.label, r.n) for r in counts_by(qs, "channel")]


def month_period(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    months: int = 12,
    most: int = 36,
    snap: bool = False,
) -> Period:
    """The period a customer's chart shows: that of their history filter, or else the last `months`
    calendar months (Korean time) up to today; by month, or by quarter or year when months would
    make more than `most` bars."""
    until = date_to or timezone.localdate()
    first = until.replace(day=1)
    for _month in range(months - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    period = Period(date_from or first, until, "month")
    for coarser in ("quarter", "year"):
        if len(period.buckets()) <= most:
            break
        # a start we chose (not the customer's) begins a whole bucket: no "일부 기간" bar first
        start = bucket_start(period.first, coarser) if snap else period.first
        period = Period(start, until, coarser)
    return period


def counts_by_month(qs: QuerySet, *, months: int = 12, until: dt.date | None = None) -> list[tuple[str, int]]:
    """The last `months` calendar months (Korean time) up to `until`, empty months included."""
    period = month_period(date_to=until or timezone.localdate(), months=months)
    buckets, series = counts_over_time(qs, period)
    values = series[0][1] if series else [0] * len(buckets)
    return [(period.label(b), n) for b, n in zip(buckets, values, strict=True)]


@dataclass(frozen=True)
class MyChart:
    """One of the customer's charts: (label, count) rows, the channel code of each row (by channel)
    and the rows of a month still running (drawn lighter, labelled 집계 중)."""

    rows: list[tuple[str, int]]
    channels: list[str]
    partial: list[int]

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.rows)

    @property
    def summary(self) -> str:
        """The chart in one sentence, for screen readers (the table below holds every number)."""
        if not self.total:
            return ""
        label, n = max(self.rows, key=lambda row: row[1])
        return _("모두 %(total)d건, 가장 많은 것은 %(label)s %(n)d건입니다.") % {
            "total": self.total,
            "label": label,
            "n": n,
        }


def my_chart(
    qs: QuerySet, kind: str, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> MyChart:
    """`kind` is category, channel or month; `qs` the customer's consultations already filtered."""
    if kind == "month":
        if date_from is None:
            # no period asked: the last 12 months, or back to the first consultation the filter
            # keeps if that is older (so the months count what the list shows, up to `most`)
            oldest = qs.aggregate(oldest=Min("occurred_at"))["oldest"]
            default = month_period(date_to=date_to)
            if oldest is not None and timezone.localtime(oldest).date() < default.first:
                start = timezone.localtime(oldest).date().replace(day=1)
                period = month_period(date_from=start, date_to=date_to, snap=True)
            else:
                period = default
        else:
            period = month_period(date_from=date_from, date_to=date_to)
        buckets, series = counts_over_time(qs, period)
        values = series[0][1] if series else [0] * len(buckets)
        rows, partial = [], []
        for i, (bucket, n) in enumerate(zip(buckets, values, strict=True)):
            label, cut = period.marked_label(bucket)
            if cut:
                partial.append(i)
            rows.append((label, n))
        return MyChart(rows, [], partial)
    counted = counts_by(qs, kind)
    codes = dict(Channel.objects.values_list("pk", "code")) if kind == "channel" else {}
    return MyChart(
        [(r.label, r.n) for r in counted], [codes.get(r.key, "") for r in counted] if codes else [], []
    )


def my_charts(filters: ConsultationFilters, *kinds: str) -> dict[str, MyChart]:
    """A customer's charts for their history filter (the same filter as the list above them, so the
    charts never count what the list hides)."""
    qs = consultation_search(filters).order_by()
    return {kind: my_chart(qs, kind, date_from=filters.date_from, date_to=filters.date_to) for kind in kinds}
