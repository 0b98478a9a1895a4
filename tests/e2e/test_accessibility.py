"""Every page a GET in the permission matrix reaches with 200, for each role, in Chromium at 1280x900
and 360x740: axe-core finds nothing of impact serious or critical (and nothing else outside
ACCEPTED), and at 360 px the page does not scroll sideways.

The URL list is tests/test_permissions.py's EXPECTED: a new page is walked here as soon as it is
declared there. One browser context per role; each page is loaded once and resized.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.e2e.conftest import Person, log_in
from tests.test_permissions import EXPECTED, LOGINS, kwargs_for, permission_objects

pytestmark = pytest.mark.e2e

ROLES = ["anonymous", "customer", "teller", "agent", "manager"]
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"

# Answers that are not HTML pages: data for scripts, files to download.
NOT_PAGES = {
    "healthz",  # JSON for the load balancer
    "api:schema",  # OpenAPI YAML
    "me:booking_ics",  # calendar file
    "me:chart_category",  # chart data (JSON)
    "me:chart_channel",
    "me:chart_month",
    "staff:calendar_events",
    "staff:analytics_chart",
    "staff:consultation_export",  # CSV download
    "staff:analytics_csv",
    "staff:campaign_results_csv",
    "staff:segment_count",  # the live recipient count (JSON)
    "staff:export_download",  # the export file itself
    "inquiries:file",  # the attachment itself
}

# The one place for axe findings we accept, each with its reason. Only rules of impact minor or
# moderate may be listed: serious and critical always fail.
ACCEPTED: dict[str, str] = {}

# Pages drawn by a third party we vendor as it is; axe is not run there (the width check still is).
THIRD_PARTY = {
    "api:docs": "Swagger UI's own markup (developer documentation, not a page for customers or staff)",
}

# At 360 px the markup is the same page, resized: the WCAG rules run again (contrast, names of the
# controls a phone shows, such as the menu button); axe's best-practice rules, which read only the
# markup (landmarks, heading order), ran at 1280 already.
AXE_RUN = """async (phone) => {
  const options = {resultTypes: ['violations']};
  if (phone) options.runOnly = {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']};
  const result = await axe.run(document, options);
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n')[1])
  }));
}"""

OVERFLOW = """() => {
  const doc = document.documentElement, width = doc.clientWidth;
  if (doc.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el))
    .slice(0, 4).map(name);
  return doc.scrollWidth + 'px wide; e.g. ' + wide.join(', ');
}"""


def pages_for(role: str, objects: dict[str, object]) -> list[tuple[str, str]]:
    return [
        (name, reverse(name, kwargs=kwargs_for(name, objects)))
        for name, expected in sorted(EXPECTED.items())
        if expected[role] == 200 and name not in NOT_PAGES
    ]


def axe_findings(person: Person, where: str, *, phone: bool = False) -> list[str]:
    page = person.page
    found = []
    for v in page.evaluate(AXE_RUN, phone):
        if v["impact"] not in {"serious", "critical"} and v["id"] in ACCEPTED:
            continue
        found.append(f"{where}: {v['impact']} {v['id']} ({v['help']}): {'; '.join(v['nodes'])}")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible_and_fits_a_phone(browser, live_bank, demo_password, role):
    objects = permission_objects()
    person = Person(browser, live_bank.url, viewport=WIDE)
    # axe goes into every page before the page's own scripts, without a request per page
    # (an init script is not subject to the page's Content-Security-Policy).
    person.context.add_init_script(path=str(AXE))
    problems: list[str] = []
    timings: list[tuple[float, str]] = []
    try:
        if role != "anonymous":
            log_in(person.page, live_bank.url, LOGINS[role], demo_password)
            person.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        walked = pages_for(role, objects)
        assert len(walked) >= 5, walked
        for name, path in walked:
            began = time.monotonic()
            person.page.set_viewport_size(WIDE)
            response = person.page.goto(f"{live_bank.url}{path}")
            assert response is not None and response.status == 200, f"{name} {path}: {response}"
            assert "text/html" in response.headers["content-type"], f"{name}: not a page, add to NOT_PAGES"
            if name == "staff:calendar":  # its events arrive after the page
                person.page.wait_for_load_state("networkidle")
            if name not in THIRD_PARTY:
                problems += axe_findings(person, f"{role} 1280 {path}")
            person.page.set_viewport_size(PHONE)
            person.page.wait_for_timeout(50)  # let resize handlers (calendar, charts) lay out again
            wide = person.page.evaluate(OVERFLOW)
            if wide:
                problems.append(f"{role} 360 {path}: scrolls sideways, {wide}")
            if name not in THIRD_PARTY:
                problems += axe_findings(person, f"{role} 360 {path}", phone=True)
            timings.append((time.monotonic() - began, path))
        problems += person.problems.items
    finally:
        person.context.close()
        print(
            f"{role}: {len(timings)} pages in {sum(t for t, _ in timings):.1f}s; slowest",
            sorted(timings)[-4:],
        )
    assert problems == [], "\n".join(problems)


# English labels are longer than Korean ones: the staff menu once made the manager's pages 1,346 px
# wide at 1280. A few pages per role in English, at both widths (the menu is the same on every page).
ENGLISH_PAGES = {
    "manager": [
        "staff:today",
        "staff:customers",
        "staff:consultations",
        "staff:analytics",
        "staff:campaigns",
    ],
    "customer": ["me:home", "me:bookings"],
}


@pytest.mark.parametrize("role", sorted(ENGLISH_PAGES))
def test_english_pages_fit_1280_and_360(browser, live_bank, demo_password, role):
    objects = permission_objects()
    person = Person(browser, live_bank.url, viewport=WIDE)
    problems: list[str] = []
    try:
        log_in(person.page, live_bank.url, LOGINS[role], demo_password)
        person.page.wait_for_url(lambda url: "/accounts/login/" not in url)
        # What the footer's language switch stores.
        person.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_bank.url}]
        )
        for name in ENGLISH_PAGES[role]:
            path = reverse(name, kwargs=kwargs_for(name, objects))
            for size in (WIDE, PHONE):
                person.page.set_viewport_size(size)
                response = person.page.goto(f"{live_bank.url}{path}")
                assert response is not None and response.status == 200, f"{name} {path}: {response}"
                assert person.page.locator("html").get_attribute("lang") == "en", path
                wide = person.page.evaluate(OVERFLOW)
                if wide:
                    problems.append(f"{role} {size['width']} {path} in English: scrolls sideways, {wide}")
        problems += person.problems.items
    finally:
        person.context.close()
    assert problems == [], "\n".join(problems)
