"""Writes to consultations and bookings: rules, one transaction, outbox rows in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from branches.models import Branch
from customers.models import User
from messaging.models import Purpose
from messaging.services import Outgoing, message_enqueue, message_enqueue_many

from .models import (
    Booking,
    Channel,
    Consultation,
    ConsultationRevision,
    MainCategory,
    MiddleCategory,
    Progress,
    Unavailability,
)
from .slots import slot_check

CANCEL_DEADLINE = dt.timedelta(hours=1)
BRANCH_VISIT = "branch"  # the channel code of a visit to a branch


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
    by: User,
) -> Booking:
    """Book a follow-up and promise its confirmation SMS in the same transaction.

    Two people racing for one slot: the exclusion constraint lets exactly one insert through;
    the other gets a ValidationError with code "slot_taken".
    """
    if channel.code == BRANCH_VISIT and staff.staff_profile.branch.kind != Branch.Kind.BRANCH:
        raise ValidationError(
            _("영업점 방문 상담은 영업점 직원과만 예약할 수 있습니다."), code="not_a_branch"
        )
    if not channel.is_bookable:
        raise ValidationError(_("예약할 수 없는 채널입니다."), code="channel")
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
            raise ValidationError(
                _("방금 다른 분이 예약한 시간입니다. 다른 시간을 선택해 주세요."), code="slot_taken"
            ) from exc
        raise
    message_enqueue(
        purpose=Purpose.BOOKING_CONFIRMED,
        customer=customer,
        key=f"booking:{booking.pk}:confirmed",
        context=booking_message_context(booking),
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User) -> Booking:
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("channel", "branch", "staff", "customer")
        .get(pk=booking.pk)
    )
    if booking.status != Booking.Status.BOOKED:
        raise ValidationError(_("이미 취소되었거나 끝난 예약입니다."), code="not_active")
    if by.is_customer and booking.starts_at - timezone.now() < CANCEL_DEADLINE:
        raise ValidationError(
            _("상담 1시간 전부터는 취소할 수 없습니다. 영업점에 연락해 주세요."), code="too_late"
        )
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    message_enqueue(
        purpose=Purpose.BOOKING_CANCELLED,
        customer=booking.customer,
        key=f"booking:{booking.pk}:cancelled",
        context=booking_message_context(booking),
    )
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
                key=f"booking:{booking.pk}:reminder:{local.date().isoformat()}",
                customer=booking.customer,
                context=booking_message_context(booking),
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
) -> Consultation:
    """Write a consultation note. From a booking, the note is linked to it and the booking is
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
    return consultation


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "Y" if value else "N"
    return str(value)


@transaction.atomic
def consultation_update(*, consultation: Consultation, data: dict[str, Any], by: User) -> Consultation:
    """Change a note and keep what changed (field: [before, after]) in its revision history."""
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


@transaction.atomic
def unavailability_create(
    *, staff: User, starts_at: dt.datetime, ends_at: dt.datetime, reason: str = ""
) -> Unavailability:
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
    User.objects.select_for_update().filter(pk=block.staff_id).first()
    _refuse_overlapping_bookings(block.staff, starts_at, ends_at)
    block.starts_at, block.ends_at = starts_at, ends_at
    block.full_clean()
    block.save(update_fields=["starts_at", "ends_at"])
    return block


def unavailability_delete(*, block: Unavailability) -> None:
    block.delete()
