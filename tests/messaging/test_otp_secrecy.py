"""Nobody at the bank can read a one-time code: not in the table, not in the admin, not on staff pages."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from customers.models import User
from customers.otp import otp_send
from messaging.delivery import message_deliver, message_reconcile
from messaging.models import Message, MessageAttempt, MessageTemplate, Purpose
from messaging.providers import TransientError
from messaging.providers.memory import MemoryProvider

PHONE = "+821055507788"


def code_sent(outbox, message: Message) -> str:
    sent = [sms for sms in outbox if sms.message_id == message.pk]
    assert sent, "nothing reached the provider"
    match = re.search(r"\d{6}", sent[-1].body)
    assert match, sent[-1].body
    return match.group()


def row_text(message: Message) -> str:
    """Everything our database holds about the message, as one string."""
    values = Message.objects.filter(pk=message.pk).values().get()
    attempts = list(MessageAttempt.objects.filter(message=message).values())
    return repr(values) + repr(attempts)


@pytest.fixture
def otp_message(db) -> Message:
    verification = otp_send(phone=PHONE, purpose="signup", ip="10.0.0.9")
    return Message.objects.get(idempotency_key=f"otp:{verification.pk}")


def test_it_sends_the_code_but_keeps_no_copy_of_it(otp_message, outbox):
    assert otp_message.body == "[하나은행] 인증번호 [●●●●●●]를 입력해 주세요. (3분 이내)"
    assert otp_message.secret  # sealed for the worker until it is sent
    assert message_deliver(otp_message.pk).outcome == "sent"
    code = code_sent(outbox, otp_message)
    otp_message.refresh_from_db()
    assert otp_message.status == Message.Status.SENT and otp_message.secret == ""
    assert code not in row_text(otp_message)


def test_a_transient_error_keeps_the_code_for_the_retry(otp_message, outbox, monkeypatch):
    real_send = MemoryProvider.send
    calls = []

    def flaky(self, sms):
        calls.append(sms)
        if len(calls) == 1:
            raise TransientError("503")
        return real_send(self, sms)

    monkeypatch.setattr(MemoryProvider, "send", flaky)
    assert message_deliver(otp_message.pk).outcome == "retry"
    Message.objects.filter(pk=otp_message.pk).update(not_before=None)
    assert message_deliver(otp_message.pk).outcome == "sent"
    code = code_sent(outbox, otp_message)
    assert calls[0].body == calls[1].body  # the same code both times
    assert code not in row_text(otp_message)


def test_a_worker_lost_while_sending_loses_nothing(otp_message, outbox, settings):
    settings.SMS_SEND_TIMEOUT = 0
    # The worker died after the claim: the row is 'unknown', not found at the provider, sent again.
    Message.objects.filter(pk=otp_message.pk).update(status=Message.Status.UNKNOWN)
    assert message_reconcile(otp_message.pk) == "requeued"
    assert message_deliver(otp_message.pk).outcome == "sent"
    assert code_sent(outbox, otp_message) not in row_text(otp_message)


def test_an_expired_code_is_not_sent_and_its_secret_is_wiped(otp_message, outbox, frozen_now):
    frozen_now(otp_message.valid_until)
    assert message_deliver(otp_message.pk).outcome == "not-claimed"
    otp_message.refresh_from_db()
    assert (otp_message.status, otp_message.secret, outbox) == (Message.Status.CANCELLED, "", [])


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(
        username="dba01", email="dba@example.com", password="x-Admin#2026", name="관리자", role="manager"
    )


def test_the_admin_shows_an_otp_message_masked_and_read_only(client, superuser, otp_message, outbox):
    message_deliver(otp_message.pk)
    code = code_sent(outbox, otp_message)
    client.force_login(superuser)
    url = reverse("admin:messaging_message_change", args=[otp_message.pk])
    page = client.get(url).content.decode()
    assert code not in page and "●●●●●●" in page
    assert "<textarea" not in page and 'name="body"' not in page and "010-5550-7788" not in page
    before = Message.objects.get(pk=otp_message.pk)
    assert client.post(url, {"body": "바뀐 내용", "status": "pending"}).status_code == 403
    assert Message.objects.get(pk=otp_message.pk).body == before.body


def test_every_admin_request_is_audited(client, superuser, otp_message, customer):
    client.force_login(superuser)
    client.get(reverse("admin:messaging_message_changelist"))
    client.get(reverse("admin:messaging_message_change", args=[otp_message.pk]))
    change = reverse("admin:customers_user_change", args=[customer.pk])
    client.get(change)
    client.post(change, {"name": ""})  # an invalid change is still an attempt to change
    entries = AuditEntry.objects.filter(actor=superuser).order_by("id")
    assert [(e.action, e.target) for e in entries] == [
        ("view", "admin messaging.message"),
        ("view", f"admin messaging.message:{otp_message.pk}"),
        ("view", f"admin customers.user:{customer.pk}"),
        ("update", f"admin customers.user:{customer.pk}"),
    ]
    assert entries.last().customer == customer


@pytest.mark.parametrize(
    "source",
    [
        "[하나은행] 인증번호 {{ code|slice:':3' }} {{ code|slice:'3:' }}",
        "[하나은행] 인증번호 {{ code|slice:':3' }}",
        "[하나은행] 인증번호 {{ code }} 다시 {{ code }}",
        "[하나은행] {% with c=code %}{{ c }}{% endwith %}",
        "[하나은행] {% if code %}{{ code }}{% endif %}",
        "[하나은행] {% comment %}{{ code }}{% endcomment %}",
        "[하나은행] 인증번호를 입력해 주세요",
    ],
)
def test_an_otp_template_that_does_not_print_the_code_whole_once_is_refused(client, manager, source):
    client.force_login(manager)
    response = client.post(reverse("staff:message_template_edit", args=["otp"]), {"body": source})
    assert response.status_code == 200
    assert "인증번호는 {{ code }} 한 곳에, 필터 없이 그대로 넣어야 합니다." in response.content.decode()
    assert not MessageTemplate.objects.filter(purpose=Purpose.OTP).exists()


def test_an_otp_template_with_the_code_once_is_saved(client, manager):
    client.force_login(manager)
    response = client.post(
        reverse("staff:message_template_edit", args=["otp"]), {"body": "[하나] 인증번호 {{ code }} (3분)"}
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get(purpose=Purpose.OTP).body == "[하나] 인증번호 {{ code }} (3분)"
