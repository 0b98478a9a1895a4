"""A phone complaint travels as a case: the agent opens it for 카드팀, the card team returns it with
a reason, the agent re-sends it, the team answers and closes it; the customer gets three SMS and
reads the answer in /me/cases/; the manager sees it in the analytics. In Chromium, four roles."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.models import Case, Team
from customers.models import User
from messaging.models import Message, Purpose
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_10 = dt.datetime(2031, 3, 10, 10, 0, tzinfo=KST)
TITLE = "카드 연회비 이중 청구 항의"
ANSWER = "중복 청구된 연회비 15,000원을 3월 결제일에 환급해 드립니다."


def test_a_phone_complaint_travels_to_the_card_team_and_back_to_the_customer(
    people, live_bank, demo_password, frozen_now
):
    frozen_now(MONDAY_10)
    customer_user = User.objects.get(username="hanauser1")
    member_user = Team.objects.get(code="card").members.order_by("username").first()

    # ---- the agent records the phone call and ticks 민원/요청 접수
    agent = people()
    log_in(agent.page, agent.base, "hnv2001", demo_password)
    agent.go(f"/staff/customers/{customer_user.pk}/consultations/new/")
    agent.page.get_by_label("대분류").select_option(label="카드")
    agent.page.get_by_label("중분류").select_option(label="신용카드")
    agent.page.get_by_label("제목", exact=True).fill(TITLE)
    agent.page.get_by_label("상담 내용").fill("연회비가 두 번 청구되었다며 전화로 항의, 환급 요청")
    agent.page.get_by_label("민원/요청 접수", exact=False).check()
    agent.page.get_by_role("button", name="저장").click()
    expect(agent.page.get_by_role("heading", level=1)).to_have_text("민원/요청 접수")
    expect(agent.page.get_by_label("제목", exact=True)).to_have_value(TITLE)
    agent.page.get_by_label("보낼 팀").select_option(label="카드팀")
    agent.page.get_by_role("button", name="접수하고 팀에 보내기").click()
    expect(agent.page.locator(".alert-success")).to_contain_text("카드팀에 보냈고")
    case = Case.objects.get(title=TITLE)
    expect(agent.page.get_by_test_id("case-team")).to_have_text("카드팀")

    # ---- the card team member finds it unassigned and returns it with a reason
    member = people()
    member.page.on("dialog", lambda dialog: dialog.accept())
    log_in(member.page, member.base, member_user.username, demo_password)
    member.go("/staff/cases/?view=unassigned")
    member.page.get_by_role("link", name=TITLE).click()
    member.page.locator("#return-reason").fill(
        "카드 번호가 기록에 없습니다. 카드 번호 확인 후 다시 보내 주세요."
    )
    member.page.get_by_role("button", name="반려").click()
    expect(member.page.locator(".alert-success")).to_contain_text("반려했습니다")
    case.refresh_from_db()
    assert (case.status, case.team.code, case.assignee.username) == ("returned", "contact", "hnv2001")

    # ---- the agent sees it back in their own list and re-sends it
    agent.go("/staff/cases/?view=mine")
    agent.page.get_by_role("link", name=TITLE).click()
    expect(agent.page.get_by_test_id("case-entries")).to_contain_text("카드 번호가 기록에 없습니다")
    agent.page.get_by_label("다른 팀으로 이관").select_option(label="카드팀")
    agent.page.get_by_placeholder("이관 메모").fill("카드 번호 끝자리 1234 확인했습니다.")
    agent.page.get_by_role("button", name="이관", exact=True).click()
    expect(agent.page.locator(".alert-success")).to_contain_text("이관했습니다")

    # ---- the team accepts, answers and closes it
    member.go(f"/staff/cases/{case.pk}/")
    member.page.get_by_role("button", name="내가 맡기").click()
    expect(member.page.locator(".alert-success")).to_contain_text("맡았습니다")
    member.page.locator("#answer-body").fill(ANSWER)
    member.page.get_by_role("button", name="답변 등록").click()
    expect(member.page.locator(".alert-success")).to_contain_text("답변을 등록했고")
    member.page.get_by_role("button", name="종결", exact=True).click()
    expect(member.page.locator(".alert-success")).to_contain_text("종결했고")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    # ---- the customer got three SMS and reads the answer
    sms = Message.objects.filter(customer=customer_user, idempotency_key__startswith=f"case:{case.pk}:")
    assert sorted(sms.values_list("purpose", flat=True)) == sorted(
        [Purpose.CASE_OPENED, Purpose.CASE_ANSWERED, Purpose.CASE_CLOSED]
    )
    assert all(m.status == Message.Status.SENT for m in sms)
    customer = people(phone=True)
    log_in(customer.page, customer.base, "hanauser1", demo_password)
    customer.go("/me/cases/")
    card = customer.page.locator(f"[data-case='{case.pk}']")
    expect(card).to_contain_text(TITLE)
    expect(card).to_contain_text("종결")
    expect(card).to_contain_text(ANSWER)
    expect(card).not_to_contain_text("카드 번호가 기록에 없습니다")  # internal hand-offs stay inside
    card.get_by_role("link", name=TITLE).click()
    expect(customer.page.get_by_test_id("case-answers")).to_contain_text(ANSWER)
    expect(customer.page.get_by_test_id("case-history")).to_contain_text("종결")
    expect(customer.page.locator("main")).not_to_contain_text("카드 번호가 기록에 없습니다")

    # ---- the manager sees it in the analytics
    manager = people()
    log_in(manager.page, manager.base, "hnv9001", demo_password)
    manager.go("/staff/analytics/?date_from=2031-03-01&date_to=2031-03-31&granularity=month")
    table = manager.page.locator("#table-cases_team")
    expect(table).to_contain_text("카드팀")
