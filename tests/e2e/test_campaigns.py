"""A campaign from segment to results in Chromium: manager A builds a segment, writes the text,
test-sends and submits; manager B (on a phone) approves; the pacer sends it to the memory provider;
A reads the results, sees the campaign on a recipient's timeline and registers their opt-out there;
the next campaign, to a list A uploads as CSV with that customer on it, skips them."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Segment
from campaigns.sending import campaign_pace
from customers.models import CustomerProfile, User
from messaging.models import Message, Purpose
from messaging.providers import memory
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_10 = dt.datetime(2031, 3, 10, 10, 0, tzinfo=KST)
TARGETS = ("hanauser1", "hanauser2", "hanauser3")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_campaign_is_written_approved_by_another_manager_sent_and_counted(
    people, live_bank, demo_password, frozen_now
):
    frozen_now(MONDAY_10)
    CustomerProfile.objects.update(marketing_consent=False, marketing_night_consent=False)
    CustomerProfile.objects.filter(user__username__in=TARGETS).update(marketing_consent=True)
    memory.outbox.clear()

    # ---- manager A builds a segment: the count follows the filters
    author = people()
    author.page.on("dialog", lambda dialog: dialog.accept())
    log_in(author.page, author.base, "hnv9001", demo_password)
    author.go("/staff/campaigns/")
    author.page.get_by_role("link", name="세그먼트 만들기").click()
    expect(author.page.locator("#segment-count")).to_have_text("수신 동의 손님 3명")
    author.page.get_by_label("세그먼트 이름").fill("동의 손님 전원")
    author.page.get_by_role("button", name="저장하고 캠페인 작성").click()

    # ---- writes the text and the schedule; the frame is shown, the counts too
    expect(author.page.get_by_role("heading", level=1)).to_have_text("새 캠페인")
    author.page.get_by_label("캠페인 이름").fill("3월 적금 특판")
    author.page.get_by_label("본문").fill("#{이름}님, 3월 한 달 하나 적금 연 0.5%p 우대금리를 드립니다.")
    author.page.get_by_label("발송 시작", exact=True).fill("2031-03-10T09:00")
    author.page.get_by_label("발송 종료", exact=True).fill("2031-03-12T20:00")
    author.page.get_by_role("button", name="저장").click()
    expect(author.page.locator(".alert-success")).to_contain_text("캠페인을 저장했습니다")
    expect(author.page.locator("pre.oh-sms")).to_contain_text("(광고)[하나은행] #{이름}님")
    expect(author.page.locator("pre.oh-sms")).to_contain_text("무료수신거부")

    # ---- test send to the author's own phone, then submit
    author.page.get_by_label("내 휴대폰 번호").fill("010-9000-0001")
    author.page.get_by_role("button", name="테스트 발송").click()
    expect(author.page.locator(".alert-success")).to_contain_text("테스트 문자를 보냈습니다")
    test = Message.objects.get(purpose=Purpose.CAMPAIGN_TEST)
    assert test.body.startswith("(광고)[하나은행] 최지원님")
    author.page.get_by_role("button", name="승인 요청").click()
    expect(author.page.locator(".alert-success")).to_contain_text("승인을 요청했습니다")
    expect(author.page.get_by_text("작성자는 승인할 수 없습니다")).to_be_visible()

    # ---- manager B approves on a phone
    approver = people(phone=True)
    approver.page.on("dialog", lambda dialog: dialog.accept())
    log_in(approver.page, approver.base, "hnv9002", demo_password)
    campaign = Campaign.objects.get(name="3월 적금 특판")
    approver.go(f"/staff/campaigns/{campaign.pk}/")
    assert no_horizontal_scroll(approver.page)
    approver.page.get_by_role("button", name="승인", exact=True).click()
    expect(approver.page.locator(".alert-success")).to_contain_text("캠페인을 승인했습니다")

    # ---- the pacer's beat: one message each, to the memory provider
    campaign_pace(MONDAY_10)
    campaign_pace(MONDAY_10 + dt.timedelta(minutes=1))
    campaign_ids = set(campaign.recipients.values_list("message_id", flat=True))
    sent = {sms.to for sms in memory.outbox if sms.message_id in campaign_ids}
    assert all(sms.body.startswith("(광고)[하나은행]") for sms in memory.outbox)
    phones = set(CustomerProfile.objects.filter(user__username__in=TARGETS).values_list("phone", flat=True))
    assert sent == phones

    # ---- A reads the results
    author.go(f"/staff/campaigns/{campaign.pk}/results/")
    expect(author.page.locator('[data-total="sent"]')).to_have_text("3")
    expect(author.page.locator("#campaign-hours")).to_have_attribute("data-ready", "1")
    assert no_horizontal_scroll(author.page)

    # ---- the campaign is on a recipient's timeline; A registers their opt-out there
    leaving = User.objects.get(username="hanauser2")
    author.go(f"/staff/customers/{leaving.pk}/")
    entry = author.page.locator(".oh-tl-campaign").first
    expect(entry).to_contain_text("3월 적금 특판")
    expect(entry).to_contain_text("(광고)[하나은행]")
    author.page.get_by_role("button", name="수신거부 등록").click()
    expect(author.page.locator(".alert-success")).to_contain_text("수신거부를 등록했습니다")

    # ---- B, on the phone, reads the campaign list as cards (no sideways scrolling)
    approver.go("/staff/campaigns/")
    expect(approver.page.get_by_test_id("campaign-cards")).to_contain_text("3월 적금 특판")
    assert no_horizontal_scroll(approver.page)

    # ---- the next campaign goes to a list A uploads; the customer who opted out is on it
    author.go("/staff/campaigns/")
    author.page.get_by_role("link", name="CSV로 대상 올리기").click()
    author.page.get_by_label("세그먼트 이름").fill("3월 가입 고객 명단")
    author.page.get_by_label("CSV 파일").set_input_files(
        {"name": "list.csv", "mimeType": "text/csv", "buffer": "\n".join(["휴대폰", *TARGETS]).encode()}
    )
    author.page.get_by_role("button", name="올리고 검사").click()
    expect(author.page.get_by_role("heading", level=1)).to_have_text("새 캠페인")
    expect(author.page.locator(".alert-success")).to_contain_text("세그먼트를 저장했습니다: 3명")
    uploaded = Segment.objects.get(name="3월 가입 고객 명단")
    following = Campaign.objects.create(
        name="3월 적금 특판 2차",
        segment=uploaded,
        body=campaign.body,
        starts_at=campaign.starts_at,
        ends_at=campaign.ends_at,
        author=campaign.author,
        approver=campaign.approver,
        status=Campaign.Status.APPROVED,
    )
    campaign_pace(MONDAY_10 + dt.timedelta(minutes=2))
    following_ids = set(following.recipients.values_list("message_id", flat=True))
    again = {sms.to for sms in memory.outbox if sms.message_id in following_ids}
    assert again == phones - {leaving.customer_profile.phone}
