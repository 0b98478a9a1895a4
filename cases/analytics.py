"""Case numbers for the analytics: opened and closed per team and type, time to resolution in
business hours (median, 90th percentile), overdue rate, transfers per case. Aggregated in SQL."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import Trunc
from django.utils import timezone

from .models import Case, CaseEntry


class _PercentileCont(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=fraction, **extra)


def _percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont's interpolation, for the embedded SQLite run."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def overdue_condition(now: dt.datetime) -> Q:
    """Resolved after its deadline, or still unresolved past it."""
    return Q(resolved_at__gt=F("due_at")) | Q(resolved_at__isnull=True, due_at__lt=now)


@dataclass(frozen=True)
class GroupStats:
    key: Any
    opened: int
    closed: int
    overdue: int
    transfers: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def overdue_rate(self) -> float | None:
        return round(100 * self.overdue / self.opened, 1) if self.opened else None

    @property
    def transfers_per_case(self) -> float | None:
        return round(self.transfers / self.opened, 2) if self.opened else None


def _bucket_key(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


def case_stats_by(
    cases: QuerySet[Case],
    field: str,
    *,
    now: dt.datetime | None = None,
    entry_key: Any = None,
) -> list[GroupStats]:
    """One row per value of `field` (team, kind, or an annotation such as a time bucket) over
    these cases; `entry_key` is the same key as an expression on a case entry (default case__field)."""
    now = now or timezone.now()
    aggregates: dict[str, Aggregate] = {
        "opened": Count("id"),
        "closed": Count("id", filter=Q(status=Case.Status.CLOSED)),
        "overdue": Count("id", filter=overdue_condition(now)),
    }
    postgres = connection.vendor == "postgresql"
    if postgres:
        aggregates["median"] = _PercentileCont(
            "resolution_hours", 0.5, filter=Q(resolution_hours__isnull=False)
        )
        aggregates["p90"] = _PercentileCont("resolution_hours", 0.9, filter=Q(resolution_hours__isnull=False))
    rows = list(cases.values(field).annotate(**aggregates).order_by(field))
    # Transfers counted on the entries alone: joined to the cases above, they would multiply the counts.
    transfers = dict(
        CaseEntry.objects.filter(case__in=cases.values("pk"), kind=CaseEntry.Kind.TRANSFERRED)
        .annotate(group_key=entry_key if entry_key is not None else F(f"case__{field}"))
        .values_list("group_key")
        .annotate(n=Count("id"))
        .order_by()
    )
    stats = []
    for row in rows:
        median, p90 = row.get("median"), row.get("p90")
        if not postgres:
            hours = sorted(
                h
                for h in cases.filter(**{field: row[field]}).values_list("resolution_hours", flat=True)
                if h is not None
            )
            median, p90 = _percentile(hours, 0.5), _percentile(hours, 0.9)
        stats.append(
            GroupStats(
                key=row[field],
                opened=row["opened"],
                closed=row["closed"],
                overdue=row["overdue"],
                transfers=transfers.get(row[field], 0),
                median_hours=round(median, 1) if median is not None else None,
                p90_hours=round(p90, 1) if p90 is not None else None,
            )
        )
    return stats


@dataclass(frozen=True)
class BucketStats:
    """One time bucket: cases opened in it per key (team or kind), and the stats of them all."""

    bucket: dt.date
    opened_by_key: dict[Any, int]
    stats: GroupStats | None


def case_stats_over_time(
    cases: QuerySet[Case], granularity: str, split: str, *, now: dt.datetime | None = None
) -> list[BucketStats]:
    """Per bucket of `granularity` (day … year, Seoul time) of the opening: how many cases of each
    `split` value (team, kind) were opened, and opened/closed/overdue/transfers/resolution of all."""
    tz = timezone.get_current_timezone()
    bucketed = cases.annotate(bucket=Trunc("opened_at", granularity, tzinfo=tz))
    counts: dict[dt.date, dict[Any, int]] = {}
    for bucket, key, n in bucketed.values_list("bucket", split).annotate(n=Count("id")).order_by():
        counts.setdefault(_bucket_key(bucket), {})[key] = n
    stats = {
        _bucket_key(row.key): row
        for row in case_stats_by(
            bucketed, "bucket", now=now, entry_key=Trunc("case__opened_at", granularity, tzinfo=tz)
        )
    }
    return [BucketStats(bucket, counts.get(bucket, {}), stats.get(bucket)) for bucket in sorted(counts)]
