"""The channels joined in the flow: a booking on the timeline says what the customer asked and
which consultation it follows; a booked follow-up is no longer "추가상담 필요"; an answered inquiry
offers a booking; a new record does not start as 접수."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from consultations.models import Booking, Channel, Consultation, MiddleCategory, Progress
from consultations.services import booking_cancel, booking_create
from inquiries.models import Inquiry
from tests.consultations.test_staff_work import note_data

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_10 = dt.datetime(2031, 3, 3, 10, tzinfo=KST)
TUESDAY_10 = dt.datetime(2031, 3, 4, 10, tzinfo=KST)


@pytest.fixture
def origin(customer, teller, frozen_now) -> Consultation:
    frozen_now(MONDAY_10)
    middle = MiddleCategory.objects.get(code="0202")
    return Consultation.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        title="전세자금대출 한도 상담",
        progress=Progress.DONE,
        follow_up_needed=True,
        occurred_at=MONDAY_10 - dt.timedelta(days=3),
    )


def _book(origin: Consultation, by) -> Booking:
    return booking_create(
        customer=origin.customer,
        staff=origin.staff,
        channel=origin.channel,
        starts_at=TUESDAY_10,
        ends_at=TUESDAY_10 + dt.timedelta(minutes=30),
        main_category=origin.main_category,
        origin=origin,
        note="서류 <b>원본</b> 가져갈게요",
        by=by,
    )


def test_the_timeline_booking_shows_the_customers_note_and_the_origin(client, teller, origin):
    _book(origin, origin.customer)
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[origin.customer_id])).content.decode()
    assert "손님 요청사항" in page and "서류 &lt;b&gt;원본&lt;/b&gt; 가져갈게요" in page
    edit = reverse("staff:consultation_edit", args=[origin.pk])
    assert f'원 상담:</span> <a href="{edit}">전세자금대출 한도 상담</a>' in page


def test_a_booked_follow_up_shows_as_booked_not_needed_and_again_needed_when_cancelled(
    client, teller, customer, origin
):
    timeline = reverse("staff:customer_detail", args=[customer.pk])
    client.force_login(teller)
    before = client.get(timeline).content.decode()
    assert f"?origin={origin.pk}" in before and "예약됨" not in before
    booking = _book(origin, customer)
    after = client.get(timeline).content.decode()
    assert after.count("추가상담 필요") == before.count("추가상담 필요") - 1
    assert after.count("예약됨") == 1 and f"?origin={origin.pk}" not in after
    row = client.get(reverse("staff:consultations"), {"keyword": "전세자금대출 한도"}).content.decode()
    assert "예약됨" in row
    client.force_login(customer)
    assert client.get(reverse("me:home")).content.decode().count("예약됨") == 1
    mine = client.get(reverse("me:consultation_detail", args=[origin.pk])).content.decode()
    assert "예약됨" in mine and "추가상담 필요" not in mine
    booking_cancel(booking=booking, by=customer)
    client.force_login(teller)
    assert client.get(timeline).content.decode().count("추가상담 필요") == before.count("추가상담 필요")


def test_an_answered_inquiry_offers_a_booking_on_its_topic(client, customer, frozen_now):
    frozen_now(MONDAY_10)
    middle = MiddleCategory.objects.get(code="0202")
    inquiry = Inquiry.objects.create(
        customer=customer,
        main_category=middle.main,
        middle_category=middle,
        title="전세대출 서류",
        body="<p>x</p>",
        status=Inquiry.Status.ANSWERED,
        sla_due_at=MONDAY_10,
    )
    client.force_login(customer)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    link = f"{reverse('me:booking_new')}?main_category={middle.main_id}"
    assert f'href="{link}"' in page and "상담 예약" in page
    form = client.get(link).context["form"]
    assert form["main_category"].value() == middle.main_id


def test_a_new_record_and_a_booking_outcome_start_as_done_not_received(client, teller, customer, origin):
    client.force_login(teller)
    form = client.get(reverse("staff:consultation_create", args=[customer.pk])).context["form"]
    assert form["progress"].value() == Progress.DONE
    booking = _book(origin, teller)
    outcome = client.get(
        reverse("staff:consultation_create", args=[customer.pk]), {"booking": booking.pk}
    ).context["form"]
    assert outcome["progress"].value() == Progress.DONE


def test_a_record_after_an_inquiry_links_to_it_shown_on_both_sides_and_the_timeline(
    client, teller, customer, other_customer, frozen_now
):
    frozen_now(MONDAY_10)
    middle = MiddleCategory.objects.get(code="0202")
    common = {
        "main_category": middle.main,
        "middle_category": middle,
        "body": "<p>x</p>",
        "sla_due_at": MONDAY_10,
    }
    asked = Inquiry.objects.create(customer=customer, title="전세대출 서류 문의", **common)
    theirs = Inquiry.objects.create(customer=other_customer, title="다른 손님의 문의", **common)
    create = reverse("staff:consultation_create", args=[customer.pk])
    client.force_login(teller)
    form = client.get(create).context["form"]
    offered = [value for value, _label in form.fields["inquiry"].choices]
    assert asked.pk in offered and theirs.pk not in offered
    assert form.fields["inquiry"].choices[0] == ("", "문의와 연결하지 않음")
    data = note_data(title="문의 후속 창구 상담", occurred_at="2031-03-03T09:30")
    refused = client.post(create, {**data, "inquiry": str(theirs.pk)})
    assert (
        refused.status_code == 200 and not Consultation.objects.filter(title="문의 후속 창구 상담").exists()
    )
    assert client.post(create, {**data, "inquiry": str(asked.pk)}).status_code == 302
    record = Consultation.objects.get(title="문의 후속 창구 상담")
    assert list(asked.consultations.all()) == [record]
    edit = reverse("staff:consultation_edit", args=[record.pk])
    assert f'href="{reverse("staff:inquiry_detail", args=[asked.pk])}">문의: 전세대출 서류 문의' in (
        client.get(edit).content.decode()
    )
    inquiry_page = client.get(reverse("staff:inquiry_detail", args=[asked.pk])).content.decode()
    assert f'이어진 상담: <a href="{edit}">문의 후속 창구 상담</a>' in inquiry_page
    timeline = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert f'<a href="{reverse("staff:inquiry_detail", args=[asked.pk])}">전세대출 서류 문의</a>' in timeline
    assert f'<a href="{edit}">문의 후속 창구 상담</a>' in timeline
