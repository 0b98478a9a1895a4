"""Lanes: each purpose travels on its own Celery queue, so a bulk send never waits in front of an OTP.

The queue names are settings (SMS_LANE_QUEUES); each lane has its own workers (scripts/run.sh,
docker-compose.yml). Tasks still carry ids only: the publisher picks the queue from the purpose.
"""

from __future__ import annotations

from django.conf import settings

from .models import Purpose

TRANSACTIONAL = "transactional"
NOTICE = "notice"
BULK = "bulk"

LANE_OF_PURPOSE = {
    Purpose.OTP: TRANSACTIONAL,
    Purpose.LOGIN_LOCKED: TRANSACTIONAL,
    Purpose.BOOKING_CONFIRMED: TRANSACTIONAL,
    Purpose.BOOKING_CANCELLED: TRANSACTIONAL,
    Purpose.BOOKING_REMINDER: TRANSACTIONAL,
    Purpose.INQUIRY_ANSWERED: TRANSACTIONAL,
    Purpose.INQUIRY_OVERDUE: NOTICE,
    Purpose.MARKETING: BULK,
}


def lane_of(purpose: str) -> str:
    # A purpose added without a lane is a notice: never in front of OTPs, never behind a bulk send.
    return LANE_OF_PURPOSE.get(purpose, NOTICE)  # type: ignore[call-overload]


def queue_of(lane: str) -> str:
    return str(settings.SMS_LANE_QUEUES[lane])


def queue_for(purpose: str) -> str:
    return queue_of(lane_of(purpose))
