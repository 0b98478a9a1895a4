"""Moving a booking: one transaction, one winner, one SMS, and a reminder that follows the new time."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditEntry
from consultations.ics import booking_ics
from consultations.models import Booking, Channel, MiddleCategory, Unavailability
from consultations.services import booking_create, booking_reminders_enqueue, booking_reschedule
from consultations.slots import free_slots
from customers.models import User
from messaging.delivery import message_deliver
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)
WEDNESDAY = dt.date(2031, 3, 5)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def book(customer: User, staff: User, start: dt.datetime) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    return booking_create(
        customer=customer,
        staff=staff,
        channel=Channel.objects.get(code="branch"),
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )


def changes(booking: Booking) -> list[Message]:
    return list(Message.objects.filter(idempotency_key__startswith=f"booking:{booking.pk}:rescheduled"))


def reminders(booking: Booking) -> dict[str, str]:
    rows = Message.objects.filter(idempotency_key__startswith=f"booking:{booking.pk}:reminder:")
    return {m.idempotency_key.rsplit(":", 1)[1]: m.status for m in rows}


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


def test_it_moves_the_booking_frees_the_old_slot_and_promises_one_change_sms(
    db, customer, teller, monday, outbox
):
    booking = book(customer, teller, at(TUESDAY, 10))
    booking_reschedule(booking=booking, starts_at=at(WEDNESDAY, 14), by=customer)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at, booking.sequence) == (
        at(WEDNESDAY, 14),
        at(WEDNESDAY, 14, 30),
        1,
    )
    tuesday = {s.starts_at for s in free_slots(staff=teller, start_day=TUESDAY)[TUESDAY]}
    assert at(TUESDAY, 10) in tuesday
    assert at(WEDNESDAY, 14) not in {
        s.starts_at for s in free_slots(staff=teller, start_day=WEDNESDAY)[WEDNESDAY]
    }
    (sms,) = changes(booking)
    assert (
        sms.body
        == "[하나은행] 박진우님 상담 예약이 3/4 10:00 → 3/5(수) 14:00 영업점 창구(으)로 변경되었습니다."
    )


def test_the_calendar_file_keeps_its_uid_and_raises_its_sequence(db, customer, teller, monday, outbox):
    booking = book(customer, teller, at(TUESDAY, 10))
    before = booking_ics(booking, host="omnihana.test")
    booking_reschedule(booking=booking, starts_at=at(WEDNESDAY, 14), by=customer)
    booking.refresh_from_db()
    after = booking_ics(booking, host="omnihana.test")
    assert (
        f"UID:booking-{booking.pk}@omnihana.test" in before
        and f"UID:booking-{booking.pk}@omnihana.test" in after
    )
    assert "SEQUENCE:0" in before and "SEQUENCE:1" in after
    assert "DTSTART:20310305T050000Z" in after


def test_the_audit_log_shows_old_and_new(db, customer, teller, monday, outbox):
    booking = book(customer, teller, at(TUESDAY, 10))
    booking_reschedule(booking=booking, starts_at=at(WEDNESDAY, 14), by=teller, ip="10.0.0.7")
    entry = AuditEntry.objects.get(target=f"booking {booking.pk}", action=AuditEntry.Action.UPDATE)
    assert entry.detail["rescheduled"] == ["2031-03-04 10:00 신행복", "2031-03-05 14:00 신행복"]
    assert (entry.actor, entry.customer, entry.ip) == (teller, customer, "10.0.0.7")


@pytest.mark.parametrize(
    ("start", "code"),
    [
        (at(TUESDAY, 14), "slot_taken"),
        (at(dt.date(2031, 3, 3), 9), "past"),
        (at(TUESDAY, 8, 30), "closed_hours"),
        (at(TUESDAY, 16), "closed_hours"),
        (at(dt.date(2031, 3, 8), 10), "closed_day"),
        (at(TUESDAY, 12), "unavailable"),
        (at(TUESDAY, 10), "same_slot"),
    ],
)
def test_a_move_outside_the_rules_is_refused_and_nothing_changes(
    db, customer, other_customer, teller, monday, outbox, start, code
):
    Unavailability.objects.create(staff=teller, starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 13))
    book(other_customer, teller, at(TUESDAY, 14))
    booking = book(customer, teller, at(TUESDAY, 10))
    with pytest.raises(ValidationError) as err:
        booking_reschedule(booking=booking, starts_at=start, by=customer)
    assert err.value.code == code
    booking.refresh_from_db()
    assert (booking.starts_at, booking.sequence) == (at(TUESDAY, 10), 0)
    assert changes(booking) == []
    assert not AuditEntry.objects.filter(target=f"booking {booking.pk}").exists()


def test_a_customer_cannot_move_within_the_last_hour_but_staff_can(db, customer, teller, frozen_now, outbox):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    booking = book(customer, teller, at(TUESDAY, 10))
    frozen_now(at(TUESDAY, 9, 30))
    with pytest.raises(ValidationError) as err:
        booking_reschedule(booking=booking, starts_at=at(TUESDAY, 14), by=customer)
    assert err.value.code == "too_late"
    booking_reschedule(booking=booking, starts_at=at(TUESDAY, 14), by=teller)
    assert Booking.objects.get(pk=booking.pk).starts_at == at(TUESDAY, 14)


def test_a_cancelled_booking_cannot_be_moved(db, customer, teller, monday, outbox):
    from consultations.services import booking_cancel

    booking = book(customer, teller, at(TUESDAY, 10))
    booking_cancel(booking=booking, by=customer)
    with pytest.raises(ValidationError) as err:
        booking_reschedule(booking=booking, starts_at=at(TUESDAY, 14), by=customer)
    assert err.value.code == "not_active"


# --- the same-day reminder follows the booking ----------------------------------------------------
def test_moved_from_tomorrow_to_this_afternoon_after_the_morning_run_it_is_reminded_at_the_next_run(
    db, customer, teller, frozen_now, outbox
):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    booking = book(customer, teller, at(WEDNESDAY, 10))
    morning = at(TUESDAY, 8, 0)
    frozen_now(morning)
    booking_reminders_enqueue(now=morning)
    assert reminders(booking) == {}
    frozen_now(at(TUESDAY, 9, 5))
    booking_reschedule(booking=booking, starts_at=at(TUESDAY, 15), by=customer)
    frozen_now(at(TUESDAY, 9, 10))
    booking_reminders_enqueue(now=at(TUESDAY, 9, 10))
    booking_reminders_enqueue(now=at(TUESDAY, 9, 20))
    assert reminders(booking) == {"2031-03-04": Message.Status.PENDING}
    reminder = Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-04")
    assert "오늘 15:00" in reminder.body


def test_moved_away_after_the_reminder_was_queued_it_is_never_sent_and_the_new_day_gets_one(
    db, customer, teller, frozen_now, outbox
):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    booking = book(customer, teller, at(TUESDAY, 15))
    frozen_now(at(TUESDAY, 8, 0))
    booking_reminders_enqueue(now=at(TUESDAY, 8, 0))
    queued = Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-04")
    frozen_now(at(TUESDAY, 8, 1))
    booking_reschedule(booking=booking, starts_at=at(WEDNESDAY, 11), by=customer)
    message_deliver(queued.pk)  # the worker arrives late: nothing to send
    queued.refresh_from_db()
    assert queued.status == Message.Status.CANCELLED
    assert not any("오늘 15:00" in sms.body for sms in outbox)
    frozen_now(at(WEDNESDAY, 8, 0))
    booking_reminders_enqueue(now=at(WEDNESDAY, 8, 0))
    assert reminders(booking) == {
        "2031-03-04": Message.Status.CANCELLED,
        "2031-03-05": Message.Status.PENDING,
    }
    assert (
        "오늘 11:00" in Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-05").body
    )


def test_moved_within_the_day_an_unsent_reminder_tells_the_new_time(db, customer, teller, frozen_now, outbox):
    frozen_now(at(dt.date(2031, 3, 3), 10))
    booking = book(customer, teller, at(TUESDAY, 15))
    frozen_now(at(TUESDAY, 8, 0))
    booking_reminders_enqueue(now=at(TUESDAY, 8, 0))
    booking_reschedule(booking=booking, starts_at=at(TUESDAY, 11), by=customer)
    reminder = Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-04")
    assert (reminder.status, "오늘 11:00" in reminder.body) == (Message.Status.PENDING, True)


def test_a_cancelled_booking_withdraws_its_queued_reminder(db, customer, teller, frozen_now, outbox):
    from consultations.services import booking_cancel

    frozen_now(at(dt.date(2031, 3, 3), 10))
    booking = book(customer, teller, at(TUESDAY, 15))
    frozen_now(at(TUESDAY, 8, 0))
    booking_reminders_enqueue(now=at(TUESDAY, 8, 0))
    booking_cancel(booking=booking, by=teller, reason="staff_absent")
    assert reminders(booking) == {"2031-03-04": Message.Status.CANCELLED}


# --- races ---------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_fifty_bookings_moved_onto_one_free_slot_at_once_one_wins(frozen_now, outbox):
    from tests.conftest import seed_demo_bank

    seed_demo_bank()
    frozen_now(at(dt.date(2031, 3, 3), 10))
    teller = User.objects.get(username="hnv2004")
    customer = User.objects.get(username="hanauser1")
    middle = MiddleCategory.objects.get(code="0202")
    starts = [
        at(TUESDAY + dt.timedelta(days=d), 9) + dt.timedelta(minutes=30 * i)
        for d in range(4)
        for i in range(14)
    ]
    bookings = [
        Booking.objects.create(
            customer=customer,
            staff=teller,
            channel=Channel.objects.get(code="branch"),
            branch=teller.staff_profile.branch,
            main_category=middle.main,
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=30),
        )
        for start in starts[:50]
    ]
    target = at(dt.date(2031, 3, 10), 10)
    barrier = threading.Barrier(len(bookings))
    results: list[str] = []

    def race(booking: Booking) -> None:
        try:
            barrier.wait()
            booking_reschedule(booking=booking, starts_at=target, by=teller)
            results.append("moved")
        except ValidationError as exc:
            results.append(exc.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["moved"] + ["slot_taken"] * 49
    assert Booking.objects.filter(staff=teller, starts_at=target, status=Booking.Status.BOOKED).count() == 1
    winner = Booking.objects.get(staff=teller, starts_at=target)
    kept = {b.pk: b.starts_at for b in bookings if b.pk != winner.pk}
    assert {b.pk: b.starts_at for b in Booking.objects.filter(pk__in=kept)} == kept
    assert Message.objects.filter(idempotency_key__contains=":rescheduled:").count() == 1
