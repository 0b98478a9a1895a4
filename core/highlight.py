"""Why a search result matched: the search words marked in a title and in a snippet of the body.

Every piece of text is escaped before the <mark> tags are put around the matched words, so a
title or body holding markup shows it as text; rich-text bodies (FAQ answers) are reduced to their
text first (rich_text_snippet). Matching is case-insensitive, as the searches' `icontains` are.
"""

from __future__ import annotations

import html
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

MAX_WORDS = 5  # the searches use the first five words of a query
BEFORE = 30  # characters of context before the first match in a snippet
AFTER = 70  # and after it


def _pattern(query: object) -> re.Pattern[str] | None:
    words = sorted(set(str(query or "").split()[:MAX_WORDS]), key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str]) -> str:
    out: list[str] = []
    pos = 0
    for match in pattern.finditer(text):
        out.append(escape(text[pos : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def highlight(text: object, query: object) -> SafeString:
    """The text, escaped, with each search word in <mark>."""
    value = str(text or "")
    pattern = _pattern(query)
    return mark_safe(_marked(value, pattern) if pattern else escape(value))  # noqa: S308 - every piece escaped


def keyword_snippet(text: object, query: object) -> SafeString:
    """A short escaped piece of plain text around the first search word, the words in <mark>;
    '' when no word is in the text (the row matched on its title or name)."""
    pattern = _pattern(query)
    if pattern is None:
        return mark_safe("")
    plain = " ".join(str(text or "").split())
    match = pattern.search(plain)
    if match is None:
        return mark_safe("")
    start, end = max(0, match.start() - BEFORE), min(len(plain), match.end() + AFTER)
    piece = ("…" if start else "") + _marked(plain[start:end], pattern) + ("…" if end < len(plain) else "")
    return mark_safe(piece)  # noqa: S308 - _marked escapes every piece


def rich_text_snippet(html_text: object, query: object) -> SafeString:
    """keyword_snippet of a rich-text body (sanitised HTML): of its text, without the markup."""
    return keyword_snippet(html.unescape(strip_tags(str(html_text or ""))), query)
