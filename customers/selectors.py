from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .models import Favourite, User

SEARCH_LIMIT = 50


def customer_search(*, query: str = "", birth_date: dt.date | None = None) -> QuerySet[User]:
    """Customers by name, login id, any part of the phone number, and/or birth date."""
    qs = User.objects.filter(role=User.Role.CUSTOMER).select_related("customer_profile")
    text = query.strip()
    if text:
        condition = Q(name__startswith=text) | Q(username__istartswith=text)
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 3:
            # Numbers are stored as +8210…; what people type starts with 010.
            condition |= Q(customer_profile__phone__contains=digits[1:] if digits.startswith("0") else digits)
        qs = qs.filter(condition)
    if birth_date:
        qs = qs.filter(customer_profile__birth_date=birth_date)
    return qs.order_by("name", "id")


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
