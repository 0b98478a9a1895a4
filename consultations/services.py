"""Writes to consultations and bookings: rules, one transaction, outbox rows in the same transaction."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_entry, audit_write
from branches.models import Branch
from core.params import FUTURE_HORIZON
from customers.models import User
from messaging.models import Purpose
from messaging.outbox import (
    Outgoing,
    message_enqueue,
    message_enqueue_many,
    message_rewrite,
    message_withdraw,
)

from .callbacks import callback_complete
from .models import (
    Booking,
    Callback,
    CancelReason,
    Channel,
    Consultation,
    ConsultationNote,
    ConsultationRevision,
    MainCategory,
    MiddleCategory,
    Progress,
    Unavailability,
)
from .slots import NOT_A_CANDIDATE, SLOT_TAKEN, slot_check

BRANCH_VISIT = "branch"  # the channel code of a visit to a branch


def reminder_key(booking: Booking, day: dt.date | None = None) -> str:
    """The one same-day reminder of a booking on a Seoul day (default: the day it takes place)."""
    day = day or timezone.localtime(booking.starts_at).date()
    return f"booking:{booking.pk}:reminder:{day.isoformat()}"


def booking_message_context(booking: Booking) -> dict[str, Any]:
    return {
        "starts_at": booking.starts_at,
        "channel": booking.channel.name,
        "branch": booking.branch.name if booking.branch else "",
        "staff": booking.staff.name,
    }


@transaction.atomic
def booking_create(
    *,
    customer: User,
    staff: User,
    channel: Channel,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    main_category: MainCategory,
    middle_category: MiddleCategory | None = None,
    origin: Consultation | None = None,
    note: str = "",
    offered: Sequence[User] | None = None,
    by: User,
    ip: str | None = None,
) -> Booking:
    """Book a follow-up and promise its confirmation SMS in the same transaction.

    Two people racing for one slot: the exclusion constraint lets exactly one insert through;
    the other gets a ValidationError with code "slot_taken".
    """
    # A customer's page offers some staff (booking_candidates); a tampered form may not go beyond.
    if offered is not None and staff not in offered:
        raise ValidationError(NOT_A_CANDIDATE, code="not_a_candidate")
    if channel.code == BRANCH_VISIT and staff.staff_profile.branch.kind != Branch.Kind.BRANCH:
        raise ValidationError(
            _("영업점 방문 상담은 영업점 직원과만 예약할 수 있습니다."), code="not_a_branch"
        )
    if not channel.is_bookable:
        raise ValidationError(_("예약할 수 없는 채널입니다."), code="channel")
    if origin is not None:
        _refuse_second_follow_up(origin)
    # Lock the staff member's row: unavailability edits and bookings of one person take turns.
    User.objects.select_for_update().filter(pk=staff.pk).first()
    slot_check(staff=staff, starts_at=starts_at, ends_at=ends_at)
    booking = Booking(
        customer=customer,
        staff=staff,
        channel=channel,
        starts_at=starts_at,
        ends_at=ends_at,
        origin=origin,
        # A branch visit happens at the staff member's branch; phone and video need no place.
        branch=staff.staff_profile.branch if channel.code == BRANCH_VISIT else None,
        main_category=main_category,
        middle_category=middle_category,
        note=note,
        created_by=by,
    )
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise ValidationError(SLOT_TAKEN, code="slot_taken") from exc
        if "booking_one_active_follow_up" in str(exc) and origin is not None:
            _refuse_second_follow_up(origin)
        raise
    if by.is_bank_staff:  # booked on the customer's behalf: staff touched their record
        audit_write(
            actor=by,
            ip=ip,
            customer=customer,
            action=AuditEntry.Action.CREATE,
            target=f"booking {booking.pk}",
        )
    message_enqueue(
        purpose=Purpose.BOOKING_CONFIRMED,
        customer=customer,
        key=f"booking:{booking.pk}:confirmed",
        context=booking_message_context(booking),
        valid_until=booking.starts_at,
    )
    return booking


FOLLOW_UP_EXISTS = "follow_up_exists"


def _refuse_second_follow_up(origin: Consultation) -> None:
    """A consultation has at most one active follow-up; the error carries the existing one's id
    so the page can link to it."""
    existing = Booking.objects.filter(origin=origin, status=Booking.Status.BOOKED).first()
    if existing is not None:
        raise ValidationError(
            _(
                "이 상담의 추가상담이 이미 %(time)s에 예약되어 있습니다. 시간을 바꾸려면 예약 변경을 이용해 주세요."
            ),
            code=FOLLOW_UP_EXISTS,
            params={
                "time": timezone.localtime(existing.starts_at).strftime("%m/%d %H:%M"),
                "pk": existing.pk,
            },
        )


def follow_up_exists_in(exc: ValidationError) -> int | None:
    """The id of the existing follow-up a refusal points to, for the page's link."""
    for error in exc.error_list:
        if error.code == FOLLOW_UP_EXISTS and error.params:
            return int(error.params["pk"])
    return None


