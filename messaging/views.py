from __future__ import annotations

import hmac
import logging
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticValidationError
from solapi.model.webhook.single_report import SingleReportPayload
from twilio.request_validator import RequestValidator

from core.params import param_id

from .access import manager_only, message_get_for_user, staff_only
from .board import BUCKET_LABELS, BUCKETS, delivery_board
from .body import (
    VARIABLES,
    alimtalk_template_for,
    body_counts,
    default_template_source,
    message_kind,
    render_source,
    template_source,
)
from .buttons import buttons_text
from .delivery import message_apply_provider_status
from .encoding import euc_kr_length
from .forms import MessageFilterForm, MessageTemplateForm
from .models import MessageTemplate, Purpose
from .outbox import message_retry
from .selectors import message_counts, message_page
from .tasks import message_provider_report
from .template_edits import message_template_reset, message_template_save

logger = logging.getLogger(__name__)


class StaffRequest(HttpRequest):
    """What a view behind staff_only or manager_only receives: a signed-in bank user."""

    user: Any  # an instance of AUTH_USER_MODEL, which lives on a floor above messaging


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
        provider="twilio",
        provider_message_id=request.POST.get("MessageSid", ""),
        provider_status=request.POST.get("MessageStatus", ""),
        error=request.POST.get("ErrorCode", ""),
    )
    return HttpResponse(status=204)


@csrf_exempt  # authenticated by the shared secret instead
@require_POST
def solapi_report_view(request: HttpRequest) -> HttpResponse:
    """SOLAPI's delivery reports (the webhook registered for its message report event).

    SOLAPI's webhook API (api-reference/webhook/createOutgoingData.md of its developer documents)
    takes an optional `secret` but documents neither a signature nor how the secret is sent, so the
    URL registered with SOLAPI carries our own shared secret: …/messaging/solapi/report/?token=<secret>.
    The body is what the SDK models as solapi.model.webhook.single_report.SingleReportPayload: a
    JSON array of events {eventDataId, data: {messageId, statusCode, statusMessage, ...}, retryCount};
    it is parsed with that model. A report only ever moves a message forward; an alimtalk reported
    undeliverable turns SMS/LMS once (repeated reports find nothing left to change), and that SMS
    is handed to its lane."""
    secret = settings.SOLAPI_WEBHOOK_SECRET
    token = request.GET.get("token", "")
    if not secret or not hmac.compare_digest(token.encode(), secret.encode()):
        logger.warning(
            "rejected a SOLAPI report without the shared secret from %s", request.META.get("REMOTE_ADDR")
        )
        return HttpResponseForbidden("invalid token")
    try:
        events = SingleReportPayload.model_validate_json(request.body or b"null").root
    except PydanticValidationError:
        return HttpResponse("expected SOLAPI's single report events", status=400)
    for event in events[:1000]:
        report = event.data
        if not report.message_id or not report.status_code:
            continue
        message_provider_report(
            provider="solapi",
            provider_message_id=report.message_id[:64],
            provider_status=report.status_code,
            error=f"{report.status_code} {report.status_message or ''}".strip()[:500],
        )
    return HttpResponse(status=204)


@staff_only
def message_list_view(request: StaffRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET or None)
    filters = form.filters()
    before = request.GET.get("before", "")
    rows, next_cursor = message_page(filters, before_id=param_id(before))
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "messaging/message_list.html",
        {
            "form": form,
            "rows": rows,
            "next_cursor": next_cursor,
            "counts": message_counts(filters),
            "board": delivery_board(),
            "board_buckets": [(b, BUCKET_LABELS[b]) for b in BUCKETS],
            "wait_threshold_minutes": int(settings.SMS_BOARD_WAIT_SECONDS // 60),
            "failure_threshold": round(100 * settings.SMS_BOARD_FAILURE_RATE),
            "query": query.urlencode(),
            "is_first_page": not before,
        },
    )


@staff_only
def message_detail_view(request: StaffRequest, pk: int) -> HttpResponse:
    message = message_get_for_user(user=request.user, pk=pk)
    return render(request, "messaging/message_detail.html", {"message": message})


@manager_only
@require_POST
def message_retry_view(request: StaffRequest, pk: int) -> HttpResponse:
    message = message_get_for_user(user=request.user, pk=pk, to_retry=True)
    try:
        message_retry(message=message)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("메시지를 다시 보내도록 했습니다."))
    return redirect("staff:message_detail", pk=pk)


@manager_only
def message_template_list_view(request: StaffRequest) -> HttpResponse:
    edited = {t.purpose: t for t in MessageTemplate.objects.select_related("updated_by")}
    items = [
        {"purpose": p, "label": Purpose(p).label, "source": template_source(p), "edited": edited.get(p)}
        for p in Purpose.values
    ]
    return render(request, "messaging/template_list.html", {"items": items})


def _purpose_or_404(purpose: str) -> str:
    if purpose not in Purpose.values:
        raise Http404
    return purpose


def _sample_counts(purpose: str, source: str | None) -> list[dict[str, Any]]:
    """The counts the editor shows before any keystroke (the live preview updates them)."""
    try:
        return body_counts(render_source(source or "", VARIABLES[purpose]))
    except (TemplateSyntaxError, ValidationError):
        return body_counts("")


@manager_only
def message_template_edit_view(request: StaffRequest, purpose: str) -> HttpResponse:
    purpose = _purpose_or_404(purpose)
    if request.method == "POST" and "reset" in request.POST:
        message_template_reset(purpose=purpose)
        messages.success(request, _("기본 템플릿으로 되돌렸습니다."))
        return redirect("staff:message_templates")
    form = MessageTemplateForm(
        request.POST or None,
        purpose=purpose,
        initial={
            "body": template_source(purpose),
            "alimtalk_template": alimtalk_template_for(purpose),
            "alimtalk_buttons": buttons_text(
                MessageTemplate.objects.filter(purpose=purpose)
                .values_list("alimtalk_buttons", flat=True)
                .first()
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        message_template_save(
            purpose=purpose,
            body=form.cleaned_data["body"],
            by=request.user,
            alimtalk_template=form.cleaned_data["alimtalk_template"],
            alimtalk_buttons=form.cleaned_data["alimtalk_buttons"],
        )
        messages.success(request, _("템플릿을 저장했습니다."))
        return redirect("staff:message_templates")
    return render(
        request,
        "messaging/template_form.html",
        {
            "form": form,
            "purpose": purpose,
            "label": Purpose(purpose).label,
            "variables": VARIABLES[purpose],
            "default_source": default_template_source(purpose),
            "limits": _sample_counts(
                purpose, form.data.get("body") if form.is_bound else template_source(purpose)
            ),
            "is_edited": MessageTemplate.objects.filter(purpose=purpose).exists(),
        },
    )


@manager_only
@require_POST
def message_template_preview_view(request: StaffRequest, purpose: str) -> JsonResponse:
    """Live preview: render the posted text with sample values; nothing is saved."""
    purpose = _purpose_or_404(purpose)
    form = MessageTemplateForm(request.POST, purpose=purpose)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": " ".join(str(e) for e in form.errors.get("body", []))})
    body = render_source(form.cleaned_data["body"], VARIABLES[purpose])
    return JsonResponse(
        {
            "ok": True,
            "body": body,
            "bytes": euc_kr_length(body),
            "chars": len(body),
            "kind": message_kind(body).upper(),
            "limits": body_counts(body),
        }
    )
