"""The security pass: staff session timeouts, no-store on personal pages, security headers in
development and in production, and the production profile's redirects."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from rest_framework.test import APIClient

from api.keys import api_key_issue
from api.models import ApiClient
from consultations.models import Channel
from tests.test_deploy_settings import manage

KST = dt.timezone(dt.timedelta(hours=9))
MORNING = dt.datetime(2031, 3, 10, 8, 50, tzinfo=KST)


def sign_in(client, login: str, password: str) -> None:
    response = client.post(reverse("login"), {"username": login, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]


def on_staff_page(client) -> bool:
    response = client.get(reverse("staff:today"))
    return response.status_code == 200


def sent_to_login(client) -> str:
    """The next staff page goes to the login page; returns that page's text (with its notice)."""
    response = client.get(reverse("staff:customers"), follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith("/accounts/login/")
    return response.content.decode()


def test_a_staff_session_ends_after_30_idle_minutes(client, teller, demo_password, frozen_now):
    frozen_now(MORNING)
    sign_in(client, "hnv2004", demo_password)
    # busy with pauses under 30 minutes: still signed in two hours later
    for minutes in range(29, 150, 29):
        frozen_now(MORNING + dt.timedelta(minutes=minutes))
        assert on_staff_page(client), minutes
    frozen_now(MORNING + dt.timedelta(minutes=145 + 31))
    page = sent_to_login(client)
    assert "30분 동안 사용하지 않아 자동으로 로그아웃되었습니다" in page
    assert SESSION_KEY not in client.session  # signed out for good, not only for one page
    frozen_now(MORNING + dt.timedelta(minutes=145 + 32))
    assert not on_staff_page(client)


def test_a_staff_session_ends_12_hours_after_sign_in_however_busy(client, teller, demo_password, frozen_now):
    frozen_now(MORNING)
    sign_in(client, "hnv2004", demo_password)
    assert client.session.get_expiry_age() == 12 * 3600  # the cookie itself lives no longer
    for minutes in range(20, 12 * 60, 20):
        frozen_now(MORNING + dt.timedelta(minutes=minutes))
        assert on_staff_page(client), minutes
    frozen_now(MORNING + dt.timedelta(hours=12, minutes=1))
    assert "로그인한 지 12시간이 지나 자동으로 로그아웃되었습니다" in sent_to_login(client)
    # signing in again starts a new 12 hours
    sign_in(client, "hnv2004", demo_password)
    assert on_staff_page(client)


def test_the_timeouts_follow_the_settings(client, teller, demo_password, frozen_now, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    frozen_now(MORNING)
    sign_in(client, "hnv2004", demo_password)
    frozen_now(MORNING + dt.timedelta(minutes=6))
    assert "5분 동안 사용하지 않아 자동으로 로그아웃되었습니다" in sent_to_login(client)


def test_active_customers_stay_signed_in_past_30_minutes(client, customer, demo_password, frozen_now):
    # Customers have their own idle limit (10 minutes, tests/customers/test_session_timeout.py).
    frozen_now(MORNING)
    sign_in(client, "hanauser1", demo_password)
    for minutes in range(8, 3 * 60, 8):
        frozen_now(MORNING + dt.timedelta(minutes=minutes))
        assert client.get(reverse("me:home")).status_code == 200


def test_a_session_from_before_the_timeouts_starts_counting_at_its_next_request(client, teller, frozen_now):
    frozen_now(MORNING)
    client.force_login(teller)  # like a session created before the middleware was deployed
    session = client.session
    session.pop("_oh_signed_in_at", None)
    session.pop("_oh_last_seen_at", None)
    session.save()
    frozen_now(MORNING + dt.timedelta(hours=11))
    assert on_staff_page(client)
    frozen_now(MORNING + dt.timedelta(hours=11, minutes=31))
    assert not on_staff_page(client)


# --- caching of personal pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("login", "url"),
    [
        ("hanauser1", "/me/"),
        ("hanauser1", "/me/profile/"),
        ("hanauser1", "/inquiries/"),
        ("hnv2004", "/staff/customers/?q=hanauser1"),
        ("hnv2004", "/staff/consultations/export.csv"),
        ("hnv9001", "/staff/analytics/export/channel.csv"),
    ],
)
def test_pages_with_personal_data_are_never_stored(client, db, login, url):
    from customers.models import User

    client.force_login(User.objects.get(username=login))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_api_answers_are_never_stored(db):
    api_client = ApiClient.objects.create(
        name="cache-check", channel=Channel.objects.get(code="video"), can_read_history=True
    )
    raw = api_key_issue(client=api_client)[1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get(reverse("api:consultations"), {"customer_id": "hanauser1"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


# --- headers ------------------------------------------------------------------------------------


def test_every_page_carries_the_security_headers(client, db):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert (
        "script-src 'self';" in policy
        and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # only in production, over HTTPS
    permissions = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
    assert permissions["camera"] == permissions["microphone"] == permissions["payment"] == "()"
    assert permissions["geolocation"] == "(self)"  # the branch finder's "내 위치"


PRODUCTION_PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
# No collectstatic here: plain static URLs instead of the production manifest.
plain_static = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
override_settings(STORAGES=plain_static).enable()
c = Client()
plain = c.get("/accounts/login/", HTTP_HOST="omnihana.example.com")
secure = c.get("/accounts/login/", secure=True, HTTP_HOST="omnihana.example.com")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, dict(secure.headers), [str(m) for m in secure.cookies.values()]],
}))
"""


def test_production_redirects_to_https_and_sends_hsts_and_secure_cookies(tmp_path):
    result = manage(
        "shell",
        "-c",
        PRODUCTION_PROBE,
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="omnihana.example.com",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["plain"] == [301, "https://omnihana.example.com/accounts/login/"]
    status, headers, cookies = probe["secure"]
    assert status == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "no-store" in headers["Cache-Control"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert cookies and all("Secure" in cookie and "HttpOnly" in cookie for cookie in cookies)


# --- login lockout --------------------------------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_reset_the_login_lockout(client, customer, demo_password):
    def attempt(password: str, n: int):
        return client.post(
            reverse("login"),
            {"username": "hanauser1", "password": password},
            REMOTE_ADDR="198.51.100.23",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 10.0.0.{n}",  # a new "client" every time
            HTTP_X_REAL_IP=f"192.0.2.{n}",
        )

    for n in range(5):
        assert attempt("wrong-password", n).status_code == 200
    locked = attempt(demo_password, 99)
    assert locked.status_code == 200 and "로그인이 잠시 잠겼습니다" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_the_page_that_shows_a_new_api_key_once_is_never_stored(client, manager):
    api_client = ApiClient.objects.create(name="cache-key", channel=Channel.objects.get(code="video"))
    client.force_login(manager)
    response = client.post(reverse("staff:api_key_create", args=[api_client.pk]))
    assert response.status_code == 200
    assert api_client.keys.count() == 1
    assert "no-store" in response["Cache-Control"]
