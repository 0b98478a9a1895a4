"""The charts as drawn in Chromium: a channel in the same colour as its badge on the customer's and the
manager's pages, straight count lines, the running period marked, every staff name at 360 px, and
the customer's charts following the history filter."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consultations.models import Channel
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

# "#2e7d32" and "rgb(46, 125, 50)" alike, as the browser computes them
RGB = """v => { const s = document.createElement('span'); s.style.color = v; document.body.append(s);
                const c = getComputedStyle(s).color; s.remove(); return c; }"""


def chart_info(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        """c => { const ch = Chart.getChart(c); const ds = ch.data.datasets;
                  return { labels: ch.data.labels, colours: ds.map(d => d.backgroundColor),
                           tension: ds.map(d => ch.getDatasetMeta(ds.indexOf(d)).dataset
                                          ? ch.getDatasetMeta(ds.indexOf(d)).dataset.options.tension : 0),
                           points: ds.map(d => d.pointStyle || null), axis: ch.options.indexAxis,
                           ticks: ch.options.indexAxis === 'y' ? ch.scales.y.ticks.length : null,
                           types: ds.map(d => d.label) }; }"""
    )


def as_rgb(page, colour: str) -> str:
    return page.evaluate(RGB, colour)


def test_charts_share_the_badge_colours_and_stay_readable_on_a_phone(watched_page, live_bank, demo_password):
    page, _ = watched_page
    page.set_viewport_size({"width": 360, "height": 740})
    log_in(page, live_bank.url, "hanauser1", demo_password)
    expect(page.locator("#chart-channel")).to_have_attribute("data-ready", re.compile(r"\d+"))
    badge_colours = {
        text.strip(): colour
        for text, colour in page.locator(".oh-timeline .oh-channel").evaluate_all(
            "els => els.map(e => [e.textContent, getComputedStyle(e).backgroundColor])"
        )
    }
    mine = chart_info(page, "#chart-channel")
    assert badge_colours and set(badge_colours) <= set(mine["labels"])
    for label, colour in zip(mine["labels"], mine["colours"][0], strict=True):
        if label in badge_colours:
            assert as_rgb(page, colour) == badge_colours[label], label
    # the periods chart: bars, the running period lighter than the others
    periods = chart_info(page, "#chart-month")
    assert periods["labels"][-1].endswith("(집계 중)")
    bars = periods["colours"][0]
    assert as_rgb(page, bars[-1]) != as_rgb(page, bars[0])

    # the history filter narrows the charts too: one channel only
    remote = Channel.objects.get(code="remote")
    page.goto(f"{live_bank.url}/me/?channel={remote.pk}")
    expect(page.locator("#chart-channel")).to_have_attribute("data-ready", "1")
    assert chart_info(page, "#chart-channel")["labels"] == ["원격"]

    # the manager's analytics at 360 px: the same channel colours, straight lines, every staff name
    page.context.clear_cookies()
    log_in(page, live_bank.url, "hnv9001", demo_password)
    page.goto(f"{live_bank.url}/staff/analytics/?date_from=2025-01-01&granularity=month")
    for name in ("timeline", "staff"):
        expect(page.locator(f"#table-{name} canvas")).to_have_attribute("data-ready", re.compile(r"\d+"))
    timeline = chart_info(page, "#table-timeline canvas")
    assert all(t == 0 for t in timeline["tension"])
    for label, colour in zip(timeline["types"], timeline["colours"], strict=True):
        if label in badge_colours:
            assert as_rgb(page, colour) == badge_colours[label], label
    assert timeline["points"][0][-1] == "rectRot" and timeline["labels"][-1].endswith("(집계 중)")
    staff = chart_info(page, "#table-staff canvas")
    assert staff["axis"] == "y" and staff["ticks"] == len(staff["labels"]) > 10
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#table-staff").screenshot(path="test-results/analytics-staff-360.png")
