"""Resolution deadlines in business hours on Korean banking days (09:00–18:00, Asia/Seoul)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.due import case_due
from cases.models import Case, Team
from cases.services import case_answer, case_deadline

from .conftest import KST, at


@pytest.mark.parametrize(
    ("opened", "due", "why"),
    [
        (
            at(dt.date(2026, 11, 23), 10),
            at(dt.date(2026, 11, 26), 10),
            "three banking days, Monday to Thursday",
        ),
        (at(dt.date(2026, 11, 27), 10), at(dt.date(2026, 12, 2), 10), "the weekend does not count"),
        (at(dt.date(2026, 11, 23), 17, 59), at(dt.date(2026, 11, 26), 17, 59), "one minute on the first day"),
        (
            at(dt.date(2026, 11, 23), 22),
            at(dt.date(2026, 11, 26), 18),
            "after hours: the clock starts at 09:00",
        ),
        (at(dt.date(2026, 11, 28), 11), at(dt.date(2026, 12, 2), 18), "opened on a Saturday"),
        # 설날 2026: Monday 16 to Wednesday 18 February are holidays.
        (at(dt.date(2026, 2, 13), 15), at(dt.date(2026, 2, 23), 15), "설날 in the middle"),
        # 설날 2027 falls on the weekend; Tuesday 9 February is the substitute holiday.
        (
            at(dt.date(2027, 2, 5), 22),
            at(dt.date(2027, 2, 12), 18),
            "Friday night before 설날 and its substitute day",
        ),
        # 추석 2026: Thursday 24 to Saturday 26 September.
        (at(dt.date(2026, 9, 23), 17, 59), at(dt.date(2026, 9, 30), 17, 59), "17:59 on the eve of 추석"),
    ],
)
def test_it_counts_a_complaint_in_three_banking_days(opened, due, why):
    assert case_deadline(start=opened, kind="complaint", priority="normal") == due, why


def test_priority_and_type_come_from_the_settings(settings):
    monday = at(dt.date(2026, 11, 23), 10)
    assert case_deadline(start=monday, kind="complaint", priority="urgent") == at(dt.date(2026, 11, 24), 10)
    assert case_deadline(start=monday, kind="request", priority="normal") == at(dt.date(2026, 11, 25), 10)
    settings.CASE_DEADLINE_BUSINESS_HOURS = {"complaint": {"normal": 2}}
    assert case_deadline(start=monday, kind="complaint", priority="normal") == at(dt.date(2026, 11, 23), 12)


def test_it_says_how_much_business_time_is_left_or_past(settings):
    settings.CASE_NEAR_DUE_SHARE = 0.8
    case = Case(
        status=Case.Status.IN_PROGRESS,
        team=Team(name="카드팀"),  # the bank's hours, 09:00-18:00
        opened_at=at(dt.date(2026, 11, 23), 10),
        due_at=at(dt.date(2026, 11, 26), 10),
    )
    friday_evening = dt.datetime(2026, 11, 20, 17, tzinfo=KST)
    assert case_due(case, at(dt.date(2026, 11, 23), 10)).label == "27시간 남음"
    # Wednesday 17:00: 25 of 27 hours used (over 80 %), 2 business hours left (not 17 clock hours).
    near = case_due(case, at(dt.date(2026, 11, 25), 17))
    assert (near.state, near.label) == ("near", "2시간 남음")
    late = case_due(case, at(dt.date(2026, 11, 26), 13))
    assert (late.state, late.label) == ("overdue", "3시간 초과")
    # Overnight adds no business time: Thursday 22:00 is still 8 hours past, as at 18:00.
    assert case_due(case, at(dt.date(2026, 11, 26), 22)).label == "8시간 초과"
    assert case_due(case, friday_evening).state == "ok"
    case.status = Case.Status.CLOSED
    assert case_due(case, at(dt.date(2026, 12, 1), 10)).state == "done"


# --- a team's own working day ------------------------------------------------------------------
SHORT_DAY = (dt.time(10), dt.time(16))  # six hours a banking day


@pytest.mark.parametrize(
    ("opened", "due", "why"),
    [
        # 27 hours: Fri 1 + Mon-Thu 6 each + Fri 2 (the bank's day would end it on Wednesday 15:00).
        (at(dt.date(2026, 11, 27), 15), at(dt.date(2026, 12, 4), 12), "across a weekend"),
        # 추석 2026 (Thu 24 - Sat 26 September): Wed 1 + Mon-Thu 6 each + Fri 2 October 2.
        (at(dt.date(2026, 9, 23), 15), at(dt.date(2026, 10, 2), 12), "across 추석"),
        # Before the team opens, its clock starts at 10:00, not at the bank's 09:00.
        (at(dt.date(2026, 11, 23), 9, 30), at(dt.date(2026, 11, 27), 13), "opened before the team's day"),
    ],
)
def test_the_deadline_counts_the_owning_team_hours(opened, due, why):
    team = Team(name="외환팀", day_starts_at=SHORT_DAY[0], day_ends_at=SHORT_DAY[1])
    assert case_deadline(start=opened, kind="complaint", priority="normal", team=team) == due, why


def test_hours_left_and_time_to_resolution_use_the_team_that_holds_the_case(
    open_complaint, card_team, card_members, frozen_now
):
    card_team.day_starts_at, card_team.day_ends_at = SHORT_DAY
    card_team.save()
    case = open_complaint(at(dt.date(2026, 11, 27), 15))
    assert case.due_at == at(dt.date(2026, 12, 4), 12)
    # Friday 4 December 09:00 (before the team's day): 2 hours left, not the bank's 3.
    assert case_due(case, at(dt.date(2026, 12, 4), 9)).label == "2시간 남음"
    # Thursday 3 December 15:00: Thu 1 + Fri 2 = 3 business hours of the team's day.
    assert case_due(case, at(dt.date(2026, 12, 3), 15)).label == "3시간 남음"
    assert case_due(case, at(dt.date(2026, 12, 7), 11)).label == "5시간 초과"  # Fri 12-16 + Mon 10-11
    # Answered on Monday 30 November 11:00: Fri 1 + Mon 1 = 2 business hours of the team's day.
    frozen_now(at(dt.date(2026, 11, 30), 11))
    case_answer(case=case, body="환급해 드렸습니다", by=card_members[0])
    case.refresh_from_db()
    assert case.resolution_hours == 2


def test_a_pages_business_clock_gives_the_same_hours_as_counting_each_pair():
    """Across weekends, 설날 and 추석 2026, a team day of 08:30–17:30 and instants outside it."""
    import random

    from core.business_hours import BusinessClock, business_hours_between

    rng = random.Random(7)
    kst = dt.timezone(dt.timedelta(hours=9))
    origin = dt.datetime(2026, 1, 1, tzinfo=kst)
    for day in (None, (dt.time(8, 30), dt.time(17, 30))):
        clock = BusinessClock(day)
        for _ in range(400):
            start = origin + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60))
            end = start + dt.timedelta(minutes=rng.randrange(-600, 40 * 24 * 60))
            assert clock.hours_between(start, end) == business_hours_between(start, end, day), (start, end)
    seollal = BusinessClock()
    friday = dt.datetime(2026, 2, 13, 17, 0, tzinfo=kst)  # the banks close 16–18 February 2026
    assert seollal.hours_between(friday, dt.datetime(2026, 2, 19, 10, 0, tzinfo=kst)) == 2.0
