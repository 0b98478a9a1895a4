"""Who a segment reaches, always only customers who consent to marketing, and a campaign's results."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone

from consultations.models import Booking, Consultation
from customers.models import User
from messaging.models import Message, MessageAttempt

from .models import Campaign, CampaignRecipient, OptOut, Segment, SegmentMember, YesNo

KST = dt.timezone(dt.timedelta(hours=9))

FILTER_FIELDS = (
    "tier",
    "age_band",
    "gender",
    "interest",
    "branch",
    "consultation_category",
    "consultation_channel",
    "consultation_within_days",
    "has_booking",
    "has_web_login",
)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def segment_customers(
    filters: dict[str, Any], now: dt.datetime | None = None, *, after: int | None = None
) -> QuerySet[User]:
    """The customers a segment's filters select. Marketing consent is not a filter: it always holds.
    `after`: only customer numbers above it (the pacer's next slice), said to every table joined
    by the number so that each index is entered there rather than walked from the start."""
    now = now or timezone.now()
    today = now.astimezone(KST).date()
    people = User.objects.filter(
        role=User.Role.CUSTOMER,
        is_active=True,
        customer_profile__marketing_consent=True,
        customer_profile__merged_into__isnull=True,
    )
    if after is not None:
        people = people.filter(pk__gt=after, customer_profile__user_id__gt=after)
    f = {k: v for k, v in filters.items() if v not in (None, "")}
    if "members_of" in f:  # an uploaded list: its customers, still only those who consent
        members = SegmentMember.objects.filter(segment_id=f["members_of"], customer=OuterRef("pk"))
        if after is not None:
            members = members.filter(customer_id__gt=after)
        people = people.filter(Exists(members))
    for field in ("tier", "gender", "interest"):
        if field in f:
            people = people.filter(**{f"customer_profile__{field}": f[field]})
    if "age_band" in f:
        low, high = (int(x) for x in str(f["age_band"]).split("-"))
        # age ≥ low: born on or before today - low years; age ≤ high: born after today - (high+1) years
        people = people.filter(
            customer_profile__birth_date__lte=_years_before(today, low),
            customer_profile__birth_date__gt=_years_before(today, high + 1),
        )
    consultation = Q(customer=OuterRef("pk"))
    narrowed = False
    if "consultation_category" in f:
        consultation &= Q(main_category=f["consultation_category"])
        narrowed = True
    if "consultation_channel" in f:
        consultation &= Q(channel=f["consultation_channel"])
        narrowed = True
    if "consultation_within_days" in f:
        consultation &= Q(occurred_at__gte=now - dt.timedelta(days=int(f["consultation_within_days"])))
        narrowed = True
    if narrowed:
        people = people.filter(Exists(Consultation.objects.filter(consultation)))
    if "branch" in f:
        people = people.filter(
            Exists(
                Consultation.objects.filter(customer=OuterRef("pk"), staff__staff_profile__branch=f["branch"])
            )
            | Exists(Booking.objects.filter(customer=OuterRef("pk"), branch=f["branch"]))
        )
    if "has_booking" in f:
        upcoming = Exists(
            Booking.objects.filter(customer=OuterRef("pk"), status=Booking.Status.BOOKED, starts_at__gte=now)
        )
        people = people.filter(upcoming if f["has_booking"] == YesNo.YES else ~upcoming)
    if "has_web_login" in f:
        people = people.filter(has_web_login=f["has_web_login"] == YesNo.YES)
    return people


def segment_filters(segment: Segment) -> dict[str, Any]:
    if segment.source == Segment.Source.UPLOAD:
        return {"members_of": segment.pk}
    return {
        field: getattr(
            segment,
            f"{field}_id" if field in {"branch", "consultation_category", "consultation_channel"} else field,
        )
        for field in FILTER_FIELDS
    }


def segment_count(filters: dict[str, Any]) -> int:
    return segment_customers(filters).count()


def campaign_results(campaign: Campaign) -> dict[str, Any]:
    """Sent / delivered / failed / fallen back / opted out, and the same by hour (Korean time)."""
    messages = Message.objects.filter(campaign_recipient__campaign=campaign)
    by_status = dict(messages.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    fallen_back = (
        MessageAttempt.objects.filter(message__in=messages, outcome=MessageAttempt.Outcome.FALLBACK)
        .values("message")
        .distinct()
        .count()
    )
    recipients = CampaignRecipient.objects.filter(campaign=campaign)
    opted_out = (
        OptOut.objects.filter(customer__in=recipients.values("customer"), at__gte=campaign.starts_at)
        .values("customer")
        .distinct()
        .count()
    )
    delivered = by_status.get(Message.Status.DELIVERED, 0)
    sent = by_status.get(Message.Status.SENT, 0) + delivered
    done = [Message.Status.SENT, Message.Status.DELIVERED, Message.Status.FAILED]
    hours = (
        messages.filter(status__in=done)
        .annotate(hour=TruncHour(Coalesce("sent_at", "updated_at"), tzinfo=KST))
        .values("hour")
        .annotate(
            sent=Count("pk", filter=Q(status__in=[Message.Status.SENT, Message.Status.DELIVERED])),
            delivered=Count("pk", filter=Q(status=Message.Status.DELIVERED)),
            failed=Count("pk", filter=Q(status=Message.Status.FAILED)),
        )
        .order_by("hour")
    )
    return {
        "recipients": recipients.count(),
        "skipped": recipients.filter(message__isnull=True).count(),
        "waiting": by_status.get(Message.Status.PENDING, 0) + by_status.get(Message.Status.SENDING, 0),
        "sent": sent,
        "delivered": delivered,
        "failed": by_status.get(Message.Status.FAILED, 0),
        "cancelled": by_status.get(Message.Status.CANCELLED, 0),
        "fallen_back": fallen_back,
        "opted_out": opted_out,
        "hours": [
            {
                "hour": row["hour"].astimezone(KST),
                "sent": row["sent"],
                "delivered": row["delivered"],
                "failed": row["failed"],
            }
            for row in hours
        ],
    }


def campaign_messages_for_customer(*, customer: User) -> QuerySet[CampaignRecipient]:
    """The campaign messages a customer was sent (a recipient row with no message sent nothing)."""
    return (
        CampaignRecipient.objects.filter(customer=customer, message__isnull=False)
        .select_related("campaign", "message")
        .order_by("-message__created_at", "-message_id")
    )
