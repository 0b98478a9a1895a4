"""A manager opens the analytics in Chromium, switches granularity, the charts draw, a click on a
slice drills down into the consultation search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


def canvas_has_ink(page, selector: str) -> bool:
    """Some pixel of the canvas is not transparent: Chart.js drew something."""
    return page.locator(selector).evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true; return false; }"""
    )


def test_manager_switches_granularity_and_drills_down(watched_page, live_bank, demo_password):
    page, _ = watched_page
    base = live_bank.url
    log_in(page, base, "hnv9001", demo_password)
    page.locator("nav").get_by_role("link", name="실적").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("실적 분석")
    page.get_by_label("시작일").fill("2024-01-01")
    page.get_by_text("월", exact=True).click()  # the radio submits the form
    expect(page).to_have_url(re.compile(r"granularity=month"))
    for name in ("timeline", "channel", "category", "staff", "branch", "bookings", "inquiries", "messages"):
        canvas = f"#table-{name} canvas"
        expect(page.locator(canvas)).to_have_attribute("data-ready", re.compile(r"\d+"))
        assert canvas_has_ink(page, canvas), name
    page.screenshot(path="test-results/analytics-month.png", full_page=True)
    page.get_by_text("분기", exact=True).click()
    expect(page).to_have_url(re.compile(r"granularity=quarter"))
    expect(page.locator("#table-timeline canvas")).to_have_attribute("data-ready", re.compile(r"\d+"))
    assert canvas_has_ink(page, "#table-timeline canvas")
    labels = page.locator("#table-timeline tbody th").all_text_contents()
    assert labels and all(" Q" in label for label in labels)

    # drill down: a click in the middle of the channel doughnut opens the search for that channel
    canvas = page.locator("#table-channel canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box
    point = canvas.evaluate("c => Chart.getChart(c).getDatasetMeta(0).data[0].tooltipPosition()")
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    expect(page).to_have_url(re.compile(r"/staff/consultations/\?.*channel="))
    expect(page.locator("tbody tr").first).to_be_visible()


def test_manager_opens_the_branch_editor(watched_page, live_bank, demo_password):
    page, _ = watched_page
    log_in(page, live_bank.url, "hnv9001", demo_password)
    page.goto(f"{live_bank.url}/staff/branches/")
    page.get_by_role("link", name="을지로 본점").click()
    expect(page.get_by_label("위도")).to_have_value("37.566040")
    page.get_by_label("경도").fill("")
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".alert-danger")).to_contain_text("위도와 경도는 함께")
    page.screenshot(path="test-results/staff-branch-form.png", full_page=True)
