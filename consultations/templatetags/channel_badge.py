"""A channel's badge (영업점 창구, 콜센터, …): one small piece of HTML written in Python, since a
result list shows it on every row and an {% include %} a row costs a template render each
(the staff search page: bench/staff_desk.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def channel_badge(channel: Any) -> SafeString | str:
    if channel is None:
        return ""
    return format_html(
        '<span class="badge oh-channel oh-channel-{}"><i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        channel.code,
        channel.icon,
        channel.name,
    )
