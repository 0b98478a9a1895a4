"""The slot picker on a phone (360×740): a strip of the week's days with the full ones disabled, the slots of
the chosen day, and the submit button in a sticky bar that says what is chosen — for booking a phone
follow-up and for moving a booking."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from consultations.models import Booking, Channel, Consultation, MiddleCategory, Unavailability
from consultations.reschedule import reschedule_candidates
from consultations.services import booking_create
from consultations.slots import booking_candidates
from customers.models import User
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)  # a substitute holiday: the week starts 3/4
WEDNESDAY = dt.date(2031, 3, 5)
THURSDAY = dt.date(2031, 3, 6)
PHONE = {"width": 360, "height": 740}
MAX_HEIGHT = 1400


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def away_all_day(staff: list[User], day: dt.date) -> None:
    for person in staff:
        Unavailability.objects.create(
            staff=person, starts_at=at(day, 0), ends_at=at(day, 23, 59), reason="교육"
        )


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def submit_in_view_without_scrolling(page, name: str) -> None:
    """The submit button lies inside the viewport at the current scroll position."""
    box = page.get_by_role("button", name=name).bounding_box()
    assert box is not None
    inner = page.evaluate("window.innerHeight")
    assert box["y"] >= 0 and box["y"] + box["height"] <= inner, (box, inner)


def day(page, label: str):
    return page.locator(".oh-day", has_text=label)


def check_the_strip(page, *, first: str, full: str, submit: str) -> None:
    """Before choosing: a short page, the first open day chosen, the full day greyed and not choosable."""
    expect(page.locator(".oh-day-strip")).to_be_visible()
    expect(day(page, first)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".oh-slot-day:visible")).to_have_count(1)
    expect(page.locator(".oh-slot-day:visible legend")).to_contain_text(first)
    expect(page.locator("[data-slot-summary]")).to_have_text("시간을 선택해 주세요")
    height = page_height(page)
    assert height <= MAX_HEIGHT, height
    assert no_horizontal_scroll(page)
    expect(day(page, full)).to_be_disabled()
    expect(day(page, full)).to_contain_text("마감")
    day(page, full).click(force=True)  # a disabled button takes no click
    expect(day(page, full)).to_have_attribute("aria-pressed", "false")
    expect(day(page, first)).to_have_attribute("aria-pressed", "true")
    # the keyboard: the arrow keys move between the open days, skipping the full one
    day(page, first).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    focused = page.evaluate("document.activeElement.textContent")
    assert full not in focused and "3/7" in focused, focused
    expect(day(page, "3/7")).to_have_attribute("aria-pressed", "true")
    # submitting with nothing chosen stays on the page and says what is missing
    page.get_by_role("button", name=submit).click()
    expect(page.locator("[data-slot-summary]")).to_have_class(re.compile("is-missing"))


def test_a_customer_books_a_phone_follow_up_with_the_day_strip(people, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    origin = Consultation.objects.get(customer__username="hanauser1", title="정기예금 상담 후 가입완료")
    call = Channel.objects.get(code="call")
    agents = booking_candidates(channel_code="call", origin_staff=origin.staff, branch_id=None)
    away_all_day(agents, WEDNESDAY)
    page = people(phone=True, viewport=PHONE).page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    page.goto(f"{live_bank.url}/me/bookings/new/?origin={origin.pk}")
    page.get_by_text("콜센터", exact=True).click()  # the method radio reloads the page
    expect(page.locator("[data-slot-picker]")).to_have_attribute("data-channel", "콜센터")
    page.screenshot(path="test-results/slot-picker-booking-360-before.png", full_page=True)
    check_the_strip(page, first="3/4", full="3/5", submit="예약하기")

    day(page, "3/6").click()
    expect(day(page, "3/6")).to_have_attribute("aria-current", "date")
    page.locator(".oh-slot-day:visible").get_by_text("14:00", exact=True).click()
    expect(page.locator("[data-slot-summary]")).to_have_text("3월 6일(목) 14:00 · 콜센터")
    submit_in_view_without_scrolling(page, "예약하기")
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/slot-picker-booking-360.png")
    page.get_by_role("button", name="예약하기").click()
    expect(page.locator(".alert-success")).to_contain_text("예약했습니다")
    booking = Booking.objects.get(origin=origin)
    assert booking.starts_at == at(THURSDAY, 14) and booking.channel == call and booking.staff in agents

    wide = people(viewport={"width": 1280, "height": 800}).page
    log_in(wide, live_bank.url, "hanauser2", demo_password)
    wide.goto(f"{live_bank.url}/me/bookings/new/?channel={call.pk}")
    expect(wide.locator(".oh-day-strip")).to_be_visible()
    assert no_horizontal_scroll(wide)
    wide.screenshot(path="test-results/slot-picker-booking-1280.png", full_page=True)


def test_a_customer_moves_a_booking_with_the_day_strip(people, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    middle = MiddleCategory.objects.get(code="0202")
    customer = User.objects.get(username="hanauser1")
    booking = booking_create(
        customer=customer,
        staff=User.objects.get(username="hnv2004"),
        channel=Channel.objects.get(code="branch"),
        starts_at=at(dt.date(2031, 3, 4), 10),
        ends_at=at(dt.date(2031, 3, 4), 10, 30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )
    away_all_day(reschedule_candidates(booking), WEDNESDAY)
    page = people(phone=True, viewport=PHONE).page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    page.goto(f"{live_bank.url}/me/bookings/{booking.pk}/reschedule/")
    expect(page.get_by_role("heading", level=1)).to_have_text("예약 변경")
    expect(page.get_by_role("link", name="이전 주")).to_have_count(0)  # the current week
    check_the_strip(page, first="3/4", full="3/5", submit="이 시간으로 변경")

    day(page, "3/6").click()
    page.locator(".oh-slot-day:visible").get_by_text("15:30", exact=True).click()
    expect(page.locator("[data-slot-summary]")).to_have_text(re.compile(r"^3월 6일\(목\) 15:30 · "))
    submit_in_view_without_scrolling(page, "이 시간으로 변경")
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/slot-picker-reschedule-360.png")
    page.get_by_role("button", name="이 시간으로 변경").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 변경했습니다")
    booking.refresh_from_db()
    assert booking.starts_at == at(THURSDAY, 15, 30) and booking.status == Booking.Status.BOOKED


def test_without_javascript_every_day_is_listed_and_the_move_still_works(
    people, live_bank, demo_password, frozen_now
):
    frozen_now(MONDAY_MORNING)
    middle = MiddleCategory.objects.get(code="0202")
    customer = User.objects.get(username="hanauser1")
    booking = booking_create(
        customer=customer,
        staff=User.objects.get(username="hnv2004"),
        channel=Channel.objects.get(code="branch"),
        starts_at=at(dt.date(2031, 3, 4), 10),
        ends_at=at(dt.date(2031, 3, 4), 10, 30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )
    page = people(phone=True, viewport=PHONE, java_script_enabled=False).page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    page.goto(f"{live_bank.url}/me/bookings/{booking.pk}/reschedule/")
    expect(page.locator(".oh-day-strip")).to_be_hidden()
    expect(page.locator(".oh-slot-day:visible")).to_have_count(5)  # every day, each a group of radio inputs
    expect(page.locator("[data-slot-summary]")).to_be_hidden()  # it could not follow the choice
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/slot-picker-reschedule-360-nojs.png", full_page=True)
    page.locator(".oh-slot-day", has_text="3/6").get_by_text("15:30", exact=True).click()
    page.get_by_role("button", name="이 시간으로 변경").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 변경했습니다")
    booking.refresh_from_db()
    assert booking.starts_at == at(THURSDAY, 15, 30)
