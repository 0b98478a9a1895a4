"""A booking as an iCalendar file (RFC 5545) for the customer's own calendar app."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Booking

FOLD_OCTETS = 75  # RFC 5545 3.1: lines longer than this are folded, counted in octets, not characters


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11). Every line break — CRLF, a bare CR from a pasted branch
    address, LF — becomes the escaped `\\n`; a raw CR would end the property early."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    # Other control characters are not allowed in TEXT at all.
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 0x20 and ord(ch) != 0x7F)


def _fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character;
    each continuation starts with one space (which counts toward its 75)."""
    pieces: list[str] = []
    current: list[str] = []
    size, limit = 0, FOLD_OCTETS
    for ch in line:
        octets = len(ch.encode("utf-8"))
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, FOLD_OCTETS - 1
        current.append(ch)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


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
        # The same UID with a higher SEQUENCE: a calendar app moves the event instead of adding one.
        f"SEQUENCE:{booking.sequence}",
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
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
