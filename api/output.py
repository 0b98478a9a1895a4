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
    return queryset.select_related("customer__customer_profile", "staff__staff_profile")


def consultation_json(records: Iterable[Consultation]) -> list[dict[str, Any]]:
    records = list(records)
    refs = References.load()
    if not all(refs.knows(r) for r in records):
        refs = References.load(force=True)
    out = []
    for r in records:
        main_code, main_name = refs.mains[r.main_category_id]
        middle_code, middle_name, _ = refs.middles[r.middle_category_id]
        out.append(
            {
                "id": r.pk,
                "external_id": r.external_id,
                "source": refs.clients.get(r.source_client_id) if r.source_client_id else None,
                "customer_id": r.customer.username if r.customer.has_web_login else None,
                "customer_no": r.customer.customer_profile.customer_no,
                "customer_name": r.customer.name,
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
