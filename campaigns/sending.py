"""The pacer: inside each approved campaign's window, at its pace, one outbox row per customer.

Run by beat (campaigns.pace, on the bulk lane's queue) and safe to run again at any moment: the
campaign row is locked while a slice is written, and (campaign, customer) is unique, so a re-run
or a second worker cannot send anyone a second message. A slice is two COPYs (its messages,
its recipient rows), not a transaction per customer. The pacer only writes promises with
purpose MARKETING, valid until the campaign ends, and hands each slice to the bulk lane in batch
tasks (as messaging.outbox.message_hand_over does); messaging checks consent, quiet hours and the expiry
again when it claims each one, on every retry too.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_write
from core.bulk import insert_new
from messaging.models import Purpose
from messaging.outbox import Advert, message_enqueue_adverts

from .content import alimtalk_of, framed, tier_labels, values_of
from .models import Campaign, CampaignRecipient
from .selectors import KST, segment_customers, segment_filters

S = Campaign.Status


def in_window(campaign: Campaign, now: dt.datetime) -> bool:
    local = now.astimezone(KST).time()
    return campaign.window_start <= local < campaign.window_end and dt.time(8) <= local < dt.time(21)


def slice_size(campaign: Campaign, now: dt.datetime) -> int:
    """How many rows this run may write: the hour's budget not yet used, spread over the runs of
    the hour so the campaign goes out evenly rather than all in the first minute."""
    runs_per_hour = max(1, round(3600 / float(settings.CAMPAIGN_PACE_SECONDS)))
    per_run = math.ceil(campaign.max_per_hour / runs_per_hour)
    used = CampaignRecipient.objects.filter(
        campaign=campaign, created_at__gt=now - dt.timedelta(hours=1)
    ).count()
    return max(0, min(per_run, campaign.max_per_hour - used))


def _finish(campaign: Campaign, why: str) -> None:
    campaign.status = S.DONE
    campaign.save(update_fields=["status", "updated_at"])
    audit_write(
        action=AuditEntry.Action.UPDATE,
        target=f"campaign:{campaign.pk}",
        detail={"step": "finish", "why": why, "status": campaign.status},
    )


def campaign_pace_one(campaign_id: int, now: dt.datetime | None = None) -> int:
    """One slice of one campaign. Returns how many messages it queued."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            Campaign.objects.select_for_update(skip_locked=True)
            .select_related("segment")
            .filter(pk=campaign_id, status__in=Campaign.RUNNING, starts_at__lte=now)
            .first()
        )
        if campaign is None:
            return 0
        if now >= campaign.ends_at:
            _finish(campaign, "ended")
            return 0
        if not in_window(campaign, now):
            return 0
        if campaign.status == S.APPROVED:
            campaign.status = S.SENDING
            campaign.save(update_fields=["status", "updated_at"])
        size = slice_size(campaign, now)
        if size == 0:
            return 0
        # The list goes out in customer-number order and each run starts after the last number
        # written (an index probe), instead of leaving out everyone already written (a scan of the
        # campaign's rows, ever longer as it runs). A customer who joins the segment after the
        # pacer passed their number is for the next campaign.
        last = (
            CampaignRecipient.objects.filter(campaign=campaign)
            .order_by("-customer_id")
            .values_list("customer_id", flat=True)
            .first()
        )
        people = segment_customers(segment_filters(campaign.segment), now, after=last)
        customers = list(
            people.order_by("pk").values_list(
                "pk",
                "name",
                "customer_profile__tier",
                "customer_profile__phone",
                "customer_profile__marketing_consent",
                "customer_profile__marketing_night_consent",
            )[:size]
        )
        if not customers:
            _finish(campaign, "everyone")
            return 0
        # One COPY for the slice's messages and one for its recipient rows (the campaign row is
        # locked, so no other run writes this slice; (campaign, customer) is unique all the same);
        # messaging holds each row to the law.
        tiers = tier_labels()
        adverts = []
        for pk, name, tier, phone, consent, night in customers:
            values = values_of(name, tiers[tier])
            adverts.append(
                Advert(
                    key=f"campaign:{campaign.pk}:{pk}",
                    customer_id=pk,
                    phone=phone,
                    marketing_consent=consent,
                    night_consent=night,
                    body=framed(campaign.body, values),
                    alimtalk=alimtalk_of(campaign, values),
                    # Not sent after the campaign's end, also if a backlog or a retry holds it.
                    valid_until=campaign.ends_at,
                )
            )
        written = message_enqueue_adverts(purpose=Purpose.MARKETING, items=adverts)
        insert_new(
            CampaignRecipient,
            [
                # No message (consent withdrawn just now, a body or number the providers refuse):
                # the recipient row says "not sent".
                {
                    "campaign_id": campaign.pk,
                    "customer_id": advert.customer_id,
                    "message_id": written.get(advert.key),
                }
                for advert in adverts
            ],
        )
        # The slice goes to the bulk lane as a few batch tasks after this transaction commits (each
        # claims its rows in one statement and sends them in a loop), not one task per recipient.
        return len(written)


def campaign_pace(now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = list(
        Campaign.objects.filter(status__in=Campaign.RUNNING, starts_at__lte=now).values_list("pk", flat=True)
    )
    return sum(campaign_pace_one(pk, now) for pk in ids)
