"""Login throttling, three limits over the failures of the last LOGIN_FAILURE_WINDOW_MINUTES:

- per (login id, address): LOGIN_FAILURE_LIMIT wrong passwords lock that pair for the window;
- per address across accounts (password spraying): wrong passwords for LOGIN_IP_ACCOUNT_LIMIT
  different login ids from one address block that address's logins for the window;
- per account across addresses: after LOGIN_ACCOUNT_DELAY_AFTER failures each further try waits
  a growing delay (1 s, 2 s, 4 s … up to LOGIN_ACCOUNT_DELAY_MAX_SECONDS) after the last one, and
  after LOGIN_ACCOUNT_STEP_UP_AFTER failures a customer's password is not even checked without a
  code sent by SMS to the account's own phone. Guessing stops, but the owner, who has the phone,
  still gets in: an attacker cannot lock a customer out. The customer is told by SMS (once per
  lock, through the outbox). Staff accounts have no phone on file: they keep the capped delay.

The address is the one audit uses (REMOTE_ADDR, or X-Forwarded-For only as far as our own
proxies vouch for it), so a client cannot pick a fresh address per try by sending the header.
Failures live in the database: a Redis restart does not unlock anybody.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.request import client_ip
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue

from .models import LoginFailure, User


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)


def _key(username: str) -> str:
    return (username or "").strip().lower()[:150]


def login_is_locked(*, request: HttpRequest, username: str) -> bool:
    return (
        LoginFailure.objects.filter(
            username=_key(username), ip=client_ip(request), at__gt=_window_start()
        ).count()
        >= settings.LOGIN_FAILURE_LIMIT
    )


def login_tries_left(*, request: HttpRequest, username: str) -> int:
    """Wrong passwords this login id may still get from this address before the pair is locked."""
    used = LoginFailure.objects.filter(
        username=_key(username), ip=client_ip(request), at__gt=_window_start()
    ).count()
    return max(0, settings.LOGIN_FAILURE_LIMIT - used)


def address_is_blocked(*, request: HttpRequest) -> bool:
    """One address failed for too many different login ids (password spraying)."""
    ip = client_ip(request)
    if ip is None:
        return False
    accounts = (
        LoginFailure.objects.filter(ip=ip, at__gt=_window_start()).values("username").distinct().count()
    )
    return accounts >= settings.LOGIN_IP_ACCOUNT_LIMIT


def step_up_phone(username: str) -> str | None:
    """The phone a step-up code goes to: a customer's with a web login, else None."""
    user = (
        User.objects.filter(username__iexact=_key(username), role=User.Role.CUSTOMER, has_web_login=True)
        .select_related("customer_profile")
        .first()
    )
    profile = getattr(user, "customer_profile", None) if user is not None else None
    return profile.phone if profile is not None and profile.phone else None


def _is_staff_login(username: str) -> bool:
    return User.objects.filter(username__iexact=_key(username)).exclude(role=User.Role.CUSTOMER).exists()


@dataclass(frozen=True)
class AccountState:
    failures: int
    step_up: bool  # a code sent by SMS is needed with the password
    wait_seconds: int  # the growing delay still to run before the next try (0: may try now)


def account_state(username: str) -> AccountState:
    """What the account's recent failures (from any address) ask of the next try."""
    recent = LoginFailure.objects.filter(username=_key(username), at__gt=_window_start())
    failures = recent.count()
    # Customers and unknown ids alike (no hint which ids exist); staff have no phone for a code.
    if failures >= settings.LOGIN_ACCOUNT_STEP_UP_AFTER and not _is_staff_login(username):
        return AccountState(failures, step_up=True, wait_seconds=0)
    if failures < settings.LOGIN_ACCOUNT_DELAY_AFTER:
        return AccountState(failures, step_up=False, wait_seconds=0)
    exponent = min(failures - settings.LOGIN_ACCOUNT_DELAY_AFTER, 30)
    delay = min(2**exponent, settings.LOGIN_ACCOUNT_DELAY_MAX_SECONDS)
    last = recent.order_by("-at").values_list("at", flat=True).first()
    assert last is not None
    left = (last + dt.timedelta(seconds=delay) - timezone.now()).total_seconds()
    return AccountState(failures, step_up=False, wait_seconds=max(0, int(-(-left // 1))))


def _lock_account(key: str) -> None:
    """Serialise the failures of one login id, so one lock sends one SMS."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"login:{key}"])


@transaction.atomic
def login_failed(*, request: HttpRequest, username: str) -> None:
    key = _key(username)
    _lock_account(key)
    failure = LoginFailure.objects.create(username=key, ip=client_ip(request), at=timezone.now())
    failures = LoginFailure.objects.filter(username=key, at__gt=_window_start()).count()
    if failures < settings.LOGIN_ACCOUNT_STEP_UP_AFTER:
        return
    user = User.objects.filter(username__iexact=key, role=User.Role.CUSTOMER, has_web_login=True).first()
    if user is None or step_up_phone(key) is None:
        return
    # Once per lock: no lock SMS yet since this lock's window began.
    prefix = f"login-locked:{user.pk}:"
    if Message.objects.filter(idempotency_key__startswith=prefix, created_at__gt=_window_start()).exists():
        return
    message_enqueue(
        purpose=Purpose.LOGIN_LOCKED,
        key=f"{prefix}{failure.pk}",
        customer=user,
        context={"locked_at": failure.at},
    )


def login_succeeded(*, request: HttpRequest, username: str) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=client_ip(request)).delete()


def login_unlock(*, username: str) -> None:
    """After a password reset by SMS (or a login with the step-up code) the owner is proven;
    earlier failures stop counting."""
    LoginFailure.objects.filter(username=_key(username)).delete()
