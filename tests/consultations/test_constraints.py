"""The database itself refuses impossible data, whatever code path writes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from api.models import ApiClient
from consultations.models import Booking, Channel, Consultation, MainCategory, MiddleCategory

KST = dt.timezone(dt.timedelta(hours=9))


def make_booking(
    customer, staff, start: dt.datetime, minutes: int = 30, status=Booking.Status.BOOKED
) -> Booking:
    middle = MiddleCategory.objects.get(code="0201")
    return Booking.objects.create(
        customer=customer,
        staff=staff,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        status=status,
    )


START = dt.datetime(2031, 3, 4, 10, 0, tzinfo=KST)


def test_it_refuses_two_overlapping_bookings_for_one_staff_member(db, customer, other_customer, teller):
    make_booking(customer, teller, START)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        make_booking(other_customer, teller, START + dt.timedelta(minutes=15))
    assert Booking.objects.filter(staff=teller, starts_at__date=START.date()).count() == 1


def test_it_allows_back_to_back_bookings_and_other_staff_at_the_same_time(
    db, customer, other_customer, teller, agent
):
    make_booking(customer, teller, START)
    make_booking(other_customer, teller, START + dt.timedelta(minutes=30))
    make_booking(other_customer, agent, START)
    assert (
        Booking.objects.filter(starts_at__gte=START, starts_at__lt=START + dt.timedelta(hours=1)).count() == 3
    )


def test_a_cancelled_booking_frees_its_time(db, customer, other_customer, teller):
    make_booking(customer, teller, START, status=Booking.Status.CANCELLED)
    make_booking(other_customer, teller, START)
    assert Booking.objects.filter(staff=teller, starts_at=START, status=Booking.Status.BOOKED).count() == 1


def test_it_refuses_a_booking_that_ends_before_it_starts(db, customer, teller):
    with pytest.raises(IntegrityError, match="booking_time_order"), transaction.atomic():
        make_booking(customer, teller, START, minutes=-30)


def test_an_external_id_is_unique_per_client_only(db, customer, agent):
    video = Channel.objects.get(code="video")
    first = ApiClient.objects.create(name="화상창구 시스템", channel=video)
    second = ApiClient.objects.create(name="모바일 앱", channel=video)
    middle = MiddleCategory.objects.get(code="0101")
    fields = {
        "customer": customer,
        "staff": agent,
        "channel": video,
        "main_category": middle.main,
        "middle_category": middle,
        "title": "예금 상담",
        "occurred_at": START,
    }
    Consultation.objects.create(source_client=first, external_id="V-1", **fields)
    Consultation.objects.create(source_client=second, external_id="V-1", **fields)
    with pytest.raises(IntegrityError, match="consultation_external_id_once"), transaction.atomic():
        Consultation.objects.create(source_client=first, external_id="V-1", **fields)


def test_categories_keep_their_codes_unique(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        MiddleCategory.objects.create(main=MainCategory.objects.get(code="02"), code="0201", name="중복")
