"""First-response deadlines: 24 business hours, 09:00–18:00 Seoul time, Korean banking days only."""

from __future__ import annotations

import datetime as dt

import pytest

from core.business_hours import business_hours_between
from inquiries.sla import sla_deadline

KST = dt.timezone(dt.timedelta(hours=9))


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=KST)


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        # Monday 10:00: 8 h Monday, 9 h Tuesday, 7 h Wednesday.
        (kst(2026, 11, 23, 10), kst(2026, 11, 25, 16)),
        # Friday 17:00: 1 h Friday, the weekend does not count, 9 + 9 + 5 h.
        (kst(2026, 11, 27, 17), kst(2026, 12, 2, 14)),
        # Written on Saturday: the clock starts Monday 09:00.
        (kst(2026, 11, 28, 11), kst(2026, 12, 2, 15)),
        # Before opening and after closing.
        (kst(2026, 11, 23, 7, 30), kst(2026, 11, 25, 15)),
        (kst(2026, 11, 23, 18, 30), kst(2026, 11, 26, 15)),
        # Chuseok 2026 (Thu 24 – Sat 26 September): 3 h Wednesday, then Monday onwards.
        (kst(2026, 9, 23, 15), kst(2026, 9, 30, 12)),
        # Substitute holiday Monday 5 October 2026 (National Foundation Day fell on a Saturday).
        (kst(2026, 10, 2, 9), kst(2026, 10, 7, 15)),
        # Seollal 2027 over a weekend with a substitute Tuesday; the deadline lands on closing time.
        (kst(2027, 2, 5, 12), kst(2027, 2, 11, 18)),
        # Christmas: Thursday 24 December 14:00, Friday off.
        (kst(2026, 12, 24, 14), kst(2026, 12, 30, 11)),
    ],
)
def test_deadline_skips_nights_weekends_and_korean_holidays(start, deadline):
    assert sla_deadline(start, 24) == deadline


def test_a_utc_timestamp_is_read_in_seoul_time():
    # 2026-11-23 01:00 UTC is Monday 10:00 in Seoul.
    start = dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC)
    assert sla_deadline(start, 24) == kst(2026, 11, 25, 16)


def test_the_sla_length_comes_from_settings(settings):
    settings.INQUIRY_SLA_BUSINESS_HOURS = 4
    assert sla_deadline(kst(2026, 11, 27, 17, 45)) == kst(2026, 11, 30, 12, 45)
    settings.BUSINESS_DAY_START, settings.BUSINESS_DAY_END = "08:30", "17:30"
    assert sla_deadline(kst(2026, 11, 27, 17, 45)) == kst(2026, 11, 30, 12, 30)


def test_business_hours_between_counts_only_working_time():
    assert business_hours_between(kst(2026, 11, 27, 17), kst(2026, 11, 30, 10)) == 2
    assert business_hours_between(kst(2026, 9, 23, 17), kst(2026, 9, 28, 9, 30)) == 1.5
    assert business_hours_between(kst(2026, 11, 30, 10), kst(2026, 11, 27, 17)) == 0
    start = kst(2026, 9, 23, 15)
    assert business_hours_between(start, sla_deadline(start, 24)) == 24
