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

from cases.analytics import case_stats_by, case_stats_over_time
from cases.models import Case, Team
from consultations.counts import Period, counts_by, counts_over_time
from consultations.models import Booking, Channel, ConsultationDay
from customers.models import User
from inquiries.analytics import response_stats, sla_counts
from inquiries.models import Inquiry
from messaging.models import Message


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


def cases_in(scope: Scope) -> QuerySet[Case]:
    """Cases opened in the period; narrowed to a person, the cases that person holds."""
    start, end = scope.period.bounds()
    return _of_people(Case.objects.filter(opened_at__gte=start, opened_at__lt=end), scope, "assignee")


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
    partial: set[int] = field(default_factory=set)  # rows of a cut or still running bucket
    channels: list[str] = field(default_factory=list)  # channel code per series (or per row)
    horizontal: bool = False  # bars across, so every name fits on a phone

    @property
    def has_data(self) -> bool:
        return any(isinstance(row[i], int | float) and row[i] for row in self.rows for i in self.series)

    @property
    def summary(self) -> str:
        """The chart in one sentence, for screen readers (the table under it holds every number)."""
        sums = [sum(row[i] for i in self.series if isinstance(row[i], int | float)) for row in self.rows]
        total = sum(sums)
        if not total:
            return _("이 기간에는 자료가 없습니다.")
        top = max(range(len(sums)), key=sums.__getitem__)
        return _("%(columns)s 모두 %(total)s건, 가장 많은 것은 %(label)s %(n)s건입니다.") % {
            "columns": ", ".join(self.columns[i] for i in self.series),
            "total": f"{total:g}",
            "label": self.rows[top][0],
            "n": f"{sums[top]:g}",
        }


def _bucket_label(table: Table, scope: Scope, bucket: dt.date) -> str:
    """The bucket's label; a partial one says so (in the chart, the table and the CSV alike)."""
    label, cut = scope.period.marked_label(bucket)
    if cut:
        table.partial.add(len(table.rows))
    return label


def _channel_codes() -> dict[Any, str]:
    return dict(Channel.objects.values_list("pk", "code"))


def _timeline(scope: Scope) -> Table:
    buckets, series = counts_over_time(consultation_days(scope), scope.period, split="channel")
    table = Table(
        "timeline",
        _("기간별 상담 (채널별)"),
        "line",
        [_("기간"), *[row.label for row, _values in series], _("합계")],
        series=list(range(1, len(series) + 1)),
    )
    codes = _channel_codes()
    table.channels = [codes.get(row.key, "") for row, _values in series]
    for i, bucket in enumerate(buckets):
        values = [values[i] for _row, values in series]
        table.rows.append([_bucket_label(table, scope, bucket), *values, sum(values)])
        first, last = scope.period.bucket_bounds(bucket)
        table.links.append(scope.search_query(first, last))
    return table


def _breakdown(
    name: str, title: Any, chart: str, dimension: str, param: str | None
) -> Callable[[Scope], Table]:
    def build(scope: Scope) -> Table:
        table = Table(name, str(title), chart, [_("구분"), _("상담 수"), _("비율(%)")])
        table.horizontal = chart == "bar"
        rows = counts_by(consultation_days(scope), dimension)
        if dimension == "channel":
            codes = _channel_codes()
            table.channels = [codes.get(r.key, "") for r in rows]
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
            [_bucket_label(table, scope, bucket), r.get("within", 0), r.get("late", 0), r.get("received", 0)]
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


def _hours(value: float | None) -> Any:
    return "—" if value is None else value


