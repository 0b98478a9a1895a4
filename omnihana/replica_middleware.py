"""Read-your-writes for the standby: whoever just wrote reads from the primary for a while.

The writer is the signed-in user, or for the API the bearer key (DRF authenticates inside the
view, so the header itself names the client here). The mark lives in the cache (Redis in
production), so it holds whichever web process serves the next request. With the cache unreachable every
request reads from the primary: slower, never stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.replica import pinned_to_primary, replica_configured
from core.soft_cache import cache_get, cache_set

SAFE = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _writer(request: HttpRequest) -> str | None:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        return "key:" + hashlib.sha256(header.encode()).hexdigest()[:32]
    return None


class ReadYourWritesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        writer = _writer(request)
        key = f"omnihana:wrote:{writer}" if writer else None
        # Unreachable cache: we cannot know whether this writer just wrote, so read from the primary.
        recent = bool(key and cache_get(key, unreachable=1))
        with pinned_to_primary(recent):
            response = self.get_response(request)
        if key and request.method not in SAFE and response.status_code < 400:
            cache_set(key, 1, timeout=settings.REPLICA_READ_YOUR_WRITES_SECONDS)
        return response
