"""Filters of the delivery board: a wait in Korean words, a rate in percent, a count by name."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, 0)


@register.filter
def percent(rate: float | None) -> str:
    return "" if rate is None else f"{100 * rate:.1f}%"


@register.filter
def wait_label(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)s시간 %(m)s분") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)s분 %(s)s초") % {"m": minutes, "s": secs}
    return _("%(s)s초") % {"s": secs}
