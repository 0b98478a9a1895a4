"""The `date` filter of message templates: Korean SMS write the weekday as one syllable.

Django's Korean abbreviation of a weekday (format character D) is the whole word (수요일), so
"n/j(D)" made "12/2(수요일)"; texts from a bank read "12/2(수)". The message engine
(messaging/body.py) loads this library after Django's built-in filters, so this `date` replaces
the built-in one there and only there: every shipped template and every manager's edited one
gets the short form without changing its source.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.dateformat import DateFormat
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()


class _ShortWeekdayFormat(DateFormat):
    def D(self) -> str:  # noqa: N802 - the format character's name
        name = super().D()
        return name[:1] if (get_language() or "ko").startswith("ko") else name


@register.filter(expects_localtime=True, is_safe=False)
def date(value: Any, arg: str | None = None) -> str:
    """As Django's `date`, with 수 for D in Korean."""
    if value in (None, ""):
        return ""
    try:
        return _ShortWeekdayFormat(value).format(get_format(arg or "DATE_FORMAT"))
    except AttributeError:
        return ""
