"""The REST API other channels use: keys, idempotent posts, history queries, bulk, limits."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from api.authentication import ClientRateThrottle
from api.keys import api_key_issue, api_key_revoke
from api.models import ApiKey
from api.output import References
from audit.models import AuditEntry
from consultations.models import Consultation
from customers.models import User

URL = "/api/v1/consultations/"
BULK = "/api/v1/consultations/bulk/"
KST = dt.timezone(dt.timedelta(hours=9))


# --- keys ----------------------------------------------------------------------------------


def test_create_api_key_prints_a_key_that_is_stored_only_hashed(db, record):
    out = io.StringIO()
    call_command(
        "create_api_key", "--client", "화상창구", "--channel", "video", stdout=out, stderr=io.StringIO()
    )
    raw = out.getvalue().strip()
    key = ApiKey.objects.get(client__name="화상창구")
    assert raw.startswith(f"ohk_{key.prefix}_") and raw not in key.key_hash and len(key.key_hash) == 64
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.post(URL, record, format="json").status_code == 201
    key.refresh_from_db()
    assert key.last_used_at is not None


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Token abc", "Bearer ohk_deadbeef_nope", "Bearer not-a-key"]
)
def test_requests_without_a_valid_key_are_401(db, record, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, record, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Consultation.objects.filter(external_id=record["external_id"]).exists()


def test_a_revoked_key_or_a_disabled_client_is_401(api, api_key, video_client, record):
    assert api.get(URL, {"customer_id": "hanauser1"}).status_code == 200
    api_key_revoke(key=ApiKey.objects.get(client=video_client))
    assert api.get(URL, {"customer_id": "hanauser1"}).status_code == 401
    _, fresh = api_key_issue(client=video_client)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh}")
    assert api.get(URL, {"customer_id": "hanauser1"}).status_code == 200
    video_client.is_active = False
    video_client.save()
    assert api.get(URL, {"customer_id": "hanauser1"}).status_code == 401


# --- posting one record ----------------------------------------------------------------------


def test_post_creates_a_record_in_the_integrated_history(api, record, video_client):
    response = api.post(URL, record, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["external_id"] == "vt-20200523-0001" and body["source"] == "화상창구"
    assert body["channel"] == "video" and body["customer_name"] == "박진우" and body["staff_name"] == "김하나"
    assert (body["main_category"], body["middle_category_name"]) == ("02", "전세자금대출")
    stored = Consultation.objects.get(pk=body["id"])
    assert stored.source_client == video_client and stored.follow_up_needed is True
    assert stored.occurred_at == dt.datetime(2020, 5, 23, 14, 30, tzinfo=KST)


def test_posting_the_same_external_id_again_returns_the_stored_record(api, record):
    first = api.post(URL, record, format="json").json()
    again = api.post(URL, record, format="json")
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert Consultation.objects.filter(external_id=record["external_id"]).count() == 1


def test_the_same_external_id_with_other_content_is_a_409_and_changes_nothing(api, record):
    first = api.post(URL, record, format="json").json()
    response = api.post(URL, {**record, "title": "바뀐 제목"}, format="json")
    assert response.status_code == 409 and response.json()["id"] == first["id"]
    assert Consultation.objects.get(pk=first["id"]).title == record["title"]


def test_another_client_may_use_the_same_external_id(api, record, db):
    from api.keys import api_client_create

    other = api_client_create(name="외부 상담앱", channel_code="remote")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_issue(client=other)[1]}")
    assert api.post(URL, record, format="json").status_code == 201
    assert client.post(URL, record, format="json").status_code == 201


def test_times_in_any_offset_are_stored_as_the_same_instant_and_read_back_in_seoul(api, record):
    response = api.post(URL, {**record, "occurred_at": "2020-05-23T05:30:00Z"}, format="json")
    assert response.status_code == 201
    assert response.json()["occurred_at"] == "2020-05-23T14:30:00+09:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": "2020-05-23T14:30:00"}, "occurred_at"),  # no offset: ambiguous
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2024-01-01T12:99:00Z"}, "occurred_at"),  # found by Schemathesis: was a 500
        ({"occurred_at": "2024-02-30T12:00:00+09:00"}, "occurred_at"),
        ({"occurred_at": "2099-01-01T00:00:00+09:00"}, "occurred_at"),
        ({"customer_id": "nobody"}, "customer_id"),
        ({"customer_id": "hnv2001"}, "customer_id"),  # staff are not customers
        ({"employee_no": "x999"}, "employee_no"),
        ({"main_category": "99"}, "main_category"),
        ({"middle_category": "0101"}, "middle_category"),  # not under 02
        ({"middle_category": "01"}, "middle_category"),
        ({"progress": "maybe"}, "progress"),
        ({"title": ""}, "title"),
        ({"title": "가" * 101}, "title"),
        ({"external_id": "has spaces"}, "external_id"),
        ({"external_id": None}, "external_id"),
    ],
)
def test_bad_records_are_400_with_the_field_named_and_nothing_stored(api, record, change, field):
    response = api.post(URL, {**record, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Consultation.objects.filter(source_client__name="화상창구").exists()


def test_a_json_array_or_broken_json_is_400(api):
    assert api.post(URL, [1, 2], format="json").status_code == 400
    assert api.post(URL, "{broken", content_type="application/json").status_code == 400


def test_a_body_over_the_limit_is_413(api, record, settings):
    big = json.dumps({**record, "notes": "가" * 70_000})
    response = api.post(URL, big, content_type="application/json")
    assert response.status_code == 413
    assert not Consultation.objects.filter(external_id=record["external_id"]).exists()


def test_too_many_requests_are_429_with_retry_after(api, record, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "3/min"})
    codes = [api.get(URL, {"customer_id": "hanauser1"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = api.post(URL, record, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not Consultation.objects.filter(external_id=record["external_id"]).exists()


# --- reading a customer's history --------------------------------------------------------------


def _post(api, record, external_id, occurred_at, **changes):
    response = api.post(
        URL, {**record, "external_id": external_id, "occurred_at": occurred_at, **changes}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def test_the_original_query_form_20200523_20200628_02_hanauser1(api, record):
    inside_first = _post(api, record, "a", "2020-05-23T00:00:00+09:00")
    inside_last = _post(api, record, "b", "2020-06-28T23:59:00+09:00")
    _post(api, record, "c", "2020-05-22T23:59:00+09:00")  # the day before, in Seoul
    _post(api, record, "d", "2020-06-28T15:30:00Z")  # 00:30 on the 29th in Seoul
    _post(api, record, "e", "2020-06-01T10:00:00+09:00", main_category="01", middle_category="0101")
    response = api.get(
        URL, {"customer_id": "hanauser1", "from": "20200523", "to": "20200628", "main_category": "02"}
    )
    assert response.status_code == 200
    ids = [r["id"] for r in response.json()["results"]]
    expected = list(
        Consultation.objects.filter(
            customer__username="hanauser1",
            main_category__code="02",
            occurred_at__gte=dt.datetime(2020, 5, 23, tzinfo=KST),
            occurred_at__lt=dt.datetime(2020, 6, 29, tzinfo=KST),
        )
        .order_by("-occurred_at", "-id")
        .values_list("id", flat=True)
    )
    assert ids == expected and ids[0] == inside_last and ids[-1] == inside_first
    same = api.get(
        URL, {"customer_id": "hanauser1", "from": "2020-05-23", "to": "2020-06-28", "main_category": "02"}
    )
    assert [r["id"] for r in same.json()["results"]] == ids


def test_history_filters_by_channel_and_progress(api, record):
    done = _post(api, record, "p1", "2020-05-24T10:00:00+09:00", progress="done")
    _post(api, record, "p2", "2020-05-25T10:00:00+09:00", progress="received")
    results = api.get(URL, {"customer_id": "hanauser1", "channel": "video", "progress": "done"}).json()[
        "results"
    ]
    assert done in [r["id"] for r in results]
    assert {(r["channel"], r["progress"]) for r in results} == {("video", "done")}
    assert (
        len(results)
        == Consultation.objects.filter(
            customer__username="hanauser1", channel__code="video", progress="done"
        ).count()
    )


def test_history_pages_with_a_cursor_newest_first_without_gaps(api):
    seen: list[int] = []
    response = api.get(URL, {"customer_id": "hanauser1", "page_size": 2}).json()
    while True:
        seen += [r["id"] for r in response["results"]]
        if not response["next"]:
            break
        response = api.get(response["next"]).json()
    expected = list(
        Consultation.objects.filter(customer__username="hanauser1")
        .order_by("-occurred_at", "-id")
        .values_list("id", flat=True)
    )
    assert seen == expected and len(seen) > 2


def test_every_history_read_is_audited_with_the_client(api, video_client):
    api.get(URL, {"customer_id": "hanauser1", "from": "20200101"}, REMOTE_ADDR="10.1.2.3")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.API_READ).latest("at")
    assert entry.api_client == video_client and entry.customer.username == "hanauser1"
    assert entry.ip == "10.1.2.3" and entry.detail["from"] == "2020-01-01"


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"customer_id": "nobody"}, 404),
        ({"customer_id": "hnv2001"}, 404),
        ({"customer_id": "hanauser1", "from": "2020-13-01"}, 400),
        ({"customer_id": "hanauser1", "from": "20200628", "to": "20200523"}, 400),
        ({"customer_id": "hanauser1", "to": "99991231"}, 400),  # the day after would overflow
        ({"customer_id": "hanauser1", "from": "00010101"}, 400),
        ({"customer_id": "hanauser1", "main_category": "2"}, 400),
        ({"customer_id": "hanauser1", "main_category": "99"}, 400),  # no such category
        ({"customer_id": "hanauser1", "channel": "telegram"}, 400),
        ({"customer_id": "hanauser1", "progress": "maybe"}, 400),
    ],
)
def test_bad_history_queries(api, params, status):
    assert api.get(URL, params).status_code == status


# --- bulk ----------------------------------------------------------------------------------------


def test_bulk_reports_each_record(api, record):
    existing = _post(api, record, "bulk-0", "2020-05-23T09:00:00+09:00")
    records = [
        {**record, "external_id": "bulk-0", "occurred_at": "2020-05-23T09:00:00+09:00"},  # already stored
        {**record, "external_id": "bulk-1"},
        {**record, "external_id": "bulk-2", "customer_id": "nobody"},
        {**record, "external_id": "bulk-3"},
        {**record, "external_id": "bulk-0", "title": "다른 내용"},  # conflict
        {"external_id": "bulk-5"},
    ]
    response = api.post(BULK, {"records": records}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["existing"], body["conflicts"], body["invalid"]) == (2, 1, 1, 2)
    statuses = {r["index"]: r["status"] for r in body["results"]}
    assert statuses == {0: 200, 1: 201, 2: 400, 3: 201, 4: 409, 5: 400}
    assert body["results"][0]["id"] == existing
    again = api.post(BULK, {"records": records[1:4]}, format="json").json()
    assert (again["created"], again["existing"]) == (0, 2)


def test_a_bulk_with_a_non_object_item_is_refused_whole(api, record):
    response = api.post(BULK, {"records": [{**record, "external_id": "ok-1"}, "text"]}, format="json")
    assert response.status_code == 400 and "records" in response.json()
    assert not Consultation.objects.filter(external_id="ok-1").exists()


def test_bulk_takes_at_most_1000_records(api, record):
    records = [{**record, "external_id": f"many-{n}"} for n in range(1001)]
    response = api.post(BULK, {"records": records}, format="json")
    assert response.status_code == 400
    assert not Consultation.objects.filter(external_id__startswith="many-").exists()
    response = api.post(BULK, {"records": records[:1000]}, format="json")
    assert response.status_code == 200 and response.json()["created"] == 1000


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_posts_store_one_row(record):
    from api.keys import api_client_create
    from tests.conftest import seed_demo_bank

    seed_demo_bank()
    # A flush and a new seed renumber the categories; the process-wide cache must not remember them.
    References.load(force=True)
    raw = api_key_issue(client=api_client_create(name="화상창구", channel_code="video"))[1]
    barrier = threading.Barrier(6)
    codes: list[int] = []

    def post() -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        barrier.wait()
        try:
            codes.append(client.post(URL, record, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200, 200, 200, 201]
    assert Consultation.objects.filter(external_id=record["external_id"]).count() == 1
    assert User.objects.filter(username="hanauser1").exists()


# --- one write path ------------------------------------------------------------------------


def test_it_audits_every_record_an_api_client_stores_and_not_a_repeat(api, record, video_client):
    first = api.post(URL, record, format="json", REMOTE_ADDR="203.0.113.9").json()
    api.post(URL, record, format="json")  # the same record again: stored already, nothing new
    bulk = api.post(
        BULK, {"records": [{**record, "external_id": f"vt-b-{n}"} for n in range(3)]}, format="json"
    )
    entries = AuditEntry.objects.filter(api_client=video_client, action=AuditEntry.Action.CREATE)
    assert entries.count() == 4
    single = entries.get(target=f"consultation {first['id']}")
    assert single.actor is None and single.ip == "203.0.113.9"
    assert single.customer == User.objects.get(username="hanauser1")
    assert {e.target for e in entries} == {
        f"consultation {r['id']}" for r in [first, *bulk.json()["results"]]
    }


def test_a_record_breaking_the_models_rules_is_refused_in_korean_by_the_same_rule_as_the_form(api, record):
    response = api.post(URL, {**record, "middle_category": "0101"}, format="json")  # 0101 is under 01
    assert response.status_code == 400
    assert response.json()["middle_category"] == ["선택한 대분류에 속한 중분류가 아닙니다."]
    future = api.post(URL, {**record, "occurred_at": "2099-01-01T00:00:00+09:00"}, format="json")
    assert future.json()["occurred_at"] == ["미래의 상담은 기록할 수 없습니다."]
    assert not AuditEntry.objects.filter(api_client__name="화상창구").exists()
