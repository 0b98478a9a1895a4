"""Security middleware.

- Content-Security-Policy on every response: scripts only from this site (no inline scripts, no
  eval), nothing framed, forms post only here. Kakao's map and postcode scripts are allowed only
  when they are switched on in settings.
- Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request and STAFF_SESSION_MAX_HOURS
  after sign-in, however busy they are.
- Pages made for a request are never stored by a browser or proxy (`Cache-Control: no-store`):
  nearly every one shows somebody's personal data, and the few public ones lose nothing by it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SIGNED_IN_AT = "_oh_signed_in_at"
LAST_SEEN_AT = "_oh_last_seen_at"
SEEN_RESOLUTION = 30  # seconds: the last-seen stamp is rewritten at most this often (fewer session writes)


def build_policy() -> str:
    script, frame, img, connect = ["'self'"], ["'none'"], ["'self'", "data:", "blob:"], ["'self'"]
    if settings.KAKAO_MAP_JS_KEY:
        script += ["https://dapi.kakao.com", "https://*.daumcdn.net"]
        img += ["https://*.daumcdn.net", "https://*.kakao.com"]
        connect += ["https://dapi.kakao.com"]
    if settings.DAUM_POSTCODE_ENABLED:
        script += ["https://t1.daumcdn.net", "https://*.daumcdn.net"]
        frame = ["https://postcode.map.daum.net", "https://*.daum.net"]
    directives = {
        "default-src": ["'self'"],
        "script-src": sorted(set(script), key=script.index),
        "style-src": ["'self'", "'unsafe-inline'"],  # Summernote and Bootstrap set inline styles
        "img-src": sorted(set(img), key=img.index),
        "font-src": ["'self'", "data:"],
        "connect-src": connect,
        "frame-src": frame,
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_bank_staff", False))


@receiver(user_logged_in)
def _stamp_staff_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session") or not _is_staff(user):
        return
    now = timezone.now().timestamp()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now
    request.session.set_expiry(int(settings.STAFF_SESSION_MAX_HOURS * 3600))  # the cookie dies too


def staff_session_expired(session: Any, now: float) -> str | None:
    """Why a staff session is over at `now` ('idle' or 'absolute'), or None while it is still good."""
    signed_in = session.get(SIGNED_IN_AT)
    last_seen = session.get(LAST_SEEN_AT, signed_in)
    if signed_in is None:
        return None
    if now - signed_in > settings.STAFF_SESSION_MAX_HOURS * 3600:
        return "absolute"
    if now - last_seen > settings.STAFF_SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


class StaffSessionTimeoutMiddleware:
    """Signs a staff member out after 30 idle minutes or 12 hours (by default); the view then sees an
    anonymous visitor and sends them to the login page with a note saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_staff(request.user):
            session = request.session
            now = timezone.now().timestamp()
            session.setdefault(SIGNED_IN_AT, now)  # a session from before this middleware: from now
            reason = staff_session_expired(session, now)
            if reason is not None:
                logout(request)
                if reason == "absolute":
                    note = _(
                        "로그인한 지 %(hours)s시간이 지나 자동으로 로그아웃되었습니다. 다시 로그인해 주세요."
                    ) % {"hours": f"{settings.STAFF_SESSION_MAX_HOURS:g}"}
                else:
                    note = _(
                        "%(minutes)d분 동안 사용하지 않아 자동으로 로그아웃되었습니다. 다시 로그인해 주세요."
                    ) % {"minutes": settings.STAFF_SESSION_IDLE_MINUTES}
                messages.info(request, note)
            elif now - session.get(LAST_SEEN_AT, 0) >= SEEN_RESOLUTION:
                session[LAST_SEEN_AT] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response a view made, unless the view chose its own policy.

    Static files are answered by WhiteNoise earlier in the chain and keep their long cache lifetimes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response
