"""Writing notes, finishing bookings, booking for a customer, and the calendar of blocks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import Booking, Channel, Consultation, MainCategory, MiddleCategory, Unavailability
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


def note_data(**overrides) -> dict[str, str]:
    loan = MiddleCategory.objects.get(code="0201")
    data = {
        "main_category": str(loan.main_id),
        "middle_category": str(loan.pk),
        "channel": str(Channel.objects.get(code="branch").pk),
        "title": "신용대출 한도 재상담",
        "notes": "재직증명서 확인, 한도 3천만원 안내",
        "progress": "in_progress",
        "follow_up_needed": "on",
        "occurred_at": "2031-03-03T09:30",
    }
    data.update(overrides)
    return data


def test_a_teller_writes_a_note_that_joins_the_timeline_and_the_audit(client, teller, customer, monday):
    client.force_login(teller)
    response = client.post(reverse("staff:consultation_create", args=[customer.pk]), note_data())
    assert response.status_code == 302
    note = Consultation.objects.get(title="신용대출 한도 재상담")
    assert (note.customer, note.staff, note.follow_up_needed, note.progress) == (
        customer,
        teller,
        True,
        "in_progress",
    )
    assert AuditEntry.objects.filter(
        actor=teller, customer=customer, action="create", target=f"consultation {note.pk}"
    ).exists()
    assert (
        "신용대출 한도 재상담"
        in client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    )


def test_a_middle_category_of_another_main_category_is_refused(client, teller, customer, monday):
    client.force_login(teller)
    response = client.post(
        reverse("staff:consultation_create", args=[customer.pk]),
        note_data(middle_category=str(MiddleCategory.objects.get(code="0101").pk)),
    )
    assert response.status_code == 200
    assert "선택한 대분류에 속한 중분류가 아닙니다." in response.content.decode()
    assert not Consultation.objects.filter(title="신용대출 한도 재상담").exists()


def test_a_note_in_the_future_is_refused(client, teller, customer, monday):
    client.force_login(teller)
    response = client.post(
        reverse("staff:consultation_create", args=[customer.pk]), note_data(occurred_at="2031-03-05T09:30")
    )
    assert "미래의 상담은 기록할 수 없습니다." in response.content.decode()


def test_an_inactive_category_is_not_offered_for_new_notes(client, teller, customer, monday):
    MainCategory.objects.filter(code="06").update(is_active=False)
    client.force_login(teller)
    page = client.get(reverse("staff:consultation_create", args=[customer.pk])).content.decode()
    # The option, not the word: the form also offers "민원/요청 접수" (opening a case).
    assert ">금융상품</option>" in page and ">민원</option>" not in page
    response = client.post(
        reverse("staff:consultation_create", args=[customer.pk]),
        note_data(main_category=str(MainCategory.objects.get(code="06").pk)),
    )
    assert (
        response.status_code == 200 and not Consultation.objects.filter(title="신용대출 한도 재상담").exists()
    )


def test_editing_a_note_keeps_a_history_of_changes(client, agent, customer, monday):
    client.force_login(agent)
    note = Consultation.objects.filter(customer=customer, title="적금 상품 상담 후 가입완료").get()
    data = note_data(
        main_category=str(note.main_category_id),
        middle_category=str(note.middle_category_id),
        channel=str(note.channel_id),
        title=note.title,
        notes="가입 완료, 자동이체 등록",
        progress="done",
        occurred_at="2020-09-16T13:30",
    )
    data.pop("follow_up_needed")
    assert client.post(reverse("staff:consultation_edit", args=[note.pk]), data).status_code == 302
    revision = note.revisions.get()
    assert revision.edited_by == agent
    assert revision.changes["상담 내용"] == [
        "리틀빅정기예금 상품 설명 및 가입 절차 안내 완료.",
        "가입 완료, 자동이체 등록",
    ]
    assert set(revision.changes) == {"상담 내용"}
    assert AuditEntry.objects.filter(actor=agent, action="update", customer=customer).exists()
    assert "수정 이력" in client.get(reverse("staff:consultation_edit", args=[note.pk])).content.decode()


@pytest.fixture
def booking(db, customer, teller):
    middle = MiddleCategory.objects.get(code="0202")
    return Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 10, 30),
    )


@pytest.mark.parametrize("outcome", ["completed", "no_show"])
def test_finishing_a_booking_links_the_note_and_marks_the_booking(
    client, teller, customer, booking, frozen_now, outcome
):
    frozen_now(at(TUESDAY, 10, 40))
    client.force_login(teller)
    url = reverse("staff:consultation_create", args=[customer.pk]) + f"?booking={booking.pk}"
    assert "추가상담 결과 기록" in client.get(url).content.decode()
    response = client.post(
        url, {**note_data(occurred_at="2031-03-04T10:00"), "booking": booking.pk, "outcome": outcome}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == outcome
    assert booking.result.title == "신용대출 한도 재상담"


def test_a_booking_of_another_customer_cannot_be_finished_on_this_page(
    client, teller, other_customer, booking, frozen_now
):
    frozen_now(at(TUESDAY, 10, 40))
    client.force_login(teller)
    url = reverse("staff:consultation_create", args=[other_customer.pk])
    response = client.post(
        url, {**note_data(occurred_at="2031-03-04T10:00"), "booking": booking.pk, "outcome": "completed"}
    )
    assert "다른 손님의 예약입니다." in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.BOOKED


def test_staff_book_a_follow_up_for_the_customer_and_an_sms_is_promised(
    client, teller, customer, monday, outbox
):
    # (one without a follow-up: the demo bank already booked one for the newest consultation)
    origin = (
        Consultation.objects.filter(customer=customer, follow_ups__isnull=True)
        .order_by("-occurred_at")
        .first()
    )
    client.force_login(teller)
    url = reverse("staff:booking_create", args=[customer.pk])
    page = client.get(url, {"origin": origin.pk, "staff": teller.pk, "start": "2031-03-04"}).content.decode()
    assert 'value="2031-03-04T10:00:00+09:00"' in page
    response = client.post(
        url,
        {
            "origin": origin.pk,
            "staff": teller.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": "2031-03-04T10:00:00+09:00",
            "note": "서류 지참",
        },
    )
    assert response.status_code == 302
    booked = Booking.objects.get(customer=customer, starts_at=at(TUESDAY, 10))
    assert (booked.origin, booked.created_by, booked.note) == (origin, teller, "서류 지참")
    assert Message.objects.filter(idempotency_key=f"booking:{booked.pk}:confirmed").exists()


def test_a_taken_slot_is_explained_on_the_booking_page(
    client, teller, customer, other_customer, booking, monday
):
    client.force_login(teller)
    response = client.post(
        reverse("staff:booking_create", args=[other_customer.pk]),
        {
            "staff": teller.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": booking.main_category_id,
            "slot": "2031-03-04T10:00:00+09:00",
        },
    )
    assert response.status_code == 200
    assert "방금 다른 분이 예약한 시간입니다" in response.content.decode()
    assert Booking.objects.filter(starts_at=at(TUESDAY, 10)).count() == 1


def test_a_branch_visit_needs_branch_staff(client, teller, agent, customer, monday):
    client.force_login(teller)
    response = client.post(
        reverse("staff:booking_create", args=[customer.pk]),
        {
            "staff": agent.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": MainCategory.objects.get(code="01").pk,
            "slot": "2031-03-04T10:00:00+09:00",
        },
    )
    assert "영업점 직원과만" in response.content.decode()


# --- calendar -----------------------------------------------------------------------------------
def events(client, **params):
    query = {"start": "2031-03-03T00:00:00+09:00", "end": "2031-03-10T00:00:00+09:00", **params}
    return client.get(reverse("staff:calendar_events"), query)


def post_json(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_feed_shows_my_bookings_and_blocks(client, teller, booking):
    Unavailability.objects.create(
        staff=teller, starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 13), reason="교육"
    )
    client.force_login(teller)
    data = events(client).json()
    # (and 3/3, the substitute holiday of 삼일절, shown closed)
    assert {e["extendedProps"]["kind"] for e in data} == {"booking", "block", "closed"}
    assert next(e for e in data if e["extendedProps"]["kind"] == "block")["title"] == "교육"


def test_a_teller_cannot_read_another_staff_members_calendar_but_a_manager_can(
    client, teller, agent, manager, booking
):
    client.force_login(agent)
    assert events(client, staff=teller.pk).status_code == 403
    client.force_login(manager)
    data = events(client, staff=teller.pk).json()
    assert [e["id"] for e in data if e["extendedProps"]["kind"] != "closed"] == [f"booking-{booking.pk}"]


def test_a_silly_range_is_refused(client, teller):
    client.force_login(teller)
    assert events(client, end="2031-01-01T00:00:00+09:00").status_code == 400
    assert events(client, start="garbage").status_code == 400


def test_blocks_are_created_moved_and_deleted_by_their_owner(client, teller, booking, monday):
    client.force_login(teller)
    created = post_json(
        client,
        reverse("staff:calendar_block_create"),
        {"start": "2031-03-04T13:00:00+09:00", "end": "2031-03-04T14:00:00+09:00", "reason": "회의"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    moved = post_json(
        client,
        reverse("staff:calendar_block", args=[pk]),
        {"start": "2031-03-04T14:00:00+09:00", "end": "2031-03-04T15:30:00+09:00"},
    )
    assert moved.status_code == 200
    assert Unavailability.objects.get(pk=pk).ends_at == at(TUESDAY, 15, 30)
    assert client.delete(reverse("staff:calendar_block", args=[pk])).status_code == 200
    assert not Unavailability.objects.filter(pk=pk).exists()


def test_a_block_over_a_booking_is_refused_with_a_clear_message(client, teller, booking, monday):
    client.force_login(teller)
    response = post_json(
        client,
        reverse("staff:calendar_block_create"),
        {"start": "2031-03-04T09:00:00+09:00", "end": "2031-03-04T11:00:00+09:00"},
    )
    assert response.status_code == 400
    assert "03/04 10:00에 예약된 상담이 있어" in response.json()["error"]
    assert not Unavailability.objects.filter(staff=teller).exists()


def test_someone_elses_block_cannot_be_touched(client, teller, agent):
    block = Unavailability.objects.create(staff=teller, starts_at=at(TUESDAY, 12), ends_at=at(TUESDAY, 13))
    client.force_login(agent)
    assert client.delete(reverse("staff:calendar_block", args=[block.pk])).status_code == 404
    assert Unavailability.objects.filter(pk=block.pk).exists()


def test_a_broken_request_body_is_refused(client, teller):
    client.force_login(teller)
    response = client.post(
        reverse("staff:calendar_block_create"), "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "요청 형식이 올바르지 않습니다."
