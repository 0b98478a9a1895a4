from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import User

from .models import Booking, Consultation, Unavailability


def consultation_list_for_customer(*, customer: User) -> QuerySet[Consultation]:
    """The customer's integrated history, every channel, newest first."""
    return (
        Consultation.objects.filter(customer=customer)
        .select_related(
            "channel", "main_category", "middle_category", "staff", "staff__staff_profile__branch"
        )
        .order_by("-occurred_at", "-id")
    )


def booking_list_for_staff_on(*, staff: User, day: dt.date) -> QuerySet[Booking]:
    """A staff member's bookings that start on `day` in the bank's time zone."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return (
        Booking.objects.filter(staff=staff, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .select_related("customer", "channel", "origin", "branch", "main_category")
        .order_by("starts_at")
    )


def booking_list_for_customer(*, customer: User) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(customer=customer)
        .select_related("channel", "staff", "branch", "main_category", "origin")
        .order_by("-starts_at", "-id")
    )


def calendar_events(
    *, staff: User, start: dt.datetime, end: dt.datetime, viewer: User
) -> list[dict[str, Any]]:
    """FullCalendar events for one staff member's calendar: active bookings and unavailable blocks."""
    events: list[dict[str, Any]] = []
    bookings = (
        Booking.objects.filter(staff=staff, starts_at__lt=end, ends_at__gt=start)
        .exclude(status=Booking.Status.CANCELLED)
        .select_related("customer", "channel")
    )
    for b in bookings:
        events.append(
            {
                "id": f"booking-{b.pk}",
                "title": f"{b.customer.name} · {b.channel.name}",
                "start": b.starts_at.isoformat(),
                "end": b.ends_at.isoformat(),
                "editable": False,
                "url": reverse("staff:customer_detail", args=[b.customer_id]),
                "classNames": ["oh-ev-booking", f"oh-ev-{b.status}"],
                "extendedProps": {"kind": "booking", "status": b.status},
            }
        )
    editable = viewer.is_manager or viewer.pk == staff.pk
    for u in Unavailability.objects.filter(staff=staff, starts_at__lt=end, ends_at__gt=start):
        events.append(
            {
                "id": f"block-{u.pk}",
                "title": u.reason or str(_("상담 불가")),
                "start": u.starts_at.isoformat(),
                "end": u.ends_at.isoformat(),
                "editable": editable,
                "classNames": ["oh-ev-block"],
                "extendedProps": {"kind": "block", "pk": u.pk},
            }
        )
    return events
