"""How a case stands against its deadline, counted in business hours (core.business_hours): a
deadline on Monday 10:00 seen on Friday 17:00 is "2시간 남음", not three days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.business_hours import BusinessClock, Day, business_hours_between

from .models import Case


def business_span(hours: float) -> str:
    minutes = round(hours * 60)
    if minutes < 60:
        return _("%(m)d분") % {"m": minutes}
    whole, rest = divmod(minutes, 60)
    if rest and whole < 10:
        return _("%(h)d시간 %(m)d분") % {"h": whole, "m": rest}
    return _("%(h)d시간") % {"h": whole}


@dataclass(frozen=True)
class Due:
    state: str  # done | overdue | near (past CASE_NEAR_DUE_SHARE of its time) | ok
    hours: float  # business hours left (ok, near) or past the deadline (overdue)
    share: float  # share of the case's business time used so far

    @property
    def label(self) -> str:
        if self.state == "done":
            return _("처리완료")
        if self.state == "overdue":
            return _("%(span)s 초과") % {"span": business_span(self.hours)}
        return _("%(span)s 남음") % {"span": business_span(self.hours)}


def case_due(case: Case, now: dt.datetime, clocks: dict[Day, BusinessClock] | None = None) -> Due:
    """Counted on the working day of the team that holds the case now. A page of cases passes one
    `clocks` dict, so each working day's hours are added up once for the whole page."""
    if not case.is_open:
        return Due("done", 0.0, 0.0)
    day = case.team.working_day
    if clocks is None:

        def between(start: dt.datetime, end: dt.datetime) -> float:
            return business_hours_between(start, end, day)

    else:
        clock = clocks.get(day)
        if clock is None:
            clock = clocks[day] = BusinessClock(day)
        between = clock.hours_between
    if now >= case.due_at:
        return Due("overdue", between(case.due_at, now), 1.0)
    total = between(case.opened_at, case.due_at)
    used = between(case.opened_at, now)
    share = used / total if total else 1.0
    state = "near" if share >= settings.CASE_NEAR_DUE_SHARE else "ok"
    return Due(state, between(now, case.due_at), share)
