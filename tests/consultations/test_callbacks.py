"""Callback requests: due at the next business opening, a queue by due time and tier, three tries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations.callbacks import (
    callback_asap_alarm,
    callback_claim,
    callback_queue,
    callback_request,
    callback_unreachable,
)
from consultations.models import Callback, Channel, MainCategory
from consultations.services import consultation_record
from customers.models import User
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


def ask(customer: User, **kwargs) -> Callback:
    return callback_request(
        customer=customer,
        phone=kwargs.pop("phone", "010-2345-6789"),
        main_category=MainCategory.objects.get(code="02"),
        topic="전세자금대출 서류",
        **kwargs,
    )


def test_an_asap_request_at_night_is_due_at_the_next_business_opening(db, customer, frozen_now):
    frozen_now(at(TUESDAY, 22))
    callback = ask(customer)
    assert callback.due_at == at(dt.date(2031, 3, 5), 9)
    assert callback.phone == "+821023456789"


def test_a_request_on_friday_night_before_a_holiday_monday_is_due_tuesday(db, customer, frozen_now):
    frozen_now(at(dt.date(2031, 2, 28), 22))  # Friday; 3/3 is the substitute holiday of 삼일절
    assert ask(customer).due_at == at(TUESDAY, 9)


def test_a_chosen_window_is_due_at_its_start(db, customer, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = ask(
        customer, when=Callback.When.WINDOW, window_start=at(TUESDAY, 14), window_end=at(TUESDAY, 15)
    )
    assert callback.due_at == at(TUESDAY, 14)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"phone": "02-123-4567"}, "phone"),
        ({"when": "window"}, "window"),
        ({"when": "window", "window_start": at(TUESDAY, 15), "window_end": at(TUESDAY, 14)}, "window"),
        ({"when": "window", "window_start": at(TUESDAY, 7), "window_end": at(TUESDAY, 8)}, "past"),
        (  # a typing slip of the year: planned in months, not decades
            {"when": "window", "window_start": at(TUESDAY, 14), "window_end": at(dt.date(9999, 3, 4), 15)},
            "horizon",
        ),
        (
            {"when": "window", "window_start": at(TUESDAY, 14), "window_end": at(dt.date(2033, 3, 5), 15)},
            "horizon",
        ),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(db, customer, frozen_now, kwargs, code):
    frozen_now(at(TUESDAY, 10))
    with pytest.raises(ValidationError) as refused:
        ask(customer, **kwargs)
    # a field's error names its field; a form-wide one carries its code
    assert code in getattr(refused.value, "error_dict", {}) or refused.value.code == code
    assert not Callback.objects.filter(customer=customer).exists()


def test_the_queue_is_ordered_by_due_time_then_tier(db, customer, other_customer, agent, frozen_now):
    frozen_now(at(TUESDAY, 22))
    general = ask(customer)
    profile = other_customer.customer_profile
    profile.tier = "vip"
    profile.save(update_fields=["tier"])
    vip = ask(other_customer)  # due at the same 09:00
    frozen_now(at(TUESDAY, 8))
    early = ask(customer, when="window", window_start=at(TUESDAY, 9), window_end=at(TUESDAY, 10))
    early.due_at = at(TUESDAY, 8, 30)
    early.save(update_fields=["due_at"])
    assert list(callback_queue(user=agent)) == [early, vip, general]


def test_an_agent_sees_every_callback_a_teller_those_of_their_branch(db, customer, agent, teller, frozen_now):
    frozen_now(at(TUESDAY, 10))
    center = ask(customer)
    branch = ask(customer, branch=teller.staff_profile.branch)
    assert set(callback_queue(user=agent)) == {center, branch}
    assert list(callback_queue(user=teller)) == [branch]


def test_claim_then_record_closes_the_request_with_the_consultation(db, customer, agent, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = callback_claim(callback=ask(customer), by=agent)
    with pytest.raises(ValidationError):
        callback_claim(callback=callback, by=User.objects.get(username="hnv2004"))
    main = MainCategory.objects.get(code="02")
    note = consultation_record(
        customer=customer,
        staff=agent,
        data={
            "main_category": main,
            "middle_category": main.middles.first(),
            "channel": Channel.objects.get(code="call"),
            "title": "콜백: 전세자금대출 서류",
            "notes": "",
            "progress": "done",
            "follow_up_needed": False,
            "occurred_at": at(TUESDAY, 10),
        },
        callback=callback,
        actor=agent,
    )
    callback.refresh_from_db()
    assert (callback.status, callback.consultation) == (Callback.Status.DONE, note)


def test_three_unreachable_attempts_close_it_and_send_one_sms(db, customer, agent, frozen_now, outbox):
    frozen_now(at(TUESDAY, 10))
    callback = ask(customer)
    for attempt in (1, 2):
        callback_claim(callback=callback, by=agent)
        callback = callback_unreachable(callback=callback, by=agent, retry_at=at(TUESDAY, 10 + attempt))
        assert (callback.status, callback.attempts, callback.due_at) == (
            "waiting",
            attempt,
            at(TUESDAY, 10 + attempt),
        )
    callback_claim(callback=callback, by=agent)
    callback = callback_unreachable(callback=callback, by=agent, retry_at=None)
    assert (callback.status, callback.attempts) == (Callback.Status.UNREACHABLE, 3)
    sms = Message.objects.get(idempotency_key=f"callback:{callback.pk}:unreachable")
    assert "세 번 드렸으나 연결되지 않았습니다" in sms.body


def test_a_retry_beyond_two_years_is_refused_and_the_call_stays_claimed(db, customer, agent, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = callback_claim(callback=ask(customer), by=agent)
    with pytest.raises(ValidationError) as refused:
        callback_unreachable(callback=callback, by=agent, retry_at=at(dt.date(2034, 1, 2), 10))
    assert refused.value.code == "horizon"
    callback.refresh_from_db()
    assert (callback.status, callback.attempts, callback.claimed_by) == (Callback.Status.CLAIMED, 0, agent)


def test_an_unclaimed_asap_request_alerts_the_managers_once_after_two_business_hours(
    db, customer, manager, frozen_now
):
    manager.email = "manager@omnihana.test"
    manager.save(update_fields=["email"])
    frozen_now(at(TUESDAY, 17))  # 1 business hour left today
    ask(customer)
    assert callback_asap_alarm(now=at(TUESDAY, 23)) == 0
    assert callback_asap_alarm(now=at(dt.date(2031, 3, 5), 9, 59)) == 0
    assert callback_asap_alarm(now=at(dt.date(2031, 3, 5), 10, 0)) == 1
    assert callback_asap_alarm(now=at(dt.date(2031, 3, 5), 10, 5)) == 0
    assert len(mail.outbox) == 1 and "콜백" in mail.outbox[0].subject


def test_a_claimed_request_does_not_alert(db, customer, agent, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback_claim(callback=ask(customer), by=agent)
    assert callback_asap_alarm(now=at(TUESDAY, 15)) == 0


# --- pages ---------------------------------------------------------------------------------------
def test_a_customer_asks_at_22_and_an_agent_sees_it_due_0900_next_business_day(
    client, customer, agent, frozen_now
):
    frozen_now(at(TUESDAY, 22))
    client.force_login(customer)
    form = client.get(reverse("me:callback_new")).content.decode()
    assert 'value="010-2345-6789"' in form  # the customer's own number, editable
    response = client.post(
        reverse("me:callback_new"),
        {"when": "asap", "phone": "010-2345-6789", "main_category": MainCategory.objects.get(code="02").pk},
        follow=True,
    )
    assert "03/05 09:00까지 전화드리겠습니다" in response.content.decode()
    client.force_login(agent)
    queue = client.get(reverse("staff:callbacks")).content.decode()
    assert "3/5 (수요일) 09:00" in queue and "박진우" in queue
    assert "3/5 09:00" in client.get(reverse("staff:today")).content.decode()


def test_bad_input_on_the_request_page_is_explained_and_nothing_is_stored(client, customer, frozen_now):
    frozen_now(at(TUESDAY, 10))
    client.force_login(customer)
    response = client.post(
        reverse("me:callback_new"),
        {"when": "window", "phone": "010-2345-6789", "main_category": MainCategory.objects.get(code="02").pk},
    )
    assert response.status_code == 400
    assert "시작·종료 시간을 확인해 주세요" in response.content.decode()
    assert not Callback.objects.filter(customer=customer).exists()


def test_a_customer_cancels_their_own_callback_but_not_anothers(client, customer, other_customer, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = ask(customer)
    client.force_login(other_customer)
    assert client.post(reverse("me:callback_cancel", args=[callback.pk])).status_code == 404
    assert "전화 요청" in client.get(reverse("me:callbacks")).content.decode()
    assert "전세자금대출 서류" not in client.get(reverse("me:callbacks")).content.decode()
    client.force_login(customer)
    assert "전세자금대출 서류" in client.get(reverse("me:callbacks")).content.decode()
    client.post(reverse("me:callback_cancel", args=[callback.pk]))
    assert Callback.objects.get(pk=callback.pk).status == Callback.Status.CANCELLED


def test_a_teller_cannot_claim_a_contact_center_callback(client, customer, teller, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = ask(customer)
    client.force_login(teller)
    assert client.post(reverse("staff:callback_claim", args=[callback.pk])).status_code == 404
    assert Callback.objects.get(pk=callback.pk).status == Callback.Status.WAITING


def test_an_agent_claims_and_records_the_call_from_the_queue(client, customer, agent, frozen_now):
    frozen_now(at(TUESDAY, 10))
    callback = ask(customer)
    client.force_login(agent)
    client.post(reverse("staff:callback_claim", args=[callback.pk]))
    queue = client.get(reverse("staff:callbacks")).content.decode()
    record = reverse("staff:consultation_create", args=[customer.pk]) + f"?callback={callback.pk}"
    assert record in queue
    main = MainCategory.objects.get(code="02")
    client.post(
        reverse("staff:consultation_create", args=[customer.pk]),
        {
            "callback": callback.pk,
            "main_category": main.pk,
            "middle_category": main.middles.first().pk,
            "channel": Channel.objects.get(code="call").pk,
            "title": "콜백 상담",
            "notes": "",
            "progress": "done",
            "occurred_at": "2031-03-04T10:00",
        },
    )
    callback.refresh_from_db()
    assert callback.status == Callback.Status.DONE
    assert callback.consultation.title == "콜백 상담"
