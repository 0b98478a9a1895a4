"""Slots that are really free, and bookings that keep their promises (one winner, one SMS)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from consultations.models import Booking, Channel, MiddleCategory, Unavailability
from consultations.services import booking_cancel, booking_create
from consultations.slots import free_slots
from customers.models import User
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def book(
    customer: User, staff: User, start: dt.datetime, *, channel: str = "branch", minutes: int = 30
) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    return booking_create(
        customer=customer,
        staff=staff,
        channel=Channel.objects.get(code=channel),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )


@pytest.fixture
def monday(frozen_now):
    frozen_now(MONDAY_MORNING)
    return MONDAY_MORNING


# --- slots ---------------------------------------------------------------------------------------
def test_a_branch_day_has_half_hour_slots_within_opening_hours(db, teller, monday):
    slots = free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]
    assert [s.starts_at.strftime("%H:%M") for s in slots][:3] == ["09:00", "09:30", "10:00"]
    assert slots[-1].ends_at == at(TUESDAY, 16)  # 을지로 본점 closes at 16:00
    assert len(slots) == 14


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2031, 3, 8),
        dt.date(2031, 3, 9),
        dt.date(2031, 1, 1),
        dt.date(2031, 10, 3),
        dt.date(2031, 12, 25),
    ],
    ids=["saturday", "sunday", "new-year", "foundation-day", "christmas"],
)
def test_weekends_and_korean_public_holidays_have_no_slots(db, teller, frozen_now, day):
    frozen_now(dt.datetime(2030, 12, 1, 9, tzinfo=KST))
    assert free_slots(staff=teller, start_day=day)[day] == []


def test_unavailability_and_bookings_take_slots_away_and_cancelling_gives_them_back(
    db, teller, customer, monday, outbox
):
    Unavailability.objects.create(
        staff=teller, starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 13), reason="점심"
    )
    booking = book(customer, teller, at(TUESDAY, 10))
    times = {s.starts_at.strftime("%H:%M") for s in free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]}
    assert {"10:00", "12:00", "12:30"}.isdisjoint(times)
    assert {"09:30", "10:30", "13:00"} <= times
    booking_cancel(booking=booking, by=customer)
    times = {s.starts_at.strftime("%H:%M") for s in free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]}
    assert "10:00" in times


def test_past_slots_are_not_offered(db, teller, frozen_now):
    frozen_now(at(TUESDAY, 13, 10))
    times = [s.starts_at.strftime("%H:%M") for s in free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]]
    assert times[0] == "13:30"


def test_the_contact_center_keeps_its_own_hours(db, agent, monday):
    slots = free_slots(staff=agent, start_day=TUESDAY)[TUESDAY]
    assert slots[-1].ends_at == at(TUESDAY, 18)


# --- booking -------------------------------------------------------------------------------------
def test_booking_a_free_slot_promises_one_confirmation(db, customer, teller, monday, outbox):
    booking = book(customer, teller, at(TUESDAY, 10))
    assert booking.branch == teller.staff_profile.branch
    message = Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed")
    assert message.body == "[하나은행] 박진우님 3/4(화) 10:00 영업점 창구 상담 예약완료 (을지로 본점)"


def test_a_phone_booking_has_no_branch(db, customer, agent, monday, outbox):
    assert book(customer, agent, at(TUESDAY, 10), channel="call").branch is None


@pytest.mark.parametrize(
    ("start", "minutes", "code"),
    [
        (at(TUESDAY, 10, 15), 30, "not_a_slot"),
        (at(TUESDAY, 10), 60, "not_a_slot"),
        (at(TUESDAY, 8, 30), 30, "closed_hours"),
        (at(TUESDAY, 16), 30, "closed_hours"),
        (at(dt.date(2031, 3, 8), 10), 30, "closed_day"),
        (at(dt.date(2031, 3, 3), 9), 30, "past"),
    ],
)
def test_a_booking_outside_the_rules_is_refused_and_nothing_is_written(
    db, customer, teller, monday, start, minutes, code
):
    with pytest.raises(ValidationError) as err:
        book(customer, teller, start, minutes=minutes)
    assert err.value.code == code
    assert not Booking.objects.filter(staff=teller, starts_at=start).exists()
    assert not Message.objects.filter(
        purpose="booking_confirmed", customer=customer, created_at__gte=MONDAY_MORNING
    ).exists()


def test_an_unavailable_or_taken_slot_is_refused(db, customer, other_customer, teller, monday, outbox):
    Unavailability.objects.create(staff=teller, starts_at=at(TUESDAY, 11), ends_at=at(TUESDAY, 12))
    with pytest.raises(ValidationError) as err:
        book(customer, teller, at(TUESDAY, 11, 30))
    assert err.value.code == "unavailable"
    book(customer, teller, at(TUESDAY, 14))
    with pytest.raises(ValidationError) as err:
        book(other_customer, teller, at(TUESDAY, 14))
    assert err.value.code == "slot_taken"
    assert "방금 다른 분이 예약한 시간" in err.value.messages[0]


@pytest.mark.django_db(transaction=True)
def test_two_customers_racing_for_one_slot_one_wins(frozen_now, outbox):
    from tests.conftest import seed_demo_bank

    seed_demo_bank()
    frozen_now(MONDAY_MORNING)
    teller = User.objects.get(username="hnv2004")
    racers = [User.objects.get(username=login) for login in ("hanauser1", "hanauser2", "hanauser3")]
    barrier = threading.Barrier(len(racers))
    results: list[str] = []

    def race(customer: User) -> None:
        barrier.wait()
        try:
            book(customer, teller, at(TUESDAY, 15))
            results.append("booked")
        except ValidationError as exc:
            results.append(exc.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(c,)) for c in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["booked", "slot_taken", "slot_taken"]
    assert (
        Booking.objects.filter(staff=teller, starts_at=at(TUESDAY, 15), status=Booking.Status.BOOKED).count()
        == 1
    )
    assert Message.objects.filter(
        purpose="booking_confirmed", idempotency_key__startswith="booking:"
    ).count() == (Booking.objects.count())


# --- cancelling ----------------------------------------------------------------------------------
def test_a_customer_cancels_until_one_hour_before_and_gets_an_sms(db, customer, teller, frozen_now, outbox):
    frozen_now(MONDAY_MORNING)
    booking = book(customer, teller, at(TUESDAY, 10))
    frozen_now(at(TUESDAY, 8, 59))
    booking_cancel(booking=booking, by=customer)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Message.objects.get(idempotency_key=f"booking:{booking.pk}:cancelled").body.endswith(
        "상담 예약이 취소되었습니다."
    )


def test_a_customer_cannot_cancel_within_the_last_hour_but_staff_can(
    db, customer, teller, frozen_now, outbox
):
    frozen_now(MONDAY_MORNING)
    booking = book(customer, teller, at(TUESDAY, 10))
    frozen_now(at(TUESDAY, 9, 30))
    with pytest.raises(ValidationError) as err:
        booking_cancel(booking=booking, by=customer)
    assert err.value.code == "too_late"
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED
    booking_cancel(booking=booking, by=teller, reason="customer_request")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_cancelling_twice_is_refused(db, customer, teller, monday, outbox):
    booking = book(customer, teller, at(TUESDAY, 10))
    booking_cancel(booking=booking, by=customer)
    with pytest.raises(ValidationError) as err:
        booking_cancel(booking=booking, by=customer)
    assert err.value.code == "not_active"
    assert Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled").count() == 1
