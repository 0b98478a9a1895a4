from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from customers.models import User

from .models import Booking, Consultation


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
