"""The delivery board on /staff/messages/ and its alarm: once per incident, again after recovery."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from messaging.board import delivery_alarm, delivery_board
from messaging.models import DeliveryIncident, Message, MessageAttempt, Purpose
from messaging.tasks import message_delivery_alarm_task

_seq = iter(range(10**6))


def row(purpose: str, status: str, *, provider: str = "solapi", age: dt.timedelta = dt.timedelta(0), **extra):
    message = Message.objects.create(
        idempotency_key=f"board:{next(_seq)}",
        purpose=purpose,
        to_phone="+821023456789",
        body="안내",
        status=status,
        provider=provider,
        **extra,
    )
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def lane(board, name):
    return next(state for state in board if state.lane == name)


@pytest.fixture
def thresholds(db, settings, manager):
    Message.objects.all().delete()  # the seed's few messages: each test writes its own
    manager.email = "jiwon.choi@omnihana.example"
    manager.save(update_fields=["email"])
    settings.SMS_BOARD_FAILURE_RATE = 0.2
    settings.SMS_BOARD_FAILURE_MIN_COUNT = 5
    settings.SMS_BOARD_WAIT_SECONDS = 300
    settings.SMS_BACKEND = "solapi"


def test_counts_per_lane_and_provider_for_the_hour_and_the_day(db, thresholds):
    row(Purpose.OTP, Message.Status.SENT)
    row(Purpose.OTP, Message.Status.DELIVERED, provider="twilio")
    row(Purpose.OTP, Message.Status.FAILED, age=dt.timedelta(hours=3))
    row(Purpose.OTP, Message.Status.SENT, age=dt.timedelta(days=2))  # older than a day: not counted
    row(Purpose.MARKETING, Message.Status.PENDING, provider="")  # not sent yet: the configured provider
    fell_back = row(Purpose.INQUIRY_ANSWERED, Message.Status.SENT)
    MessageAttempt.objects.create(message=fell_back, outcome=MessageAttempt.Outcome.FALLBACK, kind="ata")
    board = delivery_board()
    transactional = lane(board, "transactional")
    by_provider = {r.provider: r for r in transactional.rows}
    assert by_provider["solapi"].hour.counts == {
        "queued": 0,
        "sending": 0,
        "sent": 2,
        "failed": 0,
        "fallback": 1,
    }
    assert by_provider["solapi"].day.counts["failed"] == 1
    assert by_provider["solapi"].day.counts["sent"] == 2
    assert by_provider["twilio"].hour.counts["sent"] == 1
    assert lane(board, "bulk").rows[0].hour.counts["queued"] == 1
    assert lane(board, "notice").rows == []


def test_the_oldest_wait_counts_only_due_unclaimed_messages(db, thresholds):
    row(Purpose.MARKETING, Message.Status.PENDING, age=dt.timedelta(minutes=7))
    row(
        Purpose.MARKETING,
        Message.Status.PENDING,
        age=dt.timedelta(hours=5),
        not_before=timezone.now() + dt.timedelta(hours=2),
    )  # waits for 08:00 by law: not late
    row(Purpose.OTP, Message.Status.SENT, age=dt.timedelta(hours=2))
    board = delivery_board()
    assert 7 * 60 - 5 < lane(board, "bulk").oldest_wait < 7 * 60 + 5
    assert lane(board, "bulk").waiting_too_long
    assert lane(board, "transactional").oldest_wait is None


def test_the_page_shows_the_board_above_the_message_list(client, teller, thresholds):
    for _ in range(4):
        row(Purpose.OTP, Message.Status.SENT)
    row(Purpose.OTP, Message.Status.FAILED)
    row(Purpose.MARKETING, Message.Status.PENDING, age=dt.timedelta(minutes=12, seconds=3))
    client.force_login(teller)
    page = client.get(reverse("staff:messages")).content.decode()
    assert page.index("발송 상황판") < page.index("메시지 목록")
    assert "실시간 (인증번호·예약·답변)" in page and "대량·마케팅" in page
    assert "20.0%" in page  # 1 failed of 5 finished in the last hour
    assert re.search(r"12분 \d+초", page)
    assert "최근 24시간 동안 이 경로로 보낸 메시지가 없습니다." in page  # the notice lane is empty
    assert 'aria-label="최근 1시간 상태별 비율: 발송 완료 4, 발송중 0, 대기 0, 실패 1"' in page


def test_customers_cannot_see_the_board(client, customer):
    client.force_login(customer)
    assert client.get(reverse("staff:messages")).status_code == 403


def test_a_failure_rate_over_the_threshold_alerts_the_managers_once_per_incident(db, manager, thresholds):
    for _ in range(3):
        row(Purpose.OTP, Message.Status.SENT)
    failed = [row(Purpose.OTP, Message.Status.FAILED) for _ in range(2)]
    assert delivery_alarm() == {"opened": 1, "closed": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [manager.email]
    assert "실시간 (인증번호·예약·답변): 최근 1시간 실패율 40%" in mail.outbox[0].subject
    # Still failing: the incident stays open and nobody is told again.
    assert delivery_alarm() == {"opened": 0, "closed": 0}
    assert message_delivery_alarm_task() == {"opened": 0, "closed": 0}
    assert len(mail.outbox) == 1
    # Recovered (the failures are older than an hour now): the incident closes.
    Message.objects.filter(pk__in=[m.pk for m in failed]).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    assert delivery_alarm() == {"opened": 0, "closed": 1}
    assert DeliveryIncident.objects.get().closed_at is not None
    # A new failure wave is a new incident and alerts again.
    for _ in range(3):
        row(Purpose.OTP, Message.Status.FAILED)
    assert delivery_alarm()["opened"] == 1
    assert len(mail.outbox) == 2
    assert DeliveryIncident.objects.filter(closed_at__isnull=True).count() == 1


def test_too_few_messages_are_no_failure_rate_incident(db, manager, thresholds):
    row(Purpose.OTP, Message.Status.FAILED)  # 1 of 1 failed: 100 %, but below the minimum count
    assert delivery_alarm() == {"opened": 0, "closed": 0}
    assert mail.outbox == []


def test_a_lane_waiting_too_long_alerts_and_closes_when_it_drains(client, db, manager, thresholds):
    stuck = row(Purpose.MARKETING, Message.Status.PENDING, age=dt.timedelta(minutes=9))
    assert delivery_alarm()["opened"] == 1
    assert "대량·마케팅: 가장 오래 기다린 메시지가 9분째 대기 중" in mail.outbox[0].body
    client.force_login(manager)
    page = client.get(reverse("staff:messages")).content.decode()
    assert "경보" in page and "대기 시간 초과" in page
    Message.objects.filter(pk=stuck.pk).update(status=Message.Status.SENT)
    assert delivery_alarm() == {"opened": 0, "closed": 1}
    assert len(mail.outbox) == 1
