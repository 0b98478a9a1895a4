"""A walk-in customer with some history, shared by the claim and merge tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import consultation_record
from customers.models import User
from desk.services import walk_in_register
from messaging.models import Message, Purpose

WALK_IN_PHONE = "+821077771234"
KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def walk_in(db, teller) -> User:
    """A customer registered at the counter, with a consultation, a booking and an SMS."""
    customer = walk_in_register(
        data={"name": "최방문", "birth_date": dt.date(1961, 7, 15), "phone": WALK_IN_PHONE},
        by=teller,
        ip=None,
    )
    loan = MiddleCategory.objects.get(code="0201")
    branch = Channel.objects.get(code="branch")
    consultation_record(
        customer=customer,
        staff=teller,
        data={
            "main_category": loan.main,
            "middle_category": loan,
            "channel": branch,
            "title": "창구 주택담보대출 상담",
            "notes": "서류 안내",
            "progress": "in_progress",
            "follow_up_needed": True,
            "occurred_at": timezone.now() - dt.timedelta(days=1),
        },
        actor=teller,
    )
    start = dt.datetime(2031, 3, 4, 10, tzinfo=KST)
    Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=branch,
        main_category=loan.main,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )
    Message.objects.create(
        idempotency_key="walkin:1",
        purpose=Purpose.BOOKING_CONFIRMED,
        customer=customer,
        to_phone=WALK_IN_PHONE,
        body="예약",
    )
    return customer
