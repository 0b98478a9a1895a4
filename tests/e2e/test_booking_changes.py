"""Changing bookings and asking for a call, on a phone (360×740): a customer moves a booking and gets
the SMS; a teller cancels one with a reason; a request at 22:00 is due 09:00 the next business day."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from consultations.models import Booking, Callback, Channel, MiddleCategory
from consultations.services import booking_create
from customers.models import User
from messaging.models import Message
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)
TUESDAY_10 = dt.datetime(2031, 3, 4, 10, 0, tzinfo=KST)


@pytest.fixture
def phone(people):
    return lambda: people(phone=True, viewport={"width": 360, "height": 740}).page


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def a_booking() -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    customer = User.objects.get(username="hanauser1")
    return booking_create(
        customer=customer,
        staff=User.objects.get(username="hnv2004"),
        channel=Channel.objects.get(code="branch"),
        starts_at=TUESDAY_10,
        ends_at=TUESDAY_10 + dt.timedelta(minutes=30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )


def test_a_customer_reschedules_from_the_phone_and_gets_the_sms(phone, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    booking = a_booking()
    page = phone()
    log_in(page, live_bank.url, "hanauser1", demo_password)
    page.goto(f"{live_bank.url}/me/bookings/{booking.pk}/")
    page.get_by_role("link", name="예약 변경").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("예약 변경")
    assert no_horizontal_scroll(page)
    page.get_by_text("14:00", exact=True).first.click()
    page.get_by_role("button", name="이 시간으로 변경").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 변경했습니다")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2031년 3월 4일 (화요일) 14:00")
    sms = Message.objects.get(idempotency_key=f"booking:{booking.pk}:rescheduled:1")
    assert sms.status == Message.Status.SENT and "3/4 10:00 → 3/4(화) 14:00" in sms.body


def test_a_teller_cancels_with_a_reason(phone, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    booking = a_booking()
    page = phone()
    log_in(page, live_bank.url, "hnv2004", demo_password)
    page.goto(f"{live_bank.url}/staff/bookings/{booking.pk}/")
    page.get_by_label("취소 사유").select_option(label="담당 직원 부재")
    page.get_by_label("설명 (기타일 때 필수)").fill("교육 일정")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="예약 취소").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 취소했습니다")
    expect(page.locator("body")).to_contain_text("담당 직원 부재 — 교육 일정")
    assert no_horizontal_scroll(page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (
        Message.objects.get(idempotency_key=f"booking:{booking.pk}:cancelled").status == Message.Status.SENT
    )


def test_a_callback_asked_at_22_is_due_at_09_next_business_day_for_the_agent(
    phone, live_bank, demo_password, frozen_now
):
    frozen_now(dt.datetime(2031, 3, 4, 22, 0, tzinfo=KST))
    customer = phone()
    log_in(customer, live_bank.url, "hanauser1", demo_password)
    customer.goto(f"{live_bank.url}/me/callbacks/new/")
    customer.get_by_label("상담 분야").select_option(label="대출")
    customer.get_by_label("문의 내용 (선택)").fill("전세자금대출 서류")
    assert no_horizontal_scroll(customer)
    customer.get_by_role("button", name="전화 요청하기").click()
    expect(customer.locator(".alert-success")).to_contain_text("03/05 09:00까지 전화드리겠습니다")
    assert Callback.objects.get(customer__username="hanauser1").due_at == dt.datetime(
        2031, 3, 5, 9, tzinfo=KST
    )
    agent = phone()
    log_in(agent, live_bank.url, "hnv2001", demo_password)
    agent.goto(f"{live_bank.url}/staff/callbacks/")
    expect(agent.locator(".list-group-item").first).to_contain_text("3/5 (수요일) 09:00")
    expect(agent.locator(".list-group-item").first).to_contain_text("전세자금대출 서류")
    assert no_horizontal_scroll(agent)
