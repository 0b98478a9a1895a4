from __future__ import annotations

from celery import shared_task

from .services import inquiry_overdue_alarm


@shared_task(name="inquiries.overdue_alarm", ignore_result=True)
def inquiry_overdue_alarm_task() -> int:
    return inquiry_overdue_alarm()
