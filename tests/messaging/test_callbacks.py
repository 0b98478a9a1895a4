"""Twilio delivery reports: signed, and only ever moving a message forward."""

from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from messaging.models import Message, Purpose

from .conftest import TWILIO_TEST_TOKEN

BASE = "https://omnihana.example.com"
PATH = "/messaging/twilio/status/?m=1"


@pytest.fixture
def sent_message(db, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TEST_TOKEN
    settings.TWILIO_STATUS_CALLBACK_BASE = BASE
    return Message.objects.create(
        idempotency_key="cb:1",
        purpose=Purpose.OTP,
        to_phone="+821023456789",
        body="x",
        status=Message.Status.SENT,
        provider="twilio",
        provider_message_id="SM" + "a" * 32,
    )


def report(client, message: Message, status: str, *, token: str = TWILIO_TEST_TOKEN, **extra: str):
    params = {
        "MessageSid": message.provider_message_id,
        "MessageStatus": status,
        "AccountSid": "AC1",
        **extra,
    }
    signature = RequestValidator(token).compute_signature(BASE + PATH, params)
    return client.post(PATH, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_signed_delivery_report_marks_the_message_delivered(client, sent_message):
    response = report(client, sent_message, "delivered")
    assert response.status_code == 204
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.DELIVERED
    assert sent_message.delivered_at is not None


def test_a_report_signed_with_another_token_is_refused_and_changes_nothing(client, sent_message):
    response = report(client, sent_message, "delivered", token="someone-elses-token")
    assert response.status_code == 403
    sent_message.refresh_from_db()
    assert sent_message.status == Message.Status.SENT


def test_a_report_with_tampered_parameters_is_refused(client, sent_message):
    params = {
        "MessageSid": sent_message.provider_message_id,
        "MessageStatus": "delivered",
        "AccountSid": "AC1",
    }
    signature = RequestValidator(TWILIO_TEST_TOKEN).compute_signature(BASE + PATH, params)
    response = client.post(PATH, {**params, "MessageStatus": "failed"}, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403
    assert Message.objects.get(pk=sent_message.pk).status == Message.Status.SENT


def test_an_unsigned_report_is_refused(client, sent_message):
    response = client.post(PATH, {"MessageSid": sent_message.provider_message_id, "MessageStatus": "failed"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("sequence", "final"),
    [
        (["delivered", "sent", "queued"], Message.Status.DELIVERED),
        (["delivered", "undelivered"], Message.Status.DELIVERED),
        (["sent", "failed", "delivered"], Message.Status.FAILED),
        (["delivered", "delivered"], Message.Status.DELIVERED),
    ],
)
def test_out_of_order_and_repeated_reports_never_move_a_message_back(client, sent_message, sequence, final):
    for status in sequence:
        assert report(client, sent_message, status).status_code == 204
    sent_message.refresh_from_db()
    assert sent_message.status == final
