"""`Authorization: Bearer <key>` for other channels' systems, and a rate limit per client."""

from __future__ import annotations

import logging

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling
from rest_framework.request import Request

from .keys import api_key_check

log = logging.getLogger(__name__)


class BearerKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw = header.partition(" ")
        # RFC 9110 §11.1: the scheme is case-insensitive ("bearer", "BEARER").
        if scheme.lower() != self.keyword.lower() or not raw.strip():
            raise exceptions.AuthenticationFailed("Authorization must be 'Bearer <API key>'.")
        key = api_key_check(raw.strip())
        if key is None:
            raise exceptions.AuthenticationFailed("Unknown, revoked or disabled API key.")
        return key.client, key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="omnihana"'


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API key from `create_api_key`."}


class ClientRateThrottle(throttling.SimpleRateThrottle):
    """Requests per client (settings API_RATE_LIMIT), counted in the cache (Redis) so every web
    process counts towards one limit. If Redis is away the API keeps answering rather than failing
    every channel at once.

    A sliding window from two fixed ones: this window's count plus the last window's, weighted by
    how much of it still lies within the last `duration` seconds (the estimate Cloudflare and
    sliding-window limiters commonly use). One read of the last window's counter and one INCR per request,
    whatever the rate. DRF's own SimpleRateThrottle keeps the time of every request in one cache value, read
    and written back whole on every request: 135 KB each way at 250 requests/s, and two processes
    writing back at once lose each other's requests."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view) -> str | None:
        client = request.user
        if not getattr(client, "pk", None):
            return None
        # With the creation time: a database rebuilt from scratch reuses ids, Redis may remember them.
        return f"throttle:api:{client.pk}:{client.created_at.timestamp():.0f}"

    def allow_request(self, request: Request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        try:
            return self._counted(key)
        except Exception:  # noqa: BLE001 - any cache failure
            log.warning("API rate limit skipped: cache unavailable", exc_info=True)
            return True

    def _counted(self, key: str) -> bool:
        window, self._into = divmod(self.timer(), self.duration)
        current = f"{key}:{window:.0f}"
        self._last = self.cache.get(f"{key}:{window - 1:.0f}", 0)
        # Counted first (INCR is atomic: concurrent requests each get their own number, so the
        # limit holds exactly across processes), taken back if refused (a refused request does
        # not count, as with DRF's throttle).
        try:
            self._current = self.cache.incr(current)
        except ValueError:  # the window's first request
            self._current = (
                1 if self.cache.add(current, 1, timeout=2 * self.duration + 1) else self.cache.incr(current)
            )
        if self._estimate() > self.num_requests:
            self.cache.decr(current)
            self._current -= 1
            return False
        return True

    def _estimate(self) -> float:
        return self._last * (1 - self._into / self.duration) + self._current

    def wait(self) -> float:
        """Seconds until one more request fits: the last window's share fades as time goes on;
        in the next window this window's count fades in turn."""
        need = self._estimate() + 1 - self.num_requests
        left = self.duration - self._into
        if self._last and need <= self._last * left / self.duration:
            return max(1.0, need * self.duration / self._last)
        need_next = self._current + 1 - self.num_requests
        if need_next <= 0 or not self._current:
            return max(1.0, left)
        return max(1.0, left + need_next * self.duration / self._current)
