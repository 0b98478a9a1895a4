"""core.bulk.insert_new: rows written by COPY get what Django would have given them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from messaging.models import Message, Purpose

pytestmark = pytest.mark.django_db


def test_fields_not_given_take_their_defaults_times_and_json():
    from core.bulk import insert_new

    assert insert_new(Message, []) == 0
    rows = [
        {
            "idempotency_key": f"bulk:{n}",
            "purpose": Purpose.MARKETING,
            "customer_id": None,
            "to_phone": "01012345678",
            "body": "줄바꿈\n탭\t역슬래시\\ 끝",
            "alimtalk_variables": {"#{이름}": "박진우"} if n else None,
        }
        for n in range(2)
    ]
    assert insert_new(Message, rows) == 2
    first, second = Message.objects.filter(idempotency_key__startswith="bulk:").order_by("idempotency_key")
    assert first.body == "줄바꿈\n탭\t역슬래시\\ 끝"
    assert (first.status, first.attempts, first.kind, first.secret, first.alimtalk_template) == (
        Message.Status.PENDING,
        0,
        Message.Kind.SMS,
        "",
        "",
    )
    assert first.created_at is not None and first.updated_at == first.created_at
    assert first.alimtalk_variables is None and second.alimtalk_variables == {"#{이름}": "박진우"}
    with pytest.raises(IntegrityError):  # the caller promises new rows; a repeat is refused, not merged
        insert_new(Message, rows[:1])


def test_a_required_field_without_a_value_is_an_error_before_anything_is_written():
    from campaigns.models import CampaignRecipient
    from core.bulk import insert_new

    with pytest.raises(ValueError, match="campaign"):
        insert_new(CampaignRecipient, [{"customer_id": 1}])
    assert not CampaignRecipient.objects.exists()
