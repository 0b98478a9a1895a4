"""A real worker SIGKILLed between an alimtalk attempt and its SMS fallback: nothing reaches the
customer twice. The worker sends with the real solapi SDK to the local fake SOLAPI; the sweep and
reconcile settle what the dead worker left, as they do for SMS (tests/messaging/test_worker.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from bench.common import wait_for
from messaging.models import Message, MessageTemplate, Purpose
from messaging.outbox import message_enqueue
from messaging.tasks import message_provider_report, message_sweep
from tests.fakes.solapi import API_KEY, API_SECRET
from tests.worker_fixtures import Worker, worker_database_url

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = "01023456789"


@pytest.fixture
def solapi_worker(private_redis, fake_solapi, publish_to, tmp_path) -> Iterator[Worker]:
    import os

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "omnihana.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": private_redis.url,
        "SMS_BACKEND": "solapi",
        "SOLAPI_API_BASE": fake_solapi.url,
        "SOLAPI_API_KEY": API_KEY,
        "SOLAPI_API_SECRET": API_SECRET,
        "SOLAPI_SENDER": "02-1588-1111",
        "SOLAPI_PF_ID": "KA01PF0000000000000000000000",
        "SMS_SEND_TIMEOUT": "3",  # reconcile waits 2 × this for a request that may still land
        "SMS_RETRY_BASE_SECONDS": "0.2",
    }
    process = Worker(env, tmp_path).start()
    yield process
    process.stop()


@pytest.fixture
def answer_template():
    MessageTemplate.objects.create(
        purpose=Purpose.INQUIRY_ANSWERED,
        body="[하나은행] {{ name }}님, 문의 '{{ title }}'에 답변이 등록되었습니다.",
        alimtalk_template="TPL_INQUIRY_ANSWERED",
    )


def enqueue(key: str) -> Message:
    return message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED, key=key, to_phone=PHONE, context={"name": "박진우", "title": "대출"}
    )


def row(pk: int) -> Message:
    return Message.objects.get(pk=pk)


def delivered_by_type(fake) -> Counter[str]:
    return Counter(m["type"] for m in fake.state.messages)


def sweep() -> None:
    message_sweep(pending_idle=0, stuck_after=1.5)


def settle(pk: int, *, until) -> bool:
    # stuck_after: the dead worker's claim is older than this; a live send takes milliseconds.
    return wait_for(lambda: until(row(pk)), 45, every=1.0, tick=sweep)


def test_killed_while_the_refused_alimtalk_was_in_flight_the_customer_gets_one_sms(
    answer_template, solapi_worker, fake_solapi
):
    # KakaoTalk cannot reach the number, and SOLAPI takes 2 s to say so.
    fake_solapi.state.control({"kakao_unreachable": [PHONE], "delay": 2.0})
    message = enqueue("kill:refused")
    assert message.kind == Message.Kind.ALIMTALK
    assert wait_for(lambda: fake_solapi.state.stats()["requests"] == 1, 30)
    solapi_worker.kill()  # holding the claim, before it can record the refusal or fall back
    fake_solapi.state.control({"delay": 0})
    solapi_worker.start()
    assert settle(message.pk, until=lambda m: m.status == Message.Status.SENT), solapi_worker.log.read_text()[
        -3000:
    ]
    final = row(message.pk)
    assert final.kind == Message.Kind.SMS
    assert delivered_by_type(fake_solapi) == {"SMS": 1}  # no alimtalk was accepted, one SMS
    outcomes = [a.outcome for a in final.attempt_log.all()]
    assert outcomes.count("fallback") == 1 and outcomes.count("sent") == 1


def test_killed_after_the_alimtalk_was_accepted_it_is_not_sent_again_and_falls_back_once(
    answer_template, solapi_worker, fake_solapi
):
    fake_solapi.state.control({"delay": 2.0})  # SOLAPI accepts the alimtalk after 2 s
    message = enqueue("kill:accepted")
    assert wait_for(lambda: fake_solapi.state.stats()["requests"] == 1, 30)
    solapi_worker.kill()  # dies before it records the acceptance
    assert wait_for(lambda: fake_solapi.state.stats()["received"] == 1, 30)
    fake_solapi.state.control({"delay": 0})
    solapi_worker.start()
    # Reconcile finds the alimtalk at SOLAPI by our reference: it is not sent a second time.
    assert settle(message.pk, until=lambda m: m.status == Message.Status.SENT and m.provider_message_id)
    alimtalk_id = row(message.pk).provider_message_id
    assert delivered_by_type(fake_solapi) == {"ATA": 1}
    # Then SOLAPI reports it undeliverable (twice, as a retried webhook would): one SMS follows.
    assert message_provider_report(provider="solapi", provider_message_id=alimtalk_id, provider_status="3104")
    assert not message_provider_report(
        provider="solapi", provider_message_id=alimtalk_id, provider_status="3104"
    )
    assert settle(message.pk, until=lambda m: m.status == Message.Status.SENT and m.kind == Message.Kind.SMS)
    assert wait_for(lambda: delivered_by_type(fake_solapi) == {"ATA": 1, "SMS": 1}, 10)
    message_sweep(pending_idle=0, stuck_after=1.5)
    assert delivered_by_type(fake_solapi) == {"ATA": 1, "SMS": 1}
