"""Moving a booking from a page: the customer's and the staff member's reschedule share the picker."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.params import param_date
from core.request import client_ip
from customers.models import User
from customers.roles import AuthenticatedRequest

from .forms import RescheduleForm
from .models import Booking
from .services import booking_reschedule
from .slots import NOT_A_CANDIDATE, booking_candidates, picker_days


def reschedule_candidates(booking: Booking) -> list[User]:
    """Who may take the moved booking: its staff member first, then the others who could have
    taken it (the branch's tellers for a visit, the channel's agents for a call or video)."""
    others = booking_candidates(
        channel_code=booking.channel.code, origin_staff=booking.staff, branch_id=booking.branch_id
    )
    return [booking.staff, *(s for s in others if s.pk != booking.staff_id)]


def reschedule_page(
    request: AuthenticatedRequest, booking: Booking, *, template: str, extra: dict | None = None
) -> HttpResponse | None:
    """The shared part of the customer's and the staff's reschedule: the picker and the move.
    Returns None once the booking has moved (the caller redirects)."""
    candidates = reschedule_candidates(booking)
    form = RescheduleForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        staff_id, starts_at = form.cleaned_data["slot"]
        staff = next((s for s in candidates if s.pk == staff_id), None)
        try:
            if staff is None:
                raise ValidationError(NOT_A_CANDIDATE, code="not_a_candidate")
            booking_reschedule(
                booking=booking,
                staff=staff,
                starts_at=starts_at,
                offered=candidates,
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return None
    today = timezone.localdate()
    start = max(param_date(request.GET.get("start") or request.POST.get("start")) or today, today)
    return render(
        request,
        template,
        {
            "booking": booking,
            "form": form,
            "days": picker_days(candidates, start),
            "start": start,
            "show_prev": start > today,
            "prev_start": max(start - dt.timedelta(days=7), today),
            "next_start": start + dt.timedelta(days=7),
            **(extra or {}),
        },
        status=400 if form.errors else 200,
    )
