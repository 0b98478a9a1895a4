"""The slot picker of booking and reschedule: never a past week, a day strip whose full days are disabled,
and one summary bar holding the submit button (the page itself: tests/e2e/test_slot_picker.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from consultations.models import Booking, Channel, MiddleCategory, Unavailability
from consultations.services import booking_create
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY = dt.date(2031, 3, 3)  # 삼일절 substitute holiday: the first banking day shown is Tuesday 3/4
TUESDAY = dt.date(2031, 3, 4)
WEDNESDAY = dt.date(2031, 3, 5)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=KST)


@pytest.fixture
def monday(frozen_now):
    frozen_now(at(MONDAY, 10))


@pytest.fixture
def booking(customer: User, teller: User) -> Booking:
    middle = MiddleCategory.objects.get(code="0202")
    return booking_create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        starts_at=at(TUESDAY, 10),
        ends_at=at(TUESDAY, 10, 30),
        main_category=middle.main,
        middle_category=middle,
        by=customer,
    )


def day_buttons(html: str) -> dict[str, bool]:
    """The day strip: {"3/4": open?} (an open day is a button that is not disabled)."""
    found = re.findall(
        r'<button type="button" class="oh-day"[^>]*?(disabled)?>\s*<span[^>]*>[^<]*</span>\s*'
        r'<span class="oh-day-date">([^<]+)</span>',
        html,
    )
    return {date: not disabled for disabled, date in found}


def test_a_past_week_in_the_query_shows_the_current_week_on_reschedule(client, customer, booking, monday):
    client.force_login(customer)
    page = client.get(reverse("me:booking_reschedule", args=[booking.pk]), {"start": "2031-02-17"})
    assert page.status_code == 200
    assert page.context["start"] == MONDAY and not page.context["show_prev"]
    assert page.context["days"][0][0] == TUESDAY
    html = page.content.decode()
    assert "이전 주" not in html and "?start=2031-03-10" in html  # only forward


def test_a_past_week_in_the_query_shows_the_current_week_on_the_staff_booking_form(
    client, customer, teller, monday
):
    client.force_login(teller)
    page = client.get(
        reverse("staff:booking_create", args=[customer.pk]), {"staff": teller.pk, "start": "2030-12-01"}
    )
    assert page.context["start"] == MONDAY and not page.context["show_prev"]
    assert "이전 주" not in page.content.decode()
    later = client.get(
        reverse("staff:booking_create", args=[customer.pk]), {"staff": teller.pk, "start": "2031-03-10"}
    )
    assert later.context["show_prev"] and later.context["prev_start"] == MONDAY
    assert "이전 주" in later.content.decode()


def test_a_day_without_a_free_slot_is_disabled_in_the_strip(client, customer, teller, monday):
    Unavailability.objects.create(staff=teller, starts_at=at(WEDNESDAY, 0), ends_at=at(WEDNESDAY, 23, 59))
    client.force_login(teller)
    html = client.get(
        reverse("staff:booking_create", args=[customer.pk]), {"staff": teller.pk}
    ).content.decode()
    strip = day_buttons(html)
    assert strip["3/5"] is False  # Wednesday: the teller is away all day
    assert strip["3/4"] is True and strip["3/6"] is True
    assert "마감" in html
    # without JavaScript every day is still a group of radio inputs, the away day saying so
    assert html.count('<fieldset class="oh-slot-day"') == 5
    assert 'name="slot"' in html and "예약 가능한 시간이 없습니다" in html


def test_the_booking_form_has_one_sticky_bar_with_the_summary_and_the_submit(client, customer, monday):
    client.force_login(customer)
    call = Channel.objects.get(code="call")
    html = client.get(reverse("me:booking_new"), {"channel": call.pk}).content.decode()
    bar = html[html.index('<div class="oh-picker-bar">') :]
    assert 'aria-live="polite"' in bar and "시간을 선택해 주세요" in bar
    assert re.search(r'<button class="btn btn-primary" type="submit">.*예약하기</button>', bar)
    post_form = html[html.index('<form method="post" novalidate>') :]
    post_form = post_form[: post_form.index("</form>")]
    assert post_form.count('type="submit"') == 1 and post_form.rindex('name="slot"') < post_form.index(
        "oh-picker-bar"
    )
    assert f'data-channel="{call.name}"' in html
