"""URL helpers for pages that link every row of a long list."""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

_MARK = 918273645546372819  # a number no URL pattern's fixed text contains


def url_maker(name: str) -> Callable[[int], str]:
    """reverse() once, with a placeholder id, then each row's id put in its place (a reverse()
    per row of a result list is a measurable part of the page)."""
    head, _mark, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    return lambda pk: f"{head}{pk}{tail}"
