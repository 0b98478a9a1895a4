"""Opt-out: the provider's 080 report or a member of staff withdraws a customer's marketing consent.

The withdrawal is recorded with its time and source (OptOut). Messages already queued are not
recalled here: messaging refuses every marketing message of a customer without consent at send.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_write
from core.phone import normalize_korean_mobile
from customers.models import CustomerProfile, User

from .models import OptOut


def opt_out_register(
    *,
    phone: str = "",
    customer: User | None = None,
    source: str,
    by: User | None = None,
    at: dt.datetime | None = None,
) -> OptOut:
    """Withdraw marketing consent (and the night consent that depends on it). Raises ValidationError
    for a number that is not a Korean mobile number."""
    at = at or timezone.now()
    if customer is not None:
        phone = customer.customer_profile.phone
    phone = normalize_korean_mobile(phone)
    with transaction.atomic():
        profile = (
            CustomerProfile.objects.select_for_update().select_related("user").filter(phone=phone).first()
        )
        if profile is not None:
            profile.marketing_consent = False
            profile.marketing_night_consent = False
            profile.marketing_consent_at = at
            profile.save(
                update_fields=["marketing_consent", "marketing_night_consent", "marketing_consent_at"]
            )
        entry = OptOut.objects.create(
            customer=profile.user if profile else None, phone=phone, source=source, by=by, at=at
        )
        audit_write(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            customer=profile.user if profile else None,
            target="marketing consent",
            detail={"step": "opt_out", "source": source},
        )
    return entry
