"""A follow-up keeps the topic of the consultation it follows, and there is one at a time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations.models import Booking, Channel, Consultation, MainCategory, MiddleCategory
from consultations.services import booking_create
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
TUESDAY = dt.date(2031, 3, 4)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(dt.date(2031, 3, 3), 10))


@pytest.fixture
def loan_origin(customer, teller) -> Consultation:
    """A teller's consultation about a mortgage (02 대출 › 주택담보대출)."""
    middle = MiddleCategory.objects.get(main__code="02", name="주택담보대출")
    return Consultation.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        middle_category=middle,
        title="주택담보대출 한도 상담",
        occurred_at=at(dt.date(2031, 2, 20), 11),
        follow_up_needed=True,
    )


def post_booking(client, origin: Consultation, teller: User, hour: int, **extra):
    return client.post(
        reverse("me:booking_new"),
        {
            "origin": origin.pk,
            "channel": Channel.objects.get(code="branch").pk,
            "main_category": origin.main_category_id,
            "slot": f"{teller.pk}|{at(TUESDAY, hour).isoformat()}",
            **extra,
        },
    )


def test_changing_the_channel_or_week_keeps_the_origins_category(client, customer, loan_origin, monday):
    client.force_login(customer)
    call = Channel.objects.get(code="call")
    for params in ({"channel": call.pk}, {"channel": call.pk, "start": "2031-03-10"}):
        page = client.get(reverse("me:booking_new"), {"origin": loan_origin.pk, **params}).content.decode()
        assert f'<option value="{loan_origin.main_category_id}" selected>' in page


def test_the_booking_keeps_the_origins_main_and_middle_category(
    client, customer, teller, loan_origin, monday, outbox
):
    client.force_login(customer)
    post_booking(client, loan_origin, teller, 10)
    booking = Booking.objects.get(origin=loan_origin)
    assert (booking.main_category.code, booking.middle_category.name) == ("02", "주택담보대출")


def test_a_main_category_changed_on_purpose_drops_the_origins_middle(
    client, customer, teller, loan_origin, monday, outbox
):
    client.force_login(customer)
    savings = MainCategory.objects.get(code="01")
    post_booking(client, loan_origin, teller, 10, main_category=savings.pk)
    booking = Booking.objects.get(origin=loan_origin)
    assert (booking.main_category, booking.middle_category) == (savings, None)


def test_the_model_refuses_a_middle_category_under_another_main(db, customer, teller, monday):
    with pytest.raises(ValidationError) as err:
        booking_create(
            customer=customer,
            staff=teller,
            channel=Channel.objects.get(code="branch"),
            starts_at=at(TUESDAY, 10),
            ends_at=at(TUESDAY, 10, 30),
            main_category=MainCategory.objects.get(code="01"),
            middle_category=MiddleCategory.objects.get(main__code="02", name="주택담보대출"),
            by=customer,
        )
    assert "middle_category" in err.value.message_dict
    assert not Booking.objects.filter(customer=customer, starts_at=at(TUESDAY, 10)).exists()


def test_a_second_active_follow_up_is_refused_with_a_link_to_the_first(
    client, customer, teller, loan_origin, monday, outbox
):
    client.force_login(customer)
    post_booking(client, loan_origin, teller, 10)
    first = Booking.objects.get(origin=loan_origin)
    page = post_booking(client, loan_origin, teller, 11).content.decode()
    assert "이미 03/04 10:00에 예약되어 있습니다" in page
    assert reverse("me:booking_detail", args=[first.pk]) in page
    assert Booking.objects.filter(origin=loan_origin).count() == 1


def test_after_cancelling_the_follow_up_a_new_one_may_be_booked(
    client, customer, teller, loan_origin, monday, outbox
):
    client.force_login(customer)
    post_booking(client, loan_origin, teller, 10)
    client.post(reverse("me:booking_cancel", args=[Booking.objects.get(origin=loan_origin).pk]))
    post_booking(client, loan_origin, teller, 11)
    assert Booking.objects.filter(origin=loan_origin, status=Booking.Status.BOOKED).get().starts_at == at(
        TUESDAY, 11
    )


def test_a_booking_from_a_branch_card_is_not_called_a_follow_up(client, customer, teller, monday):
    client.force_login(customer)
    page = client.get(reverse("me:booking_new"), {"branch": teller.staff_profile.branch_id}).content.decode()
    assert '<h1 class="h4 mb-1">상담 예약</h1>' in page
    assert "추가상담 예약</h1>" not in page


def test_the_picker_never_goes_into_past_weeks(client, customer, loan_origin, monday):
    client.force_login(customer)
    page = client.get(reverse("me:booking_new"), {"origin": loan_origin.pk, "start": "2031-02-01"})
    assert page.context["start"] == dt.date(2031, 3, 3)
    assert not page.context["show_prev"]
