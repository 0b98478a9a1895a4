from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from customers.roles import AuthenticatedRequest, manager_required, staff_required

from .body import VARIABLES, default_template_source, message_kind, render_source, template_source
from .encoding import euc_kr_length
from .forms import MessageFilterForm, MessageTemplateForm
from .models import Message, MessageTemplate, Purpose
from .selectors import message_counts, message_get, message_page
from .services import (
    message_apply_provider_status,
    message_retry,
    message_template_reset,
    message_template_save,
)

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


@staff_required
def message_list_view(request: AuthenticatedRequest) -> HttpResponse:
    form = MessageFilterForm(request.GET or None)
    filters = form.filters()
    before = request.GET.get("before", "")
    rows, next_cursor = message_page(filters, before_id=int(before) if before.isdigit() else None)
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
            "query": query.urlencode(),
            "is_first_page": not before,
        },
    )


@staff_required
def message_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        message = message_get(pk)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "messaging/message_detail.html", {"message": message})


@manager_required
@require_POST
def message_retry_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        message = message_get(pk)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
    try:
        message_retry(message=message)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("메시지를 다시 보내도록 했습니다."))
    return redirect("staff:message_detail", pk=pk)


@manager_required
def message_template_list_view(request: AuthenticatedRequest) -> HttpResponse:
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


@manager_required
def message_template_edit_view(request: AuthenticatedRequest, purpose: str) -> HttpResponse:
    purpose = _purpose_or_404(purpose)
    if request.method == "POST" and "reset" in request.POST:
        message_template_reset(purpose=purpose)
        messages.success(request, _("기본 템플릿으로 되돌렸습니다."))
        return redirect("staff:message_templates")
    form = MessageTemplateForm(
        request.POST or None, purpose=purpose, initial={"body": template_source(purpose)}
    )
    if request.method == "POST" and form.is_valid():
        message_template_save(purpose=purpose, body=form.cleaned_data["body"], by=request.user)
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
            "is_edited": MessageTemplate.objects.filter(purpose=purpose).exists(),
        },
    )


@manager_required
@require_POST
def message_template_preview_view(request: AuthenticatedRequest, purpose: str) -> JsonResponse:
    """Live preview: render the posted text with sample values; nothing is saved."""
    purpose = _purpose_or_404(purpose)
    form = MessageTemplateForm(request.POST, purpose=purpose)
    if not form.is_valid():
        return JsonResponse({"ok": False, "error": " ".join(str(e) for e in form.errors.get("body", []))})
    body = render_source(form.cleaned_data["body"], VARIABLES[purpose])
    return JsonResponse(
        {"ok": True, "body": body, "bytes": euc_kr_length(body), "kind": message_kind(body).upper()}
    )
