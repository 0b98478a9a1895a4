"""The pages that change a booking: the customer's reschedule, the staff booking page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import Booking, Channel, MiddleCategory
from consultations.services import booking_create
from customers.models import User
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)
WEDNESDAY = dt.date(2031, 3, 5)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


@pytest.fixture
def booking(customer, teller, monday) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    return booking_create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 10, 30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )


def slot(staff: User, moment: dt.datetime) -> str:
    return f"{staff.pk}|{moment.isoformat()}"


def unchanged(booking: Booking) -> bool:
    fresh = Booking.objects.get(pk=booking.pk)
    return (fresh.starts_at, fresh.staff_id, fresh.sequence, fresh.status) == (
        booking.starts_at,
        booking.staff_id,
        0,
        Booking.Status.BOOKED,
    )


# --- the customer ---------------------------------------------------------------------------------
def test_a_customer_moves_their_booking_and_is_told_by_sms(client, customer, teller, booking, outbox):
    client.force_login(customer)
    url = reverse("me:booking_reschedule", args=[booking.pk])
    page = client.get(url, {"start": "2031-03-05"}).content.decode()
    assert f'value="{slot(teller, at(WEDNESDAY, 14))}"' in page
    response = client.post(url, {"slot": slot(teller, at(WEDNESDAY, 14))})
    assert response["Location"] == reverse("me:booking_detail", args=[booking.pk])
    assert Booking.objects.get(pk=booking.pk).starts_at == at(WEDNESDAY, 14)
    assert "예약을 변경했습니다" in client.get(response["Location"]).content.decode()
    assert Message.objects.get(idempotency_key=f"booking:{booking.pk}:rescheduled:1").body.startswith(
        "[하나은행] 박진우님 상담 예약이 3/4 10:00 → 3/5"
    )


def test_the_detail_page_offers_the_change_until_an_hour_before(client, customer, booking, frozen_now):
    client.force_login(customer)
    detail = reverse("me:booking_detail", args=[booking.pk])
    assert reverse("me:booking_reschedule", args=[booking.pk]) in client.get(detail).content.decode()
    frozen_now(at(TUESDAY, 9, 15))
    client.force_login(customer)  # a day later: the idle session has expired
    assert "변경·취소할 수 없습니다" in client.get(detail).content.decode()
    assert reverse("me:booking_reschedule", args=[booking.pk]) not in client.get(detail).content.decode()
    response = client.post(
        reverse("me:booking_reschedule", args=[booking.pk]), {"slot": f"1|{at(TUESDAY, 14).isoformat()}"}
    )
    assert response["Location"] == detail
    assert unchanged(booking)


def test_another_customer_can_neither_see_nor_move_the_booking(client, other_customer, teller, booking):
    client.force_login(other_customer)
    url = reverse("me:booking_reschedule", args=[booking.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"slot": slot(teller, at(WEDNESDAY, 14))}).status_code == 404
    assert unchanged(booking)


@pytest.mark.parametrize(
    ("picked", "shown"),
    [
        ("taken", "방금 다른 분이 예약한 시간입니다"),
        ("past", "이미 지난 시간은 예약할 수 없습니다"),
        ("outside", "상담 가능 시간이 아닙니다"),
        ("other_staff", "이 직원과 예약할 수 없습니다"),
        ("garbage", "선택한 시간을 알 수 없습니다"),
        ("", "바꿀 시간을 선택해 주세요"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_changes(
    client, customer, other_customer, teller, agent, booking, outbox, picked, shown
):
    middle = MiddleCategory.objects.get(code="0202")
    booking_create(
        customer=other_customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        starts_at=at(WEDNESDAY, 14),
        ends_at=at(WEDNESDAY, 14, 30),
        main_category=middle.main,
        by=other_customer,
    )
    value = {
        "taken": slot(teller, at(WEDNESDAY, 14)),
        "past": slot(teller, at(dt.date(2031, 3, 3), 9)),
        "outside": slot(teller, at(WEDNESDAY, 19)),
        "other_staff": slot(agent, at(WEDNESDAY, 11)),  # a tampered id: an agent cannot take a visit
        "garbage": "x|tomorrow",
        "": "",
    }[picked]
    client.force_login(customer)
    response = client.post(reverse("me:booking_reschedule", args=[booking.pk]), {"slot": value})
    assert response.status_code == 400
    assert shown in response.content.decode()
    assert unchanged(booking)
    assert not Message.objects.filter(
        idempotency_key__startswith=f"booking:{booking.pk}:rescheduled"
    ).exists()


# --- staff ---------------------------------------------------------------------------------------
def test_staff_open_the_booking_page_from_the_calendar_and_the_view_is_audited(client, teller, booking):
    client.force_login(teller)
    url = reverse("staff:booking_detail", args=[booking.pk])
    feed = client.get(
        reverse("staff:calendar_events"),
        {"start": "2031-03-03T00:00:00+09:00", "end": "2031-03-09T00:00:00+09:00"},
    ).json()
    assert url in {event.get("url") for event in feed}
    page = client.get(url).content.decode()
    assert "박진우" in page and "예약 취소" in page and "시간 변경" in page
    assert AuditEntry.objects.filter(actor=teller, target=f"booking {booking.pk}", action="view").exists()


def test_a_teller_moves_a_booking_even_within_the_last_hour(client, teller, booking, frozen_now, outbox):
    frozen_now(at(TUESDAY, 9, 30))
    client.force_login(teller)
    url = reverse("staff:booking_detail", args=[booking.pk])
    response = client.post(url, {"slot": slot(teller, at(TUESDAY, 14))})
    assert response["Location"] == url
    assert Booking.objects.get(pk=booking.pk).starts_at == at(TUESDAY, 14)


def test_a_teller_cancels_with_a_reason_the_customer_gets_an_sms_and_it_is_audited(
    client, teller, booking, frozen_now, outbox
):
    frozen_now(at(TUESDAY, 9, 50))  # any time, even in the last hour
    client.force_login(teller)
    client.post(
        reverse("staff:booking_cancel", args=[booking.pk]), {"reason": "staff_absent", "note": "교육 일정"}
    )
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancel_note) == (
        "cancelled",
        "staff_absent",
        "교육 일정",
    )
    assert Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled").count() == 1
    entry = AuditEntry.objects.get(actor=teller, target=f"booking {booking.pk}", action="update")
    assert entry.detail == {"cancelled": "담당 직원 부재", "note": "교육 일정"}
    page = client.get(reverse("staff:booking_detail", args=[booking.pk])).content.decode()
    assert "담당 직원 부재 — 교육 일정" in page


@pytest.mark.parametrize("data", [{}, {"reason": "nonsense"}, {"reason": "other", "note": " "}])
def test_a_cancel_without_a_reason_is_refused(client, teller, booking, outbox, data):
    client.force_login(teller)
    response = client.post(reverse("staff:booking_cancel", args=[booking.pk]), data, follow=True)
    assert "사유" in response.content.decode()
    assert unchanged(booking)
    assert not Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled").exists()


def test_no_show_only_once_the_time_has_come(client, teller, booking, frozen_now):
    client.force_login(teller)
    url = reverse("staff:booking_no_show", args=[booking.pk])
    assert "예약 시간이 되기 전에는" in client.post(url, follow=True).content.decode()
    assert unchanged(booking)
    frozen_now(at(TUESDAY, 10, 20))
    client.force_login(teller)  # a day later: the idle session has expired
    assert "노쇼로 처리했습니다" in client.post(url, follow=True).content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.NO_SHOW


def test_a_customer_cannot_reach_the_staff_booking_page(client, customer, booking):
    client.force_login(customer)
    assert client.get(reverse("staff:booking_detail", args=[booking.pk])).status_code == 403
    assert (
        client.post(reverse("staff:booking_cancel", args=[booking.pk]), {"reason": "other"}).status_code
        == 403
    )


def test_the_customer_timeline_shows_the_move_old_and_new(client, teller, booking, outbox):
    client.force_login(teller)
    client.post(reverse("staff:booking_detail", args=[booking.pk]), {"slot": slot(teller, at(WEDNESDAY, 14))})
    page = client.get(reverse("staff:customer_detail", args=[booking.customer_id])).content.decode()
    assert "예약 변경 1회" in page
    assert "3/4 10:00 → 3/5(수) 14:00" in page
    assert reverse("staff:booking_detail", args=[booking.pk]) in page
