"""The API's write path: what a posting system gets back, and how few statements it takes."""

from __future__ import annotations

import datetime as dt

from audit.models import AuditEntry
from consultations.models import Consultation
from customers.models import User
from customers.services import customer_create_without_login
from desk.services import customers_merge

URL = "/api/v1/consultations/"
BULK = "/api/v1/consultations/bulk/"


def test_one_new_record_takes_the_key_the_customer_the_staff_member_and_one_insert(
    api, record, django_assert_max_num_queries
):
    api.post(URL, {**record, "external_id": "warm-up"}, format="json")  # the key's last use, the code tables
    with django_assert_max_num_queries(4) as queries:
        response = api.post(URL, record, format="json")
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in queries.captured_queries]
    # The record and its audit entry go in as one statement (no BEGIN/COMMIT of our own).
    assert sum("INSERT" in sql for sql in statements) == 1 and not any(sql == "BEGIN" for sql in statements)
    stored = Consultation.objects.get(external_id=record["external_id"])
    entry = AuditEntry.objects.get(target=f"consultation {stored.pk}")
    assert entry.action == AuditEntry.Action.CREATE and entry.customer_id == stored.customer_id
    assert entry.detail == {
        "external_id": record["external_id"]
    } and entry.at <= stored.created_at + dt.timedelta(seconds=1)


def test_a_record_for_a_merged_customer_number_lands_in_the_kept_history(api, record, manager):
    kept = User.objects.get(username="hanauser1")
    walk_in = customer_create_without_login(
        name="박진우", birth_date=dt.date(1985, 3, 2), phone="010-5555-0101"
    )
    number = walk_in.customer_profile.customer_no
    customers_merge(keep=kept, merge=walk_in, reason="같은 손님", by=manager, ip=None)
    body = {**record, "customer_no": number}
    del body["customer_id"]
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["customer_no"] == kept.customer_profile.customer_no != number
    assert answer["customer_id"] == "hanauser1" and answer["customer_name"] == kept.name
    assert Consultation.objects.get(external_id=record["external_id"]).customer == kept


def test_a_customer_without_a_web_login_is_answered_by_number_without_a_login_id(api, record):
    walk_in = customer_create_without_login(
        name="최방문", birth_date=dt.date(1961, 7, 15), phone="010-5555-0102"
    )
    body = {**record, "customer_no": walk_in.customer_profile.customer_no}
    del body["customer_id"]
    answer = api.post(URL, body, format="json").json()
    assert answer["customer_id"] is None and answer["customer_name"] == "최방문"
    assert answer["customer_no"] == walk_in.customer_profile.customer_no
    by_login = api.post(URL, {**record, "customer_id": walk_in.username, "external_id": "x-2"}, format="json")
    assert by_login.status_code == 400 and "customer_id" in by_login.json()


def test_an_id_sent_twice_in_one_bulk_is_stored_once_and_the_second_answers_like_a_resend(api, record):
    records = [
        {**record, "external_id": "twice-1"},
        {**record, "external_id": "twice-1"},  # the same again: already stored
        {**record, "external_id": "twice-1", "title": "다른 내용"},  # other content: conflict
        {**record, "external_id": "twice-2"},
    ]
    body = api.post(BULK, {"records": records}, format="json").json()
    assert [r["status"] for r in body["results"]] == [201, 200, 409, 201]
    assert len({r["id"] for r in body["results"][:3]}) == 1
    assert Consultation.objects.filter(external_id="twice-1").count() == 1
    assert Consultation.objects.get(external_id="twice-1").title == record["title"]
    assert (
        AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, detail__external_id="twice-1").count() == 1
    )
