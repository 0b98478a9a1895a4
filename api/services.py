"""Writing other channels' consultation records into the integrated history.

One path for a single record and for a bulk of up to 1,000: validate each, resolve the
references for the whole batch in a few queries, match `external_id`s already stored for this
client (same content → 200 with the stored row; different content → 409, nothing changes), and
insert the rest in one statement. If a concurrent request inserted one of the same ids in the
meantime, the unique constraint stops the statement and the batch is retried one record at a
time, so each record ends up stored exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from rest_framework import serializers

from consultations.models import Consultation
from customers.models import StaffProfile, User

from .models import ApiClient
from .output import References, output_queryset
from .serializers import ConsultationInSerializer

COMPARED = (
    "customer_id", "staff_id", "main_category_id", "middle_category_id", "title", "notes", "progress",
    "follow_up_needed", "occurred_at",
)  # fmt: skip


@dataclass
class ItemResult:
    index: int
    status: int  # 201 created, 200 already stored, 409 conflict, 400 invalid
    external_id: str | None
    record: Consultation | None = None
    errors: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "status": self.status,
            "external_id": self.external_id,
            "id": self.record.pk if self.record is not None else None,
        }
        if self.errors:
            out["errors"] = self.errors
        return out


def _same(stored: Consultation, new: Consultation) -> bool:
    return all(getattr(stored, name) == getattr(new, name) for name in COMPARED)


def _build(client: ApiClient, valid: list[tuple[int, dict]], results: list[ItemResult | None]):
    customers = {
        u.username: u
        for u in User.objects.filter(
            username__in={d["customer_id"] for _, d in valid}, role=User.Role.CUSTOMER
        ).only("id", "username", "name")
    }
    staff = {
        p.employee_no: p.user
        for p in StaffProfile.objects.filter(employee_no__in={d["employee_no"] for _, d in valid})
        .select_related("user")
        .only("id", "employee_no", "user__id", "user__name")
    }
    refs = References.load()
    built: list[tuple[int, Consultation]] = []
    for index, data in valid:
        errors: dict[str, list[str]] = {}
        customer = customers.get(data["customer_id"])
        staff_member = staff.get(data["employee_no"])
        main_pk = refs.ids["main_category"].get(data["main_category"])
        middle_pk = refs.ids["middle_category"].get(data["middle_category"])
        if customer is None:
            errors["customer_id"] = ["No customer with this login id."]
        if staff_member is None:
            errors["employee_no"] = ["No staff member with this employee number."]
        if main_pk is None:
            errors["main_category"] = ["Unknown main category code."]
        if middle_pk is None:
            errors["middle_category"] = ["Unknown middle category code."]
        elif main_pk is not None and refs.middles[middle_pk][2] != main_pk:
            errors["middle_category"] = ["This middle category is not under the main category."]
        if errors:
            results[index] = ItemResult(index, 400, data["external_id"], errors=errors)
            continue
        assert customer and staff_member and main_pk and middle_pk
        built.append(
            (
                index,
                Consultation(
                    customer=customer,
                    staff=staff_member,
                    channel_id=client.channel_id,
                    main_category_id=main_pk,
                    middle_category_id=middle_pk,
                    title=data["title"],
                    notes=data["notes"],
                    progress=data["progress"],
                    follow_up_needed=data["follow_up"],
                    occurred_at=data["occurred_at"],
                    source_client=client,
                    external_id=data["external_id"],
                ),
            )
        )
    return built


def _create_one(client: ApiClient, index: int, new: Consultation) -> ItemResult:
    try:
        with transaction.atomic():
            new.save(force_insert=True)
        return ItemResult(index, 201, new.external_id, new)
    except IntegrityError:
        stored = output_queryset(Consultation.objects.all()).get(
            source_client=client, external_id=new.external_id
        )
        return ItemResult(index, 200 if _same(stored, new) else 409, new.external_id, stored)


def consultations_ingest(*, client: ApiClient, records: list[Any]) -> list[ItemResult]:
    results: list[ItemResult | None] = [None] * len(records)
    valid: list[tuple[int, dict]] = []
    # One serializer validates every record: building one per record (DRF deep-copies its
    # fields each time) was most of the cost of a 1,000-record bulk.
    validator = ConsultationInSerializer()
    for index, raw in enumerate(records):
        try:
            valid.append((index, validator.run_validation(raw)))
        except serializers.ValidationError as error:
            external_id = raw.get("external_id") if isinstance(raw, dict) else None
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            results[index] = ItemResult(
                index, 400, external_id if isinstance(external_id, str) else None, errors=detail
            )
    built = _build(client, valid, results)
    stored = {
        c.external_id: c
        for c in output_queryset(
            Consultation.objects.filter(
                source_client=client, external_id__in={c.external_id for _, c in built}
            )
        )
    }
    fresh: list[tuple[int, Consultation]] = []
    first_in_batch: dict[str | None, Consultation] = {}
    for index, new in built:
        prior = stored.get(new.external_id) or first_in_batch.get(new.external_id)
        if prior is not None:
            results[index] = ItemResult(index, 200 if _same(prior, new) else 409, new.external_id, prior)
        else:
            first_in_batch[new.external_id] = new
            fresh.append((index, new))
    try:
        with transaction.atomic():
            Consultation.objects.bulk_create([c for _, c in fresh], batch_size=1000)
        for index, new in fresh:
            results[index] = ItemResult(index, 201, new.external_id, new)
    except IntegrityError:  # a concurrent request stored one of these ids first
        for index, new in fresh:
            new.pk = None
            results[index] = _create_one(client, index, new)
    return [r for r in results if r is not None]
