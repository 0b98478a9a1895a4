"""First-response numbers for the analytics: median and 90th percentile, and the SLA hit rate."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.utils import timezone

from .models import Inquiry


class _Percentile(Aggregate):
    """PostgreSQL's percentile_cont over seconds between two timestamps."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=fraction, **extra)


def _percentile(sorted_values: list[float], fraction: float) -> float | None:
    """The same interpolation as percentile_cont, for databases without it (the embedded SQLite)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


@dataclass(frozen=True)
class ResponseStats:
    received: int
    answered: int
    within_sla: int
    missed_sla: int
    median_hours: float | None
    p90_hours: float | None

    @property
    def hit_rate(self) -> float | None:
        decided = self.within_sla + self.missed_sla
        return round(100 * self.within_sla / decided, 1) if decided else None


ANSWERED = Q(first_response_at__isnull=False)


def sla_counts(now: dt.datetime) -> dict[str, Count]:
    """Aggregates for received, answered, answered within the SLA, and past it (answered late, or
    still waiting after the deadline); inquiries still within their deadline count for neither.
    Used whole (response_stats) and per period bucket (the analytics chart)."""
    return {
        "received": Count("id"),
        "answered": Count("id", filter=ANSWERED),
        "within": Count("id", filter=ANSWERED & Q(first_response_at__lte=F("sla_due_at"))),
        "late": Count(
            "id",
            filter=(ANSWERED & Q(first_response_at__gt=F("sla_due_at")))
            | Q(first_response_at__isnull=True, sla_due_at__lt=now),
        ),
    }


def response_stats(qs: QuerySet[Inquiry], *, now: dt.datetime | None = None) -> ResponseStats:
    counts = qs.aggregate(**sla_counts(now or timezone.now()))
    wait = F("first_response_at") - F("created_at")
    if connection.vendor == "postgresql":
        pct = qs.filter(ANSWERED).aggregate(median=_Percentile(wait, 0.5), p90=_Percentile(wait, 0.9))
        median, p90 = pct["median"], pct["p90"]
    else:
        seconds = sorted(
            (r - c).total_seconds()
            for r, c in qs.filter(ANSWERED).values_list("first_response_at", "created_at")
            if r is not None
        )
        median, p90 = _percentile(seconds, 0.5), _percentile(seconds, 0.9)
    return ResponseStats(
        received=counts["received"],
        answered=counts["answered"],
        within_sla=counts["within"],
        missed_sla=counts["late"],
        median_hours=None if median is None else round(median / 3600, 1),
        p90_hours=None if p90 is None else round(p90 / 3600, 1),
    )
