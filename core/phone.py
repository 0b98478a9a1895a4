"""Korean mobile numbers: parsed from what people type, stored in E.164 (+821012345678)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .params import ascii_digits

_DIGITS = re.compile(r"[0-9]+")
_STORED = re.compile(r"\+8210[0-9]{8}")


def normalize_korean_mobile(raw: str) -> str:
    """'010-1234-5678', '01012345678', '+82 10 1234 5678' -> '+821012345678'; anything else is refused."""
    if _STORED.fullmatch(raw or ""):  # already as we store it (a campaign reads thousands)
        return raw
    # Full-width digits are what a Korean keyboard types; other scripts' digits pass `\d` and
    # `int()` but are not a number anyone here dials: refused, not converted.
    text = ascii_digits((raw or "").strip())
    if any(ch.isdigit() and not ch.isascii() for ch in text):
        raise ValidationError(
            _("휴대폰 번호는 010으로 시작하는 11자리여야 합니다 (예: 010-1234-5678)."), code="invalid_mobile"
        )
    digits = "".join(_DIGITS.findall(text))
    if text.startswith("+") or digits.startswith("82"):
        if not digits.startswith("82"):
            raise ValidationError(_("국내 휴대폰 번호(+82)만 사용할 수 있습니다."), code="foreign_number")
        digits = "0" + digits[2:].lstrip("0")
    if not re.fullmatch(r"010[0-9]{8}", digits):
        raise ValidationError(
            _("휴대폰 번호는 010으로 시작하는 11자리여야 합니다 (예: 010-1234-5678)."), code="invalid_mobile"
        )
    return "+82" + digits[1:]


def format_korean_mobile(e164: str) -> str:
    """'+821012345678' -> '010-1234-5678'."""
    local = "0" + e164[3:] if e164.startswith("+82") else e164
    return f"{local[:3]}-{local[3:7]}-{local[7:]}" if len(local) == 11 else local


def mask_korean_mobile(e164: str) -> str:
    """'+821012345678' -> '010-****-5678' (lists never show the middle digits)."""
    local = format_korean_mobile(e164)
    return f"{local[:3]}-****-{local[-4:]}" if len(local) == 13 else "***"
