"""Reads of the staff desk: a staff member's starred customers."""

from __future__ import annotations

from django.db.models import QuerySet

from consultations.models import Booking, Consultation
from customers.models import Favourite, User
from inquiries.models import Inquiry


def favourite_customers(*, staff: User) -> QuerySet[User]:
    return (
        User.objects.filter(starred_by__staff=staff)
        .select_related("customer_profile")
        .order_by("-starred_by__created_at")
    )


def is_favourite(*, staff: User, customer: User) -> bool:
    return Favourite.objects.filter(staff=staff, customer=customer).exists()


def starred_ids(*, staff: User, customers) -> set[int]:
    """Which of these customers the staff member has starred (one query for a whole page)."""
    return set(
        Favourite.objects.filter(staff=staff, customer__in=list(customers)).values_list(
            "customer_id", flat=True
        )
    )


def customer_record_counts(*, customer: User) -> dict[str, int]:
    """What a merge would move, for the manager comparing two records."""
    return {
        "consultations": Consultation.objects.filter(customer=customer).count(),
        "bookings": Booking.objects.filter(customer=customer).count(),
        "inquiries": Inquiry.objects.filter(customer=customer).count(),
    }
