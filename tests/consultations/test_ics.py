"""Every .ics we write is read back by an independent parser (icalendar), whatever the data holds."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from consultations.ics import booking_ics
from consultations.models import Booking, Channel, MiddleCategory
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
AWKWARD = [
    "서울특별시 중구 을지로 35\r하나은행 본점",  # a bare CR pasted into the address
    "서울특별시 중구 을지로 35\r\n2층; 상담실, 3번 \\ 창구",
    "세종대로 " + "가나다라마바사아자차카타파하" * 12,  # far past 75 octets, three bytes a letter
    "Line one\nline two\ttabbed\x0bvertical",
]


@pytest.fixture
def booking(db) -> Booking:
    teller = User.objects.get(username="hnv2004")
    start = dt.datetime(2031, 3, 4, 14, tzinfo=KST)
    return Booking.objects.create(
        customer=User.objects.get(username="hanauser1"),
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        branch=teller.staff_profile.branch,
        main_category=MiddleCategory.objects.get(code="0101").main,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )


def physical_lines(text: str) -> list[bytes]:
    assert text.endswith("\r\n")
    return text.encode("utf-8").split(b"\r\n")[:-1]


@pytest.mark.parametrize("address", AWKWARD)
def test_it_escapes_and_folds_so_a_parser_reads_back_the_address(booking, address):
    branch = booking.branch
    branch.address = address
    text = booking_ics(booking, host="omnihana.example")
    for line in physical_lines(text):
        assert len(line) <= 75, line
        assert b"\r" not in line and b"\n" not in line
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    expected = f"{branch.name} {address}".replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "")
    assert str(event["LOCATION"]) == expected
    assert event.decoded("DTSTART") == booking.starts_at


def test_the_downloaded_file_parses(client, booking):
    client.force_login(booking.customer)
    text = client.get(reverse("me:booking_ics", args=[booking.pk])).content.decode()
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "하나은행 추가상담 (영업점 창구)"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert all(len(line) <= 75 for line in physical_lines(text))
