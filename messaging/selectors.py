from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from core.params import ascii_digits

from .models import Message, Purpose


@dataclass(frozen=True)
class MessageFilters:
    status: str = ""
    purpose: str = ""
    query: str = ""  # digits of a phone number, or a customer's login id
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _filtered(filters: MessageFilters) -> QuerySet[Message]:
    qs = Message.objects.all()
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.purpose:
        qs = qs.filter(purpose=filters.purpose)
    if filters.since:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__lt=filters.until)
    if filters.query:
        digits = "".join(ch for ch in ascii_digits(filters.query) if ch in "0123456789")
        condition = Q(customer__username=filters.query.strip())
        if len(digits) >= 4:
            condition |= (
                Q(to_phone__endswith=digits[-8:]) if len(digits) >= 8 else Q(to_phone__contains=digits)
            )
        qs = qs.filter(condition)
    return qs


def message_counts(filters: MessageFilters) -> dict[str, Any]:
    """Counts by purpose × status for the filtered period, with row and column totals (one GROUP BY)."""
    rows = (
        _filtered(MessageFilters(since=filters.since, until=filters.until))
        .values("purpose", "status")
        .annotate(n=Count("id"))
    )
    matrix: dict[str, dict[str, int]] = {p: dict.fromkeys(Message.Status.values, 0) for p in Purpose.values}
    for row in rows:
        matrix[row["purpose"]][row["status"]] = row["n"]
    by_status = {s: sum(matrix[p][s] for p in matrix) for s in Message.Status.values}
    return {
        "rows": [(Purpose(p).label, counts, sum(counts.values())) for p, counts in matrix.items()],
        "statuses": [(s, Message.Status(s).label) for s in Message.Status.values],
        "by_status": by_status,
        "total": sum(by_status.values()),
    }


def message_page(
    filters: MessageFilters, *, before_id: int | None, size: int = 30
) -> tuple[list[Message], int | None]:
    """One page, newest first, by keyset on id (no OFFSET however deep). Returns rows and the next cursor."""
    qs = _filtered(filters).select_related("customer").order_by("-id")
    if before_id:
        qs = qs.filter(id__lt=before_id)
    rows = list(qs[: size + 1])
    next_cursor = rows[size - 1].pk if len(rows) > size else None
    return rows[:size], next_cursor


def message_get(pk: int) -> Message:
    return Message.objects.select_related("customer").prefetch_related("attempt_log").get(pk=pk)


def message_list_for_customer(*, customer) -> QuerySet[Message]:
    return Message.objects.filter(customer=customer).order_by("-created_at", "-id")
