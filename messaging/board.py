"""The delivery board: how each lane and provider is doing, and the alarm that tells managers once
per incident (a failure rate over SMS_BOARD_FAILURE_RATE, or a lane waiting longer than
SMS_BOARD_WAIT_SECONDS); the incident closes when the lane recovers, and the next one alerts again.

Reads are two GROUP BY queries over the indexed (status, updated_at) and created_at columns of
the last day; the lane of a row is its purpose's (messaging/lanes.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .lanes import BULK, NOTICE, TRANSACTIONAL, lane_of
from .models import DeliveryIncident, Message, MessageAttempt

logger = logging.getLogger(__name__)

LANES = [TRANSACTIONAL, NOTICE, BULK]
LANE_LABELS = {
    TRANSACTIONAL: gettext_lazy("실시간 (인증번호·예약·답변)"),
    NOTICE: gettext_lazy("알림"),
    BULK: gettext_lazy("대량·마케팅"),
}
PROVIDER_LABELS = {
    "solapi": "SOLAPI",
    "twilio": "Twilio",
    "console": gettext_lazy("개발용 콘솔"),
    "memory": gettext_lazy("테스트용 메모리"),
}
# What the board counts, in the order of its columns.
BUCKETS = ["queued", "sending", "sent", "failed", "fallback"]
BUCKET_LABELS = {
    "queued": gettext_lazy("대기"),
    "sending": gettext_lazy("발송중"),
    "sent": gettext_lazy("발송 완료"),
    "failed": gettext_lazy("실패"),
    "fallback": gettext_lazy("문자 전환"),
}
_BUCKET_OF_STATUS = {
    Message.Status.PENDING: "queued",
    Message.Status.SENDING: "sending",
    Message.Status.UNKNOWN: "sending",
    Message.Status.SENT: "sent",
    Message.Status.DELIVERED: "sent",
    Message.Status.FAILED: "failed",
}


@dataclass
class Window:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))

    @property
    def finished(self) -> int:
        return self.counts["sent"] + self.counts["failed"]

    @property
    def failure_rate(self) -> float | None:
        return self.counts["failed"] / self.finished if self.finished else None

    @property
    def total(self) -> int:
        return sum(self.counts[b] for b in ("queued", "sending", "sent", "failed"))

    def bars(self) -> list[tuple[str, str, int, float]]:
        """(bucket, label, count, share of the window in %) for the bar chart."""
        total = self.total or 1
        return [
            (b, str(BUCKET_LABELS[b]), self.counts[b], round(100 * self.counts[b] / total, 1))
            for b in ("sent", "sending", "queued", "failed")
        ]


@dataclass
class Row:
    """One lane × provider on the board."""

    lane: str
    provider: str
    hour: Window = field(default_factory=Window)
    day: Window = field(default_factory=Window)

    @property
    def lane_label(self) -> str:
        return str(LANE_LABELS[self.lane])

    @property
    def provider_label(self) -> str:
        return str(PROVIDER_LABELS.get(self.provider, self.provider))


@dataclass
class LaneState:
    lane: str
    rows: list[Row]
    oldest_wait: float | None  # seconds the oldest due, unclaimed message has waited
    hour: Window
    incidents: list[DeliveryIncident]

    @property
    def label(self) -> str:
        return str(LANE_LABELS[self.lane])

    @property
    def waiting_too_long(self) -> bool:
        return self.oldest_wait is not None and self.oldest_wait > float(settings.SMS_BOARD_WAIT_SECONDS)

    @property
    def failing(self) -> bool:
        rate = self.hour.failure_rate
        return (
            rate is not None
            and self.hour.finished >= int(settings.SMS_BOARD_FAILURE_MIN_COUNT)
            and rate > float(settings.SMS_BOARD_FAILURE_RATE)
        )


def _provider(name: str) -> str:
    # A row not sent yet goes through the configured provider.
    return name or str(settings.SMS_BACKEND)


def delivery_board(now: dt.datetime | None = None) -> list[LaneState]:
    """Each lane with its providers' counts for the last hour and day, its oldest wait and failure rate."""
    now = now or timezone.now()
    hour_ago, day_ago = now - dt.timedelta(hours=1), now - dt.timedelta(days=1)
    rows: dict[tuple[str, str], Row] = {}

    def row(lane: str, provider: str) -> Row:
        return rows.setdefault((lane, provider), Row(lane, provider))

    by_status = (
        Message.objects.filter(created_at__gte=day_ago)
        .exclude(status=Message.Status.CANCELLED)
        .values("purpose", "provider", "status")
        .annotate(
            day=Count("id"),
            hour=Count("id", filter=Q(created_at__gte=hour_ago)),
        )
    )
    for item in by_status:
        bucket = _BUCKET_OF_STATUS[item["status"]]
        target = row(lane_of(item["purpose"]), _provider(item["provider"]))
        target.day.counts[bucket] += item["day"]
        target.hour.counts[bucket] += item["hour"]
    fallbacks = (
        MessageAttempt.objects.filter(outcome=MessageAttempt.Outcome.FALLBACK, started_at__gte=day_ago)
        .values("message__purpose", "message__provider")
        .annotate(day=Count("id"), hour=Count("id", filter=Q(started_at__gte=hour_ago)))
    )
    for item in fallbacks:
        target = row(lane_of(item["message__purpose"]), _provider(item["message__provider"]))
        target.day.counts["fallback"] += item["day"]
        target.hour.counts["fallback"] += item["hour"]
    oldest: dict[str, dt.datetime] = {}
    waiting = (
        Message.objects.filter(status=Message.Status.PENDING)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .values("purpose")
        .annotate(created=Min("created_at"), due=Min("not_before"))
    )
    for item in waiting:
        lane = lane_of(item["purpose"])
        # A row moved to 08:00 waits from then, not from when it was written.
        since = max(item["created"], item["due"]) if item["due"] else item["created"]
        oldest[lane] = min(oldest.get(lane, since), since)
    open_incidents: dict[str, list[DeliveryIncident]] = defaultdict(list)
    for incident in DeliveryIncident.objects.filter(closed_at__isnull=True):
        open_incidents[incident.lane].append(incident)
    states = []
    for lane in LANES:
        lane_rows = sorted((r for r in rows.values() if r.lane == lane), key=lambda r: r.provider)
        hour = Window()
        for r in lane_rows:
            for bucket in BUCKETS:
                hour.counts[bucket] += r.hour.counts[bucket]
        wait = (now - oldest[lane]).total_seconds() if lane in oldest else None
        states.append(LaneState(lane, lane_rows, wait, hour, open_incidents[lane]))
    return states


