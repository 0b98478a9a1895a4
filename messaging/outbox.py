"""The SMS outbox, enqueue side. A Message row is the promise; tasks only deliver it.

Nothing is lost: the row is written in the caller's transaction and handed to the workers once
that transaction commits; the periodic sweep (messaging/tasks.py) hands out again every row a
lost task or a dead broker left behind. How a claimed row reaches the provider is
messaging/delivery.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import AnyOf, insert_new, new_ids
from core.phone import normalize_korean_mobile

from .body import (
    alimtalk_template_for,
    alimtalk_variables,
    check_body_limits,
    message_kind,
    render_body,
    template_source,
)
from .lanes import lane_of
from .law import MARKETING_PURPOSES, message_settle, quiet_hours_end
from .models import Message
from .providers import provider_class
from .secret import SECRET_VARIABLES, secret_split
from .tasks import message_deliveries_enqueue, message_send_publish

logger = logging.getLogger(__name__)

__all__ = [
    "MARKETING_PURPOSES",
    "Advert",
    "Outgoing",
    "Recipient",
    "message_enqueue",
    "message_enqueue_adverts",
    "message_enqueue_many",
    "message_hand_over",
    "message_retry",
    "message_rewrite",
    "message_withdraw",
    "quiet_hours_end",
]


class _Profile(Protocol):
    @property
    def phone(self) -> str: ...
    @property
    def marketing_consent(self) -> bool: ...
    @property
    def marketing_night_consent(self) -> bool: ...


class Recipient(Protocol):
    """What the outbox reads of a customer. The user model lives on a floor above messaging, so
    the outbox names the few attributes it needs instead of importing the model."""

    @property
    def pk(self) -> Any: ...
    @property
    def name(self) -> str: ...
    @property
    def customer_profile(self) -> _Profile: ...


def _speaks_alimtalk() -> bool:
    return bool(getattr(provider_class(settings.SMS_BACKEND), "speaks_alimtalk", False))


def _alimtalk(purpose: str) -> str:
    """The alimtalk template to send first, if the purpose has one and the provider speaks KakaoTalk.
    A purpose's template is never used for advertising; a campaign names its own (message_enqueue,
    message_enqueue_adverts)."""
    if purpose in MARKETING_PURPOSES:
        return ""
    if not _speaks_alimtalk():
        return ""
    return alimtalk_template_for(purpose)


def message_enqueue(
    *,
    purpose: str,
    key: str,
    context: dict[str, Any],
    customer: Recipient | None = None,
    to_phone: str | None = None,
    valid_until: dt.datetime | None = None,
    body: str | None = None,
    alimtalk: tuple[str, dict[str, str]] | None = None,
    hand_over: bool = True,
) -> Message:
    """Write the outbox row in the caller's transaction; delivery starts after commit.

    The idempotency key makes this safe to call again: the existing row is returned untouched.
    `valid_until`: after it the message is cancelled instead of sent late (a booking's start).
    `body`: a text the caller composed and had approved (a campaign's), sent as it is instead of
    the purpose's template; it is still held to the providers' limits.
    `alimtalk`: (template code, variables) the caller's text was approved as (a campaign's), sent
    first when the provider speaks KakaoTalk, `body` being its SMS/LMS fallback.
    `hand_over=False`: no task for this row; the caller hands many rows over at once
    (message_hand_over).
    Consent and quiet hours are checked here for a clear error and a sensible due time, and again
    at every send (messaging/law.py).
    """
    existing = Message.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    if to_phone is None:
        if customer is None:
            raise ValidationError(_("받는 사람이 없습니다."), code="no_recipient")
        to_phone = customer.customer_profile.phone
    to_phone = normalize_korean_mobile(to_phone)
    not_before = None
    if purpose in MARKETING_PURPOSES:
        profile = getattr(customer, "customer_profile", None)
        if profile is None or not profile.marketing_consent:
            raise ValidationError(_("마케팅 수신에 동의하지 않은 손님입니다."), code="no_consent")
        if not profile.marketing_night_consent:
            not_before = quiet_hours_end(timezone.now())
    if customer is not None:
        context = {"name": customer.name, **context}
    context, secret = secret_split(purpose, context)
    if body is None:
        body = render_body(purpose, context)
    else:
        check_body_limits(body)
    if alimtalk is not None:
        template, variables = alimtalk if _speaks_alimtalk() else ("", None)
    else:
        template = _alimtalk(purpose)
        variables = alimtalk_variables(context) if template else None
    with transaction.atomic():
        message, created = Message.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "purpose": purpose,
                "customer": customer,
                "to_phone": to_phone,
                "body": body,
                "secret": secret,
                "kind": Message.Kind.ALIMTALK if template else message_kind(body),
                "alimtalk_template": template,
                "alimtalk_variables": variables,
                "not_before": not_before,
                "valid_until": valid_until,
            },
        )
    if created and not_before is None and hand_over:
        # robust: if the broker is down the caller's work still commits; the sweep delivers later.
        lane = lane_of(purpose)
        transaction.on_commit(lambda: message_send_publish(message.pk, lane=lane), robust=True)
    return message


@dataclass(frozen=True)
class Outgoing:
    """One message for message_enqueue_many."""

    key: str
    customer: Recipient | None
    context: dict[str, Any]
    to_phone: str | None = None
    valid_until: dt.datetime | None = None


def message_enqueue_many(*, purpose: str, items: list[Outgoing]) -> int:
    """Many transactional messages of one purpose in one INSERT (the reminder job's path).

    Rows whose key already exists are left as they are. Every row of the batch still pending
    afterwards is handed to the workers once the caller's transaction commits; a task for a row
    that is already claimed does nothing. Returns the number of rows handed over.
    """
    if purpose in MARKETING_PURPOSES:
        raise ValueError("marketing messages need message_enqueue(_adverts) (consent and quiet hours)")
    if purpose in SECRET_VARIABLES:
        raise ValueError("messages with a secret need message_enqueue")
    if not items:
        return 0
    source = template_source(purpose)
    alimtalk = _alimtalk(purpose)
    rows = []
    for item in items:
        phone = normalize_korean_mobile(item.to_phone or item.customer.customer_profile.phone)  # type: ignore[union-attr]
        context = {"name": item.customer.name, **item.context} if item.customer else item.context
        body = render_body(purpose, context, source=source)
        rows.append(
            Message(
                idempotency_key=item.key,
                purpose=purpose,
                customer_id=item.customer.pk if item.customer else None,
                to_phone=phone,
                body=body,
                kind=Message.Kind.ALIMTALK if alimtalk else message_kind(body),
                alimtalk_template=alimtalk,
                alimtalk_variables=alimtalk_variables(context) if alimtalk else None,
                valid_until=item.valid_until,
            )
        )
    keys = [item.key for item in items]
    with transaction.atomic():
        Message.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        due = list(
            Message.objects.filter(
                idempotency_key__in=keys, status=Message.Status.PENDING, not_before__isnull=True
            ).values_list("pk", flat=True)
        )
    lane = lane_of(purpose)
    transaction.on_commit(lambda: message_deliveries_enqueue(due, lane=lane), robust=True)
    return len(due)


@dataclass(slots=True)
class Advert:
    """One advertising message for message_enqueue_adverts: a text a manager had approved, and
    what the outbox reads of its customer as the caller loaded it (a slice reads thousands of
    customers as plain values, not model instances: Advert.to() takes a loaded customer)."""

    key: str
    customer_id: int
    phone: str
    marketing_consent: bool
    night_consent: bool
    body: str
    alimtalk: tuple[str, dict[str, str]] | None = None
    valid_until: dt.datetime | None = None

    @classmethod
    def to(cls, customer: Recipient, *, key: str, body: str, **more: Any) -> Advert:
        profile = customer.customer_profile
        return cls(
            key=key,
            customer_id=customer.pk,
            phone=profile.phone,
            marketing_consent=profile.marketing_consent,
            night_consent=profile.marketing_night_consent,
            body=body,
            **more,
        )


def message_enqueue_adverts(*, purpose: str, items: Sequence[Advert]) -> dict[str, int]:
    """Many advertising messages in one COPY (the campaign pacer's path), held to the same law as
    message_enqueue: a customer without marketing consent gets no row; without the separate night
    consent a row written 21:00–08:00 waits until 08:00; a body over the providers' limits or a
    stored number that is not a Korean mobile gets no row either (logged). Rows whose key exists are
    left as they are; the others must not be written by anyone else meanwhile (the pacer holds its
    campaign's row). Returns {key: message id} of every item's row that exists afterwards. The rows
    it wrote that are due go to their lane's workers in batch tasks once the caller's transaction
    commits (as message_hand_over does); rows written earlier are left to the sweep."""
    if purpose not in MARKETING_PURPOSES:
        raise ValueError("message_enqueue_adverts writes advertising only")
    quiet_until = quiet_hours_end(timezone.now())
    speaks = _speaks_alimtalk()
    rows: list[dict[str, Any]] = []
    for item in items:
        if not item.marketing_consent:
            continue  # withdrawn since the segment was read: no row, as message_enqueue refuses
        try:
            check_body_limits(item.body)  # (approval checked the longest personalisation)
            to_phone = normalize_korean_mobile(item.phone)
        except ValidationError as exc:  # one bad row must not hold up the rest of the slice
            logger.warning("advert %s not written: %s", item.key, "; ".join(exc.messages))
            continue
        template, variables = item.alimtalk if (item.alimtalk is not None and speaks) else ("", None)
        rows.append(
            {
                "idempotency_key": item.key,
                "purpose": purpose,
                "customer_id": item.customer_id,
                "to_phone": to_phone,
                "body": item.body,
                "kind": Message.Kind.ALIMTALK.value if template else message_kind(item.body),
                "alimtalk_template": template,
                "alimtalk_variables": variables,
                "not_before": None if item.night_consent else quiet_until,
                "valid_until": item.valid_until,
            }
        )
    with transaction.atomic():
        # COPY, not bulk_create: a slice of thousands is written in milliseconds (bench/campaigns.py).
        # The keys are expected to be new (the pacer holds its campaign's row and starts after the
        # last customer written), so nobody looks first; if one was written before all the same,
        # the unique key fails the COPY, back to the savepoint, and the rest is written.
        ids = new_ids(Message, len(rows))
        if ids is not None:
            for row, pk in zip(rows, ids, strict=True):
                row["id"] = pk
        existing: dict[str, int] = {}
        try:
            with transaction.atomic():
                written = _write_adverts(rows)
        except IntegrityError:
            keys = [item.key for item in items]
            existing = dict(
                Message.objects.filter(AnyOf("idempotency_key", keys)).values_list("idempotency_key", "pk")
            )
            if not existing:
                raise
            rows = [row for row in rows if row["idempotency_key"] not in existing]  # left as they are
            written = _write_adverts(rows)
    due = [written[row["idempotency_key"]] for row in rows if row["not_before"] is None]
    if due:
        lane = lane_of(purpose)
        transaction.on_commit(lambda: message_deliveries_enqueue(due, lane=lane), robust=True)
    return {**existing, **written}


def _write_adverts(rows: list[dict[str, Any]]) -> dict[str, int]:
    insert_new(Message, rows)
    keys = [row["idempotency_key"] for row in rows]
    if rows and "id" in rows[0]:
        return dict(zip(keys, [row["id"] for row in rows], strict=True))
    # SQLite: no ids drawn beforehand; read back
    return dict(Message.objects.filter(AnyOf("idempotency_key", keys)).values_list("idempotency_key", "pk"))


def message_hand_over(message_ids: Sequence[int]) -> int:
    """Hand rows written with `hand_over=False` to their lane's workers once the caller's
    transaction commits: one task per SMS_TASK_BATCH rows, each claiming its rows in one
    statement and sending them in a loop, instead of one task per row. Only rows still pending
    and due; the others (quiet hours until 08:00) are the sweep's. Returns how many were handed."""
    due = list(
        Message.objects.filter(
            AnyOf("pk", message_ids), status=Message.Status.PENDING, not_before__isnull=True
        ).values_list("pk", flat=True)
    )
    if due:
        transaction.on_commit(lambda: message_deliveries_enqueue(due), robust=True)
    return len(due)


def message_retry(*, message: Message) -> Message:
    """A person asks to try a failed message again. It is a send like any other: if the law or
    the moment no longer allows it, it is cancelled (or waits for 08:00) instead."""
    if message.status != Message.Status.FAILED:
        raise ValidationError(_("실패한 메시지만 다시 보낼 수 있습니다."), code="not_failed")
    if message.purpose in SECRET_VARIABLES:
        # Its code was wiped with the failure; a new code is the customer's own request away.
        raise ValidationError(
            _("인증번호 문자는 다시 보낼 수 없습니다. 손님께 인증번호를 다시 받도록 안내해 주세요."),
            code="secret_gone",
        )
    with transaction.atomic():
        Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.PENDING, not_before=None, attempts=0, updated_at=timezone.now()
        )
        message_settle([message.pk])
        lane = lane_of(message.purpose)
        transaction.on_commit(lambda: message_send_publish(message.pk, lane=lane), robust=True)
    message.refresh_from_db()
    return message


def message_withdraw(*, keys: Sequence[str] = (), key_prefixes: Sequence[str] = (), reason: str) -> int:
    """Cancel promises that no longer hold (a cancelled or moved booking's reminder), in the
    caller's transaction. Only rows not yet claimed: a message already on its way is not recalled.
    Returns how many were cancelled."""
    condition = Q(idempotency_key__in=list(keys))
    for prefix in key_prefixes:
        condition |= Q(idempotency_key__startswith=prefix)
    return Message.objects.filter(condition, status=Message.Status.PENDING).update(
        status=Message.Status.CANCELLED, cancel_reason=reason[:200], updated_at=timezone.now()
    )


def message_rewrite(*, key: str, context: dict[str, Any], valid_until: dt.datetime | None = None) -> bool:
    """Render a message not yet claimed again with new facts (a booking moved within its day): the
    same key, so it is still sent once; a message already on its way is sent as it was."""
    message = Message.objects.filter(idempotency_key=key, status=Message.Status.PENDING).first()
    if message is None or message.purpose in SECRET_VARIABLES:
        return False
    if message.customer is not None:
        context = {"name": message.customer.name, **context}
    body = render_body(message.purpose, context)
    changes: dict[str, Any] = {"body": body, "kind": message_kind(body), "updated_at": timezone.now()}
    if valid_until is not None:
        changes["valid_until"] = valid_until
    return bool(Message.objects.filter(pk=message.pk, status=Message.Status.PENDING).update(**changes))
