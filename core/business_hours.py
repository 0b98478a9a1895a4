"""Business hours: the working day (BUSINESS_DAY_START–BUSINESS_DAY_END, Asia/Seoul) on Korean
banking days. Deadlines of inquiries and cases are counted in these hours only, so something
written on Friday evening starts its clock on Monday morning (or Tuesday, if Monday is a holiday).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .business_days import is_business_day


def _clock(value: str) -> dt.time:
    hour, minute = (int(part) for part in value.split(":"))
    return dt.time(hour, minute)


Day = tuple[dt.time, dt.time]  # (opens, closes) of one working day, local time


def default_day() -> Day:
    """The bank's working day (settings); a team may keep its own (cases.Team)."""
    return _clock(settings.BUSINESS_DAY_START), _clock(settings.BUSINESS_DAY_END)


def business_deadline(start: dt.datetime, hours: float, working_day: Day | None = None) -> dt.datetime:
    """The moment `hours` business hours after `start` have passed (on `working_day`, or the bank's hours)."""
    remaining = dt.timedelta(hours=hours)
    opens, closes = working_day or default_day()
    tz = timezone.get_current_timezone()
    local = timezone.localtime(start, tz)
    day = local.date()
    if closes <= opens:
        raise ValueError("a working day must close after it opens")
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


def business_hours_between(start: dt.datetime, end: dt.datetime, working_day: Day | None = None) -> float:
    """Business hours elapsed from start to end (0 when end is not after start)."""
    if end <= start:
        return 0.0
    opens, closes = working_day or default_day()
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


class BusinessClock:
    """business_hours_between for many pairs on one working day (a page of cases): each day's
    business time is worked out once and added up, instead of walking every day of every pair.
    The figures are the same to the microsecond (both add the same timedeltas)."""

    def __init__(self, working_day: Day | None = None) -> None:
        self.opens, self.closes = working_day or default_day()
        self.tz = timezone.get_current_timezone()
        self._first: dt.date | None = None
        self._before: list[dt.timedelta] = []  # business time from _first to the start of day _first + i

    def _length(self, day: dt.date) -> dt.timedelta:
        if not is_business_day(day):
            return dt.timedelta()
        length = dt.datetime.combine(day, self.closes, tzinfo=self.tz) - dt.datetime.combine(
            day, self.opens, tzinfo=self.tz
        )
        return max(dt.timedelta(), length)

    def _cover(self, first: dt.date, last: dt.date) -> None:
        if self._first is None or first < self._first:
            if self._first is not None:
                last = max(last, self._first + dt.timedelta(days=len(self._before) - 1))
            self._first, self._before = first, [dt.timedelta()]
        while self._first + dt.timedelta(days=len(self._before) - 1) < last:
            day = self._first + dt.timedelta(days=len(self._before) - 1)
            self._before.append(self._before[-1] + self._length(day))

    def _elapsed(self, local: dt.datetime) -> dt.timedelta:
        """Business time from the start of _first to `local`."""
        assert self._first is not None
        day = local.date()
        before = self._before[(day - self._first).days]
        if not is_business_day(day):
            return before
        opens = dt.datetime.combine(day, self.opens, tzinfo=self.tz)
        closes = dt.datetime.combine(day, self.closes, tzinfo=self.tz)
        return before + max(dt.timedelta(), min(local, closes) - opens)

    def hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        if end <= start:
            return 0.0
        local_start, local_end = timezone.localtime(start, self.tz), timezone.localtime(end, self.tz)
        self._cover(local_start.date(), local_end.date())
        return (self._elapsed(local_end) - self._elapsed(local_start)).total_seconds() / 3600