def follow_up_category(
    *, origin: Consultation | None, main_category: MainCategory, middle_category: MiddleCategory | None = None
) -> MiddleCategory | None:
    """The middle category a follow-up keeps: the one chosen, else the origin's while the main
    category is still the origin's (a changed main makes the old middle meaningless)."""
    if middle_category is not None:
        return middle_category
    if origin is not None and origin.main_category_id == main_category.pk:
        return origin.middle_category
    return None


@transaction.atomic
def booking_cancel(
    *, booking: Booking, by: User, reason: str = "", reason_note: str = "", ip: str | None = None
) -> Booking:
    """Cancel a booking: a customer until an hour before, staff at any time with a reason."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("channel", "branch", "staff", "customer")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("이미 취소되었거나 끝난 예약입니다."), code="not_active")
    if by.is_customer and not booking.customer_may_cancel(timezone.now()):
        raise ValidationError(
            _("상담 1시간 전부터는 취소할 수 없습니다. 영업점에 연락해 주세요."), code="too_late"
        )
    if by.is_bank_staff:
        if reason not in CancelReason.values:
            raise ValidationError(_("취소 사유를 선택해 주세요."), code="reason")
        if reason == CancelReason.OTHER and not reason_note.strip():
            raise ValidationError(_("기타 사유를 적어 주세요."), code="reason_note")
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.cancel_reason = reason if by.is_bank_staff else CancelReason.CUSTOMER_REQUEST
    booking.cancel_note = reason_note.strip()[:200]
    booking.save(update_fields=["status", "cancelled_at", "cancel_reason", "cancel_note"])
    # A confirmation or reminder still waiting would announce a consultation that no longer exists.
    message_withdraw(
        keys=[f"booking:{booking.pk}:confirmed"],
        key_prefixes=[f"booking:{booking.pk}:reminder:"],
        reason=_("예약이 취소되었습니다."),
    )
    if by.is_bank_staff:
        audit_write(
            actor=by,
            ip=ip,
            customer=booking.customer,
            action=AuditEntry.Action.UPDATE,
            target=f"booking {booking.pk}",
            detail={"cancelled": booking.get_cancel_reason_display(), "note": booking.cancel_note},
        )
    message_enqueue(
        purpose=Purpose.BOOKING_CANCELLED,
        customer=booking.customer,
        key=f"booking:{booking.pk}:cancelled",
        context=booking_message_context(booking),
    )
    return booking


@transaction.atomic
def booking_mark_no_show(*, booking: Booking, by: User, ip: str | None = None) -> Booking:
    """The customer did not come (or answer): only once the booked time has begun."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("customer").get(pk=booking.pk)
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("이미 처리된 예약입니다."), code="not_active")
    if booking.starts_at > timezone.now():
        raise ValidationError(_("예약 시간이 되기 전에는 노쇼로 처리할 수 없습니다."), code="not_yet")
    booking.status = Booking.Status.NO_SHOW
    booking.save(update_fields=["status"])
    audit_write(
        actor=by,
        ip=ip,
        customer=booking.customer,
        action=AuditEntry.Action.UPDATE,
        target=f"booking {booking.pk}",
        detail={"status": str(Booking.Status.NO_SHOW.label)},
    )
    return booking


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def booking_reschedule(
    *,
    booking: Booking,
    starts_at: dt.datetime,
    staff: User | None = None,
    offered: Sequence[User] | None = None,
    by: User,
    ip: str | None = None,
) -> Booking:
    """Move a booking to another free slot (of the same or, for staff, another staff member).

    The old slot is freed and the new one taken in one UPDATE, under the same guards as
    booking_create: the staff rows are locked and the exclusion constraint refuses an overlap, so
    of many people moving onto one slot exactly one gets it. One "예약 변경" SMS; the same-day
    reminder follows the new time.
    """
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("channel", "branch", "staff__staff_profile__branch", "customer")
        .get(pk=booking.pk)
    )
    now = timezone.now()
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("이미 취소되었거나 끝난 예약입니다."), code="not_active")
    if by.is_customer and not booking.customer_may_reschedule(now):
        raise ValidationError(
            _("상담 1시간 전부터는 예약을 변경할 수 없습니다. 영업점에 연락해 주세요."), code="too_late"
        )
    new_staff = staff or booking.staff
    if offered is not None and new_staff not in offered:
        raise ValidationError(NOT_A_CANDIDATE, code="not_a_candidate")
    if booking.channel.code == BRANCH_VISIT and new_staff.staff_profile.branch.kind != Branch.Kind.BRANCH:
        raise ValidationError(
            _("영업점 방문 상담은 영업점 직원과만 예약할 수 있습니다."), code="not_a_branch"
        )
    if new_staff.pk == booking.staff_id and starts_at == booking.starts_at:
        raise ValidationError(_("지금 예약과 같은 시간입니다. 다른 시간을 선택해 주세요."), code="same_slot")
    # Both calendars change: lock the staff rows in id order so two opposite moves cannot deadlock.
    list(User.objects.select_for_update().filter(pk__in={booking.staff_id, new_staff.pk}).order_by("pk"))
    ends_at = starts_at + (booking.ends_at - booking.starts_at)
    slot_check(staff=new_staff, starts_at=starts_at, ends_at=ends_at, now=now)
    old_staff, old_start = booking.staff, booking.starts_at
    booking.staff, booking.starts_at, booking.ends_at = new_staff, starts_at, ends_at
    booking.branch = new_staff.staff_profile.branch if booking.channel.code == BRANCH_VISIT else None
    booking.sequence += 1
    booking.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            booking.save(update_fields=["staff", "starts_at", "ends_at", "branch", "sequence"])
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise ValidationError(SLOT_TAKEN, code="slot_taken") from exc
        raise
    audit_write(
        actor=by,
        ip=ip,
        customer=booking.customer,
        action=AuditEntry.Action.UPDATE,
        target=f"booking {booking.pk}",
        detail={
            "rescheduled": [
                f"{_local(old_start)} {old_staff.name}",
                f"{_local(starts_at)} {new_staff.name}",
            ]
        },
    )
    context = booking_message_context(booking)
    message_enqueue(
        purpose=Purpose.BOOKING_RESCHEDULED,
        customer=booking.customer,
        key=f"booking:{booking.pk}:rescheduled:{booking.sequence}",
        context={**context, "old_starts_at": old_start},
    )
    old_day, new_day = timezone.localtime(old_start).date(), timezone.localtime(starts_at).date()
    if old_day == new_day:
        # Still unsent: it now tells the new time. Already sent: the change SMS has told it.
        message_rewrite(key=reminder_key(booking, old_day), context=context, valid_until=starts_at)
    else:
        # Never remind of a time that is gone; the new day's reminder comes from the morning job.
        message_withdraw(keys=[reminder_key(booking, old_day)], reason=_("예약 시간이 바뀌었습니다."))
    return booking


