"""Security middleware.

- Content-Security-Policy and Permissions-Policy on every response: scripts only from this site (no inline scripts, no
  eval), nothing framed, forms post only here. Kakao's map and postcode scripts are allowed only
  when they are switched on in settings.
- Staff sessions end after STAFF_SESSION_IDLE_MINUTES without a request and STAFF_SESSION_MAX_HOURS
  after sign-in, however busy they are; customer sessions after CUSTOMER_SESSION_IDLE_MINUTES (10,
  Korean banks' convention) without a request, with a warning and a "연장" button a minute before
  (static/js/session_timeout.js, the extend endpoint in customers/views.py).
- A query string carrying NUL or an unencodable character is refused (400) before any view.
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
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import is_safe_text

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


# Browser features no page of ours uses are switched off for every origin; the branch finder
# asks for the visitor's position ("내 위치"), so geolocation stays allowed for this site only.
PERMISSIONS_POLICY = ", ".join(
    [
        "geolocation=(self)",
        *(
            f"{feature}=()"
            for feature in (
                "camera", "microphone", "payment", "usb", "accelerometer", "gyroscope",
                "magnetometer", "display-capture", "fullscreen",
            )
        ),
    ]
)  # fmt: skip


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = build_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_bank_staff", False))


def _is_customer(user: Any) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_customer", False))


def idle_seconds(user: Any) -> float:
    """How long this person's session lasts without a request."""
    minutes = (
        settings.STAFF_SESSION_IDLE_MINUTES if _is_staff(user) else settings.CUSTOMER_SESSION_IDLE_MINUTES
    )
    return float(minutes) * 60


@receiver(user_logged_in)
def _stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now().timestamp()
    request.session[LAST_SEEN_AT] = now
    if _is_staff(user):
        request.session[SIGNED_IN_AT] = now
        request.session.set_expiry(int(settings.STAFF_SESSION_MAX_HOURS * 3600))  # the cookie dies too


def session_touch(request: HttpRequest) -> float:
    """Count this moment as activity (the "연장" button); returns the seconds now left."""
    request.session[LAST_SEEN_AT] = timezone.now().timestamp()
    return idle_seconds(request.user)


def customer_session_expired(session: Any, now: float) -> bool:
    last_seen = session.get(LAST_SEEN_AT)
    return last_seen is not None and now - last_seen > settings.CUSTOMER_SESSION_IDLE_MINUTES * 60


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
    """Signs a staff member out after 30 idle minutes or 12 hours, a customer after 10 idle minutes
    (by default); the view then sees an anonymous visitor and sends them to the login page with a
    note saying why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_customer(request.user):
            session = request.session
            now = timezone.now().timestamp()
            if customer_session_expired(session, now):
                logout(request)
                messages.info(
                    request,
                    _("%(minutes)d분 동안 사용하지 않아 자동으로 로그아웃되었습니다. 다시 로그인해 주세요.")
                    % {"minutes": settings.CUSTOMER_SESSION_IDLE_MINUTES},
                )
            elif now - session.get(LAST_SEEN_AT, 0) >= min(SEEN_RESOLUTION, idle_seconds(request.user) / 20):
                session[LAST_SEEN_AT] = now  # a session from before this middleware starts from now
        elif _is_staff(request.user):
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


class QueryStringGuardMiddleware:
    """A query string with NUL or an unencodable character is answered 400 before any view reads it.

    Every page copies its parameters somewhere: into the audit log's JSON (PostgreSQL refuses `\\u0000`
    there), into SQL text comparisons (refused too), into links. One refusal here is simpler than a
    check in each of them; the values themselves are parsed by `core.params` in the views.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, values in request.GET.lists():
            if not is_safe_text(key) or not all(is_safe_text(v) for v in values):
                message = _("요청 주소에 쓸 수 없는 문자가 있습니다.")
                if request.path.startswith("/api/"):  # the API promises JSON, errors included
                    return JsonResponse({"detail": message}, status=400)
                return HttpResponseBadRequest(message)
        return self.get_response(request)


def session_timeout_context(request: HttpRequest) -> dict[str, Any]:
    """For base.html: a signed-in customer's page carries the idle warning (static/js/session_timeout.js)."""
    user = getattr(request, "user", None)
    if user is None or not _is_customer(user):
        return {}
    return {
        "session_idle_seconds": int(idle_seconds(user)),
        "session_warning_seconds": int(settings.CUSTOMER_SESSION_WARNING_SECONDS),
    }


@require_POST
def session_extend_view(request: HttpRequest) -> JsonResponse:
    """The warning's "연장" button: this click counts as activity. 401 once the session is over."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    return JsonResponse({"ok": True, "remaining": int(session_touch(request))})
