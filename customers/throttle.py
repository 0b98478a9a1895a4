"""Login throttling: five wrong passwords for one login id from one address within 15 minutes
lock that pair for the rest of the window. The address is the one audit uses (REMOTE_ADDR, or
X-Forwarded-For only as far as our own proxies vouch for it), so a client cannot pick a fresh
address per try by sending the header. Failures live in the database: a Redis restart does not
unlock anybody."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from audit.services import client_ip

from .models import LoginFailure


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


def login_failed(*, request: HttpRequest, username: str) -> None:
    LoginFailure.objects.create(username=_key(username), ip=client_ip(request))


def login_succeeded(*, request: HttpRequest, username: str) -> None:
    LoginFailure.objects.filter(username=_key(username), ip=client_ip(request)).delete()


def login_unlock(*, username: str) -> None:
    """After a password reset by SMS the owner is proven; earlier failures stop counting."""
    LoginFailure.objects.filter(username=_key(username)).delete()
