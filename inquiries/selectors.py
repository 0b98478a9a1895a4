from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from .models import Inquiry


def inquiry_queue_counts() -> dict[str, int]:
    """How many inquiries wait for a first response, and how many of them are past their SLA."""
    waiting = Q(status__in=[Inquiry.Status.RECEIVED, Inquiry.Status.FOLLOW_UP])
    return Inquiry.objects.aggregate(
        unanswered=Count("id", filter=waiting),
        overdue=Count("id", filter=waiting & Q(sla_due_at__lt=timezone.now())),
    )