def booking_reminders_enqueue(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Promise one same-day reminder per active booking that has not started yet.

    Safe to run any number of times, on any number of beat processes: the key
    booking:<id>:reminder:<date> admits one row per booking per day. Returns the bookings covered.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.BOOKED, starts_at__gt=now, starts_at__lt=start_of_day + dt.timedelta(days=1)
        )
        .select_related("customer__customer_profile", "channel", "branch", "staff")
        .order_by("starts_at")
    )
    covered = 0
    chunk: list[Outgoing] = []
    for booking in bookings.iterator(chunk_size=batch):
        chunk.append(
            Outgoing(
                key=reminder_key(booking, local.date()),
                customer=booking.customer,
                context=booking_message_context(booking),
                valid_until=booking.starts_at,
            )
        )
        if len(chunk) == batch:
            covered += _enqueue_reminders(chunk)
            chunk = []
    return covered + _enqueue_reminders(chunk)


def _enqueue_reminders(chunk: list[Outgoing]) -> int:
    with transaction.atomic():
        message_enqueue_many(purpose=Purpose.BOOKING_REMINDER, items=chunk)
    return len(chunk)


NOTE_FIELDS = (
    "main_category",
    "middle_category",
    "channel",
    "title",
    "notes",
    "progress",
    "follow_up_needed",
    "occurred_at",
)


