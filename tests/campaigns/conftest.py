from __future__ import annotations

import datetime as dt

import pytest

from campaigns.models import Campaign, Segment
from customers.models import CustomerProfile, User

KST = dt.timezone(dt.timedelta(hours=9))
MORNING = dt.datetime(2026, 12, 2, 10, 0, tzinfo=KST)
TARGETS = ("hanauser1", "hanauser2", "hanauser3")


@pytest.fixture
def second_manager(db) -> User:
    return User.objects.get(username="hnv9002")


@pytest.fixture
def targets(db) -> list[User]:
    """Exactly three customers consent to marketing (none of them at night)."""
    CustomerProfile.objects.update(marketing_consent=False, marketing_night_consent=False)
    CustomerProfile.objects.filter(user__username__in=TARGETS).update(marketing_consent=True)
    return list(User.objects.filter(username__in=TARGETS).order_by("pk"))


@pytest.fixture
def segment(manager) -> Segment:
    return Segment.objects.create(name="모두", created_by=manager)


@pytest.fixture
def make_campaign(manager, segment):
    def make(**fields) -> Campaign:
        values = {
            "name": "정기예금 우대금리",
            "segment": segment,
            "body": "#{이름}님, 12월 정기예금 우대금리 0.3%p",
            "starts_at": MORNING - dt.timedelta(hours=1),
            "ends_at": MORNING + dt.timedelta(days=2),
            "max_per_hour": 6000,
            "author": manager,
            **fields,
        }
        return Campaign.objects.create(**values)

    return make
