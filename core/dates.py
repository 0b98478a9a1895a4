"""Days of the bank (Asia/Seoul) as instants: rows are stored in UTC, people ask by local day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of `day`."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def day_end(day: dt.date) -> dt.datetime:
    """Local midnight after `day`: the exclusive end of a range that includes `day`."""
    return day_start(day + dt.timedelta(days=1))
