from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .services import booking_reminders_enqueue


@shared_task(name="consultations.booking_reminders", ignore_result=True)
def booking_reminders_task() -> int:
    hour, minute = (int(part) for part in settings.REMINDER_TIME.split(":"))
    if timezone.localtime().time() < dt.time(hour, minute):
        return 0  # not morning yet
    return booking_reminders_enqueue()
