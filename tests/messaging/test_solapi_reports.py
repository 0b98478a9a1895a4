"""SOLAPI's delivery-report webhook: the shared secret, its status codes, the SMS fallback, repeats."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from messaging.delivery import message_deliver
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue

from .test_solapi import answer_to

SECRET = "report-secret-0123456789"  # noqa: S105 - a made-up secret for the tests


@pytest.fixture
def webhook(settings):
    settings.SOLAPI_WEBHOOK_SECRET = SECRET
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the fallback SMS is handed out at once, in-process


def post(client, payload, *, token: str = SECRET):
    url = reverse("messaging:solapi_report") + (f"?token={token}" if token else "")
    return client.post(url, json.dumps(payload), content_type="application/json")


def sent_otp(key: str = "otp:report") -> Message:
    message = message_enqueue(
        purpose=Purpose.OTP, key=key, to_phone="010-2345-6789", context={"code": "482913"}
    )
    message_deliver(message.pk)
    message.refresh_from_db()
    return message


def test_a_report_marks_the_message_delivered(db, client, fake_solapi, webhook):
    message = sent_otp()
    response = post(client, [fake_solapi.state.report(message.provider_message_id, "4000", "수신 완료")])
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
    assert message.delivered_at is not None


@pytest.mark.parametrize("token", ["", "wrong-secret"])
def test_a_report_without_the_shared_secret_is_refused_and_changes_nothing(
    db, client, fake_solapi, webhook, token
):
    message = sent_otp()
    response = post(client, [fake_solapi.state.report(message.provider_message_id, "3059")], token=token)
    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_reports_are_refused_while_no_secret_is_configured(db, client, fake_solapi, settings):
    settings.SOLAPI_WEBHOOK_SECRET = ""
    message = sent_otp()
    response = post(client, [fake_solapi.state.report(message.provider_message_id, "4000")], token="")
    assert response.status_code == 403


@pytest.mark.parametrize("body", ["not json", '"text"', "[1, 2]", '{"data": {}}', '[{"data": 5}]'])
def test_a_malformed_body_is_a_400(db, client, webhook, body):
    url = reverse("messaging:solapi_report") + f"?token={SECRET}"
    assert client.post(url, body, content_type="application/json").status_code == 400


def test_a_carrier_failure_fails_an_sms_with_solapis_reason(db, client, fake_solapi, webhook):
    message = sent_otp()
    post(client, [fake_solapi.state.report(message.provider_message_id, "3043", "단말기 Power off")])
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.last_error == "3043 단말기 Power off"


def test_an_unknown_word_and_a_report_for_another_id_change_nothing(db, client, fake_solapi, webhook):
    message = sent_otp()
    event = fake_solapi.state.report(message.provider_message_id, "4000")
    word = {**event, "data": {**event["data"], "statusCode": "DELIVERED"}}
    other = {**event, "data": {**event["data"], "messageId": "M4VNOTOURS"}}
    assert post(client, [word, other]).status_code == 204
    message.refresh_from_db()
    assert message.status == Message.Status.SENT


def test_an_alimtalk_reported_undeliverable_goes_as_sms_once_however_often_it_is_reported(
    alimtalk_for_answers,
    customer,
    client,
    fake_solapi,
    webhook,  # noqa: F811
):
    message = answer_to(customer)
    assert message_deliver(message.pk).outcome == "sent"
    alimtalk_id = Message.objects.get(pk=message.pk).provider_message_id
    report = fake_solapi.state.report(alimtalk_id, "3104", "카카오톡 미사용자")
    # SOLAPI retries a webhook it thinks failed: the same report three times, then a late success.
    for retry in range(3):
        assert post(client, [{**report, "retryCount": retry}]).status_code == 204
    assert post(client, [fake_solapi.state.report(alimtalk_id, "4000")]).status_code == 204
    message.refresh_from_db()
    assert (message.status, message.kind) == (Message.Status.SENT, Message.Kind.SMS)
    assert [a.outcome for a in message.attempt_log.all()] == ["sent", "fallback", "sent"]
    assert "3104" in message.attempt_log.all()[1].error
    assert [m["type"] for m in fake_solapi.state.messages] == ["ATA", "SMS"]
    # The SMS's own report then arrives and completes the row.
    post(client, [fake_solapi.state.report(message.provider_message_id, "4000")])
    message.refresh_from_db()
    assert message.status == Message.Status.DELIVERED
