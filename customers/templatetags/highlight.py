"""{% load highlight %}: `highlight`, `keyword_snippet`, `rich_text_snippet` (core/highlight.py) as template filters."""

from __future__ import annotations

from django import template

from core.highlight import highlight, keyword_snippet, rich_text_snippet

register = template.Library()
register.filter("highlight", highlight)
register.filter("keyword_snippet", keyword_snippet)
register.filter("rich_text_snippet", rich_text_snippet)
