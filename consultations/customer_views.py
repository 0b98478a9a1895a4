"""The customer's own pages: history, consultation detail, follow-up bookings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.params import param_date, param_id
from customers.models import User
from customers.roles import AuthenticatedRequest, customer_required

from .access import (
    booking_get_for_user,
    consultation_get_for_user,
)
from .counts import my_charts
from .forms import (
    CustomerBookingForm,
    MyHistoryFilterForm,
)
from .ics import booking_ics
from .models import Booking, Channel
from .reschedule import reschedule_page
from .search import consultation_search
from .selectors import (
    FOLLOW_UP_TAKEN,
    booking_list_for_customer,
    follow_up_booked,
)
from .services import (
    booking_cancel,
    booking_create,
    follow_up_category,
    follow_up_exists_in,
)
from .slots import NOT_A_CANDIDATE, SLOT, booking_candidates, picker_days


@customer_required
def me_home_view(request: AuthenticatedRequest) -> HttpResponse:
    """The customer's integrated history (filterable) with their charts and the same numbers as tables."""
    form = MyHistoryFilterForm(request.GET or None)
    filters = form.filters(customer=request.user)
    shown = (
        consultation_search(filters)
        .select_related("channel", "main_category", "middle_category", "staff__staff_profile__branch")
        .annotate(follow_up_booked=follow_up_booked())
        .order_by("-occurred_at", "-id")
    )
    page = Paginator(shown, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/me_home.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "filtered": bool(request.GET.dict().keys() - {"page"}),
            "charts": my_charts(filters, "category", "channel", "month"),
        },
    )


@customer_required
def me_consultation_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    consultation = consultation_get_for_user(user=request.user, pk=pk)
    follow_ups = list(
        consultation.follow_ups.select_related("channel", "staff", "branch").order_by("-starts_at")
    )
    return render(
        request,
        "consultations/me_consultation_detail.html",
        {
            "c": consultation,
            "follow_ups": follow_ups,
            "follow_up_booked": any(b.status in FOLLOW_UP_TAKEN for b in follow_ups),
        },
    )


@customer_required
def me_bookings_view(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    mine = booking_list_for_customer(customer=request.user)
    upcoming = list(mine.filter(status=Booking.Status.BOOKED, starts_at__gte=now).order_by("starts_at"))
    past = mine.exclude(pk__in=[b.pk for b in upcoming])[:50]
    return render(
        request,
        "consultations/me_bookings.html",
        {
            "upcoming": upcoming,
            "past": past,
            "now": now,
        },
    )


@customer_required
def me_booking_new_view(request: AuthenticatedRequest) -> HttpResponse:
    origin = None
    origin_id = param_id(request.GET.get("origin") or request.POST.get("origin"))
    if origin_id:
        origin = consultation_get_for_user(user=request.user, pk=origin_id)
    data = (request.POST if request.method == "POST" else request.GET).copy()
    defaults = {
        "channel": Channel.objects.filter(code="branch").values_list("pk", flat=True).first(),
        # From an inquiry's answer ("상담 예약"): the inquiry's topic.
        "main_category": origin.main_category_id if origin else param_id(data.get("main_category")),
    }
    # Changing the channel, branch or week reloads the page: the topic stays the origin's (or the
    # one the customer picked) instead of falling back to the first category of the list.
    if not data.get("main_category") and origin is not None:
        data["main_category"] = str(origin.main_category_id)
    form = CustomerBookingForm(data if data.get("channel") else None, initial=defaults)
    channel = (
        Channel.objects.filter(is_bookable=True, is_active=True)
        .filter(pk=param_id(data.get("channel")) or defaults["channel"])
        .first()
    )
    branch_id = param_id(data.get("branch"))
    candidates = booking_candidates(
        channel_code=channel.code if channel else "",
        origin_staff=origin.staff if origin else None,
        branch_id=branch_id,
    )
    start = max(param_date(data.get("start")) or timezone.localdate(), timezone.localdate())
    existing_follow_up = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data["slot"]:
        staff_id, starts_at = form.cleaned_data["slot"]
        # Usually one of the offered candidates; booking_create refuses anyone else.
        staff = next((s for s in candidates if s.pk == staff_id), None) or (
            User.objects.filter(pk=staff_id, role__in=User.STAFF_ROLES).first()
        )
        try:
            if staff is None:
                raise ValidationError(NOT_A_CANDIDATE, code="not_a_candidate")
            booking = booking_create(
                customer=request.user,
                staff=staff,
                channel=form.cleaned_data["channel"],
                starts_at=starts_at,
                ends_at=starts_at + SLOT,
                main_category=form.cleaned_data["main_category"],
                middle_category=follow_up_category(
                    origin=origin, main_category=form.cleaned_data["main_category"]
                ),
                origin=origin,
                note=form.cleaned_data["note"],
                offered=candidates,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            existing_follow_up = follow_up_exists_in(exc)
        else:
            messages.success(request, _("예약했습니다. 확인 문자를 보내 드립니다."))
            return redirect("me:booking_detail", pk=booking.pk)
    days = picker_days(candidates, start) if candidates else []
    return render(
        request,
        "consultations/me_booking_form.html",
        {
            "form": form,
            "origin": origin,
            "channel": channel,
            "candidates": candidates,
            "days": days,
            "start": start,
            "prev_start": max(start - dt.timedelta(days=7), timezone.localdate()),
            "next_start": start + dt.timedelta(days=7),
            "needs_branch": channel is not None and channel.code == "branch" and not candidates,
            "branch_id": branch_id or "",
            "main_category_id": data.get("main_category", ""),
            "existing_follow_up": existing_follow_up,
            "show_prev": start > timezone.localdate(),
        },
    )


@customer_required
def me_booking_detail_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "consultations/me_booking_detail.html",
        {
            "booking": booking,
            "can_cancel": booking.customer_may_cancel(timezone.now()),
            "can_reschedule": booking.customer_may_reschedule(timezone.now()),
        },
    )


@customer_required
@require_POST
def me_booking_cancel_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    try:
        booking_cancel(booking=booking, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("예약을 취소했습니다. 취소 문자를 보내 드립니다."))
    return redirect("me:bookings")


@customer_required
def me_booking_ics_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        booking_ics(booking, host=request.get_host().split(":")[0]),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="omnihana-booking-{booking.pk}.ics"'
    return response


@customer_required
def me_booking_reschedule_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    booking = booking_get_for_user(user=request.user, pk=pk)
    if not booking.customer_may_reschedule(timezone.now()):
        messages.error(request, _("상담 1시간 전부터는 예약을 변경할 수 없습니다. 영업점에 연락해 주세요."))
        return redirect("me:booking_detail", pk=booking.pk)
    page = reschedule_page(request, booking, template="consultations/me_booking_reschedule.html")
    if page is not None:
        return page
    messages.success(request, _("예약을 변경했습니다. 변경 문자를 보내 드립니다."))
    return redirect("me:booking_detail", pk=booking.pk)
