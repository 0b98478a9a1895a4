"""The SMS outbox. A Message row is the promise; tasks only deliver it.

Nothing is sent twice: a row is claimed with a conditional UPDATE before the provider is called,
and a send whose outcome is unknown (timeout, lost worker) is looked up at the provider before
anything is sent again. Nothing is lost: the row is written in the caller's transaction, and a
periodic sweep picks up every row a lost task or a dead broker left behind.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User

from .body import check_template_source, message_kind, render_body, template_source
from .models import Message, MessageAttempt, MessageTemplate, Purpose
from .phone import normalize_korean_mobile
from .providers import PermanentError, ProviderTimeout, TransientError, get_provider
from .providers.base import OutgoingSms
from .ratelimit import wait_for_token

logger = logging.getLogger(__name__)

KST = dt.timezone(dt.timedelta(hours=9))
MARKETING_PURPOSES = {Purpose.MARKETING}
# A status only ever moves up this ladder (callbacks arrive repeated and out of order).
STATUS_RANK = {
    Message.Status.PENDING: 0,
    Message.Status.SENDING: 1,
    Message.Status.UNKNOWN: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.FAILED: 3,
}


def quiet_hours_end(now: dt.datetime) -> dt.datetime | None:
    """Advertising may not be sent 21:00–08:00 KST: the next 08:00 if `now` is inside, else None."""
    local = now.astimezone(KST)
    if 8 <= local.hour < 21:
        return None
    day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=KST)


def _enqueue_delivery(message_id: int) -> None:
    from .tasks import message_send_task

    message_send_task.delay(message_id)


def message_enqueue(
    *,
    purpose: str,
    key: str,
    context: dict[str, Any],
    customer: User | None = None,
    to_phone: str | None = None,
) -> Message:
    """Write the outbox row in the caller's transaction; delivery starts after commit.

    The idempotency key makes this safe to call again: the existing row is returned untouched.
    """
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if to_phone is None:
        if customer is None:
            raise ValidationError(_("받는 사람이 없습니다."), code="no_recipient")
        to_phone = customer.customer_profile.phone
    to_phone = normalize_korean_mobile(to_phone)
    not_before = None
    if purpose in MARKETING_PURPOSES:
        profile = getattr(customer, "customer_profile", None)
        if profile is None or not profile.marketing_consent:
            raise ValidationError(_("마케팅 수신에 동의하지 않은 손님입니다."), code="no_consent")
        not_before = quiet_hours_end(timezone.now())
    if customer is not None:
        context = {"name": customer.name, **context}
    body = render_body(purpose, context)
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "purpose": purpose,
                "customer": customer,
                "to_phone": to_phone,
                "body": body,
                "kind": message_kind(body),
                "not_before": not_before,
            },
        )
    if created and not_before is None:
        # robust: if the broker is down the caller's work still commits; the sweep delivers later.
        transaction.on_commit(lambda: _enqueue_delivery(message.pk), robust=True)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for message_enqueue_many."""

    key: str
    customer: User | None
    context: dict[str, Any]
    to_phone: str | None = None


def message_enqueue_many(*, purpose: str, items: list[Outgoing]) -> int:
    """Many transactional messages of one purpose in one INSERT (the reminder job's path).

    Rows whose key already exists are left as they are. Every row of the batch still pending
    afterwards is handed to the workers once the caller's transaction commits; a task for a row
    that is already claimed does nothing. Returns the number of rows handed over.
    """
    if purpose in MARKETING_PURPOSES:
        raise ValueError("marketing messages need message_enqueue (consent and quiet hours)")
    if not items:
        return 0
    source = template_source(purpose)
    rows = []
    for item in items:
        phone = normalize_korean_mobile(item.to_phone or item.customer.customer_profile.phone)  # type: ignore[union-attr]
        context = {"name": item.customer.name, **item.context} if item.customer else item.context
        body = render_body(purpose, context, source=source)
        rows.append(
            Message(
                idempotency_key=item.key,
                purpose=purpose,
                customer=item.customer,
                to_phone=phone,
                body=body,
                kind=message_kind(body),
            )
        )
    keys = [item.key for item in items]
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        due = list(
            Message.objects.filter(
                idempotency_key__in=keys, status=Message.Status.PENDING, not_before__isnull=True
            ).values_list("pk", flat=True)
        )
    transaction.on_commit(lambda: _enqueue_deliveries(due), robust=True)
    return len(due)


