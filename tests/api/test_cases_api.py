"""POST /api/v1/cases/: another channel opens a case, once per external id."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEntry
from cases.models import Case
from messaging.models import Message

KST = dt.timezone(dt.timedelta(hours=9))


@pytest.fixture
def case_body() -> dict:
    return {
        "customer_id": "hanauser1",
        "kind": "complaint",
        "priority": "high",
        "team": "card",
        "main_category": "04",
        "middle_category": "0401",
        "title": "해외 결제 승인 거절",
        "description": "화상창구에서 접수: 해외 가맹점 결제가 계속 거절됨",
        "external_id": "vt-case-0001",
    }


def test_it_opens_a_case_once_per_external_id(api, case_body, frozen_now, video_client):
    frozen_now(dt.datetime(2026, 11, 23, 10, tzinfo=KST))
    first = api.post("/api/v1/cases/", case_body, format="json")
    assert first.status_code == 201, first.json()
    body = first.json()
    case = Case.objects.get(pk=body["id"])
    assert body["number"] == case.number and body["team"] == "card" and body["status"] == "received"
    # high-priority complaint: two banking days
    assert case.due_at == dt.datetime(2026, 11, 25, 10, tzinfo=KST)
    assert (case.source_client, case.channel, case.opened_by) == (video_client, video_client.channel, None)
    again = api.post("/api/v1/cases/", {**case_body, "title": "다른 제목"}, format="json")
    assert (again.status_code, again.json()["id"]) == (200, case.pk)
    assert Case.objects.filter(external_id="vt-case-0001").count() == 1
    assert Message.objects.filter(idempotency_key=f"case:{case.pk}:opened").count() == 1
    assert AuditEntry.objects.filter(api_client=video_client, target=f"case:{case.pk}").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_id": "nobody"}, "customer_id"),
        ({"team": "nosuchteam"}, "team"),
        ({"kind": "praise-ish"}, "kind"),
        ({"middle_category": "0201"}, "middle_category"),  # a loan middle under the card main
        ({"employee_no": "zz999"}, "employee_no"),
        ({"title": ""}, "title"),
        # JSON types as the schema states them: not turned into "123" / "True"
        ({"title": 123}, "title"),
        ({"description": True}, "description"),
        ({"customer_id": 7}, "customer_id"),
        ({"external_id": 1234}, "external_id"),
    ],
)
def test_bad_input_is_a_400_that_writes_nothing(api, case_body, change, field):
    response = api.post("/api/v1/cases/", {**case_body, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Case.objects.filter(external_id="vt-case-0001").exists()


def test_without_a_key_it_is_401(client, case_body, db):
    assert client.post("/api/v1/cases/", case_body, content_type="application/json").status_code == 401


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(client, case_body, api_key, scheme):
    response = client.post(
        "/api/v1/cases/", case_body, content_type="application/json", HTTP_AUTHORIZATION=f"{scheme} {api_key}"
    )
    assert response.status_code == 201, response.content


def test_another_scheme_is_still_401(client, case_body, api_key):
    response = client.post(
        "/api/v1/cases/", case_body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {api_key}"
    )
    assert response.status_code == 401