def _case_table(name: str, title: str, field: str, scope: Scope) -> Table:
    table = Table(
        name,
        title,
        "bar",
        [
            _("구분"),
            _("접수"),
            _("종결"),
            _("기한 초과율(%)"),
            _("이관/건"),
            _("해결 중앙값(업무시간)"),
            _("해결 90%(업무시간)"),
        ],
        series=[1, 2],
        horizontal=True,
    )
    stats = case_stats_by(cases_in(scope), field)
    teams = dict(Team.objects.values_list("pk", "name")) if field == "team" else {}
    kinds = dict(Case.Kind.choices)
    for row in stats:
        label = teams.get(row.key, "—") if field == "team" else str(kinds.get(row.key, row.key))
        table.rows.append(
            [
                label,
                row.opened,
                row.closed,
                _hours(row.overdue_rate),
                _hours(row.transfers_per_case),
                _hours(row.median_hours),
                _hours(row.p90_hours),
            ]
        )
        params = {"view": "all", field: row.key}
        table.links.append(reverse("staff:cases") + "?" + urlencode(params))
    opened = sum(r.opened for r in stats)
    if opened:
        overdue = sum(r.overdue for r in stats)
        table.note = _("접수 %(n)d건 · 기한 초과율 %(rate).1f%% · 처리시간은 담당 팀의 업무시간 기준") % {
            "n": opened,
            "rate": 100 * overdue / opened,
        }
    return table


def _case_timeline(name: str, title: str, split: str, scope: Scope) -> Table:
    """Per bucket of the chosen unit: cases opened per team (or type), stacked, with the bucket's
    closed, overdue rate, transfers per case and time to resolution; each bucket drills down to
    the case list of the cases opened in it."""
    keys: list[tuple[Any, str]]
    if split == "team":
        keys = list(Team.objects.order_by("name").values_list("pk", "name"))
    else:
        keys = [(value, str(label)) for value, label in Case.Kind.choices]
    table = Table(
        name,
        title,
        "bar",
        [
            _("기간"),
            *[label for _key, label in keys],
            _("접수"),
            _("종결"),
            _("기한 초과율(%)"),
            _("이관/건"),
            _("해결 중앙값(업무시간)"),
            _("해결 90%(업무시간)"),
        ],
        series=list(range(1, len(keys) + 1)),
        stacked=True,
    )
    per_bucket = {
        row.bucket: row for row in case_stats_over_time(cases_in(scope), scope.period.granularity, split)
    }
    for bucket in scope.period.buckets():
        row = per_bucket.get(bucket)
        stats = row.stats if row else None
        table.rows.append(
            [
                _bucket_label(table, scope, bucket),
                *[(row.opened_by_key.get(key, 0) if row else 0) for key, _label in keys],
                stats.opened if stats else 0,
                stats.closed if stats else 0,
                _hours(stats.overdue_rate if stats else None),
                _hours(stats.transfers_per_case if stats else None),
                _hours(stats.median_hours if stats else None),
                _hours(stats.p90_hours if stats else None),
            ]
        )
        first, last = scope.period.bucket_bounds(bucket)
        params = {"view": "all", "opened_from": first.isoformat(), "opened_to": last.isoformat()}
        table.links.append(reverse("staff:cases") + "?" + urlencode(params))
    return table


def _cases_over_time_team(scope: Scope) -> Table:
    return _case_timeline("cases_time_team", _("기간별 사건 접수 (팀별)"), "team", scope)


def _cases_over_time_kind(scope: Scope) -> Table:
    return _case_timeline("cases_time_kind", _("기간별 사건 접수 (유형별)"), "kind", scope)


def _cases_team(scope: Scope) -> Table:
    return _case_table("cases_team", _("팀별 민원/요청 사건"), "team", scope)


def _cases_kind(scope: Scope) -> Table:
    return _case_table("cases_kind", _("유형별 민원/요청 사건"), "kind", scope)


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
    "cases_time_team": (_cases_over_time_team, True),
    "cases_time_kind": (_cases_over_time_kind, True),
    "cases_team": (_cases_team, True),
    "cases_kind": (_cases_kind, True),
}


def tables_for(user: User) -> list[str]:
    return [name for name, (_b, managers_only) in BUILDERS.items() if user.is_manager or not managers_only]


def build_table(name: str, scope: Scope) -> Table:
    return BUILDERS[name][0](scope)
