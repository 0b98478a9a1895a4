"""A walk-in at the counter, in Chromium: the teller registers the person, records the consultation
and books the follow-up (an SMS goes out); later the same person signs up on a 360 px phone with
that number and finds the consultation and the booking in their own history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from consultations.models import Booking, Consultation
from customers.models import User
from messaging.models import Message
from messaging.providers import memory
from tests.e2e.conftest import log_in
from tests.e2e.test_customer_portal import no_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY_MORNING = dt.datetime(2031, 3, 4, 9, 5, tzinfo=KST)
PASSWORD = "Hana-bank#2026"


def test_a_walk_in_gets_a_consultation_and_a_booking_then_claims_them_by_signing_up(
    people, live_bank, demo_password, frozen_now
):
    frozen_now(TUESDAY_MORNING)
    memory.outbox.clear()
    teller = people()
    page = teller.page
    log_in(page, live_bank.url, "hnv2004", demo_password)

    # nobody found: register the person from the empty search
    teller.go("/staff/customers/?q=최방문")
    expect(page.locator(".oh-empty")).to_contain_text("찾는 손님이 없습니다.")
    page.locator("[data-walk-in]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("손님 등록")
    expect(page.get_by_label("이름")).to_have_value("최방문")
    page.get_by_label("생년월일").fill("1961-07-15")
    page.get_by_label("휴대폰 번호").fill("010-7777-1234")
    page.get_by_role("button", name="등록", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("최방문 님을 손님번호")
    expect(page.get_by_role("heading", level=1)).to_contain_text("최방문")
    expect(page.locator("body")).to_contain_text("웹 미가입")
    page.screenshot(path="test-results/staff-walk-in.png", full_page=True)

    # record the consultation with a follow-up, and book it
    page.get_by_role("link", name="상담 기록").first.click()
    page.get_by_label("대분류").select_option(label="대출")
    page.get_by_label("중분류").select_option(label="주택담보대출")
    page.get_by_label("제목").fill("창구 주택담보대출 첫 상담")
    page.get_by_label("상담 내용").fill("필요 서류 안내")
    page.get_by_label("진행상태").select_option(label="진행중")
    page.get_by_label("추가상담 필요").check()
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".alert-success")).to_contain_text("상담 기록을 저장했습니다.")
    page.locator(".oh-tl-consultation", has_text="창구 주택담보대출 첫 상담").get_by_role(
        "link", name="이 상담으로 예약"
    ).click()
    page.get_by_text("10:00", exact=True).first.click()
    page.get_by_role("button", name="예약하고 문자 보내기").click()
    expect(page.locator(".alert-success")).to_contain_text("03/04 10:00 추가상담을 예약했습니다")
    walk_in = User.objects.get(name="최방문")
    booking = Booking.objects.get(customer=walk_in)
    sms = Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed")
    assert (sms.to_phone, sms.status) == ("+821077771234", Message.Status.SENT)
    assert [m.to for m in memory.outbox] == ["+821077771234"]

    # the same person signs up on a phone with that number and birth date
    customer = people(phone=True, viewport={"width": 360, "height": 740})
    page = customer.page
    customer.go("/accounts/signup/")
    page.get_by_label("아이디").fill("bangmun61")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("비밀번호 확인").fill(PASSWORD)
    page.get_by_label("이름").fill("최방문")
    page.get_by_label("여성").check()
    page.get_by_label("생년월일").fill("1961-07-15")
    page.get_by_label("휴대폰 번호").fill("010-7777-1234")
    page.get_by_role("button", name="인증번호 받기").click()
    expect(page.locator("[data-otp-status]")).to_contain_text("인증번호를 보냈습니다")
    code = re.search(r"\d{6}", memory.outbox[-1].body).group()
    page.get_by_label("인증번호").fill(code)
    page.get_by_label("이메일").fill("bangmun@example.com")
    page.get_by_label("개인정보 수집·이용에 동의합니다").check()
    page.get_by_role("button", name="가입하기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("최방문 손님의 상담이력")
    expect(page.locator("main")).to_contain_text("창구 주택담보대출 첫 상담")
    assert no_horizontal_scroll(page)
    page.screenshot(path="test-results/customer-claimed-home-360.png", full_page=True)
    customer.go("/me/bookings/")
    expect(page.locator("main")).to_contain_text("3월 4일")
    assert User.objects.get(username="bangmun61").pk == walk_in.pk
    assert Consultation.objects.get(title="창구 주택담보대출 첫 상담").customer_id == walk_in.pk
