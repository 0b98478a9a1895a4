"""A booking as an iCalendar file (RFC 5545) for the customer's own calendar app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Booking


def _text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking: Booking, *, host: str) -> str:
    place = f"{booking.branch.name} {booking.branch.address}" if booking.branch else booking.channel.name
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//omnihana//follow-up booking//KO",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{host}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(booking.starts_at)}",
        f"DTEND:{_utc(booking.ends_at)}",
        f"SUMMARY:{_text(f'하나은행 추가상담 ({booking.channel.name})')}",
        f"LOCATION:{_text(place)}",
        f"DESCRIPTION:{_text(f'담당: {booking.staff.name} / 분야: {booking.main_category.name}')}",
        f"STATUS:{'CANCELLED' if booking.status == Booking.Status.CANCELLED else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
