from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import seed_demo_bank
from tests.worker_fixtures import fake_twilio, private_redis, publish_to, worker  # noqa: F401 - fixtures

# pytest-playwright runs an event loop in the test thread; the ORM calls in e2e test bodies are synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; Playwright never downloads a browser here.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "ko-KR", "timezone_id": "Asia/Seoul"}


@pytest.fixture
def live_bank(live_server):
    """A live server over the demo bank. Transactional tests empty the tables after each test, so seed again."""
    seed_demo_bank()
    return live_server


class PageProblems:
    """Console errors, failed requests and HTTP errors seen by a page; a test fails if any are left."""

    def __init__(self, page, base_url: str):
        self.items: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.items.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        # Nothing may leave the machine: any request outside the live server is recorded and refused.
        page.route("**/*", lambda route: self._only_local(route, base_url))

    def _failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request because the page navigated away (a font
        # still loading, say). A missing file shows as an HTTP error; an outside address is
        # recorded by _only_local before it is refused.
        if request.failure != "net::ERR_ABORTED":
            self.items.append(f"request failed: {request.url} {request.failure}")

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.items.append(f"console: {msg.text}")

    def _response(self, response) -> None:
        if response.status >= 400:
            self.items.append(f"HTTP {response.status}: {response.url}")

    def _only_local(self, route, base_url: str) -> None:
        if route.request.url.startswith(base_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.items.append(f"external request: {route.request.url}")
            route.abort()


@pytest.fixture
def watched_page(page, live_bank):
    problems = PageProblems(page, live_bank.url)
    yield page, problems
    assert problems.items == [], "\n".join(problems.items)


def log_in(page, base_url: str, login: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("아이디").fill(login)
    page.get_by_label("비밀번호").fill(password)
    page.get_by_role("button", name="로그인").click()


class Person:
    """One role in a browser context of its own; its page must stay free of console errors and
    failed or outside requests."""

    def __init__(self, browser, base_url: str, *, phone: bool = False, **context_args):
        size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        options: dict[str, object] = {"locale": "ko-KR", "timezone_id": "Asia/Seoul", "viewport": size}
        options |= {"is_mobile": phone, "has_touch": phone, **context_args}
        self.context = browser.new_context(**options)
        self.page: Page = self.context.new_page()
        self.problems = PageProblems(self.page, base_url)
        self.base = base_url

    def go(self, path: str) -> None:
        self.page.goto(f"{self.base}{path}")

    def shot(self, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{name}.png"), full_page=True, animations="disabled")


@pytest.fixture
def people(browser, live_bank) -> Iterator[Callable[..., Person]]:
    made: list[Person] = []

    def make(**kwargs) -> Person:
        made.append(Person(browser, live_bank.url, **kwargs))
        return made[-1]

    yield make
    problems = [item for person in made for item in person.problems.items]
    for person in made:
        person.context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture(autouse=True)
def customer_sessions_outlast_clock_jumps(settings):
    """These tests move the server's clock by hours between steps; a customer's 10-minute idle limit
    has tests of its own (tests/customers/test_session_timeout.py, tests/e2e/test_session_timeout.py)."""
    settings.CUSTOMER_SESSION_IDLE_MINUTES = 7 * 24 * 60
