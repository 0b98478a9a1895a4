"""The bank's own wording of an SMS, saved over the file in templates/messaging/sms/."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser

from .body import template_check
from .buttons import buttons_check
from .models import MessageTemplate


def message_template_save(
    *,
    purpose: str,
    body: str,
    by: AbstractBaseUser,
    alimtalk_template: str = "",
    alimtalk_buttons: list[dict[str, str]] | None = None,
) -> MessageTemplate:
    # The form checks too; this is the rule for every caller.
    template_check(purpose, body, alimtalk=bool(alimtalk_template))
    buttons = buttons_check(list(alimtalk_buttons or [])) if alimtalk_template else []
    template, _created = MessageTemplate.objects.update_or_create(
        purpose=purpose,
        defaults={
            "body": body,
            "updated_by": by,
            "alimtalk_template": alimtalk_template,
            "alimtalk_buttons": buttons,
        },
    )
    return template


def message_template_reset(*, purpose: str) -> None:
    """Back to the file in templates/messaging/sms/."""
    MessageTemplate.objects.filter(purpose=purpose).delete()
