"""/staff/messages/: what staff see of the outbox, and what only managers may do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from messaging.models import Message, MessageTemplate, Purpose
from messaging.outbox import message_enqueue


@pytest.fixture
def failed_message(db, customer) -> Message:
    return Message.objects.create(
        idempotency_key="page:failed",
        purpose=Purpose.BOOKING_CONFIRMED,
        customer=customer,
        to_phone="+821023456789",
        body="[하나은행] 11/23 상담 예약 확정 안내",
        status=Message.Status.FAILED,
        attempts=5,
        last_error="twilio 400 21211: invalid",
    )


def urls(message: Message) -> list[str]:
    return [reverse("staff:messages"), reverse("staff:message_detail", args=[message.pk])]


def test_anonymous_visitors_are_sent_to_login(client, failed_message):
    for url in urls(failed_message):
        assert client.get(url)["Location"].startswith("/accounts/login/")


def test_customers_are_refused(client, customer, failed_message):
    client.force_login(customer)
    for url in urls(failed_message) + [reverse("staff:message_templates")]:
        assert client.get(url).status_code == 403
    assert client.post(reverse("staff:message_retry", args=[failed_message.pk])).status_code == 403


@pytest.mark.parametrize("login", ["hnv2001", "hnv2004", "hnv9001"])
def test_staff_see_the_list_and_details_with_masked_numbers(client, db, login, failed_message):
    from customers.models import User

    client.force_login(User.objects.get(username=login))
    page = client.get(reverse("staff:messages")).content.decode()
    assert "010-****-6789" in page and "010-2345-6789" not in page
    detail = client.get(reverse("staff:message_detail", args=[failed_message.pk])).content.decode()
    assert "twilio 400 21211: invalid" in detail


def test_the_list_filters_by_status_and_number(client, teller, failed_message, customer):
    Message.objects.create(
        idempotency_key="page:sent",
        purpose=Purpose.OTP,
        to_phone="+821077778888",
        body="인증번호 [482913]",
        status=Message.Status.SENT,
    )
    client.force_login(teller)
    failed_only = client.get(reverse("staff:messages"), {"status": "failed"}).content.decode()
    assert "상담 예약 확정 안내" in failed_only and "482913" not in failed_only
    by_number = client.get(reverse("staff:messages"), {"q": "7777-8888"}).content.decode()
    assert "인증번호 [●●●●●●]" in by_number and "상담 예약 확정 안내" not in by_number
    assert "482913" not in by_number  # staff never see a one-time code


def test_a_bad_date_range_is_explained(client, teller):
    client.force_login(teller)
    page = client.get(
        reverse("staff:messages"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    ).content.decode()
    assert "시작일이 종료일보다 늦습니다." in page


def test_only_managers_retry_a_failed_message(client, teller, manager, failed_message, outbox):
    client.force_login(teller)
    assert client.post(reverse("staff:message_retry", args=[failed_message.pk])).status_code == 403
    assert Message.objects.get(pk=failed_message.pk).status == Message.Status.FAILED
    client.force_login(manager)
    with_callbacks = client.post(reverse("staff:message_retry", args=[failed_message.pk]))
    assert with_callbacks.status_code == 302
    failed_message.refresh_from_db()
    assert failed_message.status in {Message.Status.PENDING, Message.Status.SENT}
    assert failed_message.attempts in {0, 1}


def test_retrying_a_message_that_did_not_fail_is_refused(client, manager, customer):
    sent = Message.objects.create(
        idempotency_key="page:ok",
        purpose=Purpose.OTP,
        to_phone="+821023456789",
        body="x",
        status=Message.Status.SENT,
    )
    client.force_login(manager)
    response = client.post(reverse("staff:message_retry", args=[sent.pk]), follow=True)
    assert "실패한 메시지만 다시 보낼 수 있습니다." in response.content.decode()
    assert Message.objects.get(pk=sent.pk).status == Message.Status.SENT


def test_templates_are_for_managers_only(client, teller):
    client.force_login(teller)
    assert client.get(reverse("staff:message_templates")).status_code == 403
    edit = reverse("staff:message_template_edit", args=["booking_reminder"])
    assert client.post(edit, {"body": "hacked"}).status_code == 403
    assert not MessageTemplate.objects.exists()


def test_a_manager_edits_a_template_and_the_next_message_uses_it(client, manager, customer, outbox):
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["inquiry_answered"])
    response = client.post(edit, {"body": "[하나] {{ name }}님 답변 완료: {{ title }}"})
    assert response.status_code == 302
    message = message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED, customer=customer, key="tpl:1", context={"title": "대출"}
    )
    assert message.body == "[하나] 박진우님 답변 완료: 대출"
    client.post(edit, {"reset": "1"})
    again = message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED, customer=customer, key="tpl:2", context={"title": "대출"}
    )
    assert again.body.startswith("[하나은행] 박진우님, 문의하신")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{% load static %}{{ name }}", "사용할 수 없는 태그"),
        ("{% debug %}", "사용할 수 없는 태그"),
        ("{% if name %}no end", "문법 오류"),
        ("{{ name|no_such_filter }}", "문법 오류"),
    ],
)
def test_a_broken_or_unsafe_template_is_refused_and_nothing_changes(client, manager, body, error):
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["booking_confirmed"])
    response = client.post(edit, {"body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MessageTemplate.objects.exists()


def test_the_live_preview_renders_sample_values_and_counts_bytes(client, manager):
    client.force_login(manager)
    url = reverse("staff:message_template_preview", args=["booking_reminder"])
    result = client.post(url, {"body": "{{ name }}님 {{ starts_at|date:'H:i' }} 상담"}).json()
    assert {k: result[k] for k in ("ok", "body", "bytes", "chars", "kind")} == {
        "ok": True,
        "body": "박진우님 14:30 상담",
        "bytes": 19,
        "chars": 13,
        "kind": "SMS",
    }
    assert [(row["channel"], row["count"], row["limit"]) for row in result["limits"]] == [
        ("SMS", 19, 90),
        ("LMS", 19, 2000),
        ("Twilio", 13, 1600),
        ("알림톡", 13, 1000),
    ]
    assert client.post(url, {"body": "{% load x %}"}).json()["ok"] is False
    assert not MessageTemplate.objects.exists()


def test_a_template_too_long_for_twilio_is_refused_when_saved(client, manager):
    """1,700 ASCII characters fit an LMS (2,000 bytes) but Twilio refuses over 1,600 characters."""
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["booking_confirmed"])
    response = client.post(edit, {"body": "a" * 1700})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Twilio 최대 길이(1,600자)를 넘습니다: 1,700자" in page
    assert 'id="preview-limits"' in page
    assert not MessageTemplate.objects.exists()


def test_the_editor_shows_each_providers_count_of_the_sample(client, manager):
    client.force_login(manager)
    page = client.get(reverse("staff:message_template_edit", args=["otp"])).content.decode()
    assert 'id="preview-limits"' in page
    for channel in ("SMS", "LMS", "Twilio", "알림톡"):
        assert f'<th scope="row">{channel}</th>' in page


def test_a_manager_gives_a_purpose_an_alimtalk_template(client, manager):
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["booking_confirmed"])
    source = client.get(edit).content.decode()
    assert 'name="alimtalk_template"' in source
    response = client.post(edit, {"body": "{{ name }}님 예약 확정", "alimtalk_template": "TPL_BOOKING_OK"})
    assert response.status_code == 302
    assert MessageTemplate.objects.get(purpose="booking_confirmed").alimtalk_template == "TPL_BOOKING_OK"


def test_an_alimtalk_template_over_1000_characters_is_refused(client, manager):
    client.force_login(manager)
    edit = reverse("staff:message_template_edit", args=["booking_confirmed"])
    response = client.post(edit, {"body": "a" * 1001, "alimtalk_template": "TPL"})
    assert response.status_code == 200
    assert "알림톡 최대 길이(1,000자)를 넘습니다" in response.content.decode()
    assert not MessageTemplate.objects.exists()