@transaction.atomic
def consultation_record(
    *,
    customer: User,
    staff: User,
    data: dict[str, Any],
    booking: Booking | None = None,
    booking_outcome: str = "",
    callback: Callback | None = None,
    actor: User | None,
    ip: str | None = None,
) -> Consultation:
    """Write a consultation note and its audit entry: `actor` entered it from `ip` (None: the
    system did, e.g. the demo bank). From a booking, the note is linked to it and the booking is
    marked completed (or no-show)."""
    consultation = Consultation(customer=customer, staff=staff, **{f: data[f] for f in NOTE_FIELDS})
    if booking is not None:
        booking = Booking.objects.select_for_update(of=("self",)).get(pk=booking.pk)
        if booking.customer_id != customer.pk:
            raise ValidationError(_("다른 손님의 예약입니다."), code="wrong_customer")
        if booking.status != Booking.Status.BOOKED:
            raise ValidationError(_("이미 처리된 예약입니다."), code="not_active")
        if booking_outcome not in (Booking.Status.COMPLETED, Booking.Status.NO_SHOW):
            raise ValidationError(_("예약 결과(완료/노쇼)를 선택해 주세요."), code="outcome")
        booking.status = booking_outcome
        booking.save(update_fields=["status"])
        consultation.booking = booking
    consultation.full_clean()
    consultation.save()
    if callback is not None:
        callback_complete(callback=callback, consultation=consultation, by=staff)
    audit_write(
        actor=actor,
        ip=ip,
        customer=customer,
        action=AuditEntry.Action.CREATE,
        target=f"consultation {consultation.pk}",
    )
    return consultation


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return str(_("예") if value else _("아니요"))
    return str(value)


@transaction.atomic
def consultation_update(
    *, consultation: Consultation, data: dict[str, Any], by: User, ip: str | None = None
) -> Consultation:
    """Change a note, keep what changed (field: [before, after]) in its revision history, and
    write the audit entry of the change."""
    consultation = Consultation.objects.select_for_update(of=("self",)).get(pk=consultation.pk)
    changes: dict[str, list[str]] = {}
    for name in NOTE_FIELDS:
        before, after = getattr(consultation, name), data[name]
        if before != after:
            label = str(getattr(Consultation._meta.get_field(name), "verbose_name", name))
            shown = (
                (consultation.get_progress_display(), dict(Progress.choices)[after])
                if name == "progress"
                else (_display(before), _display(after))
            )
            changes[label] = [str(v) for v in shown]
            setattr(consultation, name, after)
    audit_write(
        actor=by,
        ip=ip,
        customer=consultation.customer,
        action=AuditEntry.Action.UPDATE,
        target=f"consultation {consultation.pk}",
    )
    if not changes:
        return consultation
    consultation.full_clean()
    consultation.save(update_fields=[*NOTE_FIELDS, "updated_at"])
    ConsultationRevision.objects.create(consultation=consultation, edited_by=by, changes=changes)
    return consultation


