"""The scripts speak the reader's language too: the staff calendar in English (its toolbar, the
messages its script writes), with the messages taken from the page's catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from playwright.sync_api import expect

from consultations.models import Unavailability
from tests.e2e.conftest import Person, log_in

pytestmark = pytest.mark.e2e

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_MORNING = dt.datetime(2031, 3, 3, 10, 0, tzinfo=KST)


def test_the_calendar_speaks_english(browser, live_bank, demo_password, frozen_now):
    frozen_now(MONDAY_MORNING)
    person = Person(browser, live_bank.url)
    page = person.page
    try:
        log_in(page, live_bank.url, "hnv2004", demo_password)
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        person.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_bank.url}]
        )
        page.goto(f"{live_bank.url}/staff/calendar/")
        expect(page.locator("#calendar .fc-view")).to_be_visible()
        expect(page.locator("#calendar .fc-today-button")).to_have_text("today")  # FullCalendar's English

        page.locator("#block-form-box summary").click()
        page.locator("#block-start").select_option("14:00")
        page.locator("#block-end").select_option("13:00")
        page.locator("#block-form button[type=submit]").click()
        expect(page.locator("#calendar-error")).to_have_text("The end must be after the start.")

        page.locator("#block-end").select_option("15:00")
        page.locator("#block-reason").fill("training")
        page.locator("#block-form button[type=submit]").click()
        expect(page.locator("#calendar-status")).to_contain_text("Unavailable time")
        expect(page.locator("#calendar-status")).to_contain_text("14:00–15:00 added.")
        assert Unavailability.objects.filter(staff__username="hnv2004", reason="training").count() == 1
        assert person.problems.items == []
    finally:
        person.context.close()
