"""SOLAPI through its real SDK against a local fake SOLAPI that checks the HMAC signature."""

from __future__ import annotations

import pytest
from django.urls import reverse

from messaging.delivery import message_apply_provider_status, message_deliver, message_reconcile
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue
from messaging.providers import get_provider
from messaging.providers.base import Alimtalk, OutgoingSms, PermanentError
from messaging.tasks import message_provider_report


def enqueue_otp(key: str = "otp:solapi", phone: str = "010-2345-6789") -> Message:
    message = message_enqueue(purpose=Purpose.OTP, key=key, to_phone=phone, context={"code": "482913"})
    message_deliver(message.pk)  # what the worker does after commit
    message.refresh_from_db()
    return message


def test_it_sends_an_sms_signed_with_hmac_and_records_solapis_id(db, fake_solapi):
    message = enqueue_otp()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider == "solapi"
    assert message.provider_message_id.startswith("M4V")
    sent = fake_solapi.state.messages
    assert [(m["to"], m["from"], m["type"]) for m in sent] == [("01023456789", "0215881111", "SMS")]
    assert sent[0]["customFields"] == {"ref": str(message.pk)}
    assert fake_solapi.state.stats()["rejected_auth"] == 0


def test_a_wrong_secret_is_refused_by_the_fake_and_nothing_is_sent(db, fake_solapi, settings):
    settings.SOLAPI_API_SECRET = "not-the-secret"
    message = enqueue_otp()
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING  # a retry after the key is fixed, never lost
    assert "SignatureDoesNotMatch" in message.last_error
    stats = fake_solapi.state.stats()
    assert (stats["requests"], stats["rejected_auth"], stats["received"]) == (0, 1, 0)


def test_a_long_body_goes_as_lms(db, fake_solapi):
    message = Message.objects.create(
        idempotency_key="lms", purpose=Purpose.OTP, to_phone="+821023456789", body="가" * 60, kind="lms"
    )
    assert message_deliver(message.pk).outcome == "sent"
    assert fake_solapi.state.messages[0]["type"] == "LMS"


def test_an_invalid_number_fails_for_good_and_a_5xx_is_retried(db, fake_solapi):
    fake_solapi.state.control({"invalid_numbers": ["01099999999"]})
    bad = Message.objects.create(
        idempotency_key="bad", purpose=Purpose.OTP, to_phone="+821099999999", body="x"
    )
    assert message_deliver(bad.pk).outcome == "failed"
    bad.refresh_from_db()
    assert "1062" in bad.last_error

    fake_solapi.state.control({"fail_next": 1})
    flaky = Message.objects.create(
        idempotency_key="flaky", purpose=Purpose.OTP, to_phone="+821023456789", body="y"
    )
    assert [message_deliver(flaky.pk).outcome for _ in range(2)] == ["retry", "sent"]
    assert fake_solapi.state.stats()["received"] == 1


def test_a_timeout_is_looked_up_by_our_reference_and_not_sent_again(db, fake_solapi, settings):
    fake_solapi.state.control({"timeout_next": 1, "timeout_seconds": 6.0})  # the SDK waits 5 s
    message = Message.objects.create(
        idempotency_key="slow", purpose=Purpose.OTP, to_phone="+821023456789", body="z"
    )
    assert message_deliver(message.pk).outcome == "unknown"
    assert message_reconcile(message.pk) == "found"
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_message_id == fake_solapi.state.messages[0]["messageId"]
    assert fake_solapi.state.stats()["received"] == 1


def test_an_alimtalk_carries_the_sender_profile_template_and_variables(db, fake_solapi):
    provider = get_provider()
    result = provider.send(
        OutgoingSms(
            message_id=7,
            to="+821023456789",
            body="[하나은행] 박진우님, 예약이 확정되었습니다.",
            kind="sms",
            alimtalk=Alimtalk(template_id="TPL_BOOKING_CONFIRMED", variables={"name": "박진우"}),
        )
    )
    assert result.provider_message_id.startswith("M4V")
    sent = fake_solapi.state.messages[0]
    assert sent["type"] == "ATA"
    assert sent["kakaoOptions"]["pfId"] == "KA01PF0000000000000000000000"
    assert sent["kakaoOptions"]["templateId"] == "TPL_BOOKING_CONFIRMED"
    assert sent["kakaoOptions"]["variables"] == {"#{name}": "박진우"}
    assert sent["kakaoOptions"]["disableSms"] is True  # the fallback is ours, one row each


