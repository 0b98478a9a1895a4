"""Login limits across addresses and accounts (issue 17, point 3): one account guessed from many
addresses, one address spraying many accounts, and the owner who still gets in by SMS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from customers.models import LoginFailure, PhoneVerification
from messaging.models import Message, Purpose

KST = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=KST)
CODE = "246810"
CHECKED = "아이디 또는 비밀번호가 올바르지 않습니다."  # only when the password was actually compared


@pytest.fixture
def known_code(monkeypatch):
    """The step-up code the customer reads on the phone."""
    monkeypatch.setattr("customers.otp.secrets.randbelow", lambda _n: int(CODE))
    return CODE


def attempt(client, ip: str, username: str = "hanauser1", password: str = "wrong-password", **extra):  # noqa: S107
    return client.post(
        reverse("login"), {"username": username, "password": password, **extra}, REMOTE_ADDR=ip
    )


def test_four_addresses_with_five_guesses_each_are_slowed_on_the_account(client, customer, frozen_now):
    """Within a second: five guesses are compared, the other fifteen wait (the growing delay)."""
    frozen_now(START)
    pages = [attempt(client, f"203.0.113.{a}").content.decode() for a in range(1, 5) for _ in range(5)]
    assert sum(CHECKED in page for page in pages) == 5
    assert all("초 뒤에 다시 시도해 주세요" in page for page in pages[5:])
    assert LoginFailure.objects.filter(username="hanauser1").count() == 5


def test_guessing_an_account_stops_at_the_sms_step_up_and_the_owner_still_gets_in(
    client, customer, demo_password, frozen_now, known_code
):
    # 4 addresses × 5 guesses, a minute apart (past every delay): ten are compared, then none.
    now = START
    pages = []
    for a in range(1, 5):
        for _ in range(5):
            now += dt.timedelta(seconds=61)
            frozen_now(now)
            pages.append(attempt(client, f"203.0.113.{a}").content.decode())
    assert sum(CHECKED in page for page in pages) == 10
    assert all("휴대폰 인증이 필요합니다" in page for page in pages[10:])
    # The right password alone no longer opens the account, from any address.
    stolen = attempt(client, "198.51.100.7", password=demo_password)
    assert "휴대폰 인증이 필요합니다" in stolen.content.decode() and SESSION_KEY not in client.session
    # The customer is told once, by SMS through the outbox, however long the guessing goes on.
    locked = Message.objects.filter(purpose=Purpose.LOGIN_LOCKED, customer=customer)
    assert locked.count() == 1
    assert locked.get().to_phone == customer.customer_profile.phone
    assert "로그인에 휴대폰 인증이 필요합니다" in locked.get().body

    # The owner, from home: asks for the code, gets it on the phone, signs in.
    home = "192.0.2.50"
    page = attempt(client, home, password="", send_code="1").content.decode()
    assert "인증번호를 보냈습니다" in page and 'name="code"' in page
    sent = PhoneVerification.objects.get(purpose=PhoneVerification.Purpose.LOGIN)
    assert sent.phone == customer.customer_profile.phone
    wrong = attempt(client, home, password=demo_password, code="000000")
    assert "인증번호가 맞지 않습니다" in wrong.content.decode() and SESSION_KEY not in client.session
    signed_in = attempt(client, home, password=demo_password, code=known_code)
    assert signed_in.status_code == 302 and client.session[SESSION_KEY] == str(customer.pk)
    # Proven: the failures are over and the code is used up.
    assert not LoginFailure.objects.filter(username="hanauser1").exists()
    assert PhoneVerification.objects.get(pk=sent.pk).used_at is not None
    assert Message.objects.filter(purpose=Purpose.LOGIN_LOCKED).count() == 1


def test_the_step_up_code_is_not_enough_without_the_password(
    client, customer, frozen_now, known_code, settings
):
    settings.LOGIN_ACCOUNT_STEP_UP_AFTER = 2
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 5
    frozen_now(START)
    attempt(client, "203.0.113.1")
    attempt(client, "203.0.113.2")
    attempt(client, "192.0.2.50", password="", send_code="1")
    response = attempt(client, "192.0.2.50", password="still-wrong", code=known_code)
    assert CHECKED in response.content.decode() and SESSION_KEY not in client.session


def test_one_address_spraying_twelve_accounts_is_blocked(client, customer, demo_password):
    pages = [attempt(client, "203.0.113.9", username=f"spray{n:02d}").content.decode() for n in range(12)]
    assert sum(CHECKED in page for page in pages) == 10
    assert all("여러 아이디의 로그인 실패가 너무 많습니다" in page for page in pages[10:])
    # Even a right password from that address waits out the window …
    blocked = attempt(client, "203.0.113.9", password=demo_password)
    assert blocked.status_code == 200 and SESSION_KEY not in client.session
    # … while the customer from another address is not affected.
    assert attempt(client, "192.0.2.50", password=demo_password).status_code == 302


def test_a_staff_account_is_only_slowed_never_locked_for_good(client, db, demo_password, frozen_now):
    now = START
    for n in range(15):
        now += dt.timedelta(seconds=61)
        frozen_now(now)
        page = attempt(client, f"203.0.113.{n}", username="hnv2004").content.decode()
        assert CHECKED in page  # no step-up (no phone on file): the capped delay only
    assert "초 뒤에 다시 시도해 주세요" in attempt(client, "192.0.2.50", username="hnv2004").content.decode()
    frozen_now(now + dt.timedelta(seconds=61))
    assert attempt(client, "192.0.2.50", username="hnv2004", password=demo_password).status_code == 302


def test_the_limits_follow_the_settings(client, customer, settings, frozen_now):
    settings.LOGIN_ACCOUNT_DELAY_AFTER = 2
    settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS = 4
    frozen_now(START)
    attempt(client, "203.0.113.1")
    attempt(client, "203.0.113.2")
    assert "1초 뒤에" in attempt(client, "203.0.113.3").content.decode()
    frozen_now(START + dt.timedelta(seconds=2))
    assert CHECKED in attempt(client, "203.0.113.3").content.decode()  # the third: then 2 s
    assert "2초 뒤에" in attempt(client, "203.0.113.4").content.decode()
