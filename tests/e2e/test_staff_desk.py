"""A teller at the counter, in Chromium: find the customer, read the history, record the
consultation with a follow-up, book it, and see it on the today page and the calendar."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from consultations.models import Booking, Consultation
from messaging.models import Message
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY_MORNING = dt.datetime(2031, 3, 4, 9, 5, tzinfo=KST)


def test_a_teller_records_a_consultation_and_books_the_follow_up(
    watched_page, live_bank, demo_password, frozen_now
):
    frozen_now(TUESDAY_MORNING)  # the server's clock: a banking day, before opening hours end
    page, _problems = watched_page
    base = live_bank.url
    log_in(page, base, "hnv2004", demo_password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("신행복님의 오늘")

    # find the customer from the quick search on the today page
    page.get_by_placeholder("손님 이름·아이디·전화번호").fill("hanauser1")
    page.get_by_role("button", name="찾기").click()
    expect(page.locator("tbody")).to_contain_text("박*우")
    page.get_by_role("link", name="이력 보기").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("박진우")
    expect(page.locator(".oh-timeline")).to_contain_text("리틀빅정기예금 가입 상담, 가입")
    page.screenshot(path="test-results/staff-customer.png", full_page=True)

    # record the consultation at the counter
    page.get_by_role("link", name="상담 기록").first.click()
    page.get_by_label("대분류").select_option(label="대출")
    page.get_by_label("중분류").select_option(label="주택담보대출")
    page.get_by_label("제목").fill("주택담보대출 금리 재상담")
    page.get_by_label("상담 내용").fill("변동/고정 금리 비교 안내. 서류 준비 후 재방문 예정.")
    page.get_by_label("진행상태").select_option(label="진행중")
    page.get_by_label("추가상담 필요").check()
    page.screenshot(path="test-results/staff-note-form.png", full_page=True)
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".alert-success")).to_contain_text("상담 기록을 저장했습니다.")
    note = Consultation.objects.get(title="주택담보대출 금리 재상담")
    assert note.follow_up_needed and note.staff.username == "hnv2004"

    # book the follow-up from that note, on a slot that is really free
    page.locator(".oh-tl-consultation", has_text="주택담보대출 금리 재상담").get_by_role(
        "link", name="이 상담으로 예약"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("추가상담 예약")
    expect(page.locator(".oh-slot-day").first).to_contain_text("3/4")
    expect(page.locator(".oh-slot-day").first).not_to_contain_text("09:00")  # already past
    page.get_by_text("10:00", exact=True).first.click()
    page.screenshot(path="test-results/staff-booking.png", full_page=True)
    page.get_by_role("button", name="예약하고 문자 보내기").click()
    expect(page.locator(".alert-success")).to_contain_text("03/04 10:00 추가상담을 예약했습니다")

    booking = Booking.objects.get(origin=note)
    assert booking.starts_at == dt.datetime(2031, 3, 4, 10, 0, tzinfo=KST)
    assert (
        Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed").status == Message.Status.SENT
    )

    # it is on today's list ...
    page.get_by_role("link", name="오늘").click()
    expect(page.locator("tbody")).to_contain_text("10:00–10:30")
    expect(page.locator("tbody")).to_contain_text("박진우")
    expect(page.locator("tbody")).to_contain_text("주택담보대출 금리 재상담")

    # ... and on the calendar
    page.get_by_role("link", name="달력").click()
    expect(page.locator(".fc-event", has_text="박진우")).to_be_visible()
    expect(page.locator(".fc-toolbar-title")).to_have_text(re.compile(r"2031년 3월"))
    page.screenshot(path="test-results/staff-calendar.png", full_page=True)
