"""A manager registers the video teller's system, issues a key (shown once), the key works on
the API, and revoking it in the browser cuts the system off. The Swagger UI loads from our own
files only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def test_a_manager_issues_and_revokes_an_api_key(watched_page, live_bank, demo_password):
    page, _ = watched_page
    log_in(page, live_bank.url, "hnv9001", demo_password)
    page.goto(f"{live_bank.url}/staff/api-clients/")
    expect(page.get_by_text("등록된 연동 시스템이 없습니다.")).to_be_visible()
    page.get_by_label("시스템 이름").fill("화상창구")
    page.get_by_label("채널").select_option("video")
    page.get_by_role("button", name="등록").click()
    expect(page.locator(".alert-success")).to_contain_text("화상창구")
    page.get_by_role("button", name="새 키 발급").click()
    raw = page.locator("[data-api-key]").inner_text().strip()
    assert raw.startswith("ohk_")
    page.screenshot(path="test-results/staff-api-key-created.png", full_page=True)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/consultations/", {"customer_id": "hanauser1"}).status_code == 200

    page.get_by_role("link", name="저장했습니다").click()
    expect(page.locator("tbody")).to_contain_text("사용 중")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="폐기").click()
    expect(page.locator(".alert-success")).to_contain_text("폐기했습니다")
    page.screenshot(path="test-results/staff-api-clients.png", full_page=True)
    assert api.get("/api/v1/consultations/", {"customer_id": "hanauser1"}).status_code == 401


def test_swagger_ui_renders_from_vendored_files(watched_page, live_bank):
    page, _ = watched_page
    page.goto(f"{live_bank.url}/api/v1/docs/")
    expect(page.get_by_text("omnihana API")).to_be_visible()
    expect(page.get_by_text("/api/v1/consultations/bulk/")).to_be_visible()
    page.screenshot(path="test-results/api-docs.png", full_page=False)
