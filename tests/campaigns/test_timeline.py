"""The customer's timeline on the staff customer page shows the campaign messages they received."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from campaigns.sending import campaign_pace
from customers.models import User
from messaging.models import Message

from .conftest import MORNING

pytestmark = pytest.mark.django_db


def test_a_campaign_message_is_one_campaign_entry_on_the_customer_timeline(
    client, targets, make_campaign, second_manager, teller, frozen_now, django_capture_on_commit_callbacks
):
    campaign = make_campaign(
        name="연말 정기예금 특판", status=Campaign.Status.APPROVED, approver=second_manager
    )
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=False):
        assert campaign_pace(MORNING) == 3
    customer = targets[0]
    message = Message.objects.get(customer=customer, idempotency_key__startswith=f"campaign:{campaign.pk}:")
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert 'class="card oh-card mb-2 oh-tl-campaign"' in page
    assert "연말 정기예금 특판" in page
    assert reverse("staff:message_detail", args=[message.pk]) in page
    # Not a second, anonymous "문자" entry for the same message.
    assert page.count(reverse("staff:message_detail", args=[message.pk])) == 1
    # The kind filter: only campaigns, and with messages only the campaign message is not repeated.
    only = client.get(
        reverse("staff:customer_detail", args=[customer.pk]), {"type": "message"}
    ).content.decode()
    assert "연말 정기예금 특판" not in only
    only = client.get(
        reverse("staff:customer_detail", args=[customer.pk]), {"type": "campaign"}
    ).content.decode()
    assert "연말 정기예금 특판" in only


def test_a_customer_without_marketing_consent_has_no_campaign_entry(
    client, targets, make_campaign, second_manager, teller, frozen_now
):
    make_campaign(name="연말 정기예금 특판", status=Campaign.Status.APPROVED, approver=second_manager)
    other = User.objects.filter(role=User.Role.CUSTOMER, customer_profile__marketing_consent=False).first()
    frozen_now(MORNING)
    assert campaign_pace(MORNING) == 3
    client.force_login(teller)
    page = client.get(reverse("staff:customer_detail", args=[other.pk])).content.decode()
    assert "oh-tl-campaign" not in page
    assert "연말 정기예금 특판" not in page