def _enqueue_deliveries(message_ids: list[int]) -> None:
    """Hand rows to the workers in batches: one task claims and sends up to SMS_TASK_BATCH messages."""
    from .tasks import message_send_batch_task

    size = int(settings.SMS_TASK_BATCH)
    for start in range(0, len(message_ids), size):
        message_send_batch_task.delay(message_ids[start : start + size])


def _backoff_seconds(attempts: int) -> float:
    base = float(settings.SMS_RETRY_BASE_SECONDS)
    delay = min(float(settings.SMS_RETRY_MAX_SECONDS), base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def _outgoing(message: Message) -> OutgoingSms:
    return OutgoingSms(message_id=message.pk, to=message.to_phone, body=message.body, kind=message.kind)


@dataclass(frozen=True)
class DeliveryOutcome:
    outcome: str  # not-claimed | rate-limited | sent | failed | retry | unknown
    retry_in: float | None = None


_CLAIM_SQL = """
    UPDATE messaging_message
    SET status = 'sending', claimed_at = %s, updated_at = %s, attempts = attempts + 1
    WHERE id IN ({ids}) AND status = 'pending' AND (not_before IS NULL OR not_before <= %s)
    RETURNING id, to_phone, body, kind, attempts
"""
NOT_CLAIMED = DeliveryOutcome("not-claimed")


def _claim(message_ids: Sequence[int], now: dt.datetime) -> list[tuple[OutgoingSms, int]]:
    """Take the rows for this worker in one conditional UPDATE: of any number of racers, one wins each row."""
    stamp = connection.ops.adapt_datetimefield_value(now)
    sql = _CLAIM_SQL.format(ids=", ".join(["%s"] * len(message_ids)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [stamp, stamp, *message_ids, stamp])
        rows = {row[0]: row for row in cursor.fetchall()}
    return [
        (OutgoingSms(message_id=pk, to=rows[pk][1], body=rows[pk][2], kind=rows[pk][3]), rows[pk][4])
        for pk in message_ids
        if pk in rows
    ]


_RECORD_COLUMNS = {
    "last_error",
    "updated_at",
    "status",
    "provider",
    "provider_message_id",
    "sent_at",
    "not_before",
}


@lru_cache(maxsize=16)
def _record_sql(columns: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{column} = %s" for column in columns)
    return f"UPDATE messaging_message SET {assignments} WHERE id = %s AND status = 'sending'"  # noqa: S608 - fixed names


def _record(
    message_id: int, started: dt.datetime, outcome: str, *, error: str = "", **fields: Any
) -> MessageAttempt:
    """Write the outcome on the row at once (a crash later in the batch cannot lose it); the attempt
    log entry is returned for one bulk insert at the end."""
    now = timezone.now()
    values = {"last_error": error, "updated_at": now, **fields}
    columns = tuple(values)
    if not set(columns) <= _RECORD_COLUMNS:
        raise ValueError(f"unexpected columns {columns}")
    adapt = connection.ops.adapt_datetimefield_value
    params = [adapt(v) if isinstance(v, dt.datetime) else v for v in values.values()]
    # One plain UPDATE per outcome: the hot path of a bulk send, so no ORM query building.
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(columns), [*params, message_id])
    return MessageAttempt(
        message_id=message_id,
        started_at=started,
        finished_at=now,
        outcome=outcome,
        error=error,
        provider_message_id=fields.get("provider_message_id", ""),
    )


def _send_one(provider: Any, sms: OutgoingSms, attempts: int) -> tuple[DeliveryOutcome, MessageAttempt]:
    started = timezone.now()
    pk = sms.message_id
    try:
        result = provider.send(sms)
    except PermanentError as exc:
        return DeliveryOutcome("failed"), _record(
            pk, started, "failed", error=str(exc), status=Message.Status.FAILED
        )
    except ProviderTimeout as exc:
        attempt = _record(pk, started, "unknown", error=str(exc), status=Message.Status.UNKNOWN)
        return DeliveryOutcome("unknown", retry_in=float(settings.SMS_SEND_TIMEOUT)), attempt
    except TransientError as exc:
        if attempts >= settings.SMS_MAX_ATTEMPTS:
            error = f"{exc} (gave up after {attempts} attempts)"
            return DeliveryOutcome("failed"), _record(
                pk, started, "failed", error=error, status=Message.Status.FAILED
            )
        delay = _backoff_seconds(attempts)
        attempt = _record(
            pk,
            started,
            "retry",
            error=str(exc),
            status=Message.Status.PENDING,
            not_before=timezone.now() + dt.timedelta(seconds=delay),
        )
        return DeliveryOutcome("retry", retry_in=delay), attempt
    attempt = _record(
        pk,
        started,
        "sent",
        status=Message.Status.SENT,
        provider=provider.name,
        provider_message_id=result.provider_message_id,
        sent_at=timezone.now(),
    )
    return DeliveryOutcome("sent"), attempt


def message_deliver_many(message_ids: Sequence[int]) -> dict[int, DeliveryOutcome]:
    """Claim the pending, due messages among `message_ids` and hand each to the provider once."""
    outcomes = dict.fromkeys(message_ids, NOT_CLAIMED)
    if not message_ids:
        return outcomes
    claimed = _claim(message_ids, timezone.now())
    provider = get_provider()
    log: list[MessageAttempt] = []
    for index, (sms, attempts) in enumerate(claimed):
        if not wait_for_token(provider.name, max_wait=5.0):
            # Over the provider's rate: give back this and every later claim, untried.
            rest = [s.message_id for s, _ in claimed[index:]]
            Message.objects.filter(pk__in=rest, status=Message.Status.SENDING).update(
                status=Message.Status.PENDING, attempts=F("attempts") - 1, updated_at=timezone.now()
            )
            outcomes.update(dict.fromkeys(rest, DeliveryOutcome("rate-limited", retry_in=1.0)))
            break
        outcomes[sms.message_id], attempt = _send_one(provider, sms, attempts)
        log.append(attempt)
    MessageAttempt.objects.bulk_create(log)
    return outcomes


def message_deliver(message_id: int) -> DeliveryOutcome:
    """Claim one pending, due message and hand it to the provider once."""
    return message_deliver_many([message_id])[message_id]


def message_reconcile(message_id: int) -> str:
    """Settle a message whose send may or may not have happened, by asking the provider.

    Found there: it was sent (no second send). Not found after a grace period: it goes back
    to pending and is sent again. Provider unreachable: it stays unknown for the next sweep.
    """
    message = Message.objects.filter(pk=message_id, status=Message.Status.UNKNOWN).first()
    if message is None:
        return "not-unknown"
    provider = get_provider()
    since = (message.claimed_at or message.created_at).timestamp()
    try:
        found = provider.lookup(_outgoing(message), since_epoch=since)
    except TransientError as exc:
        logger.warning("lookup of message %s failed: %s", message_id, exc)
        return "lookup-failed"
    now = timezone.now()
    if found is not None:
        Message.objects.filter(pk=message_id, status=Message.Status.UNKNOWN).update(
            status=Message.Status.SENT,
            provider=provider.name,
            provider_message_id=found.provider_message_id,
            sent_at=now,
            updated_at=now,
            last_error="",
        )
        return "found"
    grace = dt.timedelta(seconds=2 * float(settings.SMS_SEND_TIMEOUT))
    if message.claimed_at and now - message.claimed_at < grace:
        return "wait"  # the provider may still be processing the request
    if message.attempts >= settings.SMS_MAX_ATTEMPTS:
        Message.objects.filter(pk=message_id, status=Message.Status.UNKNOWN).update(
            status=Message.Status.FAILED,
            updated_at=now,
            last_error="not found at the provider; attempts used up",
        )
        return "failed"
    Message.objects.filter(pk=message_id, status=Message.Status.UNKNOWN).update(
        status=Message.Status.PENDING, updated_at=now, not_before=None
    )
    return "requeued"


def _take_idle(rows: QuerySet[Message], now: dt.datetime, limit: int) -> list[int]:
    """The ids of idle rows, touched so that a row still waiting in a long queue is handed out
    again once per idle period rather than at every sweep."""
    ids = list(rows.order_by("updated_at").values_list("pk", flat=True)[:limit])
    if ids:
        Message.objects.filter(pk__in=ids).update(updated_at=now)
    return ids


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    stuck: int
    reconciled: int


def message_sweep(
    *, pending_idle: float | None = None, stuck_after: float | None = None, limit: int = 5000
) -> SweepResult:
    """Find rows that no task is working on and put them back on their way."""
    from .tasks import message_reconcile_task

    now = timezone.now()
    pending_idle = float(settings.SMS_SWEEP_IDLE_SECONDS if pending_idle is None else pending_idle)
    stuck_after = float(settings.SMS_STUCK_AFTER_SECONDS if stuck_after is None else stuck_after)
    # A worker that died between claim and outcome leaves 'sending': ambiguous, so 'unknown'.
    stuck = Message.objects.filter(
        status=Message.Status.SENDING, claimed_at__lt=now - dt.timedelta(seconds=stuck_after)
    ).update(status=Message.Status.UNKNOWN, updated_at=now, last_error="worker lost while sending")
    idle_since = now - dt.timedelta(seconds=pending_idle)
    due = _take_idle(
        Message.objects.filter(status=Message.Status.PENDING, updated_at__lt=idle_since).filter(
            Q(not_before__isnull=True) | Q(not_before__lte=now)
        ),
        now,
        limit,
    )
    # 'unknown' rows are looked up at the provider: the ones stuck just now, and older ones again.
    unknown = _take_idle(
        Message.objects.filter(status=Message.Status.UNKNOWN).filter(
            Q(updated_at__lt=idle_since) | Q(updated_at=now)
        ),
        now,
        limit,
    )
    _enqueue_deliveries(due)
    for pk in unknown:
        message_reconcile_task.delay(pk)
    return SweepResult(requeued=len(due), stuck=stuck, reconciled=len(unknown))


TWILIO_STATUS_MAP = {
    "accepted": Message.Status.SENT,
    "queued": Message.Status.SENT,
    "sending": Message.Status.SENT,
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}


def message_apply_provider_status(*, provider_message_id: str, provider_status: str, error: str = "") -> bool:
    """Apply a delivery report; only ever moves a message forward. Returns whether it changed."""
    new_status = TWILIO_STATUS_MAP.get(provider_status)
    if new_status is None or not provider_message_id:
        return False
    lower = [status for status, rank in STATUS_RANK.items() if rank < STATUS_RANK[new_status]]
    now = timezone.now()
    fields: dict[str, Any] = {"status": new_status, "updated_at": now}
    if new_status == Message.Status.DELIVERED:
        fields["delivered_at"] = now
    if new_status == Message.Status.FAILED:
        fields["last_error"] = error or provider_status
    changed = Message.objects.filter(provider_message_id=provider_message_id, status__in=lower).update(
        **fields
    )
    return bool(changed)


def message_retry(*, message: Message) -> Message:
    """A person asks to try a failed message again."""
    if message.status != Message.Status.FAILED:
        raise ValidationError(_("실패한 메시지만 다시 보낼 수 있습니다."), code="not_failed")
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, not_before=None, attempts=0, updated_at=timezone.now()
        )
        transaction.on_commit(lambda: _enqueue_delivery(message.pk), robust=True)
    message.refresh_from_db()
    return message


def message_template_save(*, purpose: str, body: str, by: User) -> MessageTemplate:
    check_template_source(body)
    template, _created = MessageTemplate.objects.update_or_create(
        purpose=purpose, defaults={"body": body, "updated_by": by}
    )
    return template


def message_template_reset(*, purpose: str) -> None:
    """Back to the file in templates/messaging/sms/."""
    MessageTemplate.objects.filter(purpose=purpose).delete()
