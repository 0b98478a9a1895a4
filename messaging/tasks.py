"""Celery tasks carry ids only; the rows hold the truth, so a lost task loses nothing."""

from __future__ import annotations

from celery import shared_task

from .services import DeliveryOutcome, message_deliver_many, message_reconcile, message_sweep


def _follow_up(message_id: int, result: DeliveryOutcome) -> None:
    # Fast paths only: if a scheduled task is lost, the sweep finds the row due anyway.
    if result.retry_in is None:
        return
    if result.outcome in {"retry", "rate-limited"}:
        message_send_task.apply_async((message_id,), countdown=result.retry_in)
    elif result.outcome == "unknown":
        message_reconcile_task.apply_async((message_id,), countdown=result.retry_in)


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
        message_send_task.delay(message_id)
    return outcome


@shared_task(name="messaging.sweep", ignore_result=True)
def message_sweep_task() -> dict[str, int]:
    result = message_sweep()
    return {"requeued": result.requeued, "stuck": result.stuck, "reconciled": result.reconciled}
