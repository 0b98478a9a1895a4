from django import template

from customers import masking

register = template.Library()

register.filter("mask_name", masking.mask_name)
register.filter("mask_phone", masking.mask_korean_mobile)
register.filter("mask_birth", masking.mask_birth)
register.filter("mask_email", masking.mask_email)


@register.filter
def phone(e164: str) -> str:
    """+821012345678 → 010-1234-5678 (unmasked: for the customer page only)."""
    from core.phone import format_korean_mobile

    return format_korean_mobile(e164)
