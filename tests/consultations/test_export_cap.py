"""Exports are capped (issue 17, point 9): tellers and agents up to EXPORT_MAX_ROWS, a manager's
larger export as a background job with a progress page and a signed link for the manager only,
expiring after EXPORT_LINK_HOURS; every export audited with its row count."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.core import signing
from django.urls import reverse

from audit.models import AuditEntry
from consultations.export_jobs import export_link_token
from consultations.models import Consultation, ExportJob
from customers.models import User

KST = dt.timezone(dt.timedelta(hours=9))
DAY = {"date_from": "2031-05-01", "date_to": "2031-05-01"}


@pytest.fixture
def three_records(db, customer):
    template = Consultation.objects.filter(customer=customer).first()
    assert template is not None
    for n in range(3):
        Consultation.objects.create(
            customer=customer,
            staff=template.staff,
            channel=template.channel,
            main_category=template.main_category,
            middle_category=template.middle_category,
            title=f"내보내기 {n}",
            notes="",
            occurred_at=dt.datetime(2031, 5, 1, 10 + n, tzinfo=KST),
        )


def export(client, fmt: str = "csv", **extra):
    return client.get(reverse("staff:consultation_export", args=[fmt]), {**DAY, **extra})


@pytest.mark.parametrize("login", ["hnv2004", "hnv2001"])
def test_a_teller_or_agent_over_the_cap_gets_a_korean_message_and_no_file(
    client, three_records, settings, login
):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(User.objects.get(username=login))
    response = export(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("staff:consultations"))
    page = client.get(response["Location"]).content.decode()
    assert "최대 2건입니다 (조건에 맞는 상담 3건)" in page
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    assert not ExportJob.objects.exists()


def test_an_export_within_the_cap_is_audited_with_its_row_count(client, teller, three_records, settings):
    settings.EXPORT_MAX_ROWS = 3
    client.force_login(teller)
    response = export(client)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 4
    assert AuditEntry.objects.get(actor=teller, action=AuditEntry.Action.EXPORT).detail["rows"] == 3


def test_a_managers_big_export_runs_in_the_background_for_that_manager_only(
    client, manager, teller, three_records, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(manager)
    response = export(client)  # Celery runs eagerly in the tests
    job = ExportJob.objects.get(requested_by=manager)
    assert response["Location"] == reverse("staff:export_job", args=[job.pk])
    assert (job.status, job.total, job.done) == (ExportJob.Status.DONE, 3, 3)
    page = client.get(response["Location"]).content.decode()
    assert 'role="progressbar"' in page and "100%" in page and "24시간" in page
    found = re.search(r'href="(/staff/exports/download/[^"]+/)"', page)
    assert found, page
    link = found.group(1)
    download = client.get(link)
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert sorted(r[6] for r in rows[1:]) == ["내보내기 0", "내보내기 1", "내보내기 2"]
    audited = AuditEntry.objects.filter(actor=manager, action=AuditEntry.Action.EXPORT)
    assert {e.detail["rows"] for e in audited} == {3}
    assert audited.count() == 2  # the file made, and the download

    # Another manager, or a teller, with the same link: nothing.
    other = User.objects.filter(role=User.Role.MANAGER).exclude(pk=manager.pk).first()
    for person in [p for p in (other, teller) if p is not None]:
        client.force_login(person)
        assert client.get(link).status_code in (403, 404)
        assert client.get(reverse("staff:export_job", args=[job.pk])).status_code in (403, 404)


def test_the_download_link_expires(client, manager, three_records, settings, frozen_now):
    settings.EXPORT_MAX_ROWS = 2
    client.force_login(manager)
    export(client)
    job = ExportJob.objects.get(requested_by=manager)
    link = reverse("staff:export_download", args=[export_link_token(job)])
    assert client.get(link).status_code == 200
    settings.EXPORT_LINK_HOURS = 0
    assert client.get(link).status_code == 404
    forged = reverse(
        "staff:export_download", args=[signing.TimestampSigner(salt="x").sign(f"{job.pk}:{manager.pk}")]
    )
    settings.EXPORT_LINK_HOURS = 24
    assert client.get(forged).status_code == 404
