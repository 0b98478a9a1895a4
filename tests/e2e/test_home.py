from __future__ import annotations

import pytest

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_hanauser1_logs_in_and_sees_their_history(watched_page, live_bank, demo_password):
    page, _problems = watched_page
    log_in(page, live_bank.url, "hanauser1", demo_password)
    page.wait_for_url(f"{live_bank.url}/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "박진우 손님의 상담이력"
    assert page.get_by_text("리틀빅정기예금 가입 상담, 가입").is_visible()
    assert page.locator(".oh-channel").first.is_visible()
    page.screenshot(path="test-results/me-home.png", full_page=True)


def test_a_teller_lands_on_the_today_page(watched_page, live_bank, demo_password):
    page, _problems = watched_page
    log_in(page, live_bank.url, "hnv2004", demo_password)
    page.wait_for_url(f"{live_bank.url}/staff/")
    assert "신행복님의 오늘" in page.get_by_role("heading", level=1).inner_text()
    page.screenshot(path="test-results/staff-today.png", full_page=True)
