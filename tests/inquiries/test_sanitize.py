"""Stored XSS: a corpus of payloads goes through the inquiry form; neither the stored body nor the
rendered pages may carry anything a browser would run. (The browser half is in tests/e2e.)"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse

from consultations.models import MiddleCategory
from inquiries.models import Inquiry
from inquiries.sanitize import LINK_REL, sanitize_html

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss_payloads.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
ALLOWED_TAGS = {
    "p", "br", "hr", "div", "span", "b", "strong", "i", "em", "u", "s", "strike", "sub", "sup",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img",
}  # fmt: skip
OUR_IMAGE = re.compile(r"^/inquiries/files/\d+/$")
SAFE_SCHEMES = ("http:", "https:", "mailto:")


class Findings(HTMLParser):
    """Everything in a fragment that could run script or load foreign content."""

    def __init__(self, *, page: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        values = dict(attrs)
        if self.page:  # a whole page: our own markup is fine, but no inline script and no handlers
            if tag == "script" and not (values.get("src") or "").startswith("/static/"):
                self.problems.append(f"inline or foreign script: {attrs}")
        elif tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"handler {name} on <{tag}>")
            if not self.page and name in {"style", "srcset", "formaction", "background", "dynsrc", "lowsrc"}:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in {"href", "src", "action", "data", "xlink:href", "cite"}:
                compact = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                scheme = compact.split("/", 1)[0] if ":" in compact.split("/", 1)[0] else ""
                if scheme and not compact.startswith(SAFE_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")
        if not self.page and tag == "img" and "src" in names and not OUR_IMAGE.match(values["src"] or ""):
            self.problems.append(f"foreign image {values['src']!r}")
        if not self.page and tag == "a" and "href" in names and values.get("rel") != LINK_REL:
            self.problems.append(f"link without rel={LINK_REL!r}: {attrs}")


def problems_in(fragment: str, *, page: bool = False) -> list[str]:
    finder = Findings(page=page)
    finder.feed(fragment)
    finder.close()
    return finder.problems


def test_the_corpus_is_big_enough():
    assert len(PAYLOADS) >= 100


def test_the_checker_recognises_the_payloads_before_cleaning():
    """The check below is only worth something if it flags the raw payloads."""
    flagged = [p for p in PAYLOADS if problems_in(p)]
    assert len(flagged) >= 100


@pytest.mark.parametrize("payload", PAYLOADS)
def test_cleaned_payload_has_nothing_executable(payload):
    cleaned = sanitize_html(payload)
    assert problems_in(cleaned) == []
    assert sanitize_html(cleaned) == cleaned  # cleaning is stable: display-time cleaning changes nothing


def test_what_is_kept_is_the_formatting():
    dirty = (
        "<p><b>굵게</b> <i>기울임</i> <u>밑줄</u></p><ul><li>하나</li></ul>"
        '<a href="https://www.kebhana.com" target="_blank">하나은행</a>'
        '<img src="/inquiries/files/7/" onerror="alert(1)" alt="첨부">'
    )
    assert sanitize_html(dirty) == (
        "<p><b>굵게</b> <i>기울임</i> <u>밑줄</u></p><ul><li>하나</li></ul>"
        f'<a href="https://www.kebhana.com" rel="{LINK_REL}">하나은행</a>'
        '<img src="/inquiries/files/7/" alt="첨부">'
    )
    assert sanitize_html('<img src="/inquiries/files/7/">', images=False) == ""


@pytest.fixture
def middle(db):
    return MiddleCategory.objects.select_related("main").get(code="0201")


def test_every_payload_posted_through_the_form_is_stored_and_shown_harmless(client, customer, agent, middle):
    client.force_login(customer)
    url = reverse("inquiries:new")
    for n, payload in enumerate(PAYLOADS):
        client.post(
            url,
            {
                "title": f"XSS {n} <script>alert(1)</script>",
                "main_category": middle.main_id,
                "middle_category": middle.pk,
                "body": f"<p>대출 문의 {n}</p>{payload}",
            },
        )
    stored = list(Inquiry.objects.filter(customer=customer, title__startswith="XSS "))
    assert len(stored) == len(PAYLOADS)  # every post had text, so every post was accepted
    for inquiry in stored:
        assert problems_in(inquiry.body) == [], inquiry.title
    staff = client.__class__()
    staff.force_login(agent)
    for inquiry in stored[:: max(1, len(stored) // 25)]:
        for page_client, url in (
            (client, reverse("inquiries:detail", args=[inquiry.pk])),
            (staff, reverse("staff:inquiry_detail", args=[inquiry.pk])),
        ):
            page = page_client.get(url).content.decode()
            assert problems_in(page, page=True) == [], url
            assert "<script>alert" not in page


def test_a_row_that_bypassed_the_service_is_cleaned_on_display(client, customer, middle):
    inquiry = Inquiry.objects.create(
        customer=customer,
        title="raw",
        main_category=middle.main,
        middle_category=middle,
        body="<p>x</p>",
        sla_due_at="2031-03-04T10:00+09:00",
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(body="".join(PAYLOADS))  # e.g. an import, the admin
    client.force_login(customer)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert problems_in(page, page=True) == []