def _refuse_overlapping_bookings(staff: User, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationError(_("끝나는 시간이 시작 시간보다 늦어야 합니다."), code="order")
    clash = (
        Booking.objects.filter(
            staff=staff, status=Booking.Status.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .select_related("customer")
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            _("%(time)s에 예약된 상담이 있어 상담 불가 일정을 둘 수 없습니다.")
            % {"time": timezone.localtime(clash.starts_at).strftime("%m/%d %H:%M")},
            code="booking_clash",
        )


# A calendar is planned months ahead, not decades: a block in year 10000 UTC cannot even be shown
# in Seoul time (the admin list answered 500). Past blocks are kept as far back as the future reaches.
CALENDAR_HORIZON = FUTURE_HORIZON


def _refuse_beyond_horizon(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    now = timezone.now()
    if starts_at < now - CALENDAR_HORIZON or ends_at > now + CALENDAR_HORIZON:
        raise ValidationError(_("상담 불가 일정은 앞뒤 2년 안에서만 정할 수 있습니다."), code="horizon")


@transaction.atomic
def unavailability_create(
    *, staff: User, starts_at: dt.datetime, ends_at: dt.datetime, reason: str = ""
) -> Unavailability:
    _refuse_beyond_horizon(starts_at, ends_at)
    User.objects.select_for_update().filter(pk=staff.pk).first()  # same lock as booking_create
    _refuse_overlapping_bookings(staff, starts_at, ends_at)
    block = Unavailability(staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason[:100])
    block.full_clean()
    block.save()
    return block


@transaction.atomic
def unavailability_move(
    *, block: Unavailability, starts_at: dt.datetime, ends_at: dt.datetime
) -> Unavailability:
    _refuse_beyond_horizon(starts_at, ends_at)
    User.objects.select_for_update().filter(pk=block.staff_id).first()
    _refuse_overlapping_bookings(block.staff, starts_at, ends_at)
    block.starts_at, block.ends_at = starts_at, ends_at
    block.full_clean()
    block.save(update_fields=["starts_at", "ends_at"])
    return block


def unavailability_delete(*, block: Unavailability) -> None:
    block.delete()


# --- records from other channels' systems (the API) ----------------------------------------------
class ImportOutcome(enum.Enum):
    CREATED = "created"
    STORED = "stored"  # the same record was stored before (same external id, same content)
    CONFLICT = "conflict"  # the external id was used before with other content: nothing changed
    INVALID = "invalid"


@dataclass
class ImportResult:
    outcome: ImportOutcome
    record: Consultation | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)


# What must be equal for a record sent again under its external id to count as the same.
IMPORT_COMPARED = (
    "customer_id", "staff_id", "main_category_id", "middle_category_id", "title", "notes", "progress",
    "follow_up_needed", "occurred_at",
)  # fmt: skip
# References (customer, staff, categories, channel, client) are resolved by the caller from the
# codes it was sent; the model's field checks would look each of them up again, row by row.
_REFERENCES = ("customer", "staff", "channel", "main_category", "middle_category", "source_client", "booking")


def _same_record(stored: Consultation, new: Consultation) -> bool:
    return all(getattr(stored, name) == getattr(new, name) for name in IMPORT_COMPARED)


def _stored_once(records: Sequence[Consultation], ip: str | None) -> dict[tuple[int | None, str | None], int]:
    """Insert the records (each with a source client and an external id, none twice), skipping any
    whose external id a concurrent request has stored meanwhile, and an audit entry for each one
    inserted; returns the new ids by (client, external id).

    On PostgreSQL this is one statement: INSERT … ON CONFLICT DO NOTHING on the unique
    (client, external id) index, the audit rows written from its RETURNING in the same statement
    (one round trip and no transaction of our own; the statement is atomic). Elsewhere (SQLite),
    the insert and the audit rows in one transaction. The values are prepared by the model's
    fields as bulk_create prepares them (created_at / updated_at stamped on the records)."""
    if not records:
        return {}
    db = router.db_for_write(Consultation)
    connection = connections[db]
    quote = connection.ops.quote_name
    fields = [f for f in Consultation._meta.concrete_fields if not f.primary_key]
    params: list[Any] = []
    for record in records:
        params.extend(f.get_db_prep_save(f.pre_save(record, True), connection) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    insert = (
        f"INSERT INTO {quote(Consultation._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES {', '.join([row] * len(records))} "
        "ON CONFLICT (source_client_id, external_id) WHERE external_id IS NOT NULL DO NOTHING "
        "RETURNING id, source_client_id, external_id, customer_id"
    )
    audit_table = quote(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH stored AS ({insert}), audited AS ("  # noqa: S608
                f"INSERT INTO {audit_table} (at, actor_id, api_client_id, ip, customer_id, action, target, detail) "
                "SELECT %s, NULL, source_client_id, %s, customer_id, %s, 'consultation ' || id, "
                "jsonb_build_object('external_id', external_id) FROM stored) "
                "SELECT id, source_client_id, external_id FROM stored",
                [*params, timezone.now(), ip, AuditEntry.Action.CREATE],
            )
            return {(client, external): pk for pk, client, external in cursor.fetchall()}
        with transaction.atomic(using=db):
            cursor.execute(insert, params)
            inserted = cursor.fetchall()
            AuditEntry.objects.using(db).bulk_create(
                [
                    audit_entry(
                        action=AuditEntry.Action.CREATE,
                        api_client_id=client,
                        ip=ip,
                        customer_id=customer,
                        target=f"consultation {pk}",
                        detail={"external_id": external},
                    )
                    for pk, client, external, customer in inserted
                ]
            )
    return {(client, external): pk for pk, client, external, _customer in inserted}


def consultations_import(*, records: Sequence[Consultation], ip: str | None = None) -> list[ImportResult]:
    """Store records another system sent (each with its `source_client` and `external_id`), one
    result per record in the same order, and an audit entry per stored record.

    A record is checked with the model's own rules. An external id already stored for the client
    answers with the stored row (same content) or a conflict (other content; nothing changes);
    an id sent twice in one batch is stored once and the second answers like a resend. The new
    ones go in as one statement that skips ids already stored (by an earlier request or a
    concurrent one: the unique index decides), so each record ends up stored exactly once; only
    when some were skipped are the stored rows read, to compare."""
    results: list[ImportResult | None] = [None] * len(records)
    fresh: list[tuple[int, Consultation]] = []
    again: list[tuple[int, Consultation]] = []  # the same id a second time in this batch
    first_in_batch: set[tuple[int | None, str | None]] = set()
    for index, record in enumerate(records):
        try:
            record.clean_fields(exclude=_REFERENCES)
            record.clean()
        except ValidationError as exc:
            results[index] = ImportResult(ImportOutcome.INVALID, errors=exc.message_dict)
            continue
        key = (record.source_client_id, record.external_id)
        if record.external_id is None:
            raise ValueError("consultations_import stores records with an external id")
        (again if key in first_in_batch else fresh).append((index, record))
        first_in_batch.add(key)
    new_ids = _stored_once([c for _, c in fresh], ip)
    final: dict[tuple[int | None, str | None], Consultation] = {}
    skipped: list[tuple[int, Consultation]] = []
    db = router.db_for_write(Consultation)
    for index, new in fresh:
        key = (new.source_client_id, new.external_id)
        if key in new_ids:
            new.pk = new_ids[key]
            new._state.adding, new._state.db = False, db
            final[key] = new
            results[index] = ImportResult(ImportOutcome.CREATED, new)
        else:
            skipped.append((index, new))
    unknown = {(c.source_client_id, c.external_id) for _, c in (*skipped, *again)} - final.keys()
    if unknown:  # stored before (or meanwhile, by a concurrent request): read them to compare
        for stored in Consultation.objects.using(db).filter(
            source_client_id__in={client for client, _ in unknown},
            external_id__in={ext for _, ext in unknown},
        ):
            final.setdefault((stored.source_client_id, stored.external_id), stored)
    for index, new in (*skipped, *again):
        prior = final[(new.source_client_id, new.external_id)]
        same = _same_record(prior, new)
        results[index] = ImportResult(ImportOutcome.STORED if same else ImportOutcome.CONFLICT, prior)
    return [r for r in results if r is not None]


@transaction.atomic
def consultation_note_add(
    *, consultation: Consultation, author: User, body: str, ip: str | None = None
) -> ConsultationNote:
    """Append a note to a consultation anyone on staff may read; the record itself is unchanged."""
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("메모 내용을 입력해 주세요.")})
    if len(body) > ConsultationNote.MAX_LENGTH:
        raise ValidationError(
            {"body": _("메모는 %(n)s자까지 쓸 수 있습니다.") % {"n": f"{ConsultationNote.MAX_LENGTH:,}"}}
        )
    note = ConsultationNote.objects.create(consultation=consultation, author=author, body=body)
    audit_write(
        actor=author,
        ip=ip,
        customer=consultation.customer,
        action=AuditEntry.Action.CREATE,
        target=f"consultation {consultation.pk}",
        detail={"note": note.pk},
    )
    return note
