"""Without a mouse: a customer books a follow-up, a teller blocks time on the calendar.

Only the keyboard moves and acts (Tab, arrow keys, Enter, typing); locators are used to know where
the focus is, by role and label, never to click.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Locator, Page, expect

from consultations.models import Booking, Unavailability

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)


def focused(target: Locator) -> bool:
    return target.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, *, limit: int = 80) -> None:
    """Press Tab until the target has the focus; fail if it is not reachable."""
    target.wait_for(state="attached")
    for _ in range(limit):
        if focused(target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{target} is not reachable with Tab")


def press_until(page: Page, key: str, target: Locator, *, limit: int = 60) -> None:
    for _ in range(limit):
        if focused(target):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} is not reachable with {key}")


def keyboard_log_in(page: Page, base: str, login: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    tab_to(page, page.get_by_label("아이디"))
    page.keyboard.type(login)
    tab_to(page, page.get_by_label("비밀번호"))
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_customer_books_a_follow_up_with_the_keyboard(watched_page, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    page, _problems = watched_page
    keyboard_log_in(page, live_bank.url, "hanauser1", demo_password)
    expect(page.get_by_role("heading", level=1)).to_have_text("박진우 손님의 상담이력")

    tab_to(page, page.get_by_role("link", name="정기예금 상담 후 가입완료").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("정기예금 상담 후 가입완료")
    tab_to(page, page.get_by_role("link", name="이 상담으로 추가상담 예약"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("추가상담 예약")

    # The day strip is one Tab stop (the chosen day); the arrow keys move to another open day and
    # choose it. Tab then enters that day's times; the arrow keys move through them (and choose).
    tab_to(page, page.locator(".oh-day[aria-pressed=true]"))
    tuesday = page.locator(".oh-day", has_text="3/4")
    press_until(page, "ArrowRight", tuesday)
    expect(tuesday).to_have_attribute("aria-pressed", "true")
    times = page.get_by_role("group", name=re.compile(r"3\/4.*상담 시간"))
    tab_to(page, times.get_by_role("radio").first)
    eleven = times.get_by_role("radio", name="11:00")
    press_until(page, "ArrowRight", eleven)
    expect(eleven).to_be_checked()
    tab_to(page, page.get_by_role("button", name="예약하기"))
    page.keyboard.press("Enter")
    expect(page.locator(".alert-success")).to_contain_text("예약했습니다")
    booking = Booking.objects.get(
        customer__username="hanauser1", starts_at=dt.datetime(2031, 3, 4, 11, tzinfo=KST)
    )
    assert booking.status == Booking.Status.BOOKED


def test_a_teller_blocks_time_on_the_calendar_with_the_keyboard(
    watched_page, live_bank, demo_password, frozen_now
):
    frozen_now(MONDAY_MORNING)
    page, _problems = watched_page
    keyboard_log_in(page, live_bank.url, "hnv2004", demo_password)
    page.goto(f"{live_bank.url}/staff/calendar/")
    expect(page.locator("#calendar .fc-view")).to_be_visible()

    tab_to(page, page.locator("summary", has_text="차단 추가"))  # opens the form
    page.keyboard.press("Enter")
    start, end = page.get_by_label("시작"), page.get_by_label("끝")
    tab_to(page, start)
    for _ in range(4):  # 12:00 → 14:00, half an hour a press
        page.keyboard.press("ArrowDown")
    expect(start).to_have_value("14:00")
    tab_to(page, end)
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(end).to_have_value("15:00")
    tab_to(page, page.get_by_label("사유"))
    page.keyboard.type("직무 교육")
    tab_to(page, page.get_by_role("button", name="차단 추가"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="상담 불가 일정을 추가했습니다")).to_have_count(1)
    day = dt.date.fromisoformat(page.get_by_label("날짜").input_value())
    block = Unavailability.objects.get(staff__username="hnv2004", reason="직무 교육")
    assert block.starts_at == dt.datetime.combine(day, dt.time(14), tzinfo=KST)
    assert block.ends_at == dt.datetime.combine(day, dt.time(15), tzinfo=KST)
    expect(page.locator("#calendar .oh-ev-block", has_text="직무 교육")).to_be_visible()

    # the end before the start: said at once, nothing saved
    tab_to(page, end)
    for _ in range(6):  # 15:00 → 12:00
        page.keyboard.press("ArrowUp")
    tab_to(page, page.get_by_role("button", name="차단 추가"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="끝 시간은 시작 시간보다 뒤여야 합니다")).to_be_visible()
    assert Unavailability.objects.filter(staff__username="hnv2004", reason="직무 교육").count() == 1
