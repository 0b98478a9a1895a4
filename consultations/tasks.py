from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .callbacks import callback_asap_alarm
from .services import booking_reminders_enqueue


@shared_task(name="consultations.booking_reminders", ignore_result=True)
def booking_reminders_task() -> int:
    hour, minute = (int(part) for part in settings.REMINDER_TIME.split(":"))
    if timezone.localtime().time() < dt.time(hour, minute):
        return 0  # not morning yet
    return booking_reminders_enqueue()


@shared_task(name="consultations.callback_alarm", ignore_result=True)
def callback_asap_alarm_task() -> int:
    return callback_asap_alarm()


@shared_task(name="consultations.export_job", ignore_result=True)
def export_job_task(job_id: int) -> None:
    from .export_jobs import export_job_run

    export_job_run(job_id)
