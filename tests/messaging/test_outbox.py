"""The outbox: one row per promise, the provider called once per row, every outcome recorded."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError

from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import booking_reminders_enqueue
from core.phone import mask_korean_mobile, normalize_korean_mobile
from messaging.body import message_kind
from messaging.delivery import message_deliver, message_reconcile
from messaging.encoding import euc_kr_length
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue
from messaging.tasks import message_sweep

KST = dt.timezone(dt.timedelta(hours=9))


def enqueue_otp(key: str = "otp:test:1", phone: str = "010-2345-6789") -> Message:
    return message_enqueue(purpose=Purpose.OTP, key=key, to_phone=phone, context={"code": "482913"})


# --- rows --------------------------------------------------------------------------------------
def test_it_writes_one_row_per_idempotency_key(db, customer, outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = message_enqueue(
            purpose=Purpose.INQUIRY_ANSWERED,
            customer=customer,
            key="inquiry:7:answered",
            context={"title": "대출 문의"},
        )
        again = message_enqueue(
            purpose=Purpose.INQUIRY_ANSWERED,
            customer=customer,
            key="inquiry:7:answered",
            context={"title": "대출 문의"},
        )
    assert first.pk == again.pk
    assert Message.objects.filter(idempotency_key="inquiry:7:answered").count() == 1
    assert len(outbox) == 1
    assert outbox[0].to == "+821023456789"
    assert outbox[0].body == '[하나은행] 박진우님, 문의하신 "대출 문의"에 답변이 등록되었습니다.'
    assert Message.objects.get(pk=first.pk).status == Message.Status.SENT


def test_nothing_is_sent_before_the_callers_transaction_commits(
    db, outbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_otp()
    assert outbox == []
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("010-1234-5678", "+821012345678"),
        ("01012345678", "+821012345678"),
        ("+82 10 1234 5678", "+821012345678"),
        ("82-10-1234-5678", "+821012345678"),
    ],
)
def test_it_reads_korean_mobile_numbers_as_people_type_them(typed, e164):
    assert normalize_korean_mobile(typed) == e164
    assert mask_korean_mobile(e164) == "010-****-5678"


@pytest.mark.parametrize(
    "bad", ["02-123-4567", "011-123-4567", "+1 415 555 0100", "010-1234-567", "", "전화번호"]
)
def test_it_refuses_anything_but_a_korean_mobile_with_a_clear_error(db, bad):
    with pytest.raises(ValidationError) as err:
        enqueue_otp(phone=bad)
    assert "010" in str(err.value) or "+82" in str(err.value)
    assert not Message.objects.filter(idempotency_key="otp:test:1").exists()


def test_sms_holds_90_euc_kr_bytes_and_longer_goes_as_lms():
    assert euc_kr_length("가" * 45) == 90
    assert message_kind("가" * 45) == Message.Kind.SMS
    assert message_kind("가" * 45 + "a") == Message.Kind.LMS
    assert message_kind("a" * 90) == Message.Kind.SMS


def test_a_long_body_is_stored_as_lms(db, customer, outbox):
    message = message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED, customer=customer, key="long", context={"title": "가" * 19}
    )
    assert euc_kr_length(message.body) > 90
    assert message.kind == Message.Kind.LMS


# --- marketing -----------------------------------------------------------------------------------
def test_marketing_needs_consent(db, customer):
    customer.customer_profile.marketing_consent = False
    customer.customer_profile.save()
    with pytest.raises(ValidationError, match="동의하지 않은"):
        message_enqueue(
            purpose=Purpose.MARKETING, customer=customer, key="mkt:1", context={"text": "우대금리"}
        )
    assert not Message.objects.filter(idempotency_key="mkt:1").exists()


def test_marketing_waits_out_the_night_and_transactional_does_not(
    db, customer, outbox, frozen_now, django_capture_on_commit_callbacks
):
    customer.customer_profile.marketing_consent = True
    customer.customer_profile.save()
    frozen_now(dt.datetime(2026, 11, 23, 22, 15, tzinfo=KST))
    with django_capture_on_commit_callbacks(execute=True):
        marketing = message_enqueue(
            purpose=Purpose.MARKETING, customer=customer, key="mkt:2", context={"text": "우대금리"}
        )
        otp = enqueue_otp()
    assert marketing.not_before == dt.datetime(2026, 11, 24, 8, 0, tzinfo=KST)
    assert otp.not_before is None
    assert message_deliver(marketing.pk).outcome == "not-claimed"  # not due before 08:00
    assert [sms.message_id for sms in outbox] == [otp.pk]


# --- delivery outcomes against the real twilio client and a fake Twilio ----------------------------
def test_transient_errors_are_retried_until_sent(db, fake_twilio, settings):
    settings.SMS_RETRY_BASE_SECONDS = 0
    fake_twilio.state.control({"fail_next": 2})
    message = enqueue_otp()
    outcomes = [message_deliver(message.pk).outcome for _ in range(3)]
    message.refresh_from_db()
    assert outcomes == ["retry", "retry", "sent"]
    assert message.status == Message.Status.SENT
    assert message.attempts == 3
    assert message.provider_message_id.startswith("SM")
    assert [a.outcome for a in message.attempt_log.all()] == ["retry", "retry", "sent"]
    assert fake_twilio.state.stats()["received"] == 1


def test_a_retry_waits_for_its_backoff(db, fake_twilio, settings):
    settings.SMS_RETRY_BASE_SECONDS = 60
    fake_twilio.state.control({"fail_next": 1})
    message = enqueue_otp()
    assert message_deliver(message.pk).outcome == "retry"
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.not_before is not None and (message.not_before - message.updated_at).total_seconds() >= 45
    assert message_deliver(message.pk).outcome == "not-claimed"


def test_retries_stop_at_the_cap(db, fake_twilio, settings):
    settings.SMS_RETRY_BASE_SECONDS = 0
    settings.SMS_MAX_ATTEMPTS = 3
    fake_twilio.state.control({"fail_next": 10})
    message = enqueue_otp()
    outcomes = [message_deliver(message.pk).outcome for _ in range(4)]
    message.refresh_from_db()
    assert outcomes == ["retry", "retry", "failed", "not-claimed"]
    assert message.status == Message.Status.FAILED
    assert "gave up after 3 attempts" in message.last_error


def test_a_permanent_error_fails_at_once_without_retry(db, fake_twilio):
    fake_twilio.state.control({"permanent_numbers": ["+821099999999"]})
    message = enqueue_otp(phone="010-9999-9999")
    assert message_deliver(message.pk).outcome == "failed"
    assert message_deliver(message.pk).outcome == "not-claimed"
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.attempts == 1
    assert "21211" in message.last_error
    assert fake_twilio.state.stats()["requests"] == 1


def test_a_timeout_is_unknown_until_looked_up_and_then_not_sent_again(db, fake_twilio, settings):
    settings.SMS_SEND_TIMEOUT = 0.3
    fake_twilio.state.control({"timeout_next": 1, "timeout_seconds": 1.0})
    message = enqueue_otp()
    assert message_deliver(message.pk).outcome == "unknown"
    message.refresh_from_db()
    assert message.status == Message.Status.UNKNOWN
    assert message_deliver(message.pk).outcome == "not-claimed"  # never resent blindly
    assert message_reconcile(message.pk) == "found"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == fake_twilio.state.messages[0]["sid"]
    assert fake_twilio.state.stats()["received"] == 1


def test_an_unknown_message_the_provider_never_got_is_sent_again_after_the_grace(db, fake_twilio, settings):
    message = enqueue_otp()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.UNKNOWN, attempts=1, claimed_at=message.created_at - dt.timedelta(minutes=5)
    )
    assert message_reconcile(message.pk) == "requeued"
    assert message_deliver(message.pk).outcome == "sent"
    assert fake_twilio.state.stats()["received"] == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_message_send_it_once(fake_twilio):
    fake_twilio.state.control({"delay": 0.2})
    # A row no task has picked up yet (enqueue would deliver it at once here: tasks run eagerly).
    message = Message.objects.create(
        idempotency_key="race", purpose=Purpose.OTP, to_phone="+821023456789", body="x"
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        from django.db import connection

        barrier.wait()
        try:
            outcomes.append(message_deliver(message.pk).outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not-claimed", "not-claimed", "not-claimed", "sent"]
    assert fake_twilio.state.stats()["received"] == 1


# --- the sweep -----------------------------------------------------------------------------------
def test_the_sweep_finds_rows_that_no_task_carries(db, outbox, settings, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task is "lost"
        lost = enqueue_otp(key="otp:lost")
    stuck = enqueue_otp(key="otp:stuck", phone="010-3456-7890")
    long_ago = lost.created_at - dt.timedelta(minutes=10)
    Message.objects.filter(pk=lost.pk).update(updated_at=long_ago)
    Message.objects.filter(pk=stuck.pk).update(status=Message.Status.SENDING, claimed_at=long_ago)
    result = message_sweep()
    assert (result.requeued, result.stuck, result.reconciled) == (1, 1, 1)
    # lost: sent by the sweep. stuck: the provider never got it, so after the lookup it is sent, once.
    assert Message.objects.get(pk=lost.pk).status == Message.Status.SENT
    assert Message.objects.get(pk=stuck.pk).status == Message.Status.SENT
    assert sorted(sms.message_id for sms in outbox) == sorted([lost.pk, stuck.pk])


def test_the_sweep_does_not_resend_a_stuck_message_the_provider_already_has(db, outbox):
    message = enqueue_otp(key="otp:had")
    message_deliver(message.pk)  # the provider got it ...
    Message.objects.filter(pk=message.pk).update(  # ... but the worker died before recording that
        status=Message.Status.SENDING,
        provider_message_id="",
        claimed_at=message.created_at - dt.timedelta(minutes=10),
    )
    message_sweep()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == "mem-1"
    assert len(outbox) == 1


# --- reminders -----------------------------------------------------------------------------------
@pytest.fixture
def booking_today(db, customer, teller):
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


def test_the_reminder_job_run_twice_promises_one_reminder(booking_today, outbox):
    morning = dt.datetime(2031, 3, 4, 8, 0, tzinfo=KST)
    assert booking_reminders_enqueue(now=morning) == 1
    assert booking_reminders_enqueue(now=morning + dt.timedelta(minutes=10)) == 1
    reminders = Message.objects.filter(purpose=Purpose.BOOKING_REMINDER, customer=booking_today.customer)
    assert [m.idempotency_key for m in reminders] == [f"booking:{booking_today.pk}:reminder:2031-03-04"]
    assert reminders[0].body == "[하나은행] 박진우님, 오늘 14:00 영업점 창구 상담이 있습니다. 을지로 본점"


def test_no_reminder_for_cancelled_or_already_started_bookings(booking_today, outbox):
    assert booking_reminders_enqueue(now=dt.datetime(2031, 3, 4, 14, 5, tzinfo=KST)) == 0
    Booking.objects.filter(pk=booking_today.pk).update(status=Booking.Status.CANCELLED)
    assert booking_reminders_enqueue(now=dt.datetime(2031, 3, 4, 8, 0, tzinfo=KST)) == 0
    assert not Message.objects.filter(purpose=Purpose.BOOKING_REMINDER).exists()


def test_a_row_waiting_in_a_long_queue_is_handed_out_again_once_per_idle_period(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    message = Message.objects.create(
        idempotency_key="queued",
        purpose=Purpose.OTP,
        to_phone="+821023456789",
        body="x",
        status=Message.Status.SENT,
    )
    waiting = Message.objects.create(
        idempotency_key="waiting", purpose=Purpose.OTP, to_phone="+821023456789", body="y"
    )
    Message.objects.filter(pk=waiting.pk).update(updated_at=waiting.created_at - dt.timedelta(minutes=5))
    first = message_sweep(pending_idle=60)
    second = message_sweep(pending_idle=60)
    assert (first.requeued, second.requeued) == (1, 0)
    assert message.pk != waiting.pk
