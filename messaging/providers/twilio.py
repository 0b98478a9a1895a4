"""Twilio through its real Python client.

TWILIO_API_BASE points the client at another base URL (the local fake provider in tests and
benchmarks); in production it stays empty and the client talks to Twilio itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from ..encoding import TWILIO_MAX_CHARS
from ..models import Message
from .base import OutgoingSms, PermanentError, ProviderTimeout, SendResult, TransientError

TWILIO_BASE = "https://api.twilio.com"
# Twilio error codes that no retry can fix (invalid/unreachable number, opted out, body refused).
PERMANENT_CODES = {21211, 21214, 21217, 21407, 21408, 21610, 21612, 21614, 21617, 30003, 30005, 30006, 30007}
# Twilio's MessageStatus words in a delivery report, in our terms. Words not here (receiving,
# read, ...) say nothing about an outgoing SMS and are ignored.
STATUS_WORDS = {
    "accepted": Message.Status.SENT,
    "queued": Message.Status.SENT,
    "sending": Message.Status.SENT,
    "sent": Message.Status.SENT,
    "delivered": Message.Status.DELIVERED,
    "undelivered": Message.Status.FAILED,
    "failed": Message.Status.FAILED,
}


class _RebasedHttpClient(TwilioHttpClient):
    def __init__(self, base: str, **kwargs: Any):
        super().__init__(**kwargs)
        self._base = base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[override]
        if url.startswith(TWILIO_BASE):
            url = self._base + url[len(TWILIO_BASE) :]
        return super().request(method, url, *args, **kwargs)


class TwilioProvider:
    name = "twilio"

    def __init__(self) -> None:
        timeout = float(settings.SMS_SEND_TIMEOUT)
        proxy = {"https": settings.TWILIO_HTTPS_PROXY} if settings.TWILIO_HTTPS_PROXY else None
        http_client = (
            _RebasedHttpClient(settings.TWILIO_API_BASE, timeout=timeout, proxy=proxy)
            if settings.TWILIO_API_BASE
            else TwilioHttpClient(timeout=timeout, proxy=proxy)
        )
        if http_client.session is not None:
            # The proxy is configured explicitly (TWILIO_HTTPS_PROXY); otherwise requests re-reads
            # every environment variable on each send, a sixth of a send's CPU time.
            http_client.session.trust_env = False
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)
        self.from_number = settings.TWILIO_FROM_NUMBER

    @staticmethod
    def status_from_report(provider_status: str) -> Message.Status | None:
        return STATUS_WORDS.get(provider_status)

    def _status_callback(self, sms: OutgoingSms) -> str | None:
        base = settings.TWILIO_STATUS_CALLBACK_BASE
        if not base:
            return None
        return f"{base.rstrip('/')}{reverse('messaging:twilio_status')}?m={sms.message_id}"

    def send(self, sms: OutgoingSms) -> SendResult:
        if len(sms.body) > TWILIO_MAX_CHARS:
            # Twilio would answer 21617 after the request; saying why, before it, is clearer.
            raise PermanentError(
                f"body of {len(sms.body):,} characters is over Twilio's limit of {TWILIO_MAX_CHARS:,}"
            )
        params: dict[str, Any] = {"to": sms.to, "from_": self.from_number, "body": sms.body}
        callback = self._status_callback(sms)
        if callback:
            params["status_callback"] = callback
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as exc:
            if exc.status == 429 or exc.status >= 500 or exc.code not in PERMANENT_CODES:
                raise TransientError(f"twilio {exc.status} {exc.code}: {exc.msg}") from exc
            raise PermanentError(f"twilio {exc.status} {exc.code}: {exc.msg}") from exc
        except requests.exceptions.ConnectTimeout as exc:
            raise TransientError(f"connect timeout: {exc}") from exc  # never reached Twilio: safe to retry
        except requests.exceptions.Timeout as exc:
            raise ProviderTimeout(f"no answer within {settings.SMS_SEND_TIMEOUT}s") from exc
        except requests.exceptions.RequestException as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        return SendResult(provider_message_id=created.sid, status=created.status or "queued")

    def lookup(self, sms: OutgoingSms, *, since_epoch: float) -> SendResult | None:
        since = dt.datetime.fromtimestamp(since_epoch, tz=dt.UTC) - dt.timedelta(minutes=1)
        try:
            candidates = self.client.messages.list(to=sms.to, date_sent_after=since, limit=50)
        except (TwilioRestException, requests.exceptions.RequestException) as exc:
            raise TransientError(f"lookup failed: {exc}") from exc
        for candidate in candidates:
            created = candidate.date_created
            if candidate.body == sms.body and (created is None or created >= since):
                return SendResult(provider_message_id=candidate.sid, status=candidate.status or "queued")
        return None
