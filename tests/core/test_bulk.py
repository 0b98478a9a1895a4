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
            "body": "줄바꿈\n탭\t역슬래시\\ 캐리지\r 끝",
            "alimtalk_variables": {"#{이름}": "박진우"} if n else None,
        }
        for n in range(2)
    ]
    assert insert_new(Message, rows) == 2
    first, second = Message.objects.filter(idempotency_key__startswith="bulk:").order_by("idempotency_key")
    assert first.body == "줄바꿈\n탭\t역슬래시\\ 캐리지\r 끝"
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


def test_empty_text_is_not_null_and_values_keep_their_copy_form():
    from core.bulk import copy_text, insert_new

    insert_new(
        Message,
        [{"idempotency_key": "bulk:e", "purpose": Purpose.MARKETING, "to_phone": "01012345678", "body": ""}],
    )
    row = Message.objects.get(idempotency_key="bulk:e")
    assert row.body == "" and row.provider == "" and row.customer_id is None
    assert [copy_text(v) for v in (None, "", True, False, 0, 12, Message.Kind.LMS)] == [
        r"\N",
        "",
        "t",
        "f",
        "0",
        "12",
        "lms",
    ]


def test_a_field_it_cannot_fill_is_an_error_before_any_sql():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns.models import CampaignRecipient
    from core.bulk import insert_new
    from messaging.models import MessageAttempt

    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(ValueError, match="campaign"):  # required, no default
            insert_new(CampaignRecipient, [{"customer_id": 1}])
        with pytest.raises(ValueError, match="started_at"):  # default=timezone.now: one per row
            insert_new(MessageAttempt, [{"message_id": 1, "outcome": "sent"}])
    assert queries.captured_queries == []


def test_any_of_matches_ids_and_keys_given_as_one_array():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.bulk import AnyOf, insert_new, new_ids

    ids = new_ids(Message, 3)
    assert ids is not None and len(set(ids)) == 3
    insert_new(
        Message,
        [
            {
                "id": pk,
                "idempotency_key": f"any:{n}",
                "purpose": Purpose.MARKETING,
                "to_phone": "x",
                "body": "b",
            }
            for n, pk in enumerate(ids)
        ],
    )
    assert sorted(Message.objects.filter(AnyOf("pk", ids[:2])).values_list("idempotency_key", flat=True)) == [
        "any:0",
        "any:1",
    ]
    assert list(
        Message.objects.filter(AnyOf("idempotency_key", ["any:2", "nothing"])).values_list("pk", flat=True)
    ) == [ids[2]]
    assert not Message.objects.filter(AnyOf("pk", [])).exists()
    many = list(range(-10_000, 0)) + [ids[0]]  # (no row has a negative id)
    with CaptureQueriesContext(connection) as queries:
        assert Message.objects.filter(AnyOf("pk", many)).count() == 1
    assert queries.captured_queries[0]["sql"].count("ARRAY") == 1  # one parameter, not ten thousand
    # a new row after the ids drawn by hand still gets a fresh id from the same sequence
    later = Message.objects.create(
        idempotency_key="any:later", purpose=Purpose.MARKETING, to_phone="x", body="b"
    )
    assert later.pk not in ids
