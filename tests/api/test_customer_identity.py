"""The API names a customer by web login id, by customer number, or by name, birth date and phone."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from api.keys import api_key_issue
from api.output import References
from audit.models import AuditEntry
from consultations.models import Consultation
from customers.models import CustomerProfile, User

URL = "/api/v1/consultations/"
BULK = "/api/v1/consultations/bulk/"
NEW_PERSON = {"name": "최방문", "birth_date": "1961-07-15", "phone": "010-7777-1234"}


def by_identity(record: dict, **identity) -> dict:
    body = {k: v for k, v in record.items() if k != "customer_id"}
    return {**body, "customer": {**NEW_PERSON, **identity}}


def test_a_record_names_its_customer_by_customer_number(api, record, customer):
    customer_no = customer.customer_profile.customer_no
    body = {**{k: v for k, v in record.items() if k != "customer_id"}, "customer_no": customer_no}
    response = api.post(URL, body, format="json")
    assert response.status_code == 201
    assert (response.json()["customer_id"], response.json()["customer_no"]) == ("hanauser1", customer_no)
    assert Consultation.objects.get(external_id=record["external_id"]).customer == customer


def test_an_unknown_person_becomes_a_customer_without_a_login_once(api, record, video_client):
    first = api.post(URL, by_identity(record), format="json")
    assert first.status_code == 201, first.json()
    profile = CustomerProfile.objects.get(phone="+821077771234")
    assert (profile.user.name, profile.user.has_web_login, profile.phone_verified_at) == (
        "최방문",
        False,
        None,
    )
    assert first.json()["customer_id"] is None and first.json()["customer_no"] == profile.customer_no
    assert AuditEntry.objects.filter(
        api_client=video_client, customer=profile.user, target="api customer"
    ).exists()
    # The same record again (a retry): the same row, still one customer.
    again = api.post(URL, by_identity(record), format="json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    # Another record for the same person joins the same history.
    other = api.post(URL, {**by_identity(record), "external_id": "vt-2"}, format="json")
    assert other.status_code == 201
    assert CustomerProfile.objects.filter(phone="+821077771234").count() == 1
    history = api.get(URL, {"customer_no": profile.customer_no}).json()["results"]
    assert {r["external_id"] for r in history} == {record["external_id"], "vt-2"}


def test_a_known_person_by_identity_is_the_existing_customer(api, record, customer):
    response = api.post(
        URL, by_identity(record, name="박진우", birth_date="1994-03-22", phone="+821023456789"), format="json"
    )
    assert response.status_code == 201 and response.json()["customer_id"] == "hanauser1"


@pytest.mark.parametrize("identity", [{"birth_date": "1994-03-23"}, {"name": "박진수"}])
def test_a_phone_of_someone_else_is_a_409_and_creates_nothing(api, record, customer, identity):
    users, records = User.objects.count(), Consultation.objects.count()
    clash = {"name": "박진우", "birth_date": "1994-03-22", "phone": "010-2345-6789", **identity}
    response = api.post(URL, by_identity(record, **clash), format="json")
    assert response.status_code == 409
    assert "different name or birth date" in response.json()["detail"]
    assert "박진우" not in response.content.decode("utf-8").replace(clash["name"], "") or identity.get("name")
    assert (User.objects.count(), Consultation.objects.count()) == (users, records)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer_no": "C00000001"}, "customer"),  # two identities
        ({"customer_id": None}, "customer_id"),
        ({"customer": {**NEW_PERSON, "phone": "02-123-4567"}}, "customer"),
        ({"customer": {**NEW_PERSON, "birth_date": "1961-02-30"}}, "customer"),
        ({"customer": {"name": "최방문"}}, "customer"),
        ({"customer_no": "C99999999", "customer_id": ""}, "customer"),
    ],
)
def test_bad_identities_are_400_and_create_nothing(api, record, change, field):
    users = User.objects.count()
    response = api.post(URL, {**record, **change}, format="json")
    assert response.status_code == 400, response.json()
    assert User.objects.count() == users


def test_an_unknown_customer_number_is_400_and_a_walk_ins_generated_username_is_not_a_login_id(
    api, record, teller
):
    body = {k: v for k, v in record.items() if k != "customer_id"}
    assert api.post(URL, {**body, "customer_no": "C99999999"}, format="json").json() == {
        "customer_no": ["No customer with this customer number."]
    }
    api.post(URL, by_identity(record), format="json")
    walk_in = User.objects.get(customer_profile__phone="+821077771234")
    response = api.post(URL, {**record, "customer_id": walk_in.username, "external_id": "x-2"}, format="json")
    assert response.status_code == 400 and "customer_id" in response.json()


def test_a_record_breaking_the_rules_creates_no_customer(api, record):
    response = api.post(
        URL, {**by_identity(record), "occurred_at": "2099-01-01T10:00:00+09:00"}, format="json"
    )
    assert response.status_code == 400 and "occurred_at" in response.json()
    assert not CustomerProfile.objects.filter(phone="+821077771234").exists()


def test_bulk_records_may_name_customers_each_way(api, record, customer):
    records = [
        {**record, "external_id": "b-1"},
        {**by_identity(record), "external_id": "b-2"},
        {**by_identity(record, birth_date="1970-01-01"), "external_id": "b-3"},  # same phone, another person
    ]
    response = api.post(BULK, {"records": records}, format="json").json()
    assert [r["status"] for r in response["results"]] == [201, 201, 409]
    assert response["conflicts"] == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"customer_no": "C99999999"}, 404),
        ({}, 400),
        ({"customer_id": "hanauser1", "customer_no": "C00000001"}, 400),
    ],
)
def test_history_by_customer_number_needs_exactly_one_identity(api, params, status):
    assert api.get(URL, params).status_code == status


def test_history_by_customer_number_equals_history_by_login_id(api, customer):
    by_login = api.get(URL, {"customer_id": "hanauser1"}).json()["results"]
    by_number = api.get(URL, {"customer_no": customer.customer_profile.customer_no}).json()["results"]
    assert by_login == by_number and by_login


def test_the_schema_shows_the_three_ways_to_name_a_customer(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    body = schema["components"]["schemas"]["ConsultationInRequest"]["properties"]
    assert {"customer_id", "customer_no", "customer"} <= set(body)
    post = schema["paths"]["/api/v1/consultations/"]["post"]
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    assert len(examples) == 3
    params = {p["name"] for p in schema["paths"]["/api/v1/consultations/"]["get"]["parameters"]}
    assert {"customer_id", "customer_no"} <= params


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_for_one_new_person_make_one_customer(record):
    from api.keys import api_client_create
    from tests.conftest import seed_demo_bank

    seed_demo_bank()
    # A flush and a new seed renumber the categories; the process-wide cache must not remember them.
    References.load(force=True)
    raw = api_key_issue(client=api_client_create(name="화상창구", channel_code="video"))[1]
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def post(n: int) -> None:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        barrier.wait()
        try:
            codes.append(
                client.post(
                    URL, {**by_identity(record), "external_id": f"race-{n}"}, format="json"
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [201] * 20
    profile = CustomerProfile.objects.get(phone="+821077771234")
    assert Consultation.objects.filter(external_id__startswith="race-", customer=profile.user).count() == 20
    assert AuditEntry.objects.filter(target="api customer").count() == 1
