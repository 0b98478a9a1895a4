"""The JSON of a consultation, built without joining the small reference tables on every row.

Channels, categories and API clients are a few dozen rows that change rarely; joining all of
them (eight tables) cost PostgreSQL more time to plan than to run. They are read once into
`References` (refreshed every REFRESH seconds, or at once on an id it has not seen), and the
consultation rows are read with the staff member only. `ConsultationOutSerializer` documents
the same shape for the schema; Schemathesis checks the two agree."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from rest_framework.fields import DateTimeField

from consultations.models import Channel, Consultation, MainCategory, MiddleCategory
from customers.models import User

from .models import ApiClient

REFRESH = 60.0
_datetime = DateTimeField()


class References:
    _lock = threading.Lock()
    _loaded_at = 0.0
    channels: dict[int, str] = {}
    mains: dict[int, tuple[str, str]] = {}
    middles: dict[int, tuple[str, str, int]] = {}
    clients: dict[int, str] = {}
    ids: dict[str, dict[str, int]] = {}  # "channel" / "main_category" / "middle_category": code -> id

    @classmethod
    def load(cls, force: bool = False) -> type[References]:
        with cls._lock:
            if force or time.monotonic() - cls._loaded_at > REFRESH:
                cls.channels = dict(Channel.objects.values_list("id", "code"))
                cls.mains = {i: (c, n) for i, c, n in MainCategory.objects.values_list("id", "code", "name")}
                cls.middles = {
                    i: (c, n, m)
                    for i, c, n, m in MiddleCategory.objects.values_list("id", "code", "name", "main_id")
                }
                cls.clients = dict(ApiClient.objects.values_list("id", "name"))
                cls.ids = {
                    "channel": {code: pk for pk, code in cls.channels.items()},
                    "main_category": {code: pk for pk, (code, _) in cls.mains.items()},
                    "middle_category": {code: pk for pk, (code, _, _) in cls.middles.items()},
                }
                cls._loaded_at = time.monotonic()
        return cls

    @classmethod
    def id_for(cls, kind: str, code: str) -> int | None:
        """The id of a channel or category code; a code added in the last minute is found too."""
        pk = cls.load().ids[kind].get(code)
        return pk if pk is not None else cls.load(force=True).ids[kind].get(code)

    @classmethod
    def knows(cls, record: Consultation) -> bool:
        return (
            record.channel_id in cls.channels
            and record.main_category_id in cls.mains
            and record.middle_category_id in cls.middles
            and (record.source_client_id is None or record.source_client_id in cls.clients)
        )


def output_queryset(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    """One customer's records with their staff members (the customer is known: consultation_json
    is given it), reading only the columns the JSON shows."""
    return queryset.select_related("staff__staff_profile").only(
        *_OWN_COLUMNS, "staff__name", "staff__staff_profile__employee_no"
    )


_OWN_COLUMNS = (
    "id", "external_id", "source_client_id", "customer_id", "staff_id", "channel_id", "main_category_id",
    "middle_category_id", "title", "notes", "progress", "follow_up_needed", "occurred_at", "created_at",
)  # fmt: skip


def consultation_json(records: Iterable[Consultation], customer: User | None = None) -> list[dict[str, Any]]:
    """The records as the API shows them; `customer`, when given, is every record's customer
    (one customer's history), else each record's own is read."""
    records = list(records)
    refs = References.load()
    if not all(refs.knows(r) for r in records):
        refs = References.load(force=True)
    out = []
    for r in records:
        person = r.customer if customer is None or r.customer_id != customer.pk else customer
        main_code, main_name = refs.mains[r.main_category_id]
        middle_code, middle_name, _ = refs.middles[r.middle_category_id]
        out.append(
            {
                "id": r.pk,
                "external_id": r.external_id,
                "source": refs.clients.get(r.source_client_id) if r.source_client_id else None,
                "customer_id": person.username if person.has_web_login else None,
                "customer_no": person.customer_profile.customer_no,
                "customer_name": person.name,
                "employee_no": r.staff.staff_profile.employee_no,
                "staff_name": r.staff.name,
                "channel": refs.channels[r.channel_id],
                "main_category": main_code,
                "main_category_name": main_name,
                "middle_category": middle_code,
                "middle_category_name": middle_name,
                "title": r.title,
                "notes": r.notes,
                "progress": r.progress,
                "follow_up": r.follow_up_needed,
                "occurred_at": _datetime.to_representation(r.occurred_at),
                "created_at": _datetime.to_representation(r.created_at),
            }
        )
    return out
