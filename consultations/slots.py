"""Which 30-minute slots a staff member can really take: their branch's hours on Korean banking
days, minus unavailable blocks, minus active bookings, minus the past. The exclusion constraint
on bookings stays the final guard against two people taking the same slot at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from branches.models import ClosingDay
from core.business_days import is_business_day, next_business_day
from customers.models import User

from .models import Booking, Unavailability

SLOT_MINUTES = 30
SLOT = dt.timedelta(minutes=SLOT_MINUTES)
NOT_A_CANDIDATE = gettext_lazy("선택한 상담 방법으로는 이 직원과 예약할 수 없습니다. 다시 골라 주세요.")
SLOT_TAKEN = gettext_lazy("방금 다른 분이 예약한 시간입니다. 다른 시간을 선택해 주세요.")


@dataclass(frozen=True)
class Slot:
    staff_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def key(self) -> str:
        return self.starts_at.isoformat()


def branch_closing_days(branch_id: int, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """The branch's own closing days in [first, last], with their reasons."""
    return dict(
        ClosingDay.objects.filter(branch_id=branch_id, day__gte=first, day__lte=last).values_list(
            "day", "reason"
        )
    )


def _day_bounds(
    staff: User, day: dt.date, closed: Collection[dt.date] | None = None
) -> tuple[dt.datetime, dt.datetime] | None:
    if not is_business_day(day):
        return None
    branch = staff.staff_profile.branch
    if closed is None:
        closed = branch_closing_days(branch.pk, day, day)
    if day in closed:
        return None
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, branch.opens_at, tzinfo=tz), dt.datetime.combine(
        day, branch.closes_at, tzinfo=tz
    )


def free_slots(
    *, staff: User, start_day: dt.date, days: int = 1, now: dt.datetime | None = None
) -> dict[dt.date, list[Slot]]:
    """Free slots per day for `days` days from `start_day` (two queries, whatever the range)."""
    now = now or timezone.now()
    closed = branch_closing_days(
        staff.staff_profile.branch_id, start_day, start_day + dt.timedelta(days=days - 1)
    )
    bounds = {
        start_day + dt.timedelta(days=i): _day_bounds(staff, start_day + dt.timedelta(days=i), closed)
        for i in range(days)
    }
    opened = [b for b in bounds.values() if b]
    if not opened:
        return {day: [] for day in bounds}
    first, last = opened[0][0], opened[-1][1]
    busy = list(
        Unavailability.objects.filter(staff=staff, starts_at__lt=last, ends_at__gt=first).values_list(
            "starts_at", "ends_at"
        )
    ) + list(
        Booking.objects.filter(
            staff=staff, status=Booking.Status.BOOKED, starts_at__lt=last, ends_at__gt=first
        ).values_list("starts_at", "ends_at")
    )
    result: dict[dt.date, list[Slot]] = {}
    for day, bound in bounds.items():
        result[day] = []
        if bound is None:
            continue
        start, close = bound
        while start + SLOT <= close:
            end = start + SLOT
            if start > now and not any(b_start < end and b_end > start for b_start, b_end in busy):
                result[day].append(Slot(staff_id=staff.pk, starts_at=start, ends_at=end))
            start = end
    return result


def slot_check(
    *, staff: User, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime | None = None
) -> None:
    """Raise ValidationError (with a code a page can show) unless this is a free slot of `staff`."""
    now = now or timezone.now()
    local_start = timezone.localtime(starts_at)
    if starts_at <= now:
        raise ValidationError(_("이미 지난 시간은 예약할 수 없습니다."), code="past")
    if ends_at - starts_at != SLOT or local_start.minute % SLOT_MINUTES or local_start.second:
        raise ValidationError(_("상담은 30분 단위로 예약합니다."), code="not_a_slot")
    bound = _day_bounds(staff, local_start.date())
    if bound is None:
        raise ValidationError(_("영업일이 아닙니다 (주말·공휴일·지점 휴무일)."), code="closed_day")
    if starts_at < bound[0] or ends_at > bound[1]:
        raise ValidationError(_("상담 가능 시간이 아닙니다."), code="closed_hours")
    if Unavailability.objects.filter(staff=staff, starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        raise ValidationError(_("담당 직원이 상담할 수 없는 시간입니다."), code="unavailable")
    if Booking.objects.filter(
        Q(staff=staff, status=Booking.Status.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at)
    ).exists():
        raise ValidationError(SLOT_TAKEN, code="slot_taken")


def merged_free_slots(
    *, staff: list[User], start_day: dt.date, days: int, now: dt.datetime | None = None
) -> dict[dt.date, list[Slot]]:
    """Free slots of any of `staff`: for each time, the first of them (in the given order) who is free."""
    merged: dict[dt.date, dict[dt.datetime, Slot]] = {}
    for person in staff:
        for day, slots in free_slots(staff=person, start_day=start_day, days=days, now=now).items():
            by_time = merged.setdefault(day, {})
            for slot in slots:
                by_time.setdefault(slot.starts_at, slot)
    return {day: [by_time[t] for t in sorted(by_time)] for day, by_time in merged.items()}


def booking_candidates(*, channel_code: str, origin_staff: User | None, branch_id: int | None) -> list[User]:
    """Who can take a follow-up: the staff member of the original consultation when they work that
    channel, otherwise the tellers of the chosen branch (a visit) or the agents of the channel."""
    from branches.models import Branch

    staff = User.objects.filter(is_active=True).select_related(
        "staff_profile__branch", "staff_profile__channel"
    )
    if channel_code == "branch":
        if branch_id:
            return list(
                staff.filter(role=User.Role.TELLER, staff_profile__branch_id=branch_id).order_by("id")
            )
        profile = getattr(origin_staff, "staff_profile", None)
        if (
            origin_staff
            and origin_staff.role == User.Role.TELLER
            and profile
            and profile.branch.kind == Branch.Kind.BRANCH
        ):
            return [origin_staff]
        return []
    agents = list(
        staff.filter(role=User.Role.AGENT, staff_profile__channel__code=channel_code).order_by("id")
    )
    if origin_staff in agents:
        agents.remove(origin_staff)
        agents.insert(0, origin_staff)
    return agents


def picker_days(staff: list[User], start: dt.date, count: int = 5) -> list[tuple[dt.date, list]]:
    """The next `count` banking days from `start`, each with the free slots of any of `staff`."""
    span = merged_free_slots(staff=staff, start_day=next_business_day(start), days=count + 9)
    return [(day, slots) for day, slots in span.items() if next_business_day(day) == day][:count]
