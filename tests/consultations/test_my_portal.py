"""The customer's side: their own history and charts, booking a follow-up, cancelling, .ics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Booking, Channel, Consultation, MiddleCategory
from customers.models import User
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


def teller_consultation(customer: User) -> Consultation:
    return Consultation.objects.get(
        customer=customer, title="정기예금 상담 후 가입완료"
    )  # by hnv2004, a teller


# --- history -------------------------------------------------------------------------------------
def test_the_history_filters_by_date_category_and_channel(client, customer):
    client.force_login(customer)
    url = reverse("me:home")
    in_2020 = client.get(url, {"date_from": "2020-09-01", "date_to": "2020-09-30"}).content.decode()
    assert "리틀빅정기예금 가입 상담, 가입" in in_2020 and "총 6건" in in_2020
    loans = client.get(
        url, {"main_category": MiddleCategory.objects.get(code="0201").main_id}
    ).content.decode()
    assert "리틀빅정기예금" not in loans.split("한눈에")[0]
    remote = client.get(url, {"channel": Channel.objects.get(code="remote").pk}).content.decode()
    assert "총 6건" in remote
    assert (
        "시작일이 종료일보다 늦습니다."
        in client.get(url, {"date_from": "2021-01-01", "date_to": "2020-01-01"}).content.decode()
    )


def test_a_customer_sees_only_their_own_history(client, customer, other_customer):
    client.force_login(other_customer)
    page = client.get(reverse("me:home")).content.decode()
    assert "리틀빅정기예금" not in page
    mine = teller_consultation(customer)
    assert client.get(reverse("me:consultation_detail", args=[mine.pk])).status_code == 404


def test_the_detail_page_shows_what_was_discussed_and_no_internal_fields(client, customer):
    note = teller_consultation(customer)
    Consultation.objects.filter(pk=note.pk).update(external_id="VIDEO-SECRET-1")
    client.force_login(customer)
    page = client.get(reverse("me:consultation_detail", args=[note.pk])).content.decode()
    assert (
        "리틀빅정기예금 상품 설명 및 가입 절차 안내 완료." in page
        and "신행복" in page
        and "을지로 본점" in page
    )
    assert "VIDEO-SECRET-1" not in page and "hnv2004" not in page


def test_my_charts_count_my_consultations_only(client, customer, other_customer):
    client.force_login(customer)
    data = client.get(reverse("me:chart_channel")).json()
    counts = dict(zip(data["labels"], data["datasets"][0]["data"], strict=True))
    mine = Consultation.objects.filter(customer=customer)
    assert counts["원격"] == mine.filter(channel__code="remote").count() == 6
    assert sum(counts.values()) == mine.count()
    assert set(data) == {"labels", "datasets", "channels", "partial"}
    # each bar carries its channel's code: the page colours it like the channel's badge
    assert dict(zip(data["labels"], data["channels"], strict=True))["원격"] == "remote"
    client.force_login(other_customer)
    theirs = client.get(reverse("me:chart_category")).json()
    assert sum(theirs["datasets"][0]["data"]) == Consultation.objects.filter(customer=other_customer).count()


def test_months_are_korean_months(client, customer, teller, frozen_now):
    frozen_now(at(dt.date(2031, 3, 15), 12))
    Booking.objects.filter(customer=customer).delete()
    Consultation.objects.filter(customer=customer).delete()  # only this year's two: the last 12 months
    middle = MiddleCategory.objects.get(code="0101")
    for moment in [dt.datetime(2031, 3, 1, 0, 30, tzinfo=KST), dt.datetime(2031, 2, 28, 23, 30, tzinfo=KST)]:
        Consultation.objects.create(
            customer=customer,
            staff=teller,
            channel=Channel.objects.get(code="branch"),
            main_category=middle.main,
            middle_category=middle,
            title="경계",
            occurred_at=moment,
        )
    client.force_login(customer)
    data = client.get(reverse("me:chart_month")).json()
    counts = dict(zip(data["labels"], data["datasets"][0]["data"], strict=True))
    # March is still running on the 15th: marked, drawn lighter, not a cliff
    assert data["partial"] == [11]
    assert (counts["2031-03 (집계 중)"], counts["2031-02"]) == (
        1,
        1,
    )  # 00:30 KST on 3/1 is March, though UTC says February
    assert len(data["labels"]) == 12
    assert data["datasets"][0].get("tension", 0) == 0


def test_my_charts_follow_the_history_filter(client, customer):
    client.force_login(customer)
    remote = Channel.objects.get(code="remote")
    mine = Consultation.objects.filter(customer=customer)
    params = {"channel": remote.pk}
    data = client.get(reverse("me:chart_category"), params).json()
    assert sum(data["datasets"][0]["data"]) == mine.filter(channel=remote).count() == 6
    assert client.get(reverse("me:chart_channel"), params).json()["labels"] == ["원격"]
    page = client.get(reverse("me:home"), params)
    charts = page.context["charts"]
    # every chart counts what the list shows: the months reach back to the oldest one kept
    assert charts["category"].total == charts["month"].total == charts["channel"].total == 6
    assert charts["channel"].rows == [("원격", 6)]
    html = page.content.decode()
    # the periods table lists the periods with consultations only (the chart keeps the gaps)
    months = html[html.index('id="chart-month"') :]
    assert months.count('<th scope="row"') == sum(1 for _label, n in charts["month"].rows if n)
    assert f'data-chart-url="{reverse("me:chart_channel")}?channel={remote.pk}"' in html
    # a period in the filter: the month chart shows that period's months
    first = mine.order_by("occurred_at").first()
    assert first is not None
    day = timezone.localtime(first.occurred_at).date()
    span = {"date_from": day.replace(day=1).isoformat(), "date_to": day.isoformat()}
    month = client.get(reverse("me:chart_month"), span).json()
    assert len(month["labels"]) == 1 and sum(month["datasets"][0]["data"]) >= 1
    # no period asked and the history older than 36 months: by quarter or year, from a whole one
    whole = client.get(reverse("me:chart_month")).json()
    assert len(whole["labels"]) <= 36 and whole["partial"] == [len(whole["labels"]) - 1]
    assert sum(whole["datasets"][0]["data"]) == mine.count()


def test_an_empty_history_shows_an_empty_state_not_zero_charts(client, customer):
    Booking.objects.filter(customer=customer).delete()
    Consultation.objects.filter(customer=customer).delete()
    client.force_login(customer)
    html = client.get(reverse("me:home")).content.decode()
    assert "아직 보여 드릴 상담이 없습니다." in html
    assert "<canvas" not in html and "0</td>" not in html
    # a filter that matches nothing says so
    filtered = client.get(reverse("me:home"), {"date_from": "2001-01-01", "date_to": "2001-01-31"})
    assert "조건에 맞는 상담이 없습니다." in filtered.content.decode()


# --- booking -------------------------------------------------------------------------------------
def test_booking_from_a_past_consultation_offers_that_tellers_free_slots(client, customer, monday, outbox):
    origin = teller_consultation(customer)
    client.force_login(customer)
    page = client.get(reverse("me:booking_new"), {"origin": origin.pk}).content.decode()
    teller = User.objects.get(username="hnv2004")
    assert f'value="{teller.pk}|2031-03-04T10:00:00+09:00"' in page
    response = client.post(
        reverse("me:booking_new"),
        {
            "origin": origin.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": f"{teller.pk}|2031-03-04T10:00:00+09:00",
        },
    )
    booking = Booking.objects.get(customer=customer, starts_at=at(TUESDAY, 10))
    assert response["Location"] == reverse("me:booking_detail", args=[booking.pk])
    assert (booking.staff, booking.origin, booking.branch.name) == (teller, origin, "을지로 본점")
    assert Message.objects.filter(
        idempotency_key=f"booking:{booking.pk}:confirmed"
    ).exists()  # the promised SMS
    assert "예약했습니다" in client.get(response["Location"]).content.decode()


def test_a_slot_someone_else_just_took_gets_a_friendly_message_and_fresh_slots(
    client, customer, other_customer, monday, outbox
):
    teller = User.objects.get(username="hnv2004")
    middle = MiddleCategory.objects.get(code="0101")
    Booking.objects.create(
        customer=other_customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 10, 30),
    )
    origin = teller_consultation(customer)
    client.force_login(customer)
    response = client.post(
        reverse("me:booking_new"),
        {
            "origin": origin.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": f"{teller.pk}|2031-03-04T10:00:00+09:00",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "방금 다른 분이 예약한 시간입니다" in page
    assert f'value="{teller.pk}|2031-03-04T10:00:00+09:00"' not in page  # the refreshed slots lack it
    assert f'value="{teller.pk}|2031-03-04T10:30:00+09:00"' in page


def test_a_phone_booking_is_with_the_call_center_agents(client, customer, monday, outbox):
    client.force_login(customer)
    call = Channel.objects.get(code="call")
    page = client.get(reverse("me:booking_new"), {"channel": call.pk}).content.decode()
    agents = User.objects.filter(role="agent", staff_profile__channel=call)
    assert any(f'value="{a.pk}|2031-03-04T09:00:00+09:00"' in page for a in agents)


def test_a_visit_without_a_branch_teller_asks_for_a_branch(client, customer, monday):
    client.force_login(customer)
    page = client.get(
        reverse("me:booking_new"), {"channel": Channel.objects.get(code="branch").pk}
    ).content.decode()
    assert "방문할 지점을 고르면" in page


def test_a_customer_cannot_book_a_slot_of_staff_outside_the_offer(client, customer, monday):
    origin = teller_consultation(customer)
    other_teller = User.objects.filter(role="teller").exclude(username="hnv2004").first()
    client.force_login(customer)
    response = client.post(
        reverse("me:booking_new"),
        {
            "origin": origin.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": f"{other_teller.pk}|2031-03-04T10:00:00+09:00",
        },
    )
    assert "이 직원과 예약할 수 없습니다" in response.content.decode()
    assert not Booking.objects.filter(customer=customer, starts_at=at(TUESDAY, 10)).exists()


@pytest.fixture
def my_booking(db, customer, teller):
    middle = MiddleCategory.objects.get(code="0101")
    return Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        branch=teller.staff_profile.branch,
        main_category=middle.main,
        starts_at=at(TUESDAY, 14),
        ends_at=at(TUESDAY, 14, 30),
    )


def test_my_bookings_lists_upcoming_and_cancels_with_an_sms(client, customer, my_booking, monday, outbox):
    client.force_login(customer)
    page = client.get(reverse("me:bookings")).content.decode()
    assert "3월 4일" in page and "다가오는 예약" in page
    client.post(reverse("me:booking_cancel", args=[my_booking.pk]))
    my_booking.refresh_from_db()
    assert my_booking.status == Booking.Status.CANCELLED
    assert Message.objects.filter(idempotency_key=f"booking:{my_booking.pk}:cancelled").exists()


def test_cancelling_in_the_last_hour_is_refused_and_explained(client, customer, my_booking, frozen_now):
    frozen_now(at(TUESDAY, 13, 15))
    client.force_login(customer)
    detail = client.get(reverse("me:booking_detail", args=[my_booking.pk])).content.decode()
    assert "1시간 전부터는 변경·취소할 수 없습니다" in detail
    page = client.post(reverse("me:booking_cancel", args=[my_booking.pk]), follow=True).content.decode()
    assert "1시간 전부터는 취소할 수 없습니다" in page
    assert Booking.objects.get(pk=my_booking.pk).status == Booking.Status.BOOKED


def test_another_customer_cannot_cancel_or_download_my_booking(client, other_customer, my_booking, monday):
    client.force_login(other_customer)
    assert client.post(reverse("me:booking_cancel", args=[my_booking.pk])).status_code == 404
    assert client.get(reverse("me:booking_ics", args=[my_booking.pk])).status_code == 404
    assert Booking.objects.get(pk=my_booking.pk).status == Booking.Status.BOOKED


def test_the_ics_file_holds_the_booking_in_utc(client, customer, my_booking):
    client.force_login(customer)
    response = client.get(reverse("me:booking_ics", args=[my_booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "DTSTART:20310304T050000Z\r\n" in text and "DTEND:20310304T053000Z\r\n" in text
    assert "SUMMARY:하나은행 추가상담 (영업점 창구)" in text
    assert "LOCATION:을지로 본점 서울특별시 중구 을지로 35" in text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
