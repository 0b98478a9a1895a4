"""The branch finder in Chromium at phone size: nearest first from the browser's position, the
typed-area fallback, and the page with and without a Kakao map key."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PageProblems

pytestmark = pytest.mark.e2e
GANGNAM = {"latitude": 37.4995, "longitude": 127.0310}


def test_nearest_branch_from_my_position_without_a_map_key(browser, live_bank, settings):
    settings.KAKAO_MAP_JS_KEY = ""
    context = browser.new_context(
        locale="ko-KR",
        viewport={"width": 360, "height": 740},
        geolocation=GANGNAM,
        permissions=["geolocation"],
    )
    page = context.new_page()
    problems = PageProblems(page, live_bank.url)
    page.goto(f"{live_bank.url}/branches/")
    expect(page.get_by_role("heading", level=1)).to_have_text("영업점 찾기")
    page.get_by_role("button", name="내 위치").click()
    expect(page).to_have_url(re.compile(r"lat=37\.4995"))
    first = page.locator(".oh-branch").first
    expect(first).to_contain_text("강남")
    expect(first.locator(".oh-distance")).to_be_visible()
    page.screenshot(path="test-results/branches-nearest.png", full_page=True)
    # the typed fallback
    page.get_by_label("기준 위치 (동네 이름)").fill("종로구")
    page.get_by_role("button", name="찾기").click()
    expect(page.locator(".oh-branch").first).to_contain_text("종로구")
    first.get_by_role("link").first.click()
    expect(page.get_by_role("link", name="이 지점에서 상담 예약")).to_be_visible()
    context.close()
    assert problems.items == []  # no Kakao script, nothing left the machine


def test_with_a_map_key_the_map_is_requested_and_the_list_still_works(browser, live_bank, settings):
    settings.KAKAO_MAP_JS_KEY = "local-test-key"
    context = browser.new_context(locale="ko-KR")
    page = context.new_page()
    problems = PageProblems(page, live_bank.url)  # refuses the outside request, as an offline machine would
    page.goto(f"{live_bank.url}/branches/?q=지점")
    expect(page.locator("#branch-map")).to_be_attached()
    expect(page.locator(".oh-branch").first).to_be_visible()
    context.close()
    outside = [p for p in problems.items if "dapi.kakao.com" in p]
    assert outside and all("appkey=local-test-key" in p for p in outside if "external request" in p)
    assert [p for p in problems.items if "dapi.kakao.com" not in p] == []
