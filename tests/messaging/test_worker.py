"""Delivery through a real Celery worker on a real Redis, with Redis and the worker failing.

The worker is a separate process on the test database; it sends with the real twilio client to
the local fake Twilio. The test process publishes to a private Redis it can stop and start.
"""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from bench.common import wait_for
from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import booking_create
from core.business_days import next_business_day
from customers.models import User
from messaging.models import Message
from messaging.tasks import message_sweep

pytestmark = pytest.mark.django_db(transaction=True)


def book(customer: User, staff: User, start: dt.datetime) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    with transaction.atomic():
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


def confirmation(booking: Booking) -> Message:
    return Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed")


def next_week(hour: int) -> dt.datetime:
    day = next_business_day(timezone.localdate() + dt.timedelta(days=7))
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def people():
    from tests.conftest import seed_demo_bank

    seed_demo_bank()  # transactional tests start from empty tables
    return User.objects.get(username="hanauser1"), User.objects.get(username="hnv2004")


def test_a_booking_confirmation_is_delivered_by_the_worker(people, worker, fake_twilio):
    customer, teller = people
    booking = book(customer, teller, next_week(10))
    assert wait_for(lambda: confirmation(booking).status == Message.Status.SENT, 20), worker.log.read_text()[
        -2000:
    ]
    sms = fake_twilio.state.messages
    assert len(sms) == 1
    assert sms[0]["to"] == "+821023456789"
    assert "상담 예약완료" in sms[0]["body"]
    assert confirmation(booking).provider_message_id == sms[0]["sid"]


def test_redis_down_while_booking_loses_nothing(people, worker, private_redis, fake_twilio):
    customer, teller = people
    private_redis.kill()  # a crash: whatever it queued is gone
    booking = book(customer, teller, next_week(11))  # the broker is gone: the booking still commits
    assert Booking.objects.filter(pk=booking.pk, status=Booking.Status.BOOKED).exists()
    assert confirmation(booking).status == Message.Status.PENDING
    private_redis.start()  # back on the same port
    delivered = wait_for(
        lambda: confirmation(booking).status == Message.Status.SENT,
        45,
        every=1.0,
        tick=lambda: _sweep_quietly(),
    )
    assert delivered, worker.log.read_text()[-3000:]
    assert fake_twilio.state.stats()["received"] == 1


def _sweep_quietly() -> None:
    # The broker may still be coming back; the next tick sweeps again.
    with contextlib.suppress(Exception):
        message_sweep(pending_idle=0)


def test_a_worker_killed_mid_send_does_not_send_twice(people, worker, fake_twilio):
    customer, teller = people
    fake_twilio.state.control({"delay": 2.0})  # the provider accepts the message after 2 s
    booking = book(customer, teller, next_week(14))
    assert wait_for(lambda: confirmation(booking).status == Message.Status.SENDING, 30)
    # 'sending' is written before the HTTP call: wait until the request is at the provider.
    assert wait_for(lambda: fake_twilio.state.stats()["requests"] == 1, 30)
    worker.kill()  # dies holding the claim, before it can record the outcome
    assert wait_for(lambda: fake_twilio.state.stats()["received"] == 1, 30)  # the provider did get it
    fake_twilio.state.control({"delay": 0})
    worker.start()
    assert wait_for(
        lambda: confirmation(booking).status == Message.Status.SENT,
        30,
        every=1.0,
        tick=lambda: message_sweep(pending_idle=0, stuck_after=0),
    ), worker.log.read_text()[-3000:]
    assert fake_twilio.state.stats()["received"] == 1
    assert fake_twilio.state.stats()["duplicates"] == 0
