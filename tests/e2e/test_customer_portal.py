"""A customer on a phone (360×740): signing up with the SMS code, their history and charts,
booking a follow-up on a really free slot, seeing it under 내 예약, and cancelling it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from consultations.models import Booking, Channel, MiddleCategory, Progress
from consultations.services import consultation_record
from customers.models import User
from messaging.models import Message
from messaging.providers import memory
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)
NEW_PASSWORD = "Hana-bank#2026"


@pytest.fixture
def phone(people):
    """A phone-sized page (360×740) whose console errors and failed requests fail the test."""
    return people(phone=True, viewport={"width": 360, "height": 740}).page


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

    book_and_cancel_a_follow_up(page, live_bank.url, title="정기예금 상담 후 가입완료", login="hanauser1")


def book_and_cancel_a_follow_up(page, base_url: str, *, title: str, login: str) -> None:
    """From a past consultation on /me/, book a follow-up with the same teller at 11:00 on
    Tuesday 2031-03-04, find it under 내 예약, and cancel it; SMS both times."""
    page.get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("link", name="이 상담으로 추가상담 예약").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("추가상담 예약")
    expect(page.locator(".oh-slot-day").first).to_contain_text("3/4")
    assert no_horizontal_scroll(page)
    page.get_by_text("11:00", exact=True).first.click()
    page.screenshot(path="test-results/customer-booking-360.png", full_page=True)
    page.get_by_role("button", name="예약하기").click()
    expect(page.locator(".alert-success")).to_contain_text("예약했습니다")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2031년 3월 4일")
    booking = Booking.objects.get(customer__username=login, starts_at=dt.datetime(2031, 3, 4, 11, tzinfo=KST))
    assert booking.staff.username == "hnv2004"
    assert (
        Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed").status == Message.Status.SENT
    )

    # it is under 내 예약; cancel it (the confirmation dialog is accepted)
    page.goto(f"{base_url}/me/bookings/")
    expect(page.locator("body")).to_contain_text("3월 4일 (화요일) 11:00")
    page.get_by_role("link", name="3월 4일 (화요일) 11:00").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="예약 취소").click()
    expect(page.locator(".alert-success")).to_contain_text("예약을 취소했습니다")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert Message.objects.filter(idempotency_key=f"booking:{booking.pk}:cancelled", status="sent").exists()
    page.screenshot(path="test-results/customer-bookings-360.png", full_page=True)


def test_a_new_customer_signs_up_with_an_sms_code_then_books_and_cancels(
    phone, live_bank, demo_password, frozen_now
):
    frozen_now(MONDAY_MORNING)
    page = phone
    memory.outbox.clear()
    page.goto(f"{live_bank.url}/")
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/landing-360.png")
    page.get_by_role("link", name="회원가입").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("회원가입")
    page.get_by_label("아이디").fill("saerom90")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.get_by_label("비밀번호 확인").fill(NEW_PASSWORD)
    page.get_by_label("이름").fill("이새롬")
    page.get_by_label("여성").check()
    page.get_by_label("생년월일").fill("1990-07-15")
    page.get_by_label("휴대폰 번호").fill("010-5550-1234")
    page.get_by_role("button", name="인증번호 받기").click()
    expect(page.locator("[data-otp-status]")).to_contain_text("인증번호를 보냈습니다")
    sms = [m for m in memory.outbox if m.to == "+821055501234"]
    assert len(sms) == 1
    page.get_by_label("인증번호").fill(re.search(r"\d{6}", sms[0].body).group())
    page.get_by_label("이메일").fill("saerom@example.com")
    page.get_by_label("우편번호").fill("04538")
    page.locator("#id_address").fill("서울 중구 을지로 66")
    page.get_by_label("개인정보 수집·이용에 동의합니다").check()
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/customer-signup-360.png", full_page=True)
    page.get_by_role("button", name="가입하기").click()
    expect(page.locator(".alert-success")).to_contain_text("이새롬 님, 가입을 환영합니다.")
    expect(page.get_by_role("heading", level=1)).to_have_text("이새롬 손님의 상담이력")
    page.screenshot(path="test-results/customer-new-home-360.png", full_page=True)

    # 내 정보: the profile the customer just gave, and the consent state
    page.goto(f"{live_bank.url}/me/profile/")
    expect(page.get_by_label("이메일")).to_have_value("saerom@example.com")
    expect(page.get_by_label("휴대폰 번호")).to_have_value("010-5550-1234")
    expect(page.locator("[data-consent-state]")).to_contain_text("동의 안 함")
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/customer-profile-360.png", full_page=True)

    # log out (the menu is folded on a phone) and in again with the new password
    page.get_by_role("button", name="메뉴 열기").click()
    # the menu has finished unfolding (Bootstrap adds "show" after its transition): a click while
    # it is still sliding open can land on the page beneath it on a busy machine
    expect(page.locator("#oh-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="로그아웃").click()
    # the logout POST must finish before the next page load, or it is cancelled and the
    # session survives (the login page then sends a signed-in customer home)
    page.wait_for_url(re.compile(r"/accounts/login/"), timeout=20_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("로그인")
    log_in(page, live_bank.url, "saerom90", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("이새롬 손님의 상담이력")

    # a teller records her first branch visit; it is in her history at once
    customer = User.objects.get(username="saerom90")
    teller = User.objects.get(username="hnv2004")
    middle = MiddleCategory.objects.get(code="0203")
    consultation_record(
        customer=customer,
        staff=teller,
        data={
            "main_category": middle.main,
            "middle_category": middle,
            "channel": Channel.objects.get(code="branch"),
            "title": "전세자금대출 첫 상담",
            "notes": "필요 서류 안내",
            "progress": Progress.IN_PROGRESS,
            "follow_up_needed": True,
            "occurred_at": MONDAY_MORNING - dt.timedelta(minutes=30),
        },
        actor=teller,
    )
    page.reload()
    expect(page.locator(".oh-timeline")).to_contain_text("전세자금대출 첫 상담")
    book_and_cancel_a_follow_up(page, live_bank.url, title="전세자금대출 첫 상담", login="saerom90")


def test_a_customer_resets_a_forgotten_password_by_sms(phone, live_bank, demo_password):
    page = phone
    memory.outbox.clear()
    page.goto(f"{live_bank.url}/accounts/login/")
    page.get_by_role("link", name="비밀번호를 잊으셨나요?").click()
    page.get_by_label("아이디").fill("hanauser1")
    page.get_by_label("휴대폰 번호").fill("010-2345-6789")
    page.get_by_role("button", name="인증번호 받기").click()
    expect(page.locator(".alert-info")).to_contain_text("입력하신 정보가 가입 정보와 같으면")
    expect(page.get_by_role("heading", level=1)).to_have_text("새 비밀번호 설정")
    code = re.search(r"\d{6}", [m for m in memory.outbox if m.to == "+821023456789"][-1].body).group()
    page.get_by_label("인증번호").fill(code)
    page.get_by_label("새 비밀번호", exact=False).first.fill(NEW_PASSWORD)
    page.get_by_label("새 비밀번호 확인").fill(NEW_PASSWORD)
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/customer-password-reset-360.png", full_page=True)
    page.get_by_role("button", name="비밀번호 바꾸기").click()
    expect(page.locator(".alert-success")).to_contain_text("새 비밀번호로 로그인해 주세요")
    log_in(page, live_bank.url, "hanauser1", NEW_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("박진우 손님의 상담이력")
