"""Each API client has a scope (issue 17, "Also"): whether it reads history, and which staff it
may write records as — never a manager unless allowed, only its branches' staff if it has some."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from api.keys import api_client_create, api_key_issue
from api.models import ApiClient
from branches.models import Branch
from cases.models import Case
from consultations.models import Consultation
from customers.models import StaffProfile


def client_for(api_client: ApiClient) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {api_key_issue(client=api_client)[1]}")
    return client


def test_a_client_without_history_rights_gets_403(db):
    writer = api_client_create(name="기록만", channel_code="video", can_read_history=False)
    response = client_for(writer).get("/api/v1/consultations/", {"customer_id": "hanauser1"})
    assert response.status_code == 403


def test_a_client_does_not_write_as_a_manager(api, record, manager):
    as_manager = {**record, "employee_no": manager.staff_profile.employee_no}
    response = api.post("/api/v1/consultations/", as_manager, format="json")
    assert response.status_code == 403 and "employee_no" in response.json()
    bulk = api.post("/api/v1/consultations/bulk/", {"records": [as_manager]}, format="json").json()
    assert (bulk["forbidden"], bulk["created"], bulk["results"][0]["status"]) == (1, 0, 403)
    assert not Consultation.objects.filter(external_id=record["external_id"]).exists()


def test_a_client_may_be_allowed_to_write_as_a_manager(api, record, manager, video_client):
    video_client.may_write_as_managers = True
    video_client.save()
    response = api.post(
        "/api/v1/consultations/", {**record, "employee_no": manager.staff_profile.employee_no}, format="json"
    )
    assert response.status_code == 201


def test_a_client_with_branches_writes_only_as_their_staff(db, record):
    author = StaffProfile.objects.get(employee_no=record["employee_no"])
    other = Branch.objects.exclude(pk=author.branch_id).first()
    assert other is not None
    elsewhere = api_client_create(name="다른 지점", channel_code="video", branch_codes=(other.code,))
    response = client_for(elsewhere).post("/api/v1/consultations/", record, format="json")
    assert response.status_code == 403
    own = api_client_create(name="같은 지점", channel_code="video", branch_codes=(author.branch.code,))
    assert client_for(own).post("/api/v1/consultations/", record, format="json").status_code == 201


def test_the_case_api_refuses_a_manager_as_the_receiver(api, manager):
    body = {
        "customer_id": "hanauser1",
        "kind": "complaint",
        "team": "card",
        "main_category": "04",
        "title": "해외 결제 승인 거절",
        "description": "화상창구에서 접수",
        "employee_no": manager.staff_profile.employee_no,
        "external_id": "vt-case-scope",
    }
    assert api.post("/api/v1/cases/", body, format="json").status_code == 403
    assert not Case.objects.filter(external_id="vt-case-scope").exists()


def test_the_migration_keeps_existing_clients_reading(db):
    existing = api_client_create(name="예전 클라이언트", channel_code="video", can_read_history=False)
    migration = importlib.import_module("api.migrations.0003_client_scope")
    migration.existing_clients_keep_reading(apps, None)
    existing.refresh_from_db()
    assert existing.can_read_history and not existing.may_write_as_managers


@pytest.mark.parametrize("codes", [("NOPE",)])
def test_an_unknown_branch_code_is_refused(db, codes):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_client_create(name="x", channel_code="video", branch_codes=codes)