def test_an_alimtalk_over_1000_characters_is_refused_before_the_request(db, fake_solapi):
    with pytest.raises(PermanentError, match="1,000"):
        get_provider().send(
            OutgoingSms(message_id=8, to="+821023456789", body="a" * 1001, kind="lms", alimtalk=Alimtalk("T"))
        )
    assert fake_solapi.state.stats()["requests"] == 0


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("2000", Message.Status.SENT),
        ("3000", Message.Status.SENT),
        ("4000", Message.Status.DELIVERED),
        ("3059", Message.Status.FAILED),
    ],
)
def test_solapis_report_codes_move_a_message_forward(db, fake_solapi, code, status):
    message = enqueue_otp()
    message.refresh_from_db()
    changed = message_apply_provider_status(
        provider="solapi", provider_message_id=message.provider_message_id, provider_status=code
    )
    message.refresh_from_db()
    assert message.status == status
    assert changed == (status != Message.Status.SENT)


# --- alimtalk first, SMS/LMS as the fallback ------------------------------------------------------
def answer_to(customer) -> Message:
    return message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED,
        customer=customer,
        key="inquiry:9:answered",
        context={"title": "대출 문의"},
    )


def test_a_purpose_with_an_alimtalk_template_goes_as_alimtalk_first(
    alimtalk_for_answers, customer, fake_solapi
):
    message = answer_to(customer)
    assert message.kind == Message.Kind.ALIMTALK
    assert message.alimtalk_variables == {"name": "박진우", "title": "대출 문의"}
    assert message_deliver(message.pk).outcome == "sent"
    sent = fake_solapi.state.messages
    assert [(m["type"], m["kakaoOptions"]["templateId"]) for m in sent] == [("ATA", "TPL_INQUIRY_ANSWERED")]


def test_without_a_kakao_speaking_provider_it_stays_sms(alimtalk_for_answers, customer, outbox, settings):
    settings.SMS_BACKEND = "memory"
    assert answer_to(customer).kind == Message.Kind.SMS


def test_an_alimtalk_refused_at_once_falls_back_to_sms_on_the_same_row(
    alimtalk_for_answers, customer, fake_solapi
):
    fake_solapi.state.control({"kakao_unreachable": ["01023456789"]})
    message = answer_to(customer)
    assert message_deliver(message.pk).outcome == "fallback"
    assert message_deliver(message.pk).outcome == "sent"
    message.refresh_from_db()
    assert (message.status, message.kind) == (Message.Status.SENT, Message.Kind.SMS)
    assert [(a.outcome, a.kind) for a in message.attempt_log.all()] == [("fallback", "ata"), ("sent", "sms")]
    assert "3104" in message.attempt_log.first().error
    # Exactly one reached the customer: the alimtalk was never accepted, the SMS once.
    assert [m["type"] for m in fake_solapi.state.messages] == ["SMS"]


def test_an_alimtalk_reported_undeliverable_falls_back_once(
    alimtalk_for_answers, customer, fake_solapi, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    message = answer_to(customer)
    assert message_deliver(message.pk).outcome == "sent"
    alimtalk_id = Message.objects.get(pk=message.pk).provider_message_id
    # The report says the alimtalk did not arrive; the SMS is handed out at once (eagerly here).
    assert message_provider_report(provider="solapi", provider_message_id=alimtalk_id, provider_status="3104")
    # The same report again, or a late success for the alimtalk, changes nothing.
    assert not message_provider_report(
        provider="solapi", provider_message_id=alimtalk_id, provider_status="3104"
    )
    assert not message_provider_report(
        provider="solapi", provider_message_id=alimtalk_id, provider_status="4000"
    )
    message.refresh_from_db()
    assert (message.status, message.kind) == (Message.Status.SENT, Message.Kind.SMS)
    assert message.provider_message_id != alimtalk_id
    assert [a.outcome for a in message.attempt_log.all()] == ["sent", "fallback", "sent"]
    assert [m["type"] for m in fake_solapi.state.messages] == ["ATA", "SMS"]


def test_the_message_page_shows_the_chain(alimtalk_for_answers, customer, fake_solapi, client, teller):
    fake_solapi.state.control({"kakao_unreachable": ["01023456789"]})
    message = answer_to(customer)
    message_deliver(message.pk)
    message_deliver(message.pk)
    client.force_login(teller)
    page = client.get(reverse("staff:message_detail", args=[message.pk])).content.decode()
    assert "알림톡 실패 · 문자로 전환" in page
    assert page.index("알림톡 실패 · 문자로 전환") < page.index("발송 성공")
