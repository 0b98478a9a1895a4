"""First-response deadlines in business hours.

The SLA clock runs only inside the working day (BUSINESS_DAY_START–BUSINESS_DAY_END, Asia/Seoul) on
Korean banking days: weekdays that are not public holidays or substitute holidays. An inquiry
written on Friday evening therefore starts its clock on Monday morning (or Tuesday, if Monday is a
holiday).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from consultations.business_days import is_business_day


def _clock(value: str) -> dt.time:
    hour, minute = (int(part) for part in value.split(":"))
    return dt.time(hour, minute)


def sla_deadline(start: dt.datetime, hours: float | None = None) -> dt.datetime:
    """The moment `hours` business hours after `start` have passed."""
    remaining = dt.timedelta(hours=settings.INQUIRY_SLA_BUSINESS_HOURS if hours is None else hours)
    opens, closes = _clock(settings.BUSINESS_DAY_START), _clock(settings.BUSINESS_DAY_END)
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    day = local.date()
    for _ in range(3660):  # ten years of days: a misconfiguration cannot loop forever
        if is_business_day(day):
            day_open = dt.datetime.combine(day, opens, tzinfo=tz)
            day_close = dt.datetime.combine(day, closes, tzinfo=tz)
            begin = max(local, day_open)
            if begin < day_close:
                available = day_close - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("no business hours configured")


def business_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Business hours elapsed from start to end (0 when end is not after start)."""
    if end <= start:
        return 0.0
    opens, closes = _clock(settings.BUSINESS_DAY_START), _clock(settings.BUSINESS_DAY_END)
    tz = timezone.get_current_timezone()
    local_start, local_end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = dt.timedelta()
    day = local_start.date()
    while day <= local_end.date():
        if is_business_day(day):
            begin = max(local_start, dt.datetime.combine(day, opens, tzinfo=tz))
            finish = min(local_end, dt.datetime.combine(day, closes, tzinfo=tz))
            if finish > begin:
                total += finish - begin
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600
