"""Celery tasks carry ids only; the rows hold the truth, so a lost task loses nothing."""

from __future__ import annotations

from celery import shared_task

from .services import message_deliver, message_reconcile, message_sweep


@shared_task(name="messaging.send", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def message_send_task(message_id: int) -> str:
    result = message_deliver(message_id)
    if result.outcome in {"retry", "rate-limited"} and result.retry_in is not None:
        # Fast path only: if this scheduled task is lost, the sweep finds the row due anyway.
        message_send_task.apply_async((message_id,), countdown=result.retry_in)
    elif result.outcome == "unknown" and result.retry_in is not None:
        message_reconcile_task.apply_async((message_id,), countdown=result.retry_in)
    return result.outcome


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
