"""The English locale is complete: every page a GET in the permission matrix reaches with 200, for
each role, rendered in English, shows no Hangul of its own.

What may stay Korean is told apart in two ways. Korean on purpose (an SMS body, the language
switch's 한국어) is marked up as such with `lang="ko"`, which screen readers need anyway (WCAG 3.1.2).
The demo bank's data (names, branches, categories, notes) is read from the database: every Korean
value stored there, and the masked form of each name, is removed from the text before the check.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from customers.masking import mask_name
from customers.models import User
from tests.test_korean_pages import ROLES, VisibleText
from tests.test_permissions import EXPECTED, LOGINS, kwargs_for, objects  # noqa: F401 - fixture

HANGUL = re.compile(r"[\uac00-\ud7a3]")
WORD = re.compile(r"[\uac00-\ud7a3]+")
# The advertising mark the law puts at the head of a marketing SMS, quoted in an English sentence.
KOREAN_TERMS = ["(광고)"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class EnglishText(VisibleText):
    """The visible text, less what is marked as Korean (`lang="ko"` and everything inside it)."""

    def __init__(self) -> None:
        super().__init__()
        self._korean: list[str] = []  # open elements since the outermost lang="ko" one

    def handle_starttag(self, tag, attrs):
        if self._korean or dict(attrs).get("lang", "").startswith("ko"):
            if tag not in VOID:
                self._korean.append(tag)
        else:
            super().handle_starttag(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        if not self._korean and not dict(attrs).get("lang", "").startswith("ko"):
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self._korean:
            if tag in self._korean:
                while self._korean and self._korean.pop() != tag:
                    pass
        else:
            super().handle_endtag(tag)

    def handle_data(self, data):
        if not self._korean:
            super().handle_data(data)


def bank_data() -> dict[str, set[str]]:
    """Every Korean text value in the database (and each name's masked form), by the words in it."""
    values: set[str] = set()
    for model in apps.get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField))
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                values.update(value for value in row if isinstance(value, str) and HANGUL.search(value))
    values |= {mask_name(value) for value in values if len(value) <= 4 and " " not in value}
    index: dict[str, set[str]] = defaultdict(set)
    for value in values:
        for word in WORD.findall(value):
            index[word].add(value)
    return index


def own_text(piece: str, data: dict[str, set[str]]) -> str:
    """The piece less the stored values in it (longest first); a shortened value (…) counts too."""
    candidates = {value for word in WORD.findall(piece) for value in data.get(word, ())}
    if piece.endswith("…") and any(piece[:-1].rstrip() in value for value in candidates):
        return ""
    for value in sorted(candidates, key=len, reverse=True):
        piece = piece.replace(value, " ")
    for term in KOREAN_TERMS:
        piece = piece.replace(term, " ")
    return piece


def untranslated(html: str, data: dict[str, set[str]]) -> list[str]:
    reader = EnglishText()
    reader.feed(html)
    pieces = reader.pieces + [
        text for blob in JSON_SCRIPT.findall(html) for text in strings(json.loads(blob))
    ]
    return [piece[:100] for piece in pieces if HANGUL.search(own_text(piece, data))]


# Data for a page's charts (json_script): drawn as axis labels and legends.
JSON_SCRIPT = re.compile(r'<script id="[^"]*" type="application/json">(.*?)</script>', re.S)


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_the_reader_keeps_only_the_pages_own_korean():
    data = {"김하나": {"김하나"}, "지점": {"강남역 지점"}, "강남역": {"강남역 지점"}}
    page = (
        '<p>With 김하나 · 강남역 지점</p><p title="상담 수">x</p><pre lang="ko">[하나은행] <b>안내</b></pre>'
        '<select><option lang="ko">한국어</option><option>채널별</option></select><p>김*나</p>'
    )
    assert untranslated(page, data) == ["상담 수", "채널별", "김*나"]


@pytest.mark.parametrize("role", ROLES)
def test_english_pages_have_no_korean_of_their_own(client, objects, role):  # noqa: F811 - fixture
    if role != "anonymous":
        client.force_login(User.objects.get(username=LOGINS[role]))
    names = [name for name, expected in sorted(EXPECTED.items()) if expected[role] == 200]
    problems: list[str] = []
    data: dict[str, set[str]] | None = None
    for name in names:
        url = reverse(name, kwargs=kwargs_for(name, objects))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        kind = response.get("Content-Type", "")
        if "text/html" not in kind and not ("application/json" in kind and "chart" in name):
            continue
        if data is None:  # after the first page: the visit itself writes (audit, sessions)
            data = bank_data()
        if "application/json" in kind:  # a chart's data: its labels and legend
            pieces = [text for text in strings(response.json()) if HANGUL.search(own_text(text, data))]
        else:
            pieces = untranslated(response.content.decode(), data)
        problems += [f"{url}: {piece!r}" for piece in pieces]
    assert problems == []
