"""Celery tasks carry ids only; the rows hold the truth, so a lost task loses nothing.

The floor order inside messaging: outbox (writes rows, hands them here) → tasks → delivery
(claims and sends). The sweep is here because it both runs as a task and hands rows to tasks.
Every task for a message is published on its lane's queue (messaging/lanes.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings

from .board import delivery_alarm
from .delivery import (
    DeliveryOutcome,
    message_apply_provider_status,
    message_deliver_many,
    message_left_behind_take,
    message_reconcile,
)
from .lanes import lane_of, queue_of
from .models import Message
from .secret import secret_wipe_finished


def _by_lane(message_ids: list[int], lane: str | None) -> dict[str, list[int]]:
    """The ids grouped by lane: all on `lane` if given, else each on its purpose's lane."""
    if lane is not None:
        return {lane: list(message_ids)}
    by_lane: dict[str, list[int]] = defaultdict(list)
    for pk, purpose in Message.objects.filter(pk__in=message_ids).values_list("pk", "purpose"):
        by_lane[lane_of(purpose)].append(pk)
    return by_lane


def message_deliveries_enqueue(message_ids: list[int], *, lane: str | None = None) -> None:
    """Hand rows to the workers of their lane in batches: one task claims and sends up to
    SMS_TASK_BATCH messages. Without `lane` each row's lane is read from its purpose."""
    by_lane = _by_lane(message_ids, lane)
    size = int(settings.SMS_TASK_BATCH)
    for lane_name, ids in by_lane.items():
        for start in range(0, len(ids), size):
            message_send_batch_task.apply_async((ids[start : start + size],), queue=queue_of(lane_name))


def message_send_publish(message_id: int, *, lane: str, countdown: float | None = None) -> None:
    message_send_task.apply_async((message_id,), queue=queue_of(lane), countdown=countdown)


def _follow_up(message_id: int, result: DeliveryOutcome) -> None:
    # Fast paths only: if a scheduled task is lost, the sweep finds the row due anyway.
    if result.retry_in is None:
        return
    if result.outcome in {"retry", "rate-limited", "fallback"}:
        message_send_publish(message_id, lane=result.lane, countdown=result.retry_in)
    elif result.outcome == "unknown":
        message_reconcile_publish([message_id], lane=result.lane, countdown=result.retry_in)


def message_reconcile_publish(
    message_ids: list[int], *, lane: str | None = None, countdown: float | None = None
) -> None:
    """Look these rows up at the provider, each on its own lane's queue: the lookups a bulk send
    leaves (a batch cut by a SIGKILL) stay on the bulk lane instead of taking the OTPs' slots."""
    by_lane = _by_lane(message_ids, lane)
    for lane_name, ids in by_lane.items():
        for pk in ids:
            message_reconcile_task.apply_async((pk,), queue=queue_of(lane_name), countdown=countdown)


def message_provider_report(
    *, provider: str, provider_message_id: str, provider_status: str, error: str = ""
) -> bool:
    """A delivery report; an alimtalk it turns into SMS/LMS is handed to its lane at once."""
    changed = message_apply_provider_status(
        provider=provider,
        provider_message_id=provider_message_id,
        provider_status=provider_status,
        error=error,
    )
    if changed:
        row = (
            Message.objects.filter(
                pk__in=Message.objects.filter(attempt_log__provider_message_id=provider_message_id).values(
                    "pk"
                ),
                status=Message.Status.PENDING,
            )
            .values_list("pk", "purpose")
            .first()
        )
        if row is not None:
            message_send_publish(row[0], lane=lane_of(row[1]))
    return changed


@shared_task(name="messaging.send", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def message_send_task(message_id: int) -> str:
    return message_send_batch_task([message_id])[str(message_id)]


@shared_task(name="messaging.send_batch", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def message_send_batch_task(message_ids: list[int]) -> dict[str, str]:
    outcomes = message_deliver_many(message_ids)
    for pk, result in outcomes.items():
        _follow_up(pk, result)
    return {str(pk): result.outcome for pk, result in outcomes.items()}


@shared_task(name="messaging.reconcile", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def message_reconcile_task(message_id: int) -> str:
    outcome = message_reconcile(message_id)
    if outcome == "requeued":
        purpose = Message.objects.filter(pk=message_id).values_list("purpose", flat=True).first() or ""
        message_send_publish(message_id, lane=lane_of(purpose))
    return outcome


@dataclass(frozen=True)
class SweepResult:
    requeued: int
    stuck: int
    reconciled: int


def message_sweep(
    *, pending_idle: float | None = None, stuck_after: float | None = None, limit: int = 5000
) -> SweepResult:
    """Find rows that no task is working on and put them back on their way."""
    left = message_left_behind_take(
        pending_idle=float(settings.SMS_SWEEP_IDLE_SECONDS if pending_idle is None else pending_idle),
        stuck_after=float(settings.SMS_STUCK_AFTER_SECONDS if stuck_after is None else stuck_after),
        limit=limit,
    )
    secret_wipe_finished()
    message_deliveries_enqueue(left.due)
    message_reconcile_publish(left.unknown)
    return SweepResult(requeued=len(left.due), stuck=left.stuck, reconciled=len(left.unknown))


@shared_task(name="messaging.sweep", ignore_result=True)
def message_sweep_task() -> dict[str, int]:
    result = message_sweep()
    return {"requeued": result.requeued, "stuck": result.stuck, "reconciled": result.reconciled}


@shared_task(name="messaging.delivery_alarm", ignore_result=True)
def message_delivery_alarm_task() -> dict[str, int]:
    return delivery_alarm()
