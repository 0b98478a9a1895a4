"""The law at every send: consent, quiet hours and expiry are checked when a message leaves, not
only when it is queued — a backoff retry, a manager's retry and a row put back by reconcile are
sends too."""

from __future__ import annotations

import datetime as dt

import pytest

from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import booking_cancel, booking_reminders_enqueue
from messaging.delivery import message_deliver, message_reconcile
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue, message_retry

KST = dt.timezone(dt.timedelta(hours=9))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=KST)


@pytest.fixture
def consenting(customer):
    profile = customer.customer_profile
    profile.marketing_consent = True
    profile.marketing_night_consent = False
    profile.save()
    return customer


def queue_marketing(customer, django_capture_on_commit_callbacks, key: str = "mkt:law") -> Message:
    # The task is left uncalled: each test decides when the worker gets to it.
    with django_capture_on_commit_callbacks(execute=False):
        return message_enqueue(
            purpose=Purpose.MARKETING, customer=customer, key=key, context={"text": "우대금리"}
        )


def test_a_marketing_retry_is_never_sent_between_21_and_08(
    consenting, fake_twilio, frozen_now, django_capture_on_commit_callbacks
):
    frozen_now(at(23, 20, 50))
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    fake_twilio.state.control({"fail_next": 1})

    frozen_now(at(23, 20, 59))
    assert message_deliver(message.pk).outcome == "retry"  # a provider hiccup at 20:59 ...

    frozen_now(at(23, 21, 0))  # ... and the retry falls due at 21:00
    assert message_deliver(message.pk).outcome == "not-claimed"
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.not_before == at(24, 8, 0)

    frozen_now(at(24, 7, 59))
    assert message_deliver(message.pk).outcome == "not-claimed"
    assert fake_twilio.state.stats()["received"] == 0

    frozen_now(at(24, 8, 0))
    assert message_deliver(message.pk).outcome == "sent"
    assert fake_twilio.state.stats()["received"] == 1


def test_a_managers_retry_at_night_waits_for_the_morning(
    consenting, fake_twilio, frozen_now, django_capture_on_commit_callbacks
):
    frozen_now(at(23, 20, 58))
    fake_twilio.state.control({"permanent_numbers": [consenting.customer_profile.phone]})
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    assert message_deliver(message.pk).outcome == "failed"
    fake_twilio.state.control({"permanent_numbers": []})
    message.refresh_from_db()

    frozen_now(at(23, 21, 30))
    with django_capture_on_commit_callbacks(execute=True):
        message = message_retry(message=message)
    assert message.status == Message.Status.PENDING
    assert message.not_before == at(24, 8, 0)
    assert fake_twilio.state.stats()["received"] == 0

    frozen_now(at(24, 8, 1))
    assert message_deliver(message.pk).outcome == "sent"


def test_a_message_put_back_by_reconcile_at_night_waits_for_the_morning(
    consenting, fake_twilio, frozen_now, settings, django_capture_on_commit_callbacks
):
    frozen_now(at(23, 20, 59))
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    # The worker died mid-send at 20:59; the provider never got it.
    Message.objects.filter(pk=message.pk).update(status=Message.Status.UNKNOWN, claimed_at=at(23, 20, 59))
    frozen_now(at(23, 22, 0))
    assert message_reconcile(message.pk) == "requeued"
    assert message_deliver(message.pk).outcome == "not-claimed"
    message.refresh_from_db()
    assert (message.status, message.not_before) == (Message.Status.PENDING, at(24, 8, 0))
    assert fake_twilio.state.stats()["received"] == 0


def test_a_customer_with_night_consent_gets_advertising_at_night(
    consenting, outbox, frozen_now, django_capture_on_commit_callbacks
):
    profile = consenting.customer_profile
    profile.marketing_night_consent = True
    profile.save()
    frozen_now(at(23, 23, 0))
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    assert message.not_before is None
    assert message_deliver(message.pk).outcome == "sent"
    assert [sms.message_id for sms in outbox] == [message.pk]


def test_consent_withdrawn_between_queue_and_send_cancels_the_message(
    consenting, outbox, frozen_now, django_capture_on_commit_callbacks
):
    frozen_now(at(23, 10, 0))
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    profile = consenting.customer_profile
    profile.marketing_consent = False
    profile.save()
    assert message_deliver(message.pk).outcome == "not-claimed"
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert "동의" in message.cancel_reason
    assert outbox == []


def test_consent_withdrawn_before_a_backoff_retry_cancels_it(
    consenting, fake_twilio, frozen_now, django_capture_on_commit_callbacks
):
    frozen_now(at(23, 10, 0))
    message = queue_marketing(consenting, django_capture_on_commit_callbacks)
    fake_twilio.state.control({"fail_next": 1})
    assert message_deliver(message.pk).outcome == "retry"
    consenting.customer_profile.marketing_consent = False
    consenting.customer_profile.save()
    frozen_now(at(23, 10, 1))
    assert message_deliver(message.pk).outcome == "not-claimed"
    message.refresh_from_db()
    assert message.status == Message.Status.CANCELLED
    assert fake_twilio.state.stats()["received"] == 0


def test_transactional_messages_do_not_wait_for_the_morning(outbox, frozen_now, db):
    frozen_now(at(23, 23, 30))
    message = message_enqueue(
        purpose=Purpose.OTP, key="otp:night", to_phone="010-2345-6789", context={"code": "1"}
    )
    assert message_deliver(message.pk).outcome == "sent"


# --- expiry ----------------------------------------------------------------------------------------
@pytest.fixture
def booking(db, customer, teller):
    middle = MiddleCategory.objects.get(code="0202")
    start = dt.datetime(2031, 3, 4, 14, 0, tzinfo=KST)
    return Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        branch=teller.staff_profile.branch,
        main_category=middle.main,
        middle_category=middle,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )


def reminder_for(booking: Booking) -> Message:
    return Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-04")


def test_a_reminder_is_valid_until_its_booking_starts_and_is_cancelled_after(booking, outbox, frozen_now):
    booking_reminders_enqueue(now=dt.datetime(2031, 3, 4, 8, 0, tzinfo=KST))  # the task is "lost"
    reminder = reminder_for(booking)
    assert reminder.valid_until == booking.starts_at
    frozen_now(dt.datetime(2031, 3, 4, 14, 1, tzinfo=KST))  # the sweep finds it after the start
    assert message_deliver(reminder.pk).outcome == "not-claimed"
    reminder.refresh_from_db()
    assert reminder.status == Message.Status.CANCELLED
    assert "유효 기한" in reminder.cancel_reason
    assert outbox == []


def test_cancelling_a_booking_cancels_its_waiting_reminder(booking, customer, outbox):
    booking_reminders_enqueue(now=dt.datetime(2031, 3, 4, 8, 0, tzinfo=KST))
    booking_cancel(booking=booking, by=customer)
    reminder = reminder_for(booking)
    assert reminder.status == Message.Status.CANCELLED
    assert reminder.cancel_reason == "예약이 취소되었습니다."
    assert message_deliver(reminder.pk).outcome == "not-claimed"
    assert Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled").exists()


# --- bodies per provider --------------------------------------------------------------------------
def test_a_body_too_long_for_twilio_fails_with_a_clear_reason_before_the_request(db, fake_twilio):
    message = Message.objects.create(
        idempotency_key="long-ascii",
        purpose=Purpose.OTP,
        to_phone="+821023456789",
        body="a" * 1700,
        kind="lms",
    )
    assert message_deliver(message.pk).outcome == "failed"
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "1,600" in message.last_error
    assert fake_twilio.state.stats()["requests"] == 0
