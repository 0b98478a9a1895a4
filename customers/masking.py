"""Personal data as lists show it: enough to recognise a customer, not to copy their details."""

from __future__ import annotations

import datetime as dt

from messaging.phone import mask_korean_mobile


def mask_name(name: str) -> str:
    """박진우 → 박*우, 이서 → 이*, 남궁민수 → 남**수."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_birth(birth: dt.date | None) -> str:
    return f"{birth:%Y}-**-**" if birth else ""


__all__ = ["mask_birth", "mask_korean_mobile", "mask_name"]
