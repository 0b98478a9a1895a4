"""The one secret an outbox row may carry: an OTP code, kept out of the body.

The body is rendered with SECRET_MASK where the code goes, so every screen and every copy of the
table shows the mask. The code is sealed into `Message.secret` for the worker, which fills it in
only in the request to the provider; it is wiped as soon as the row reaches an outcome (sent,
failed, cancelled) or its validity ends, so after sending nothing in our database gives it back.
A retry or a crash before sending still finds it: the row is the promise, as for every message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from core.sealed import seal, unseal

from .models import SECRET_MASK, Message, Purpose

# The context variable each purpose keeps secret.
SECRET_VARIABLES = {Purpose.OTP: "code"}
_SEAL_PURPOSE = "messaging.secret"
FINAL = [Message.Status.DELIVERED, Message.Status.FAILED, Message.Status.CANCELLED]


def secret_split(purpose: str, context: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The context to render and store (the secret masked) and the sealed secret ('' if none)."""
    name = SECRET_VARIABLES.get(purpose)  # type: ignore[call-overload]
    if name is None or name not in context:
        return context, ""
    return {**context, name: SECRET_MASK}, seal(str(context[name]), purpose=_SEAL_PURPOSE)


def secret_fill(text: str, secret: str) -> str:
    """What the provider is sent: the masked text with the secret in place ('' secret: as is)."""
    if not secret or not text:
        return text
    return text.replace(SECRET_MASK, unseal(secret, purpose=_SEAL_PURPOSE))


def secret_wipe_finished() -> int:
    """Wipe the secrets of rows that have an outcome or whose moment has passed (the sweep's
    safety net behind the wipes done with each outcome). Returns how many were wiped."""
    now = timezone.now()
    return (
        Message.objects.exclude(secret="")
        .filter(
            Q(status__in=FINAL)
            | Q(status=Message.Status.SENT) & ~Q(kind=Message.Kind.ALIMTALK)
            | Q(valid_until__lte=now)
        )
        .update(secret="", updated_at=now)
    )
