"""First-response deadlines of inquiries, in business hours (see core.business_hours)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core.business_hours import business_deadline


def sla_deadline(start: dt.datetime, hours: float | None = None) -> dt.datetime:
    """The moment the first-response SLA (INQUIRY_SLA_BUSINESS_HOURS unless given) runs out."""
    return business_deadline(start, settings.INQUIRY_SLA_BUSINESS_HOURS if hours is None else hours)
