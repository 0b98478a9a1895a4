"""Delivery through a real Celery worker on a real Redis, with Redis and the worker failing.

The worker is a separate process on the test database; it sends with the real twilio client to
the local fake Twilio. The test process publishes to a private Redis it can stop and start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from bench.common import Child, PrivateRedis, wait_for
from consultations.business_days import next_business_day
from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import booking_create
from customers.models import User
from messaging.models import Message
from messaging.services import message_sweep
from omnihana.celery import app as celery_app

from .conftest import TWILIO_TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


class Worker(Child):
    """A Celery worker process of its own (thread pool) on the test database."""

    def __init__(self, env: dict[str, str], logdir: Path):
        super().__init__(
            f"worker-{time.monotonic_ns()}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "omnihana",
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            env,
            logdir,
        )

    def start(self) -> Worker:
        super().start()
        assert wait_for(lambda: b" ready." in self.log.read_bytes(), 30), self.log.read_text()[-3000:]
        return self


def worker_database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path, dict(os.environ)).start()
    yield server
    server.kill()


@pytest.fixture
def publish_to(private_redis) -> Iterator[None]:
    """Make this test process publish real tasks to the private Redis instead of running them eagerly."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.broker_transport_options)
    conf.broker_url = private_redis.url
    conf.task_always_eager = False
    conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    celery_app._pool = None  # connections are pooled per broker URL: drop the old pool
    celery_app.amqp._producer_pool = None
    yield
    conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(private_redis, fake_twilio, publish_to, tmp_path) -> Iterator[Worker]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "omnihana.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": private_redis.url,
        "SMS_BACKEND": "twilio",
        "TWILIO_API_BASE": fake_twilio.url,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "SMS_SEND_TIMEOUT": "5",
        "SMS_RETRY_BASE_SECONDS": "0.2",
    }
    process = Worker(env, tmp_path).start()
    yield process
    process.stop()


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
