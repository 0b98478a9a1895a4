"""The staff and manager analytics: one table per subject, from which the page's table, the
Chart.js JSON and the CSV export are all made — so the three can never disagree.

Staff see their own numbers; managers see everyone's and may narrow to a branch or a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.db.models.functions import Trunc
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import User
from inquiries.analytics import response_stats, sla_counts
from inquiries.models import Inquiry
from messaging.models import Message

from .analytics import Period, counts_by, counts_over_time
from .models import Booking, ConsultationDay


@dataclass(frozen=True)
class Scope:
    period: Period
    staff_id: int | None = None
    branch_id: int | None = None

    def search_query(self, first: dt.date | None = None, last: dt.date | None = None, **extra: Any) -> str:
        """A link into the consultation search with the same period and people (drill-down)."""
        params: dict[str, Any] = {
            "date_from": (first or self.period.first).isoformat(),
            "date_to": (last or self.period.last).isoformat(),
        }
        if self.staff_id:
            params["staff"] = self.staff_id
        if self.branch_id:
            params["branch"] = self.branch_id
        params.update({k: v for k, v in extra.items() if v is not None})
        return reverse("staff:consultations") + "?" + urlencode(params)


def scope_for(
    user: User, *, period: Period, staff: User | None = None, branch_id: int | None = None
) -> Scope:
    """Whose numbers this user may see: a manager anyone's, everyone else only their own."""
    if not user.is_manager:
        return Scope(period=period, staff_id=user.pk)
    return Scope(period=period, staff_id=staff.pk if staff else None, branch_id=branch_id)


def _of_people(qs: QuerySet, scope: Scope, person: str = "staff") -> QuerySet:
    """Narrow to the scope's staff member or branch; `person` is the field naming the staff member."""
    if scope.staff_id:
        qs = qs.filter(**{f"{person}_id": scope.staff_id})
    if scope.branch_id:
        qs = qs.filter(**{f"{person}__staff_profile__branch_id": scope.branch_id})
    return qs


def consultation_days(scope: Scope) -> QuerySet[ConsultationDay]:
    qs = ConsultationDay.objects.filter(day__gte=scope.period.first, day__lte=scope.period.last)
    return _of_people(qs, scope)


def bookings_in(scope: Scope) -> QuerySet[Booking]:
    start, end = scope.period.bounds()
    return _of_people(Booking.objects.filter(starts_at__gte=start, starts_at__lt=end), scope)


def inquiries_in(scope: Scope) -> QuerySet[Inquiry]:
    start, end = scope.period.bounds()
    return _of_people(Inquiry.objects.filter(created_at__gte=start, created_at__lt=end), scope, "assignee")


def messages_in(scope: Scope) -> QuerySet[Message]:
    start, end = scope.period.bounds()
    return Message.objects.filter(created_at__gte=start, created_at__lt=end)


@dataclass
class Table:
    """Rows of [label, value, value…]; `series` are the value columns drawn in the chart."""

    name: str
    title: str
    chart: str  # line | bar | doughnut
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    series: list[int] = field(default_factory=lambda: [1])
    stacked: bool = False
    note: str = ""


def _timeline(scope: Scope) -> Table:
    buckets, series = counts_over_time(consultation_days(scope), scope.period, split="channel")
    table = Table(
        "timeline",
        _("기간별 상담 (채널별)"),
        "line",
        [_("기간"), *[row.label for row, _values in series], _("합계")],
        series=list(range(1, len(series) + 1)),
    )
    for i, bucket in enumerate(buckets):
        values = [values[i] for _row, values in series]
        table.rows.append([scope.period.label(bucket), *values, sum(values)])
        first, last = scope.period.bucket_bounds(bucket)
        table.links.append(scope.search_query(first, last))
    return table


def _breakdown(
    name: str, title: Any, chart: str, dimension: str, param: str | None
) -> Callable[[Scope], Table]:
    def build(scope: Scope) -> Table:
        table = Table(name, str(title), chart, [_("구분"), _("상담 수"), _("비율(%)")])
        rows = counts_by(consultation_days(scope), dimension)
        total = sum(r.n for r in rows) or 1
        for r in rows:
            table.rows.append([r.label, r.n, round(100 * r.n / total, 1)])
            table.links.append(scope.search_query(**({param: r.key} if param else {})))
        return table

    return build