def _recipients() -> list[str]:
    # Managers live on a floor above messaging: the settings name the function that lists them.
    return list(import_string(settings.SMS_BOARD_ALERT_RECIPIENTS)())


def _describe(state: LaneState, kind: str) -> str:
    if kind == DeliveryIncident.Kind.FAILURE_RATE:
        return _("%(lane)s: 최근 1시간 실패율 %(rate).0f%% (실패 %(failed)s건 / 처리 %(done)s건)") % {
            "lane": state.label,
            "rate": 100 * (state.hour.failure_rate or 0),
            "failed": state.hour.counts["failed"],
            "done": state.hour.finished,
        }
    return _("%(lane)s: 가장 오래 기다린 메시지가 %(minutes)s분째 대기 중") % {
        "lane": state.label,
        "minutes": int((state.oldest_wait or 0) // 60),
    }


def delivery_alarm(now: dt.datetime | None = None) -> dict[str, int]:
    """Open an incident (and tell the managers) for each lane newly over a threshold; close the
    incidents of lanes that recovered. An open incident is not alerted again; the unique
    constraint on open incidents keeps two alarms at once to one email."""
    now = now or timezone.now()
    opened = closed = 0
    for state in delivery_board(now):
        conditions = {
            DeliveryIncident.Kind.FAILURE_RATE: (state.failing, state.hour.failure_rate or 0.0),
            DeliveryIncident.Kind.WAITING: (state.waiting_too_long, state.oldest_wait or 0.0),
        }
        for kind, (over, value) in conditions.items():
            is_open = any(i.kind == kind for i in state.incidents)
            if over and not is_open:
                try:
                    with transaction.atomic():
                        DeliveryIncident.objects.create(
                            lane=state.lane, kind=kind, value=value, opened_at=now
                        )
                        text = _describe(state, kind)
                        emails = _recipients()
                        if emails:
                            send_mail(
                                _("[omnihana] 문자 발송 경보: %(text)s") % {"text": text}, text, None, emails
                            )
                except IntegrityError:
                    continue  # another alarm run opened it a moment ago
                opened += 1
            elif not over and is_open:
                closed += DeliveryIncident.objects.filter(
                    lane=state.lane, kind=kind, closed_at__isnull=True
                ).update(closed_at=now)
    return {"opened": opened, "closed": closed}
