from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from .services import message_apply_provider_status

logger = logging.getLogger(__name__)


def _callback_url(request: HttpRequest) -> str:
    # Twilio signs the URL it called. Behind a proxy that is the public base, not our host name.
    base = settings.TWILIO_STATUS_CALLBACK_BASE.rstrip("/")
    return f"{base}{request.get_full_path()}" if base else request.build_absolute_uri()


@csrf_exempt  # authenticated by Twilio's signature instead
@require_POST
def twilio_status_view(request: HttpRequest) -> HttpResponse:
    signature = request.headers.get("X-Twilio-Signature", "")
    validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
    if not settings.TWILIO_AUTH_TOKEN or not validator.validate(
        _callback_url(request), request.POST.dict(), signature
    ):
        logger.warning(
            "rejected Twilio status callback with a bad signature from %s", request.META.get("REMOTE_ADDR")
        )
        return HttpResponseForbidden("invalid signature")
    message_apply_provider_status(
        provider_message_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
        error=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)