def _bookings(scope: Scope) -> Table:
    counted = dict(bookings_in(scope).values_list("status").annotate(n=Count("id")).order_by())
    table = Table("bookings", _("추가상담 예약 결과"), "doughnut", [_("결과"), _("건수")])
    for status in Booking.Status:
        table.rows.append([str(status.label), counted.get(status.value, 0)])
        table.links.append("")
    kept, no_show = counted.get(Booking.Status.COMPLETED, 0), counted.get(Booking.Status.NO_SHOW, 0)
    if kept + no_show:
        table.note = _("방문율 %(rate).1f%% (완료 %(kept)d건 / 노쇼 %(no_show)d건)") % {
            "rate": 100 * kept / (kept + no_show),
            "kept": kept,
            "no_show": no_show,
        }
    return table


def _inquiries(scope: Scope) -> Table:
    now = timezone.now()
    qs = inquiries_in(scope)
    stats = response_stats(qs, now=now)
    per_bucket = {
        (r["bucket"].date() if isinstance(r["bucket"], dt.datetime) else r["bucket"]): r
        for r in qs.annotate(
            bucket=Trunc("created_at", scope.period.granularity, tzinfo=timezone.get_current_timezone())
        )
        .values("bucket")
        .annotate(**sla_counts(now))
        .order_by()
    }
    table = Table(
        "inquiries",
        _("문의 첫 응답 (응답기한 준수)"),
        "bar",
        [_("기간"), _("기한 내 응답"), _("기한 초과"), _("접수")],
        series=[1, 2],
        stacked=True,
    )
    for bucket in scope.period.buckets():
        r = per_bucket.get(bucket, {})
        table.rows.append(
            [scope.period.label(bucket), r.get("within", 0), r.get("late", 0), r.get("received", 0)]
        )
        table.links.append("")
    parts = [_("접수 %(n)d건, 답변 %(a)d건") % {"n": stats.received, "a": stats.answered}]
    if stats.hit_rate is not None:
        parts.append(_("기한 준수율 %(rate).1f%%") % {"rate": stats.hit_rate})
    if stats.median_hours is not None:
        parts.append(
            _("첫 응답 중앙값 %(m).1f시간, 90%%는 %(p).1f시간 이내")
            % {"m": stats.median_hours, "p": stats.p90_hours}
        )
    table.note = " · ".join(parts)
    return table


def _messages(scope: Scope) -> Table:
    counted = dict(messages_in(scope).values_list("status").annotate(n=Count("id")).order_by())
    table = Table("messages", _("문자 발송 상태"), "doughnut", [_("상태"), _("건수")])
    for status in Message.Status:
        table.rows.append([str(status.label), counted.get(status.value, 0)])
        table.links.append(reverse("staff:messages") + "?" + urlencode({"status": status.value}))
    table.note = _("은행 전체 (직원·지점 필터와 무관)")
    return table


BUILDERS: dict[str, tuple[Callable[[Scope], Table], bool]] = {
    # name: (builder, managers only)
    "timeline": (_timeline, False),
    "channel": (_breakdown("channel", gettext_lazy("채널별 상담"), "doughnut", "channel", "channel"), False),
    "category": (
        _breakdown("category", gettext_lazy("분야별 상담"), "bar", "category", "main_category"),
        False,
    ),
    "staff": (_breakdown("staff", gettext_lazy("직원별 상담"), "bar", "staff", "staff"), True),
    "branch": (_breakdown("branch", gettext_lazy("지점별 상담"), "bar", "branch", "branch"), True),
    "bookings": (_bookings, False),
    "inquiries": (_inquiries, False),
    "messages": (_messages, True),
}


def tables_for(user: User) -> list[str]:
    return [name for name, (_b, managers_only) in BUILDERS.items() if user.is_manager or not managers_only]


def build_table(name: str, scope: Scope) -> Table:
    return BUILDERS[name][0](scope)
