"""The SMS outbox, delivery side: what a worker does with the ids a task carries.

Nothing is sent twice: a row is claimed with a conditional UPDATE before the provider is called,
and a send whose outcome is unknown (timeout, lost worker) is looked up at the provider before
anything is sent again. Nothing here enqueues a task, so messaging/tasks.py can import it; the
rows it leaves for another try are found again by the sweep.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .encoding import SMS_MAX_BYTES, euc_kr_length
from .lanes import lane_of
from .law import claimable, message_settle
from .models import Message, MessageAttempt
from .providers import PermanentError, ProviderTimeout, TransientError, get_provider, provider_class
from .providers.base import Alimtalk, OutgoingSms
from .ratelimit import wait_for_token
from .secret import secret_fill

logger = logging.getLogger(__name__)

# A status only ever moves up this ladder (callbacks arrive repeated and out of order).
STATUS_RANK = {
    Message.Status.PENDING: 0,
    Message.Status.SENDING: 1,
    Message.Status.UNKNOWN: 1,
    Message.Status.SENT: 2,
    Message.Status.DELIVERED: 3,
    Message.Status.FAILED: 3,
    Message.Status.CANCELLED: 3,
}


def _backoff_seconds(attempts: int) -> float:
    base = float(settings.SMS_RETRY_BASE_SECONDS)
    delay = min(float(settings.SMS_RETRY_MAX_SECONDS), base * 2 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)  # noqa: S311 - jitter, not security


def _filled(variables: Any, secret: str) -> dict[str, str]:
    return {name: secret_fill(str(value), secret) for name, value in dict(variables or {}).items()}


def _outgoing(message: Message) -> OutgoingSms:
    alimtalk = None
    if message.kind == Message.Kind.ALIMTALK:
        alimtalk = Alimtalk(
            template_id=message.alimtalk_template,
            variables=_filled(message.alimtalk_variables, message.secret),
        )
    return OutgoingSms(
        message_id=message.pk,
        to=message.to_phone,
        body=secret_fill(message.body, message.secret),
        kind=message.kind,
        alimtalk=alimtalk,
    )


def message_kind_of(body: str) -> str:
    """What an alimtalk's fallback goes as: SMS up to 90 EUC-KR bytes, LMS above."""
    return Message.Kind.SMS if euc_kr_length(body) <= SMS_MAX_BYTES else Message.Kind.LMS


@dataclass(frozen=True)
class DeliveryOutcome:
    outcome: str  # not-claimed | rate-limited | sent | failed | retry | unknown | fallback
    retry_in: float | None = None
    lane: str = ""  # where a follow-up task goes (messaging/lanes.py)


_CLAIM_SQL = """
    UPDATE messaging_message
    SET status = 'sending', claimed_at = %s, updated_at = %s, attempts = attempts + 1
    WHERE id IN ({eligible}) AND status = 'pending'
    RETURNING id, to_phone, body, kind, attempts, purpose, alimtalk_template, alimtalk_variables, secret
"""
NOT_CLAIMED = DeliveryOutcome("not-claimed")


def _claim(message_ids: Sequence[int], now: dt.datetime) -> list[tuple[OutgoingSms, int, str]]:
    """Take the rows for this worker in one conditional UPDATE: of any number of racers, one wins each row.

    The law is part of the claim (law.claimable: consent, quiet hours, expiry), so no path to a
    send — first try, backoff retry, a manager's retry, a row put back by reconcile or the sweep —
    can pass it by."""
    eligible = Message.objects.filter(claimable(now), pk__in=list(message_ids)).values("pk")
    sub_sql, sub_params = eligible.query.sql_with_params()
    if connection.vendor == "postgresql":
        # Rows another worker is claiming right now are skipped, not waited for: of two batches that
        # overlap (a task and the sweep's copy of it) each takes what is free and moves on.
        sub_sql += " FOR UPDATE OF messaging_message SKIP LOCKED"
    stamp = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL.format(eligible=sub_sql), [stamp, stamp, *sub_params])
        rows = {row[0]: row for row in cursor.fetchall()}
    return [(_outgoing_row(rows[pk]), rows[pk][4], rows[pk][5]) for pk in message_ids if pk in rows]


