from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from core.params import ascii_digits

from .models import CustomerProfile, Favourite, User, profile_pk_from_customer_no

SEARCH_LIMIT = 50


def customer_search(*, query: str = "", birth_date: dt.date | None = None) -> QuerySet[User]:
    """Customers, with or without a web login, by name, login id, customer number (C00001234), any
    part of the phone number, and/or birth date. Records merged into another are left out."""
    qs = User.objects.filter(
        role=User.Role.CUSTOMER, customer_profile__merged_into__isnull=True
    ).select_related("customer_profile")
    text = query.strip()
    if text:
        profile_pk = profile_pk_from_customer_no(text)
        if profile_pk is not None:
            return qs.filter(customer_profile__pk=profile_pk).order_by("id")
        qs = qs.filter(pk__in=_matching_ids(text))
    if birth_date:
        qs = qs.filter(customer_profile__birth_date=birth_date)
    return qs.order_by("name", "id")


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching_ids(text: str) -> RawSQL:
    """Ids of customers whose name or login id starts with `text`, or whose phone number holds its
    digits: one indexed branch each, joined by UNION. (An OR across the user and profile tables
    made PostgreSQL join both whole tables first: 400 ms at 200,000 customers.)"""
    # Only our own table names go into the text; what the user typed is always a parameter.
    user, profile = User._meta.db_table, CustomerProfile._meta.db_table
    branches = [
        f"SELECT id FROM {user} WHERE role = 'customer' AND name LIKE %s ESCAPE '\\'",  # noqa: S608
        f"SELECT id FROM {user} WHERE role = 'customer' AND has_web_login"  # noqa: S608
        f" AND UPPER(username) LIKE UPPER(%s) ESCAPE '\\'",
    ]
    params = [_like(text) + "%", _like(text) + "%"]
    digits = "".join(ch for ch in ascii_digits(text) if ch in "0123456789")
    if len(digits) >= 3:
        # Numbers are stored as +8210…; what people type starts with 010.
        branches.append(f"SELECT user_id FROM {profile} WHERE phone LIKE %s")  # noqa: S608
        params.append("%" + (digits[1:] if digits.startswith("0") else digits) + "%")
    return RawSQL(" UNION ".join(branches), params)  # noqa: S611


def starred_ids(*, staff: User, customers) -> set[int]:
    """Which of these customers the staff member has starred (one query for a whole page)."""
    return set(
        Favourite.objects.filter(staff=staff, customer__in=list(customers)).values_list(
            "customer_id", flat=True
        )
    )


def manager_emails() -> list[str]:
    """The addresses of the active managers (who hear about delivery incidents, among others)."""
    return list(
        User.objects.filter(role=User.Role.MANAGER, is_active=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )
