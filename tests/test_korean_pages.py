"""No English or raw value reaches a Korean reader: every page a GET in the permission matrix reaches
with 200, for each role, read through the Django test client (the text a person sees, not the
markup) and searched for tokens that leaked before."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from customers.models import User
from tests.test_permissions import EXPECTED, LOGINS, kwargs_for, objects  # noqa: F401 - fixture

ROLES = ["anonymous", "customer", "teller", "agent", "manager"]

# Seen on screen in a Korean page at some point (issue 18): a developer artefact, an English word,
# a raw identifier. Matched as whole words in the visible text.
TOKENS = [
    "---------",  # Django's empty choice
    "customer page",  # audit targets
    "consultation",
    "booking",
    "inquiry:",
    "consultations.csv",
    "Service unavailable",  # a provider's error
    "bytes",  # a message's size
    "gave up after",
    "None",
    "True",
    "False",
    "Mon",
    "Tue",
    "Wed",
    "Thu",
    "Fri",
    "Sat",
    "Sun",
]
WHOLE_CELLS = {"Y", "N"}  # a table cell or label that says only this is a raw boolean
PATTERN = re.compile("|".join(rf"(?<![\w-]){re.escape(token)}(?![\w-])" for token in TOKENS))
# Data that is English on purpose (the API's own documentation page, brand names in seeded text).
NOT_KOREAN_PAGES = {"api:docs"}


class VisibleText(HTMLParser):
    """Text nodes outside script/style, plus the attributes a person or a screen reader gets."""

    SKIP = {"script", "style", "template"}
    SPOKEN = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        self.pieces += [value for name, value in attrs if name in self.SPOKEN and value]

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.pieces.append(data.strip())


def leaks(html: str) -> list[str]:
    reader = VisibleText()
    reader.feed(html)
    found = [piece for piece in reader.pieces if piece in WHOLE_CELLS]
    found += [
        f"{match[0]!r} in {piece[:80]!r}" for piece in reader.pieces for match in PATTERN.finditer(piece)
    ]
    return found


def test_the_reader_finds_a_leak_in_visible_text_only():
    page = "<td>Y</td><option>---------</option><script>var d='Fri'</script><p title='Fri 10:00'>금</p>"
    assert leaks(page) == ["Y", "'---------' in '---------'", "'Fri' in 'Fri 10:00'"]
    assert leaks("<p>Friday 상담은 consultations에서</p><td>YN</td>") == []


@pytest.mark.parametrize("role", ROLES)
def test_no_english_or_raw_values_on_korean_pages(client, objects, role):  # noqa: F811 - fixture
    if role != "anonymous":
        client.force_login(User.objects.get(username=LOGINS[role]))
    names = [name for name, expected in sorted(EXPECTED.items()) if expected[role] == 200]
    # The audit log last, once the other pages have written to it.
    names.sort(key=lambda name: name == "staff:audit")
    problems = []
    for name in names:
        url = reverse(name, kwargs=kwargs_for(name, objects))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
        if name in NOT_KOREAN_PAGES or "text/html" not in response.get("Content-Type", ""):
            if "text/csv" in response.get("Content-Type", ""):
                body = b"".join(response.streaming_content) if response.streaming else response.content
                problems += [
                    f"{url}: {cell!r}"
                    for cell in re.split(r"[,\r\n]", body.decode("utf-8-sig"))
                    if cell in WHOLE_CELLS
                ]
            continue
        problems += [f"{url}: {leak}" for leak in leaks(response.content.decode())]
    assert problems == []
