"""Opt-out from the provider's 080 report or a member of staff, and the results page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Campaign, OptOut
from campaigns.sending import campaign_pace
from messaging.delivery import message_deliver

from .conftest import MORNING

pytestmark = pytest.mark.django_db
REPORT = "/campaigns/opt-out/report/"


@pytest.fixture
def secret(settings):
    settings.OPT_OUT_REPORT_SECRET = "s3cret-080"
    return "s3cret-080"


def test_the_080_report_needs_the_shared_secret(client, customer, secret):
    customer.customer_profile.marketing_consent = True
    customer.customer_profile.save()
    for headers in ({}, {"HTTP_X_OPTOUT_SECRET": "wrong"}):
        assert client.post(REPORT, {"phone": "010-2345-6789"}, **headers).status_code == 403
    customer.customer_profile.refresh_from_db()
    assert customer.customer_profile.marketing_consent is True
    assert not OptOut.objects.exists()


def test_the_080_report_withdraws_consent_with_time_and_source(client, customer, secret, frozen_now):
    frozen_now(MORNING)
    customer.customer_profile.marketing_consent = True
    customer.customer_profile.save()
    response = client.post(
        REPORT, {"phone": "010-2345-6789"}, content_type="application/json", HTTP_X_OPTOUT_SECRET=secret
    )
    assert response.json() == {"ok": True, "known": True}
    profile = customer.customer_profile
    profile.refresh_from_db()
    assert profile.marketing_consent is False
    assert profile.marketing_consent_at == MORNING
    entry = OptOut.objects.get()
    assert (entry.customer, entry.source, entry.at) == (customer, OptOut.Source.PHONE_080, MORNING)


def test_a_bad_number_in_the_report_is_refused(client, secret):
    response = client.post(REPORT, {"phone": "02-123-4567"}, HTTP_X_OPTOUT_SECRET=secret)
    assert response.status_code == 400
    assert not OptOut.objects.exists()


def test_staff_register_an_opt_out_and_the_next_campaign_skips_the_customer(
    client, teller, targets, make_campaign, second_manager, frozen_now, django_capture_on_commit_callbacks
):
    first = targets[0]
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[first.pk])).content.decode()
    assert "수신거부 등록" in page
    client.post(reverse("staff:customer_opt_out", args=[first.pk]))
    first.customer_profile.refresh_from_db()
    assert first.customer_profile.marketing_consent is False
    assert OptOut.objects.get(customer=first).by == teller
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=False):
        assert campaign_pace(MORNING) == 2
    assert not campaign.recipients.filter(customer=first).exists()


def test_results_show_counts_by_hour_and_as_csv(
    client,
    manager,
    targets,
    make_campaign,
    second_manager,
    frozen_now,
    django_capture_on_commit_callbacks,
    outbox,
):
    campaign = make_campaign(status=Campaign.Status.APPROVED, approver=second_manager)
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=False):
        campaign_pace(MORNING)
    for recipient in campaign.recipients.all():
        message_deliver(recipient.message_id)
    client.force_login(manager)
    page = client.get(reverse("staff:campaign_results", args=[campaign.pk])).content.decode()
    assert 'data-total="sent">3<' in page
    assert "2026-12-02 10:00" in page
    csv_text = client.get(reverse("staff:campaign_results_csv", args=[campaign.pk])).content.decode(
        "utf-8-sig"
    )
    assert "2026-12-02 10:00,3,0,0" in csv_text
