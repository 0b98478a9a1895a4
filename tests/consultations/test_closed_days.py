"""Public holidays and a branch's own closing days are closed: on the calendar and for bookings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import ClosingDay
from consultations.slots import free_slots, slot_check

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def week_feed(client, monday: dt.date) -> list[dict]:
    return client.get(
        reverse("staff:calendar_events"),
        {"start": at(monday, 0).isoformat(), "end": at(monday + dt.timedelta(days=7), 0).isoformat()},
    ).json()


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


def test_the_calendar_shows_a_korean_public_holiday_as_closed(client, teller, frozen_now):
    frozen_now(at(dt.date(2031, 9, 29), 10))
    client.force_login(teller)
    closed = [e for e in week_feed(client, dt.date(2031, 9, 29)) if e["extendedProps"]["kind"] == "closed"]
    assert [(e["start"][:10], e["title"], e["display"]) for e in closed] == [
        ("2031-09-30", "휴무: 추석 전날", "background"),
        ("2031-10-01", "휴무: 추석", "background"),
        ("2031-10-02", "휴무: 추석 다음날", "background"),
        ("2031-10-03", "휴무: 개천절", "background"),
    ]


def test_a_branch_closing_day_is_closed_on_the_calendar_and_takes_no_booking(client, teller, monday):
    ClosingDay.objects.create(branch=teller.staff_profile.branch, day=TUESDAY, reason="전산 점검")
    client.force_login(teller)
    closed = [e for e in week_feed(client, dt.date(2031, 3, 3)) if e["extendedProps"]["kind"] == "closed"]
    assert [(e["start"][:10], e["title"]) for e in closed] == [
        ("2031-03-03", "휴무: 삼일절 대체 휴일"),  # 3/1 fell on a Saturday
        ("2031-03-04", "휴무: 전산 점검"),
    ]
    assert free_slots(staff=teller, start_day=TUESDAY)[TUESDAY] == []
    with pytest.raises(ValidationError) as err:
        slot_check(staff=teller, starts_at=at(TUESDAY, 10), ends_at=at(TUESDAY, 10, 30))
    assert err.value.code == "closed_day"


def test_another_branchs_closing_day_changes_nothing_here(client, teller, agent, monday):
    ClosingDay.objects.create(branch=agent.staff_profile.branch, day=TUESDAY)
    assert len(free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]) == 14
    client.force_login(teller)
    closed = [e for e in week_feed(client, dt.date(2031, 3, 3)) if e["extendedProps"]["kind"] == "closed"]
    assert [e["start"][:10] for e in closed] == ["2031-03-03"]
