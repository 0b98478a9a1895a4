"""Korean banking days: Monday to Friday, minus public holidays (including substitute holidays)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _korean_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=year)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


@lru_cache(maxsize=32)
def _korean_holiday_names(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KR", years=year, language="ko")


def korean_holiday_name(day: dt.date) -> str | None:
    """The public holiday's Korean name (e.g. 추석, 대체공휴일), or None on an ordinary day."""
    return _korean_holiday_names(day.year).get(day)


def next_business_day(day: dt.date, *, include_today: bool = True) -> dt.date:
    candidate = day if include_today else day + dt.timedelta(days=1)
    while not is_business_day(candidate):
        candidate += dt.timedelta(days=1)
    return candidate
