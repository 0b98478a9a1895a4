from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..models import Message


@dataclass(frozen=True)
class Alimtalk:
    """A KakaoTalk alimtalk: an approved template of the sender profile, filled with variables.
    The body stays the SMS/LMS text, the same content, for a fallback."""

    template_id: str
    variables: dict[str, str] = field(default_factory=dict)
    pf_id: str = ""  # the sender profile; empty: the provider's configured one


@dataclass(frozen=True)
class OutgoingSms:
    message_id: int
    to: str  # E.164
    body: str
    kind: str  # "sms" | "lms"
    alimtalk: Alimtalk | None = None  # only for providers that speak KakaoTalk


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

    @staticmethod
    def status_from_report(provider_status: str) -> Message.Status | None:
        """Our status for a word of this provider's delivery reports; None for a word that says
        nothing about an outgoing message."""
        ...
