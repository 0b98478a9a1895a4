"""The staff calendar: the page, its event feed, and unavailable blocks (JSON)."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.business_days import next_business_day
from core.params import is_safe_text, param_datetime, param_id
from customers.models import User
from customers.roles import AuthenticatedRequest, staff_required

from .access import (
    calendar_staff_for_user,
    unavailability_get_for_user,
)
from .selectors import (
    calendar_events,
)
from .services import (
    unavailability_create,
    unavailability_delete,
    unavailability_move,
)


@staff_required
def calendar_view(request: AuthenticatedRequest) -> HttpResponse:
    user: User = request.user
    staff = calendar_staff_for_user(user=user, staff_id=param_id(request.GET.get("staff")))
    choices = []
    if user.is_manager:
        choices = list(
            User.objects.filter(role__in=[User.Role.TELLER, User.Role.AGENT], is_active=True)
            .select_related("staff_profile__branch")
            .order_by("staff_profile__branch__code", "name")
        )
    return render(
        request,
        "consultations/calendar.html",
        {
            "calendar_staff": staff,
            "staff_choices": choices,
            "first_day": next_business_day(timezone.localdate()),
            # the "차단 추가" form's start and end: the calendar's own half hours, 08:00–19:00
            "block_times": [
                f"{minutes // 60:02d}:{minutes % 60:02d}" for minutes in range(8 * 60, 19 * 60 + 1, 30)
            ],
        },
    )


@staff_required
def calendar_events_view(request: AuthenticatedRequest) -> JsonResponse:
    staff = calendar_staff_for_user(user=request.user, staff_id=param_id(request.GET.get("staff")))
    start, end = param_datetime(request.GET.get("start")), param_datetime(request.GET.get("end"))
    if start is None or end is None or end <= start or end - start > dt.timedelta(days=62):
        return JsonResponse({"error": _("기간이 올바르지 않습니다.")}, status=400)
    return JsonResponse(calendar_events(staff=staff, start=start, end=end, viewer=request.user), safe=False)


def _block_payload(request: HttpRequest) -> tuple[dt.datetime, dt.datetime, str]:
    try:
        body = json.loads(request.body or b"{}")
    except json.JSONDecodeError as exc:
        raise ValidationError(_("요청 형식이 올바르지 않습니다."), code="json") from exc
    if not isinstance(body, dict):
        raise ValidationError(_("요청 형식이 올바르지 않습니다."), code="json")
    start, end = param_datetime(body.get("start")), param_datetime(body.get("end"))
    if start is None or end is None:
        raise ValidationError(_("시작과 끝 시간을 알 수 없습니다."), code="time")
    reason = body.get("reason", "")
    if not isinstance(reason, str) or not is_safe_text(reason):
        raise ValidationError(_("사유에 쓸 수 없는 문자가 있습니다."), code="reason")
    return start, end, reason


@staff_required
@require_POST
def calendar_block_create_view(request: AuthenticatedRequest) -> JsonResponse:
    staff = calendar_staff_for_user(user=request.user, staff_id=param_id(request.GET.get("staff")))
    try:
        start, end, reason = _block_payload(request)
        block = unavailability_create(staff=staff, starts_at=start, ends_at=end, reason=reason)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"id": block.pk}, status=201)


@staff_required
@require_http_methods(["POST", "DELETE"])
def calendar_block_view(request: AuthenticatedRequest, pk: int) -> JsonResponse:
    block = unavailability_get_for_user(user=request.user, pk=pk)
    if request.method == "DELETE":
        unavailability_delete(block=block)
        return JsonResponse({"deleted": pk})
    try:
        start, end, _reason = _block_payload(request)
        unavailability_move(block=block, starts_at=start, ends_at=end)
    except ValidationError as exc:
        return JsonResponse({"error": exc.messages[0]}, status=400)
    return JsonResponse({"id": pk})
