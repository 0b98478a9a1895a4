from __future__ import annotations

from celery import shared_task

from .services import case_overdue_alarm


@shared_task(name="cases.overdue_alarm", ignore_result=True)
def case_overdue_alarm_task() -> int:
    return case_overdue_alarm()
