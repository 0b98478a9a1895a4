"""The product's acceptance test: the seven steps of the scenario in ../shared/BRIEF.md, in Chromium.

A customer, an agent, a teller and a manager each use a browser context of their own against one
live server on PostgreSQL. Every SMS goes through the outbox to a real Celery worker on a real
Redis, which sends it with the real twilio client to a local fake Twilio; the test asserts the
outbox rows and what the provider received. The server's clock is set for each step: Monday
2031-03-10 for steps 1–5, and the morning of Tuesday 2031-03-11 for the reminder job, the visit
and the manager's look at the day.

The screenshots go to test-results/scenario/ (or OMNIHANA_SCREENSHOTS); the user guide in
docs/guide/ shows them (`./scripts/guide-screenshots.sh` refreshes its copies).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bench.common import wait_for
from consultations.models import Booking, Channel, Consultation
from consultations.tasks import booking_reminders_task
from customers.models import User
from inquiries.models import Inquiry
from messaging.models import Message, Purpose
from tests.e2e.conftest import PageProblems, log_in
from tests.worker_fixtures import Worker

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY = dt.date(2031, 3, 10)  # an ordinary banking day
TUESDAY = dt.date(2031, 3, 11)
SHOTS = Path(os.environ.get("OMNIHANA_SCREENSHOTS", "test-results/scenario"))
QUESTION = "신용대출 한도와 금리가 궁금합니다"
PHONE_NOTE = "신용대출 전화 상담 – 영업점 방문 안내"
COUNTER_NOTE = "신용대출 서류 확인 및 한도 조회"


def at(day: dt.date, hhmm: str) -> dt.datetime:
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def delivered(message: Message, fake_twilio, worker: Worker) -> dict:
    """Wait until the worker has sent the outbox row; return what the provider received."""
    assert wait_for(
        lambda: Message.objects.get(pk=message.pk).status == Message.Status.SENT, 30, every=0.2
    ), worker.log.read_text()[-3000:]
    message.refresh_from_db()
    received = [m for m in fake_twilio.state.messages if m["sid"] == message.provider_message_id]
    assert len(received) == 1
    return received[0]


def test_the_whole_scenario_across_four_roles(
    people, live_bank, demo_password, frozen_now, worker, fake_twilio
):
    customer_user = User.objects.get(username="hanauser1")
    teller_user = User.objects.get(username="hnv2004")
    sms_before = Message.objects.filter(customer=customer_user).count()

    # ---- 1. the signed-in customer writes a loan question on the inquiry board (Monday 09:00)
    frozen_now(at(MONDAY, "09:00"))
    customer = people(phone=True)
    log_in(customer.page, customer.base, "hanauser1", demo_password)
    expect(customer.page.get_by_role("heading", level=1)).to_have_text("박진우 손님의 상담이력")
    customer.go("/inquiries/new/")
    customer.page.get_by_label("제목").fill(QUESTION)
    customer.page.get_by_label("대분류").select_option(label="대출")
    customer.page.get_by_label("중분류").select_option(label="신용대출")
    customer.page.locator(".note-editable").click()
    customer.page.keyboard.type("직장인 신용대출 한도와 금리를 알고 싶습니다. 연봉은 4,500만 원입니다.")
    customer.shot(SHOTS, "01-customer-writes-inquiry")
    customer.page.get_by_role("button", name="등록").click()
    expect(customer.page.locator(".alert-success")).to_contain_text("문의가 접수되었습니다")
    inquiry = Inquiry.objects.get(title=QUESTION)
    assert inquiry.customer == customer_user and inquiry.status == Inquiry.Status.RECEIVED

    # ---- 2. an agent sees it in the unanswered queue, oldest deadline first, and replies (09:20)
    frozen_now(at(MONDAY, "09:20"))
    agent = people()
    log_in(agent.page, agent.base, "hnv2001", demo_password)
    agent.page.locator("nav").get_by_role("link", name="문의").click()
    rows = agent.page.locator("tbody tr")
    expect(rows.filter(has_text=QUESTION)).to_have_count(1)
    oldest = Inquiry.objects.filter(status__in=Inquiry.WAITING).order_by("sla_due_at", "pk").first()
    expect(rows.first).to_contain_text(oldest.title)  # the longest-waiting question is on top
    agent.shot(SHOTS, "02-agent-queue")
    rows.filter(has_text=QUESTION).get_by_role("link", name=QUESTION).click()
    agent.page.locator(".note-editable").click()
    agent.page.keyboard.type(
        "직장인 신용대출은 연소득과 신용점수에 따라 최대 1억 원까지 가능합니다. 금리는 영업점에서 조회해 드립니다."
    )
    agent.shot(SHOTS, "03-agent-answers")
    agent.page.get_by_role("button", name="등록").click()
    expect(agent.page.locator(".alert-success")).to_contain_text("답변을 등록했고")
    answered = Message.objects.get(customer=customer_user, purpose=Purpose.INQUIRY_ANSWERED)
    assert "답변이 등록되었습니다" in delivered(answered, fake_twilio, worker)["body"]
    customer.page.reload()
    expect(customer.page.locator("article.oh-reply-staff")).to_contain_text("최대 1억 원")
    customer.shot(SHOTS, "04-customer-reads-answer")

    # ---- 3. the customer phones; the agent finds them by number, sees the inquiry and the earlier
    # consultations in one timeline, records the call, and points to the nearest branch (09:40)
    frozen_now(at(MONDAY, "09:40"))
    agent.page.locator("nav").get_by_role("link", name="손님").click()
    agent.page.get_by_label("이름, 아이디 또는 휴대폰 번호").fill("010-2345-6789")
    agent.page.get_by_role("button", name="검색").click()
    agent.page.get_by_role("link", name="이력 보기").click()
    timeline = agent.page.locator(".oh-timeline")
    expect(timeline).to_contain_text(QUESTION)  # the inquiry, as 인터넷
    expect(timeline).to_contain_text("리틀빅정기예금 가입 상담, 가입")  # an earlier branch visit
    agent.shot(SHOTS, "05-agent-customer-timeline")
    # the nearest branch to the customer's address (서울 중구 세종대로), from the branch finder
    finder = agent.context.new_page()
    finder_problems = PageProblems(finder, agent.base)
    finder.goto(f"{agent.base}/branches/")
    finder.get_by_label("기준 위치 (동네 이름)").fill("서울 중구")
    finder.get_by_role("button", name="찾기").click()
    nearest = finder.locator(".oh-branch").first.get_by_role("heading", level=2)
    expect(nearest).to_have_text("을지로 본점")
    branch_name = nearest.inner_text().strip()
    finder.close()
    assert finder_problems.items == []
    agent.page.get_by_role("link", name="상담 기록").first.click()
    agent.page.get_by_label("대분류").select_option(label="대출")
    agent.page.get_by_label("중분류").select_option(label="신용대출")
    agent.page.get_by_label("채널").select_option(label="콜센터")
    agent.page.get_by_label("제목").fill(PHONE_NOTE)
    agent.page.get_by_label("상담 내용").fill(
        f"인터넷 문의 후속 전화. 한도 조회에 재직증명서가 필요하여 가까운 {branch_name} 방문을 안내함."
    )
    agent.page.get_by_label("진행상태").select_option(label="진행중")
    agent.shot(SHOTS, "06-agent-records-call")
    agent.page.get_by_role("button", name="저장").click()
    expect(agent.page.locator(".alert-success")).to_contain_text("상담 기록을 저장했습니다.")
    call = Consultation.objects.get(title=PHONE_NOTE)
    assert call.channel.code == "call" and call.staff.username == "hnv2001"

    # ---- 4. at that branch a teller searches the records, consults, records, flags a follow-up (14:00)
    frozen_now(at(MONDAY, "14:00"))
    teller = people()
    log_in(teller.page, teller.base, "hnv2004", demo_password)
    assert teller_user.staff_profile.branch.name == branch_name
    teller.page.locator("nav").get_by_role("link", name="상담조회").click()
    teller.page.get_by_label("손님 (이름/아이디)").fill("박진우")
    teller.page.get_by_label("시작일").fill("2031-03-10")
    teller.page.get_by_role("button", name="조회").click()
    expect(teller.page.locator("tbody")).to_contain_text(PHONE_NOTE)  # the agent's call this morning
    teller.shot(SHOTS, "07-teller-search")
    teller.go(f"/staff/customers/{customer_user.pk}/")
    expect(teller.page.locator(".oh-timeline")).to_contain_text(PHONE_NOTE)
    teller.page.get_by_role("link", name="상담 기록").first.click()
    teller.page.get_by_label("대분류").select_option(label="대출")
    teller.page.get_by_label("중분류").select_option(label="신용대출")
    teller.page.get_by_label("제목").fill(COUNTER_NOTE)
    teller.page.get_by_label("상담 내용").fill(
        "재직증명서 확인, 한도 조회 결과 안내. 금리 확정은 다음 방문 때."
    )
    teller.page.get_by_label("진행상태").select_option(label="진행중")
    teller.page.get_by_label("추가상담 필요").check()
    teller.page.get_by_role("button", name="저장").click()
    expect(teller.page.locator(".alert-success")).to_contain_text("상담 기록을 저장했습니다.")
    visit = Consultation.objects.get(title=COUNTER_NOTE)
    assert visit.follow_up_needed and visit.channel.code == "branch" and visit.staff == teller_user

    # ---- 5. the customer opens the history and books the follow-up on a slot that is really free (18:30)
    frozen_now(at(MONDAY, "18:30"))
    Booking.objects.create(  # another customer already has Tuesday 10:30 with this teller
        customer=User.objects.get(username="hanauser2"),
        staff=teller_user,
        channel=Channel.objects.get(code="branch"),
        main_category=visit.main_category,
        starts_at=at(TUESDAY, "10:30"),
        ends_at=at(TUESDAY, "11:00"),
    )
    customer.go("/me/")
    history = customer.page.locator(".oh-timeline")
    for title in (COUNTER_NOTE, PHONE_NOTE):
        expect(history).to_contain_text(title)
    customer.shot(SHOTS, "08-customer-history")
    customer.page.get_by_text(COUNTER_NOTE, exact=True).click()
    customer.page.get_by_role("link", name="이 상담으로 추가상담 예약").click()
    expect(customer.page.get_by_role("heading", level=1)).to_have_text("추가상담 예약")
    tuesday = customer.page.locator(".oh-slot-day", has_text="3/11")
    expect(tuesday.get_by_text("10:00", exact=True)).to_be_visible()
    expect(tuesday.get_by_text("10:30", exact=True)).to_have_count(0)  # taken
    tuesday.get_by_text("10:00", exact=True).click()
    customer.shot(SHOTS, "09-customer-books")
    customer.page.get_by_role("button", name="예약하기").click()
    expect(customer.page.locator(".alert-success")).to_contain_text("예약했습니다")
    booking = Booking.objects.get(customer=customer_user, starts_at=at(TUESDAY, "10:00"))
    assert booking.origin == visit and booking.staff == teller_user
    confirmed = Message.objects.get(idempotency_key=f"booking:{booking.pk}:confirmed")
    sms = delivered(confirmed, fake_twilio, worker)
    assert sms["to"] == "+821023456789" and "예약완료" in sms["body"]

    # ---- 6. Tuesday: the reminder job in the morning, the teller's today list, the note after it
    frozen_now(at(TUESDAY, "08:00"))
    assert booking_reminders_task() >= 1  # the job beat starts at 08:00 (REMINDER_TIME)
    reminder = Message.objects.get(idempotency_key=f"booking:{booking.pk}:reminder:2031-03-11")
    sms = delivered(reminder, fake_twilio, worker)
    assert sms["to"] == "+821023456789" and "10:00" in sms["body"]
    booking_reminders_task()  # the beat runs it again every 10 minutes: still one reminder
    assert Message.objects.filter(idempotency_key__startswith=f"booking:{booking.pk}:reminder:").count() == 1

    frozen_now(at(TUESDAY, "10:02"))  # the customer arrives
    teller.page.reload()  # yesterday's session is over (12 hours at most): sign in again
    expect(teller.page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(teller.page, teller.base, "hnv2004", demo_password)
    row = teller.page.locator("tbody tr", has_text="박진우")
    expect(row).to_contain_text("10:00–10:30")
    expect(row).to_contain_text(COUNTER_NOTE)
    teller.shot(SHOTS, "10-teller-today")

    frozen_now(at(TUESDAY, "10:31"))  # the consultation is over
    row.get_by_role("link", name="결과 기록").click()
    expect(teller.page.get_by_label("제목")).to_have_value("대출 추가상담")
    teller.page.get_by_label("제목").fill("신용대출 금리 확정 및 약정")
    teller.page.get_by_label("상담 내용").fill("금리 연 4.9% 확정, 약정 완료.")
    teller.page.get_by_label("진행상태").select_option(label="완료")
    teller.page.get_by_label("상담 완료").check()
    teller.shot(SHOTS, "11-teller-writes-result")
    teller.page.get_by_role("button", name="저장").click()
    expect(teller.page.locator(".alert-success")).to_contain_text("상담 기록을 저장했습니다.")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    result = Consultation.objects.get(title="신용대출 금리 확정 및 약정")
    assert result.booking == booking and result.occurred_at.astimezone(KST).date() == TUESDAY

    # ---- 7. the manager sees all of it in the analytics for those days (Tuesday 17:00)
    frozen_now(at(TUESDAY, "17:00"))
    manager = people()
    log_in(manager.page, manager.base, "hnv9001", demo_password)
    manager.page.locator("nav").get_by_role("link", name="실적").click()
    manager.page.get_by_label("시작일").fill("2031-03-10")
    manager.page.get_by_label("종료일").fill("2031-03-11")
    expect(manager.page.locator("#g-day")).to_be_checked()  # by day is the default
    manager.page.get_by_role("button", name="보기").click()
    expect(manager.page).to_have_url(re.compile(r"date_from=2031-03-10.*granularity=day"))
    by_day = manager.page.locator("#table-timeline tbody")
    expect(by_day.locator("tr")).to_have_count(2)
    monday_row, tuesday_row = by_day.locator("tr").nth(0), by_day.locator("tr").nth(1)
    expect(monday_row.locator("td").last).to_have_text("2")  # the call and the counter visit
    expect(tuesday_row.locator("td").last).to_have_text("1")  # the follow-up
    channels = manager.page.locator("#table-channel tbody")
    expect(channels.locator("tr", has_text="영업점 창구").locator("td").first).to_have_text("2")
    expect(channels.locator("tr", has_text="콜센터").locator("td").first).to_have_text("1")
    expect(manager.page.locator("#table-bookings")).to_contain_text("방문율 100.0% (완료 1건 / 노쇼 0건)")
    expect(manager.page.locator("#table-inquiries")).to_contain_text("접수 1건, 답변 1건")
    expect(manager.page.locator("#table-inquiries")).to_contain_text("기한 준수율 100.0%")
    for name in ("timeline", "channel", "bookings", "inquiries", "messages"):
        expect(manager.page.locator(f"#table-{name} canvas")).to_have_attribute(
            "data-ready", re.compile(r"\d+")
        )
    manager.shot(SHOTS, "12-manager-analytics")

    # every SMS of the story went out once, through the worker, and is in the outbox as sent
    story = Message.objects.filter(customer=customer_user).order_by("pk")[sms_before:]
    assert [(m.purpose, m.status) for m in story] == [
        (Purpose.INQUIRY_ANSWERED, Message.Status.SENT),
        (Purpose.BOOKING_CONFIRMED, Message.Status.SENT),
        (Purpose.BOOKING_REMINDER, Message.Status.SENT),
    ]
    to_customer = [m for m in fake_twilio.state.messages if m["to"] == "+821023456789"]
    assert len(to_customer) == 3
    assert fake_twilio.state.stats()["duplicates"] == 0
