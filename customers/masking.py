"""Personal data as lists show it: enough to recognise a customer, not to copy their details."""

from __future__ import annotations

import datetime as dt

from core.phone import mask_korean_mobile


def mask_name(name: str) -> str:
    """박진우 → 박*우, 이서 → 이*, 남궁민수 → 남**수."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_birth(birth: dt.date | None) -> str:
    return f"{birth:%Y}-**-**" if birth else ""


def mask_email(email: str) -> str:
    """saerom@example.com → sa****@example.com."""
    local, at, domain = email.partition("@")
    if not at:
        return "*" * len(email)
    return local[:2] + "*" * max(1, len(local) - 2) + "@" + domain


__all__ = ["mask_birth", "mask_email", "mask_korean_mobile", "mask_name"]
