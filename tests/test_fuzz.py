"""Every page of the permission matrix, fed hostile query values: none may answer 500.

Which parameters a page reads is found by asking it: one request with a probe parameter records
every name the view looks up in `request.GET` and every field its forms read, so a new view or a
new form field is fuzzed without anyone listing it here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from django.forms.forms import BaseForm
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from api.keys import api_client_create, api_key_issue
from customers.models import User

from .test_permissions import EXPECTED, LOGINS, kwargs_for, objects  # noqa: F401 (fixture)

# Raw, already percent-encoded: a real client can send bytes no `str` holds (a lone surrogate).
HOSTILE = [
    "abc",
    "2020-13-45",
    quote("²"),
    quote("١٢٣"),  # Arabic-Indic digits: int() reads them, an id must not
    "1" * 30,
    "9999-12-31",
    "9999-12-31T23:59:59",
    "%00",
    "a%00b",
    "%ED%A0%80",  # a lone surrogate in UTF-8 form
    "-1",
]
ALWAYS = {"page"}  # read by paginators, which no probe sees
ROLE_ORDER = ["manager", "customer", "teller", "anonymous"]


@contextmanager
def recording_reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    names: set[str] = set()

    def recording(original, position: int = 0):
        def read(self, *args, **kwargs):
            names.add(args[position])
            return original(self, *args, **kwargs)

        return read

    with monkeypatch.context() as patch:
        for method in ("get", "getlist", "__getitem__"):
            patch.setattr(QueryDict, method, recording(getattr(QueryDict, method)))
        # Every bound form reads each field through this one method, whatever the widget.
        patch.setattr(BaseForm, "_widget_data_value", recording(BaseForm._widget_data_value, 1))  # type: ignore[attr-defined]
        yield names


def pages() -> list[tuple[str, str]]:
    """(url name, role) for every URL someone may GET: the first role in ROLE_ORDER that gets a 200."""
    found = []
    for name, expected in sorted(EXPECTED.items()):
        role = next((r for r in ROLE_ORDER if expected.get(r) == 200), None)
        if role is None and name == "staff:calendar_events":
            role = "manager"  # a 400 without start/end: exactly the page to fuzz
        if role is not None:
            found.append((name, role))
    return found


def _get(client, url: str, query: str) -> int:
    try:
        return client.get(f"{url}?{query}").status_code
    except Exception:  # the test client re-raises what a view raised: that is the 500
        return 500


@pytest.mark.parametrize(("name", "role"), pages())
def test_it_never_answers_500_to_hostile_query_values(client, objects, monkeypatch, name, role):  # noqa: F811
    if role != "anonymous":
        client.force_login(User.objects.get(username=LOGINS[role]))
    url = reverse(name, kwargs=kwargs_for(name, objects))
    with recording_reads(monkeypatch) as read:
        client.get(f"{url}?_probe=1")
    params = sorted((read | ALWAYS) - {"_probe", "csrfmiddlewaretoken"})
    failures = []
    for param in params:
        for value in HOSTILE:
            if _get(client, url, f"{param}={value}") >= 500:
                failures.append(f"{param}={value}")
        # The same name twice, the second hostile: an "array" to a reader that expects one value.
        if _get(client, url, f"{param}=1&{param}=abc&{param}[]=x") >= 500:
            failures.append(f"{param}=1&{param}=abc")
    assert failures == [], f"{url} answered 500 for {failures}"


@pytest.mark.parametrize(
    "body",
    [
        '{"start": "2031-03-04T10:00:00\\u0000", "end": "2031-03-04T11:00:00"}',
        '{"start": "2031-03-04T10:00:00", "end": "2031-03-04T11:00:00", "reason": "\\u0000"}',
        '{"start": "2031-03-04T10:00:00", "end": "2031-03-04T11:00:00", "reason": "\\ud800"}',
        '{"start": ["2031-03-04T10:00:00"], "end": "2031-03-04T11:00:00"}',
        '{"start": "2031-03-04T10:00:00", "end": "10000-01-01T00:00:00"}',
        '{"start": "9999-12-31T23:00:00", "end": "9999-12-31T23:59:59-12:00"}',
        '["2031-03-04T10:00:00", "2031-03-04T11:00:00"]',
        '"x"',
    ],
)
def test_it_answers_400_to_hostile_calendar_blocks(client, objects, body):  # noqa: F811
    client.force_login(User.objects.get(username="hnv2004"))
    for url in (
        reverse("staff:calendar_block_create"),
        reverse("staff:calendar_block", kwargs={"pk": objects["block"]}),
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, body, response.content)
        assert "error" in json.loads(response.content)


API_PARAMS = [
    "customer_id",
    "from",
    "to",
    "main_category",
    "middle_category",
    "channel",
    "progress",
    "cursor",
]


@pytest.fixture
def api(db) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Bearer {api_key_issue(client=api_client_create(name='fuzz', channel_code='video'))[1]}"
    )
    return client


def test_the_api_never_answers_500_to_hostile_query_values(api):
    url = reverse("api:consultations")
    failures = []
    for param in [*API_PARAMS, "page_size"]:
        for value in [*HOSTILE, "20201345", quote("２０２００５２３")]:
            if _get(api, url, f"customer_id=hanauser1&{param}={value}") >= 500:
                failures.append(f"{param}={value}")
    assert failures == []


@pytest.mark.parametrize("position", ["garbage", "2020-13-45", "9999-12-31T23:59:59-12:00"])
def test_an_api_cursor_that_is_not_ours_is_a_bad_request(api, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api.get(reverse("api:consultations"), {"customer_id": "hanauser1", "cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()
