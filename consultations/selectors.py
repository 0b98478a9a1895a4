from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.business_days import korean_holiday_name
from core.dates import day_end, day_start
from customers.models import User

from .models import Booking, Consultation, Unavailability
from .slots import branch_closing_days

# A follow-up that is booked or was held: the consultation's 추가상담 필요 is answered.
FOLLOW_UP_TAKEN = (Booking.Status.BOOKED, Booking.Status.COMPLETED)


def follow_up_booked() -> Exists:
    """Whether a consultation's follow-up is booked (or already held): its 추가상담 is taken care of."""
    return Exists(Booking.objects.filter(origin=OuterRef("pk"), status__in=FOLLOW_UP_TAKEN))


def consultation_list_for_customer(*, customer: User) -> QuerySet[Consultation]:
    """The customer's integrated history, every channel, newest first."""
    return (
        Consultation.objects.filter(customer=customer)
        .select_related("channel", "main_category", "middle_category", "staff")
        .order_by("-occurred_at", "-id")
    )


def mark_follow_ups_booked(rows: list[Consultation]) -> None:
    """Set `follow_up_booked` on rows read without the annotation (one query for the lot)."""
    needed = [c.pk for c in rows if c.follow_up_needed]
    booked = (
        set(
            Booking.objects.filter(origin_id__in=needed, status__in=FOLLOW_UP_TAKEN).values_list(
                "origin_id", flat=True
            )
        )
        if needed
        else set()
    )
    for c in rows:
        c.follow_up_booked = c.pk in booked  # type: ignore[attr-defined]


def booking_list_for_staff_on(*, staff: User, day: dt.date) -> QuerySet[Booking]:
    """A staff member's bookings that start on `day` in the bank's time zone."""
    return (
        Booking.objects.filter(staff=staff, starts_at__gte=day_start(day), starts_at__lt=day_end(day))
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
                "url": reverse("staff:booking_detail", args=[b.pk]),
                "classNames": ["oh-ev-booking", f"oh-ev-{b.status}"],
                "extendedProps": {"kind": "booking", "status": b.status},
            }
        )
    events += closed_day_events(staff=staff, start=start, end=end)
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


def closed_day_events(*, staff: User, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Korean public holidays and the staff member's branch closing days on weekdays, as background
    events: the calendar shows them closed, and nobody drags a block onto them."""
    first, last = timezone.localtime(start).date(), timezone.localtime(end - dt.timedelta(seconds=1)).date()
    branch_closed = branch_closing_days(staff.staff_profile.branch_id, first, last)
    tz = timezone.get_current_timezone()
    events: list[dict[str, Any]] = []
    day = first
    while day <= last:
        holiday = korean_holiday_name(day)
        if day.weekday() < 5 and (holiday is not None or day in branch_closed):
            title = holiday or branch_closed[day] or str(_("지점 휴무"))
            begins = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
            events.append(
                {
                    "id": f"closed-{day.isoformat()}",
                    "title": str(_("휴무: %(name)s") % {"name": title}),
                    "start": begins.isoformat(),
                    "end": (begins + dt.timedelta(days=1)).isoformat(),
                    "display": "background",
                    "editable": False,
                    "classNames": ["oh-ev-closed"],
                    "extendedProps": {"kind": "closed"},
                }
            )
        day += dt.timedelta(days=1)
    return events
