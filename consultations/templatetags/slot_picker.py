"""Day labels of the slot picker (templates/consultations/_slot_picker.html)."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def short_weekday(day: dt.date) -> str:
    """화 in Korean (Django's abbreviation there is the whole 화요일), Tue in English."""
    name = date_format(day, "D")
    return name[:1] if (get_language() or "ko").startswith("ko") else name


@register.filter
def picker_day(day: dt.date) -> str:
    """The chosen day in the picker's summary: 3월 4일(화), Mar 4 (Tue)."""
    return _("%(date)s(%(weekday)s)") % {
        "date": date_format(day, _("n월 j일")),
        "weekday": short_weekday(day),
    }
