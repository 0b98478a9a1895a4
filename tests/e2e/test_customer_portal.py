"""A customer on a phone (360×740): their history and charts, booking a follow-up on a really
free slot, seeing it under 내 예약, and cancelling it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from consultations.models import Booking
from messaging.models import Message
from tests.e2e.conftest import PageProblems, log_in

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)


@pytest.fixture
def phone(browser, live_bank):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    problems = PageProblems(page, live_bank.url)
    yield page
    context.close()
    assert problems.items == [], "\n".join(problems.items)


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_customer_books_a_follow_up_and_cancels_it_on_a_phone(phone, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    page = phone
    log_in(page, live_bank.url, "hanauser1", demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("박진우 손님의 상담이력")
    expect(page.locator(".oh-timeline")).to_contain_text("정기예금 상담 후 가입완료")
    assert no_horizontal_scroll(page)

    # the charts draw (a canvas with pixels) and their numbers are in tables too
    canvas = page.locator("#chart-channel")
    canvas.scroll_into_view_if_needed()
    expect(page.locator("figure", has=canvas).locator("tbody")).to_contain_text("원격")
    page.wait_for_function(
        "(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " return d.some((v, i) => i % 4 === 3 && v > 0); }",
        arg=canvas.element_handle(),
    )
    page.screenshot(path="test-results/customer-home-360.png", full_page=True)

    # from a past consultation, book a follow-up with the same teller
    page.get_by_text("정기예금 상담 후 가입완료", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("정기예금 상담 후 가입완료")
    page.get_by_role("link", name="이 상담으로 추가상담 예약").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("추가상담 예약")
    expect(page.locator(".oh-slot-day").first).to_contain_text("3/4")
    assert no_horizontal_scroll(page)
    page.get_by_text("11:00", exact=True).first.click()
    page.screenshot(path="test-results/customer-booking-360.png", full_page=True)
    page.get_by_role("button", name="예약하기").click()
    expect(page.locator(".alert-success")).to_contain_text("예약했습니다")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2031년 3월 4일")
    booking = Booking.objects.get(
        customer__username="hanauser1", starts_at=dt.datetime(2031, 3, 4, 11, tzinfo=KST)
    )
    assert booking.staff.username == "hnv2004"
    assert (
        Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed").status == Message.Status.SENT
    )

    # it is under 내 예약; cancel it (the confirmation dialog is accepted)
    page.goto(f"{live_bank.url}/me/bookings/")
    expect(page.locator("body")).to_contain_text("3월 4일 (화요일) 11:00")
    page.get_by_role("link", name="3월 4일 (화요일) 11:00").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="예약 취소").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 취소했습니다")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled", status="sent").exists()
    page.screenshot(path="test-results/customer-bookings-360.png", full_page=True)
