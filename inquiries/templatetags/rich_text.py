"""Rich text is cleaned again when it is shown: a row written by anything other than our services
(an import, an old version, the admin) still cannot put markup on the page."""

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from inquiries.sanitize import sanitize_html

register = template.Library()


@register.filter
def rich(value: str) -> SafeString:
    return mark_safe(sanitize_html(value or ""))  # noqa: S308 - the output of the allow-list cleaner


@register.filter
def rich_no_images(value: str) -> SafeString:
    return mark_safe(sanitize_html(value or "", images=False))  # noqa: S308


def _span(delta_seconds: float) -> str:
    minutes = int(abs(delta_seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)d일 %(h)d시간") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d시간 %(m)d분") % {"h": hours, "m": mins}
    return _("%(m)d분") % {"m": mins}


@register.inclusion_tag("inquiries/_sla.html")
def sla_badge(inquiry, now) -> dict:
    """Time left before the first-response deadline, or how far past it, for a waiting inquiry."""
    left = (inquiry.sla_due_at - now).total_seconds()
    if not inquiry.is_waiting:
        state = "done"
    elif left < 0:
        state = "overdue"
    elif left < 2 * 3600:
        state = "soon"
    else:
        state = "ok"
    return {"state": state, "span": _span(left), "due": inquiry.sla_due_at}
