"""The delivery board on a phone (360×740) and on a desk (1366): a manager sees each lane, the alert
of a lane waiting too long, and the message list below, without sideways scrolling."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from messaging.board import delivery_alarm
from messaging.models import Message, MessageAttempt, Purpose
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def some_traffic() -> None:
    for i, (purpose, status, provider) in enumerate(
        [(Purpose.OTP, Message.Status.SENT, "solapi")] * 6
        + [(Purpose.OTP, Message.Status.FAILED, "solapi"), (Purpose.OTP, Message.Status.DELIVERED, "twilio")]
        + [(Purpose.MARKETING, Message.Status.PENDING, "")] * 3
        + [(Purpose.INQUIRY_OVERDUE, Message.Status.SENT, "solapi")]
    ):
        message = Message.objects.create(
            idempotency_key=f"e2e-board:{i}",
            purpose=purpose,
            to_phone="+821023456789",
            body="안내",
            status=status,
            provider=provider,
        )
        if purpose == Purpose.MARKETING:
            Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - dt.timedelta(minutes=11))
        if i == 0:
            MessageAttempt.objects.create(
                message=message, outcome=MessageAttempt.Outcome.FALLBACK, kind="ata"
            )
    delivery_alarm()


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1366, "height": 900}])
def test_a_manager_reads_the_board_and_the_list_below_it(people, live_bank, demo_password, viewport):
    some_traffic()
    person = people(phone=viewport["width"] < 500, viewport=viewport)
    page = person.page
    log_in(page, live_bank.url, "hnv9001", demo_password)
    page.goto(f"{live_bank.url}/staff/messages/")
    expect(page.get_by_role("heading", name="발송 상황판")).to_be_visible()
    bulk = page.locator('[data-lane="bulk"]')
    expect(bulk).to_contain_text("대량·마케팅")
    expect(bulk).to_contain_text("경보")
    expect(bulk).to_contain_text("대기 시간 초과")
    expect(page.locator('[data-lane="transactional"]')).to_contain_text("SOLAPI")
    expect(page.get_by_role("heading", name="메시지 목록")).to_be_visible()
    assert no_horizontal_scroll(page)
    person.shot(SHOTS, f"delivery-board-{viewport['width']}")
