from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingSms:
    message_id: int
    to: str  # E.164
    body: str
    kind: str  # "sms" | "lms"


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str
    status: str = "sent"


class ProviderError(Exception):
    pass


class TransientError(ProviderError):
    """Worth retrying later: rate limited, provider 5xx, connection refused."""


class PermanentError(ProviderError):
    """Retrying cannot help: invalid or unreachable number, message rejected."""


class ProviderTimeout(ProviderError):
    """The request may or may not have been accepted: look it up before sending again."""


class SmsProvider(Protocol):
    name: str

    def send(self, sms: OutgoingSms) -> SendResult: ...

    def lookup(self, sms: OutgoingSms, *, since_epoch: float) -> SendResult | None:
        """Find a message this provider accepted for `sms` (after a timeout or a lost worker)."""
        ...
