from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Collate

from core.params import ascii_digits

from .models import CustomerProfile, Favourite, User, profile_pk_from_customer_no

SEARCH_CAP = 200  # the most customers one search shows; past that it asks for a narrower query


def name_order() -> list:
    """Customers by name then id, in code-point order (가나다 for Hangul): the "C" collation on
    PostgreSQL, whose (name, id) index reads a page in order (customers migration 0007)."""
    if connection.vendor == "postgresql":
        return [Collate("name", "C"), "id"]
    return ["name", "id"]


def customer_search(*, query: str = "", birth_date: dt.date | None = None) -> QuerySet[User]:
    """Customers, with or without a web login, by name, login id, customer number (C00001234), any
    part of the phone number, and/or birth date, in name order. Records merged into another are
    left out. A name, login or phone search gives the first SEARCH_CAP + 1 in name order (one more
    than is shown tells that there are more)."""
    qs = User.objects.filter(
        role=User.Role.CUSTOMER, customer_profile__merged_into__isnull=True
    ).select_related("customer_profile")
    text = query.strip()
    if text:
        profile_pk = profile_pk_from_customer_no(text)
        if profile_pk is not None:
            return qs.filter(customer_profile__pk=profile_pk).order_by("id")
        qs = qs.filter(pk__in=_matching_ids(text, birth_date))
    if birth_date:
        qs = qs.filter(customer_profile__birth_date=birth_date)
    return qs.order_by(*name_order())


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _matching_ids(text: str, birth_date: dt.date | None) -> RawSQL:
    """Ids of the first SEARCH_CAP + 1 customers in name order whose name or login id starts with
    `text`, or whose phone number holds its digits: one indexed branch each, each ordered and cut
    to that many before the UNION. (An OR across the user and profile tables made PostgreSQL join
    both whole tables first: 400 ms at 200,000 customers; a UNION of every match, sorted after,
    1.4 s for a common surname at two million.)"""
    # Only our own table names go into the text; what the user typed is always a parameter.
    user, profile = User._meta.db_table, CustomerProfile._meta.db_table
    key = 'u.name COLLATE "C"' if connection.vendor == "postgresql" else "u.name"
    cut = SEARCH_CAP + 1
    live = "u.role = 'customer' AND p.merged_into_id IS NULL" + (
        " AND p.birth_date = %s" if birth_date else ""
    )
    born = [birth_date] if birth_date else []

    # OFFSET 0 keeps PostgreSQL from planning the inner query around the outer ORDER BY: without it
    # the login branch walked all two million names in order looking for a login prefix (7 s).
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""

    def branch(condition: str, *, in_name_order: bool) -> str:
        rows = (
            f"SELECT u.id AS id, {key} AS k FROM {user} u "  # noqa: S608
            f"JOIN {profile} p ON p.user_id = u.id WHERE {live} AND {condition}"
        )
        if not in_name_order:  # found by its own index, then sorted
            rows = f"SELECT id, k FROM ({rows}{fence}) AS found"  # noqa: S608
        # Each branch in its own subquery: SQLite allows no ORDER BY / LIMIT in a UNION's arm.
        return f"SELECT id, k FROM ({rows} ORDER BY k, id LIMIT {cut}) AS branch"  # noqa: S608

    # A name prefix reads the (name, id) index in order and stops after a page; with a birth date
    # the few customers born that day come first from the birth-date index.
    branches = [branch(f"{key} LIKE %s ESCAPE '\\'", in_name_order=not birth_date)]
    params = [*born, _like(text) + "%"]
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):  # could begin a login id (customers.models.login_id_validator)
        branches.append(
            branch("u.has_web_login AND UPPER(u.username) LIKE UPPER(%s) ESCAPE '\\'", in_name_order=False)
        )
        params += [*born, _like(text) + "%"]
    digits = "".join(ch for ch in ascii_digits(text) if ch in "0123456789")
    if len(digits) >= 3:
        # Numbers are stored as +8210…; what people type starts with 010.
        branches.append(branch("p.phone LIKE %s", in_name_order=False))
        params += [*born, "%" + (digits[1:] if digits.startswith("0") else digits) + "%"]
    union = " UNION ".join(branches)
    return RawSQL(f"SELECT id FROM ({union}) AS hits ORDER BY k, id LIMIT {cut}", params)  # noqa: S611, S608


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
