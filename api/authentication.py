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
    """Requests per client (settings API_RATE_LIMIT). The counter is in the cache (Redis); if
    Redis is away the API keeps answering rather than failing every channel at once."""

    scope = "api_client"

    def get_cache_key(self, request: Request, view) -> str | None:
        client = request.user
        if not getattr(client, "pk", None):
            return None
        # With the creation time: a database rebuilt from scratch reuses ids, Redis may remember them.
        return f"throttle:api:{client.pk}:{client.created_at.timestamp():.0f}"

    def allow_request(self, request: Request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - any cache failure
            log.warning("API rate limit skipped: cache unavailable", exc_info=True)
            return True