def _outgoing_row(row: tuple[Any, ...]) -> OutgoingSms:
    pk, to, body, kind, _attempts, _purpose, template, variables, secret = row
    alimtalk = None
    if kind == Message.Kind.ALIMTALK:
        if isinstance(variables, str):  # SQLite hands JSON back as text
            variables = json.loads(variables)
        alimtalk = Alimtalk(template_id=template, variables=_filled(variables, secret))
    return OutgoingSms(message_id=pk, to=to, body=secret_fill(body, secret), kind=kind, alimtalk=alimtalk)


_RECORD_COLUMNS = {
    "last_error",
    "updated_at",
    "status",
    "provider",
    "provider_message_id",
    "sent_at",
    "not_before",
    "kind",
    "secret",
}


@lru_cache(maxsize=16)
def _record_sql(columns: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{column} = %s" for column in columns)
    return f"UPDATE messaging_message SET {assignments} WHERE id = %s AND status = 'sending'"  # noqa: S608 - fixed names


def _record(
    message_id: int,
    started: dt.datetime,
    outcome: str,
    *,
    error: str = "",
    sent_kind: str = "",
    **fields: Any,
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
        kind=sent_kind,
        error=error,
        provider_message_id=fields.get("provider_message_id", ""),
    )


def _send_one(provider: Any, sms: OutgoingSms, attempts: int) -> tuple[DeliveryOutcome, MessageAttempt]:
    started = timezone.now()
    pk = sms.message_id
    record = partial(_record, pk, started, sent_kind=sms.kind)
    try:
        result = provider.send(sms)
    except PermanentError as exc:
        if sms.alimtalk is not None:
            # Alimtalk could not be delivered (not a KakaoTalk user, template mismatch, ...): the
            # same content goes as SMS/LMS, on this same row, so only one of them reaches the customer.
            return DeliveryOutcome("fallback", retry_in=0.0), record(
                "fallback",
                error=str(exc),
                status=Message.Status.PENDING,
                kind=message_kind_of(sms.body),
                not_before=None,
            )
        return DeliveryOutcome("failed"), record(
            "failed", error=str(exc), status=Message.Status.FAILED, secret=""
        )
    except ProviderTimeout as exc:
        attempt = record("unknown", error=str(exc), status=Message.Status.UNKNOWN)
        return DeliveryOutcome("unknown", retry_in=float(settings.SMS_SEND_TIMEOUT)), attempt
    except TransientError as exc:
        if attempts >= settings.SMS_MAX_ATTEMPTS:
            error = f"{exc} (gave up after {attempts} attempts)"
            return DeliveryOutcome("failed"), record(
                "failed", error=error, status=Message.Status.FAILED, secret=""
            )
        delay = _backoff_seconds(attempts)
        attempt = record(
            "retry",
            error=str(exc),
            status=Message.Status.PENDING,
            not_before=timezone.now() + dt.timedelta(seconds=delay),
        )
        return DeliveryOutcome("retry", retry_in=delay), attempt
    attempt = record(
        "sent",
        status=Message.Status.SENT,
        provider=provider.name,
        provider_message_id=result.provider_message_id,
        sent_at=timezone.now(),
        # The code has left; nothing here may give it back. An alimtalk keeps it until its report,
        # which may still turn it into an SMS (the sweep wipes it once its validity ends anyway).
        **({"secret": ""} if sms.alimtalk is None else {}),
    )
    return DeliveryOutcome("sent"), attempt


def message_deliver_many(message_ids: Sequence[int]) -> dict[int, DeliveryOutcome]:
    """Claim the pending, due messages among `message_ids` that the law allows now and hand each
    to the provider once; the ones it refuses are cancelled or moved to 08:00 first."""
    outcomes = dict.fromkeys(message_ids, NOT_CLAIMED)
    if not message_ids:
        return outcomes
    now = timezone.now()
    claimed = _claim(message_ids, now)
    if len(claimed) < len(message_ids):
        # The rows the law refused (or not yet due, or another worker's) get their outcome after the
        # claim, not before: the claim itself carries the law, and an OTP's happy path is then one
        # claim, one outcome and one attempt row instead of three settling UPDATEs first.
        taken = {sms.message_id for sms, _, _ in claimed}
        message_settle([pk for pk in message_ids if pk not in taken], now)
    provider = get_provider()
    log: list[MessageAttempt] = []
    for index, (sms, attempts, purpose) in enumerate(claimed):
        if not wait_for_token(provider.name, max_wait=5.0):
            # Over the provider's rate: give back this and every later claim, untried.
            rest = claimed[index:]
            Message.objects.filter(
                pk__in=[s.message_id for s, _, _ in rest], status=Message.Status.SENDING
            ).update(status=Message.Status.PENDING, attempts=F("attempts") - 1, updated_at=timezone.now())
            for s, _, p in rest:
                outcomes[s.message_id] = DeliveryOutcome("rate-limited", retry_in=1.0, lane=lane_of(p))
            break
        outcome, attempt = _send_one(provider, sms, attempts)
        outcomes[sms.message_id] = replace(outcome, lane=lane_of(purpose))
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
            **({"secret": ""} if message.kind != Message.Kind.ALIMTALK else {}),
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
            secret="",
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
class LeftBehind:
    """Rows no task is working on: `due` to be sent, `unknown` to be looked up at the provider."""

    due: list[int]
    unknown: list[int]
    stuck: int


def message_left_behind_take(*, pending_idle: float, stuck_after: float, limit: int) -> LeftBehind:
    """Mark rows whose worker was lost, and take the ids of the rows the sweep hands out again."""
    now = timezone.now()
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
    return LeftBehind(due=due, unknown=unknown, stuck=stuck)


def message_apply_provider_status(
    *, provider: str, provider_message_id: str, provider_status: str, error: str = ""
) -> bool:
    """Apply a delivery report in the provider's own words; only ever moves a message forward.
    An alimtalk reported undeliverable goes back to pending as SMS/LMS (the sweep or the caller
    hands it out). Returns whether it changed."""
    new_status = provider_class(provider).status_from_report(provider_status)
    if new_status is None or not provider_message_id:
        return False
    now = timezone.now()
    if new_status == Message.Status.FAILED:
        alimtalk = (
            Message.objects.filter(provider_message_id=provider_message_id, kind=Message.Kind.ALIMTALK)
            .values_list("pk", "body")
            .first()
        )
        if alimtalk is not None:
            return _fall_back(alimtalk[0], alimtalk[1], provider_message_id, error or provider_status, now)
    lower = [status for status, rank in STATUS_RANK.items() if rank < STATUS_RANK[new_status]]
    fields: dict[str, Any] = {"status": new_status, "updated_at": now, "secret": ""}
    if new_status == Message.Status.DELIVERED:
        fields["delivered_at"] = now
    if new_status == Message.Status.FAILED:
        fields["last_error"] = error or provider_status
    changed = Message.objects.filter(provider_message_id=provider_message_id, status__in=lower).update(
        **fields
    )
    return bool(changed)


def _fall_back(pk: int, body: str, provider_message_id: str, error: str, now: dt.datetime) -> bool:
    # Conditional on the alimtalk's own id and kind: a repeated report finds nothing to change.
    changed = Message.objects.filter(
        pk=pk,
        kind=Message.Kind.ALIMTALK,
        provider_message_id=provider_message_id,
        status__in=[Message.Status.SENT, Message.Status.UNKNOWN],
    ).update(
        status=Message.Status.PENDING,
        kind=message_kind_of(body),
        provider_message_id="",
        not_before=None,
        last_error=error,
        updated_at=now,
    )
    if changed:
        MessageAttempt.objects.create(
            message_id=pk,
            started_at=now,
            finished_at=now,
            outcome=MessageAttempt.Outcome.FALLBACK,
            kind=Message.Kind.ALIMTALK,
            provider_message_id=provider_message_id,
            error=error,
        )
    return bool(changed)
