"""A customer's idle warning in Chromium: it appears before the sign-out, and 연장 keeps the session."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def short_sessions(settings):
    settings.CUSTOMER_SESSION_IDLE_MINUTES = 0.1  # six seconds
    settings.CUSTOMER_SESSION_WARNING_SECONDS = 4


def test_the_warning_appears_and_extending_keeps_the_session(
    people, live_bank, demo_password, short_sessions
):
    person = people()
    page = person.page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    expect(page).to_have_url(f"{live_bank.url}/me/")
    dialog = page.get_by_role("dialog", name="곧 자동으로 로그아웃됩니다")
    expect(dialog).to_be_visible(timeout=5000)
    extend = dialog.get_by_role("button", name="연장")
    expect(extend).to_be_focused()
    expect(dialog).to_contain_text("초 뒤 자동으로 로그아웃됩니다")
    extend.click()
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(3000)  # past the first deadline: the session was extended
    page.goto(f"{live_bank.url}/me/profile/")
    expect(page).to_have_url(f"{live_bank.url}/me/profile/")
    # Left alone, the warning comes back and the customer is signed out, told why.
    expect(dialog).to_be_visible(timeout=5000)
    expect(page).to_have_url(f"{live_bank.url}/accounts/login/?next=/me/profile/", timeout=8000)
    expect(page.get_by_text("동안 사용하지 않아 자동으로 로그아웃되었습니다")).to_be_visible()


def test_the_dialog_fits_a_phone_screen(people, live_bank, demo_password, short_sessions):
    person = people(phone=True)
    page = person.page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    dialog = page.get_by_role("dialog", name="곧 자동으로 로그아웃됩니다")
    expect(dialog).to_be_visible(timeout=5000)
    box = dialog.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
