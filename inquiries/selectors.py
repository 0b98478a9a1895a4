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


def inquiry_list_for_customer(*, customer, include_internal: bool = False):
    """The customer's inquiries with their replies (internal staff notes only when asked for)."""
    from django.db.models import Prefetch

    from .models import Reply

    replies = Reply.objects.select_related("author").order_by("created_at", "id")
    if not include_internal:
        replies = replies.filter(is_internal=False)
    return (
        Inquiry.objects.filter(customer=customer)
        .select_related("main_category", "middle_category")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-id")
    )
