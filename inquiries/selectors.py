from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from customers.models import User

from .models import FaqEntry, Inquiry, Reply

WAITING = Inquiry.WAITING
QUEUE_VIEWS = ("waiting", "mine", "overdue", "alerts", "all")


def inquiry_queue_counts() -> dict[str, int]:
    """How many inquiries wait for a first response, and how many of them are past their SLA."""
    waiting = Q(status__in=WAITING)
    return Inquiry.objects.aggregate(
        unanswered=Count("id", filter=waiting),
        overdue=Count("id", filter=waiting & Q(sla_due_at__lt=timezone.now())),
    )


def _with_counts(qs: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    return qs.annotate(public_replies=Count("replies", filter=Q(replies__is_internal=False)))


def inquiry_list_for_customer(*, customer: User, include_internal: bool = False) -> QuerySet[Inquiry]:
    """The customer's inquiries with their replies (internal staff notes only when asked for)."""
    replies = Reply.objects.select_related("author").order_by("created_at", "id")
    if not include_internal:
        replies = replies.filter(is_internal=False)
    return (
        _with_counts(Inquiry.objects.filter(customer=customer))
        .select_related("main_category", "middle_category")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("-created_at", "-id")
    )


def inquiry_queue(*, view: str, user: User, q: str = "") -> QuerySet[Inquiry]:
    """The staff queue. Waiting inquiries come first, the nearest deadline on top."""
    qs = _with_counts(Inquiry.objects.all()).select_related(
        "customer", "assignee", "main_category", "middle_category"
    )
    if view == "waiting":
        qs = qs.filter(status__in=WAITING)
    elif view == "mine":
        qs = qs.filter(assignee=user)
    elif view == "overdue":
        qs = qs.filter(status__in=WAITING, sla_due_at__lt=timezone.now())
    elif view == "alerts":
        return qs.filter(overdue_alerted_at__isnull=False).order_by("-overdue_alerted_at", "-id")
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(customer__name__icontains=word))
    waiting_first = Case(
        When(status__in=WAITING, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(waiting_first=waiting_first).order_by("waiting_first", "sla_due_at", "-id")


def inquiry_thread(*, inquiry: Inquiry, include_internal: bool) -> list[Reply]:
    replies = inquiry.replies.select_related("author").prefetch_related("attachments")
    if not include_internal:
        replies = replies.filter(is_internal=False)
    return list(replies.order_by("created_at", "id"))


def faq_search(*, q: str = "", main_code: str = "") -> QuerySet[FaqEntry]:
    qs = FaqEntry.objects.filter(is_published=True).select_related("main_category")
    for word in q.split()[:5]:
        qs = qs.filter(Q(title__icontains=word) | Q(answer__icontains=word))
    if main_code:
        qs = qs.filter(main_category__code=main_code)
    return qs.annotate(helpful=Count("helpful_votes")).order_by("-published_at", "-id")
