"""Sessions come from Redis on every page (omnihana/sessions.py), the session table stays the record:
one database round trip fewer per signed-in request, with nothing a person would notice."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def session_reads(captured: CaptureQueriesContext) -> int:
    return sum('FROM "django_session"' in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def signed_in(client, teller) -> Client:
    assert settings.SESSION_ENGINE == "omnihana.sessions"  # scripts/test.sh gives the suite its Redis
    client.force_login(teller)
    assert client.get(reverse("staff:customers")).status_code == 200
    return client


def test_a_signed_in_page_reads_its_session_from_redis_and_the_table_when_redis_lost_it(signed_in):
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(reverse("staff:customers")).status_code == 200
    assert session_reads(captured) == 0
    caches["default"].delete(f"django.contrib.sessions.cached_db{signed_in.session.session_key}")  # e.g. evicted
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(reverse("staff:customers")).status_code == 200  # still signed in
    assert session_reads(captured) == 1


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(signed_in):
    copy = Client()
    copy.cookies = signed_in.cookies.__class__(signed_in.cookies)
    signed_in.post(reverse("logout"))
    response = copy.get(reverse("staff:customers"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_pages_are_served_from_the_table_while_redis_is_unreachable(signed_in, monkeypatch):
    cache_class = type(caches["default"])

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache_class, "get", down)
    monkeypatch.setattr(cache_class, "set", down)
    page = signed_in.get(reverse("staff:customers"))
    assert page.status_code == 200 and "로그아웃" in page.content.decode()
