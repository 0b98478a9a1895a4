"""Customers are signed out after 10 idle minutes and may extend; staff keep their 30 (issue 17 §7)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

HOME = "me:home"


def test_it_is_ten_minutes_by_default(settings):
    assert settings.CUSTOMER_SESSION_IDLE_MINUTES == 10
    assert settings.CUSTOMER_SESSION_WARNING_SECONDS == 60


def test_an_idle_customer_is_signed_out_after_ten_minutes(client, customer, frozen_now):
    start = timezone.now()
    frozen_now(start)
    client.force_login(customer)
    assert client.get(reverse(HOME)).status_code == 200
    frozen_now(start + dt.timedelta(minutes=9, seconds=50))
    assert client.get(reverse(HOME)).status_code == 200  # still in time; this counts as activity
    frozen_now(start + dt.timedelta(minutes=20, seconds=1))
    response = client.get(reverse(HOME), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "10분 동안 사용하지 않아 자동으로 로그아웃되었습니다" in response.content.decode()
    frozen_now(start + dt.timedelta(minutes=20, seconds=2))
    assert client.get(reverse(HOME)).status_code == 302  # the session is gone, not merely hidden


def test_extending_keeps_the_session(client, customer, frozen_now):
    start = timezone.now()
    frozen_now(start)
    client.force_login(customer)
    page = client.get(reverse(HOME)).content.decode()
    assert 'id="session-timeout"' in page and 'data-idle-seconds="600"' in page and ">연장</button>" in page
    frozen_now(start + dt.timedelta(minutes=9, seconds=30))
    extended = client.post(reverse("session_extend"))
    assert extended.json() == {"ok": True, "remaining": 600}
    frozen_now(start + dt.timedelta(minutes=19))
    assert client.get(reverse(HOME)).status_code == 200


def test_extending_an_expired_session_is_refused(client, customer, frozen_now):
    start = timezone.now()
    frozen_now(start)
    client.force_login(customer)
    frozen_now(start + dt.timedelta(minutes=10, seconds=5))
    assert client.post(reverse("session_extend")).status_code == 401
    assert client.get(reverse(HOME)).status_code == 302


def test_staff_keep_their_thirty_minutes_and_get_no_customer_warning(client, teller, frozen_now):
    start = timezone.now()
    frozen_now(start)
    client.force_login(teller)
    page = client.get(reverse("staff:today")).content.decode()
    assert 'id="session-timeout"' not in page
    frozen_now(start + dt.timedelta(minutes=25))
    assert client.get(reverse("staff:today")).status_code == 200
