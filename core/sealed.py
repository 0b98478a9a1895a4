"""Short secrets kept in the database only while they are needed (an SMS code until it is sent).

Encrypt-then-MAC with HMAC-SHA256 as the pseudo-random function: the key stream is
HMAC(key, nonce ‖ counter), the tag HMAC over nonce and ciphertext. Both keys are derived from
SECRET_KEY, so a copy of the database alone does not give the secret away. No new dependency:
the standard library's hmac and secrets are enough for values of a few bytes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

_NONCE = 16
_TAG = 32


def _key(purpose: str, use: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"omnihana.sealed:{purpose}:{use}".encode(), hashlib.sha256
    ).digest()


def _stream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (
        hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(length // 32 + 1)
    )
    return b"".join(blocks)[:length]


def seal(value: str, *, purpose: str) -> str:
    data = value.encode()
    nonce = secrets.token_bytes(_NONCE)
    cipher = bytes(a ^ b for a, b in zip(data, _stream(_key(purpose, "enc"), nonce, len(data)), strict=True))
    tag = hmac.new(_key(purpose, "mac"), nonce + cipher, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(nonce + cipher + tag).decode()


def unseal(token: str, *, purpose: str) -> str:
    """The sealed value; ValueError if the token was altered or sealed under another key."""
    raw = base64.urlsafe_b64decode(token.encode())
    if len(raw) < _NONCE + _TAG:
        raise ValueError("sealed value too short")
    nonce, cipher, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    expected = hmac.new(_key(purpose, "mac"), nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise ValueError("sealed value altered")
    plain = bytes(
        a ^ b for a, b in zip(cipher, _stream(_key(purpose, "enc"), nonce, len(cipher)), strict=True)
    )
    return plain.decode()
