"""Values read from a query string, parsed one way everywhere.

A query string is typed by anyone: every reader here answers None (ignore it) for a value it cannot
use instead of raising, so no page turns a hostile parameter into a 500. Ids take ASCII digits only
(`'²'.isdigit()` is true and `int('²')` raises; `int('١٢')` is 12), and stay inside PostgreSQL's
bigint. Dates stay inside 1900–2999, so `day + 1` and `day_end(day)` never overflow.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1  # PostgreSQL bigint
MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_TEXT = 500  # characters: longer than any field a filter compares with
# How far ahead anything is planned (a calendar block, a callback, a campaign): months, not decades.
# A date beyond it is a typing error (year 10000 cannot even be shown in Seoul time).
FUTURE_HORIZON = dt.timedelta(days=730)

_ASCII_INT = re.compile(r"[0-9]{1,19}")
# Full-width digits are what a Korean IME types in full-width mode; anything else that Unicode calls
# a digit (Arabic-Indic, Devanagari, superscripts…) is refused rather than guessed at.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def ascii_digits(text: str) -> str:
    """Full-width digits as ASCII; every other character unchanged."""
    return text.translate(_FULL_WIDTH)


def is_safe_text(value: str) -> bool:
    """No NUL (PostgreSQL refuses it in text and JSON) and no lone surrogate (not encodable)."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def param_id(value: object) -> int | None:
    """A positive database id, or None."""
    if not isinstance(value, str) or not _ASCII_INT.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def beyond_horizon(moment: dt.datetime, now: dt.datetime | None = None) -> bool:
    """True when `moment` lies more than FUTURE_HORIZON ahead of now."""
    return moment > (now or timezone.now()) + FUTURE_HORIZON


def in_bounds(day: dt.date) -> bool:
    return MIN_YEAR <= day.year <= MAX_YEAR


def param_date(value: object) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) within the bounds, or None."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        day = parse_date(value)
    except ValueError:  # well-formed but impossible: 2020-13-45
        return None
    return day if day is not None and in_bounds(day) else None


def param_datetime(value: object, *, naive: str = "local") -> dt.datetime | None:
    """An ISO date-time within the bounds, aware, or None. Without an offset it is taken as local
    time (`naive="local"`) or refused (`naive="refuse"`)."""
    if not isinstance(value, str) or not value.isascii():
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None or not in_bounds(moment.date()):
        return None
    if moment.tzinfo is None:
        if naive == "refuse":
            return None
        try:
            moment = timezone.make_aware(moment)
        except (ValueError, OverflowError):
            return None
    try:
        # Converting to UTC may cross a year boundary; an instant that cannot be stored is refused.
        moment.astimezone(dt.UTC)
    except OverflowError:
        return None
    return moment


def param_text(value: object, *, max_length: int = MAX_TEXT) -> str | None:
    """A short string without NUL or lone surrogates, or None."""
    if not isinstance(value, str) or len(value) > max_length or not is_safe_text(value):
        return None
    return value


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2999: anything outside is a typing error, and arithmetic on it overflows."""

    default_error_messages = {"out_of_range": _("1900년부터 2999년 사이의 날짜를 입력해 주세요.")}

    def to_python(self, value: str | dt.datetime | dt.date | None) -> dt.date | None:
        if isinstance(value, str):
            value = ascii_digits(value)
            if not value.isascii():
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        day = super().to_python(value)
        if day is not None and not in_bounds(day):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day
