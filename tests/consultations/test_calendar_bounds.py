"""Calendar blocks stay within two years of today, before and after."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from consultations.models import Unavailability
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2031, 3, 3, 10, tzinfo=KST)


@pytest.fixture
def teller(db, frozen_now) -> User:
    frozen_now(NOW)
    return User.objects.get(username="hnv2004")


def post_block(client, url, start: str, end: str):
    return client.post(url, json.dumps({"start": start, "end": end}), content_type="application/json")


@pytest.mark.parametrize(
    "start,end",
    [
        ("9999-12-31T23:00:00+09:00", "9999-12-31T23:59:59-12:00"),  # year 10000 in UTC
        ("2033-03-04T10:00:00+09:00", "2033-03-04T11:00:00+09:00"),  # a year too far
        ("2031-03-04T10:00:00+09:00", "2040-01-01T00:00:00+09:00"),  # ends too far
        ("2029-01-01T10:00:00+09:00", "2029-01-01T11:00:00+09:00"),  # too far back
    ],
)
def test_a_block_beyond_two_years_is_refused(client, teller, start, end):
    client.force_login(teller)
    response = post_block(client, reverse("staff:calendar_block_create"), start, end)
    assert response.status_code == 400
    assert response.json()["error"] in {
        "상담 불가 일정은 앞뒤 2년 안에서만 정할 수 있습니다.",
        "시작과 끝 시간을 알 수 없습니다.",
    }
    assert not Unavailability.objects.filter(staff=teller).exists()


def test_a_block_cannot_be_moved_beyond_two_years(client, teller):
    client.force_login(teller)
    block = Unavailability.objects.create(
        staff=teller, starts_at=NOW + dt.timedelta(days=1), ends_at=NOW + dt.timedelta(days=1, hours=1)
    )
    response = post_block(
        client,
        reverse("staff:calendar_block", args=[block.pk]),
        "2035-03-04T10:00:00+09:00",
        "2035-03-04T11:00:00+09:00",
    )
    assert response.status_code == 400
    block.refresh_from_db()
    assert block.starts_at == NOW + dt.timedelta(days=1)


def test_a_block_within_the_horizon_is_kept(client, teller):
    client.force_login(teller)
    response = post_block(
        client,
        reverse("staff:calendar_block_create"),
        "2032-12-01T10:00:00+09:00",
        "2032-12-01T11:00:00+09:00",
    )
    assert response.status_code == 201
