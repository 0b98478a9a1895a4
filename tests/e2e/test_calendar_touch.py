"""The calendar on a touch phone: a drag over free time asks the reason in a modal dialog (not
prompt()) and creates the block; the drag selects no text; Esc cancels and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from consultations.models import Channel, MainCategory, Unavailability
from consultations.services import booking_create
from customers.models import User
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)


def touch_drag(page, start: str, end: str) -> None:
    """A finger on the `start` half hour, held a moment, slid down to the `end` half hour, lifted."""
    lane = "#calendar td.fc-timegrid-slot-lane[data-time='{}:00']"
    first = page.locator(lane.format(start))
    first.scroll_into_view_if_needed()
    a, b = first.bounding_box(), page.locator(lane.format(end)).bounding_box()
    assert a and b
    x = a["x"] + a["width"] / 2
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": a["y"] + 5}]})
    page.wait_for_timeout(400)  # past the calendar's short long-press
    steps = 6
    for i in range(1, steps + 1):
        y = a["y"] + 5 + (b["y"] + b["height"] / 2 - a["y"] - 5) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(30)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_a_touch_drag_asks_the_reason_in_a_dialog_and_blocks_the_time(people, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    teller = people(phone=True, viewport={"width": 360, "height": 740})
    page = teller.page
    log_in(page, teller.base, "hnv2004", demo_password)
    page.goto(f"{teller.base}/staff/calendar/")
    expect(page.locator("#calendar .fc-view")).to_be_visible()

    touch_drag(page, "16:00", "16:30")
    dialog = page.get_by_role("dialog", name="상담 불가 일정 추가")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("16:00–17:00")
    assert page.evaluate("String(window.getSelection())") == ""  # no text selected by the drag
    page.keyboard.press("Escape")  # cancelled: nothing saved
    expect(dialog).to_be_hidden()
    assert not Unavailability.objects.filter(staff__username="hnv2004", reason="외부 교육").exists()

    touch_drag(page, "16:00", "16:30")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("막는 이유 (선택)")).to_be_focused()
    page.keyboard.type("외부 교육")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="상담 불가 일정을 추가했습니다")).to_have_count(1)
    block = Unavailability.objects.get(staff__username="hnv2004", reason="외부 교육")
    local = block.starts_at.astimezone(KST)
    assert (local.hour, local.minute, block.ends_at - block.starts_at) == (16, 0, dt.timedelta(hours=1))
    expect(page.locator("#calendar .oh-ev-block", has_text="외부 교육")).to_be_visible()

    # a booking in the way is refused at once, before any reason is asked
    day = dt.date.fromisoformat(page.locator("#calendar").get_attribute("data-initial") or "")
    teller_user = User.objects.get(username="hnv2004")
    customer = User.objects.get(username="hanauser1")
    booking_create(
        customer=customer,
        staff=teller_user,
        channel=Channel.objects.get(code="branch"),
        starts_at=dt.datetime.combine(day, dt.time(14), tzinfo=KST),
        ends_at=dt.datetime.combine(day, dt.time(14, 30), tzinfo=KST),
        main_category=MainCategory.objects.get(code="01"),
        by=teller_user,
    )
    page.reload()
    expect(page.locator("#calendar .fc-view")).to_be_visible()
    expect(page.locator("#calendar .fc-timegrid-event").first).to_be_visible()
    touch_drag(page, "13:30", "14:00")
    expect(page.get_by_role("alert")).to_contain_text("예약이 있는 시간은 막을 수 없습니다")
    expect(dialog).to_be_hidden()
    page.screenshot(path="test-results/calendar-touch-360.png", full_page=True)
