"""The advertising law and the message's own moment, checked at every send, not only at enqueue.

정보통신망법 §50: advertising only to a customer who consents, never 21:00–08:00 KST without a
separate night consent. A retry is a send too, so the claim query itself carries these rules
(`claimable`), and `message_settle` gives each refused row its outcome: cancelled with a reason
(consent withdrawn, expired) or moved to 08:00 (quiet hours). The customer is read through the
foreign key by name only: messaging never imports the customers app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Message, Purpose

KST = dt.timezone(dt.timedelta(hours=9))
MARKETING_PURPOSES = {Purpose.MARKETING}

_CONSENT = "customer__customer_profile__marketing_consent"
_NIGHT_CONSENT = "customer__customer_profile__marketing_night_consent"

REASON_NO_CONSENT = _("마케팅 수신 동의가 없어 보내지 않았습니다.")
REASON_EXPIRED = _("유효 기한이 지나 보내지 않았습니다.")


def quiet_hours_end(now: dt.datetime) -> dt.datetime | None:
    """Advertising may not be sent 21:00–08:00 KST: the next 08:00 if `now` is inside, else None."""
    local = now.astimezone(KST)
    if 8 <= local.hour < 21:
        return None
    day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(8, 0), tzinfo=KST)


def _marketing() -> Q:
    return Q(purpose__in=MARKETING_PURPOSES)


def _without_consent() -> Q:
    return _marketing() & (Q(customer__isnull=True) | ~Q(**{_CONSENT: True}))


def _night_refused() -> Q:
    return _marketing() & ~Q(**{_NIGHT_CONSENT: True})


def claimable(now: dt.datetime) -> Q:
    """Pending rows that may leave now: due, not expired and, for advertising, allowed by the law."""
    allowed = Q(status=Message.Status.PENDING)
    allowed &= Q(not_before__isnull=True) | Q(not_before__lte=now)
    allowed &= Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    allowed &= ~_without_consent()
    if quiet_hours_end(now) is not None:
        allowed &= ~_night_refused()
    return allowed


def message_settle(message_ids: Sequence[int], now: dt.datetime | None = None) -> None:
    """Give the pending rows the law refuses their outcome, so they are neither claimed nor handed
    out again by the sweep: cancelled for good, or waiting until 08:00."""
    now = now or timezone.now()
    pending = Message.objects.filter(pk__in=list(message_ids), status=Message.Status.PENDING)
    pending.filter(valid_until__lte=now).update(
        status=Message.Status.CANCELLED, cancel_reason=str(REASON_EXPIRED), updated_at=now, secret=""
    )
    pending.filter(_without_consent()).update(
        status=Message.Status.CANCELLED, cancel_reason=str(REASON_NO_CONSENT), updated_at=now
    )
    morning = quiet_hours_end(now)
    if morning is not None:
        pending.filter(_night_refused()).filter(
            Q(not_before__isnull=True) | Q(not_before__lt=morning)
        ).update(not_before=morning, updated_at=now)
