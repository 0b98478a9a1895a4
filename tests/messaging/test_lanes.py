"""Lanes: a bulk backlog waits on its own queue while an OTP goes out at once — real Celery
workers on a real Redis, one per lane group, sending to the local fake Twilio."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bench.common import wait_for
from customers.models import User
from messaging.lanes import BULK, NOTICE, TRANSACTIONAL, lane_of, queue_for
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue
from messaging.tasks import message_deliveries_enqueue

BULK_SIZE = 200


def test_every_purpose_has_a_lane_and_bulk_is_alone_on_its_queue():
    assert lane_of(Purpose.OTP) == TRANSACTIONAL
    assert lane_of(Purpose.BOOKING_REMINDER) == TRANSACTIONAL
    assert lane_of(Purpose.INQUIRY_ANSWERED) == TRANSACTIONAL
    assert lane_of(Purpose.INQUIRY_OVERDUE) == NOTICE
    assert lane_of(Purpose.MARKETING) == BULK
    assert len(set(settings.SMS_LANE_QUEUES.values())) == 3
    assert queue_for(Purpose.MARKETING) not in {
        queue_for(p) for p in Purpose.values if p != Purpose.MARKETING
    }


@pytest.mark.django_db(transaction=True)
def test_an_otp_is_delivered_while_a_bulk_backlog_waits_on_its_own_queue(lane_workers, fake_twilio):
    from tests.conftest import seed_demo_bank

    seed_demo_bank()  # transactional tests start from empty tables
    customer = User.objects.get(username="hanauser1")
    profile = customer.customer_profile
    # Night consent too: this test must not depend on the hour it runs at.
    profile.marketing_consent = profile.marketing_night_consent = True
    profile.save()
    fake_twilio.state.control({"delay": 0.05})  # the bulk lane needs ~10 s for its backlog
    bulk = Message.objects.bulk_create(
        Message(
            idempotency_key=f"bulk:{n}",
            purpose=Purpose.MARKETING,
            customer=customer,
            to_phone=profile.phone,
            body=f"(광고) 우대금리 {n}",
        )
        for n in range(BULK_SIZE)
    )
    message_deliveries_enqueue([m.pk for m in bulk], lane=BULK)
    assert wait_for(lambda: Message.objects.filter(purpose=Purpose.MARKETING, status="sent").exists(), 20)

    started = time.monotonic()
    with transaction.atomic():
        otp = message_enqueue(
            purpose=Purpose.OTP, key="otp:lane", to_phone=profile.phone, context={"code": "1"}
        )
    assert wait_for(lambda: Message.objects.get(pk=otp.pk).status == Message.Status.SENT, 5)
    otp_seconds = time.monotonic() - started
    waiting = Message.objects.filter(purpose=Purpose.MARKETING, status=Message.Status.PENDING).count()
    assert otp_seconds < 2.0
    assert waiting > BULK_SIZE / 4  # the backlog is still there: the OTP did not queue behind it

    assert wait_for(
        lambda: not Message.objects.filter(purpose=Purpose.MARKETING).exclude(status="sent").exists(), 60
    )
    stats = fake_twilio.state.stats()
    assert (stats["received"], stats["duplicates"]) == (BULK_SIZE + 1, 0)


@pytest.mark.django_db
def test_lookups_after_a_lost_send_stay_on_their_messages_lane(monkeypatch):
    """A bulk batch cut by a worker's death leaves many rows 'unknown'; their provider lookups go
    to the bulk lane's queue, so they cannot take the transactional slots an OTP needs."""
    from messaging import tasks

    published: list[tuple[int, str]] = []
    monkeypatch.setattr(
        tasks.message_reconcile_task,
        "apply_async",
        lambda args, queue=None, countdown=None: published.append((args[0], queue)),
    )
    monkeypatch.setattr(tasks, "message_deliveries_enqueue", lambda *a, **k: None)
    rows = {
        purpose: Message.objects.create(
            idempotency_key=f"lost:{purpose}",
            purpose=purpose,
            to_phone="+821012345678",
            body="x",
            status=Message.Status.UNKNOWN,
        )
        for purpose in (Purpose.MARKETING, Purpose.OTP, Purpose.INQUIRY_OVERDUE)
    }
    Message.objects.update(updated_at=timezone.now() - dt.timedelta(minutes=5))

    tasks.message_sweep(pending_idle=60, stuck_after=120)

    assert sorted(published) == sorted((rows[purpose].pk, queue_for(purpose)) for purpose in rows)
    assert queue_for(Purpose.MARKETING) != queue_for(Purpose.OTP)
