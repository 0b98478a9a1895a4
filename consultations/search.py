"""Searching all consultations: filters, an exact Korean keyword, keyset pages, exports."""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan

from core.dates import day_end, day_start
from core.keyset import decode_cursor, encode_cursor

from .models import Consultation

PAGE_SIZE = 50


@dataclass(frozen=True)
class ConsultationFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    main_category_id: int | None = None
    middle_category_id: int | None = None
    channel_id: int | None = None
    staff_id: int | None = None
    branch_id: int | None = None  # the staff member's branch
    progress: str = ""
    follow_up: bool | None = None
    customer: str = ""  # login id or full name
    customer_id: int | None = None
    keyword: str = ""
    ascending: bool = False


# The index's expression, collation included (consultations migration 0012): otherwise the planner
# does not see that the index answers it.
_BIGRAMS_MATCH = """(omnihana_bigrams(title || ' ' || notes) COLLATE "C") @> omnihana_bigrams(%s)"""

# A term made only of characters without case (Hangul, digits, spaces, ASCII punctuation but the
# backslash): no letter of any text upper-cases into one of them, so "contains, ignoring case" is
# "contains", and PostgreSQL's strpos() answers it at about a quarter of the cost of
# UPPER(...) LIKE UPPER(...) (2.5 against 11 µs a row of the demo bank's text).
_CASELESS = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3 0-9!-/:-@\[\]-`{-~]+")


class KeywordPlan(enum.Enum):
    INDEX = "index"  # the bigram index narrows the rows, the exact test rechecks them
    SCAN = "scan"  # the exact test alone, on rows the caller walks in order
    NAIVE = "naive"  # plain icontains (the reference the benchmarks compare with)


def keyword_condition(term: str, *, indexed: bool = True, plan: KeywordPlan | None = None) -> Q:
    """Title or notes contain `term`, exactly (case-insensitive).

    On PostgreSQL the bigram index narrows the rows first (consultations migration 0004); the
    exact recheck keeps the result identical to the plain `icontains` search.
    """
    plan = plan or (KeywordPlan.INDEX if indexed else KeywordPlan.NAIVE)
    postgres = connection.vendor == "postgresql"
    if plan is KeywordPlan.NAIVE or not postgres:
        return Q(title__icontains=term) | Q(notes__icontains=term)
    if _CASELESS.fullmatch(term):
        exact = Q(GreaterThan(StrIndex("title", Value(term)), 0)) | Q(
            GreaterThan(StrIndex("notes", Value(term)), 0)
        )
    else:
        exact = Q(title__icontains=term) | Q(notes__icontains=term)
    if plan is KeywordPlan.SCAN or len(term) < 2:
        return exact
    # Unqualified columns: inside a subquery Django renames the table, and a qualified name would
    # point at the outer query's row instead.
    bigrams = RawSQL(_BIGRAMS_MATCH, [term], output_field=BooleanField())  # noqa: S611 - constant SQL, term is a parameter
    return Q(bigrams) & exact


def consultation_search(
    filters: ConsultationFilters, *, indexed_keyword: bool = True, plan: KeywordPlan | None = None
) -> QuerySet[Consultation]:
    qs = Consultation.objects.all()
    if filters.date_from:
        qs = qs.filter(occurred_at__gte=day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(occurred_at__lt=day_end(filters.date_to))
    if filters.main_category_id:
        qs = qs.filter(main_category_id=filters.main_category_id)
    if filters.middle_category_id:
        qs = qs.filter(middle_category_id=filters.middle_category_id)
    if filters.channel_id:
        qs = qs.filter(channel_id=filters.channel_id)
    if filters.staff_id:
        qs = qs.filter(staff_id=filters.staff_id)
    if filters.branch_id:
        qs = qs.filter(staff__staff_profile__branch_id=filters.branch_id)
    if filters.progress:
        qs = qs.filter(progress=filters.progress)
    if filters.follow_up is not None:
        qs = qs.filter(follow_up_needed=filters.follow_up)
    if filters.customer_id:
        qs = qs.filter(customer_id=filters.customer_id)
    if filters.customer:
        qs = qs.filter(
            Q(customer__username=filters.customer.strip()) | Q(customer__name=filters.customer.strip())
        )
    if filters.keyword.strip():
        qs = qs.filter(keyword_condition(filters.keyword.strip(), indexed=indexed_keyword, plan=plan))
    return qs


def _order(ascending: bool) -> list[str]:
    return ["occurred_at", "id"] if ascending else ["-occurred_at", "-id"]


_RELATED = (
    "customer__customer_profile",
    "staff__staff_profile",
    "channel",
    "main_category",
    "middle_category",
)

# How far a keyword search walks the time index before it asks the bigram index. Walking the
# newest rows in order finds a page of P matches of a word in R of N rows within about P·N/R
# rows; the bigram bitmap reads about R. Both cost the same at R = √(P·N), so the walk stops after
# √(P·N) rows (7,100 at a million consultations, 22,600 at ten million; never fewer than
# WALK_FLOOR): a word common enough to fill a page there is answered by the walk, and any other is
# rare enough for the bitmap, which then looks only at the rows older than the walked ones.
# Nothing has to be known about the word beforehand (counting its matches through the bitmap took
# seconds for a common word at ten million rows). N is the planner's row count of the table.
WALK_FLOOR = 2000
# A walk that found some matches but not a page has measured the word's rate: when the rest of the
# page lies within WALK_ON more walks' length at that rate (WALK_MARGIN: a quarter more, for the
# chance of it), walking on beats the bitmap, whose candidates are each a heap page of their own.
WALK_ON = 3
WALK_MARGIN = 5 / 4
WALK_PAGE = PAGE_SIZE + 1  # P: the rows a page reads (one more tells whether a next page exists)
_WALK_ROWS_SQL = (
    "SELECT greatest(%s, floor(sqrt(%s * greatest(reltuples, 0))))::bigint "
    "FROM pg_class WHERE oid = 'consultations_consultation'::regclass"
)


def walk_rows(using: str = "default") -> int:
    with connections[using].cursor() as cursor:
        cursor.execute(_WALK_ROWS_SQL, [WALK_FLOOR, WALK_PAGE])
        return int(cursor.fetchone()[0])


def _after(qs: QuerySet[Consultation], moment: dt.datetime, pk: int, *, ascending: bool):
    """The rows after (moment, pk) in the page's order. The plain bound on occurred_at lets the
    time index's range answer the row comparison."""
    if ascending:
        return qs.filter(
            Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gt=pk), occurred_at__gte=moment
        )
    return qs.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=pk), occurred_at__lte=moment)


def _through(qs: QuerySet[Consultation], moment: dt.datetime, pk: int, *, ascending: bool):
    """The rows up to and including (moment, pk) in the page's order."""
    if ascending:
        return qs.filter(
            Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lte=pk), occurred_at__lte=moment
        )
    return qs.filter(Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gte=pk), occurred_at__gte=moment)


def consultation_page(
    filters: ConsultationFilters, *, cursor: str = "", size: int = PAGE_SIZE, indexed_keyword: bool = True
) -> tuple[list[Consultation], str | None]:
    """One page by keyset on (occurred_at, id): as fast on page 1,000 as on page 1.

    The page's ids are chosen on the consultation table alone; only those rows are then joined to
    customers, staff and categories (joining every match before the LIMIT costs more than the search).
    """
    term = filters.keyword.strip()
    position = decode_cursor(cursor) if cursor else None
    order = _order(filters.ascending)
    # With a keyword and no narrow filter (one customer, one staff member, whose own index the
    # planner walks): walk the newest rows of the time index first, then the bigram index for the
    # rest. The planner cannot choose between the two itself: its estimate for `bigrams @> ...`
    # takes the bigrams of a word as independent, and a phrase of common bigrams for a common word.
    walk_first = (
        indexed_keyword
        and bool(term)
        and connection.vendor == "postgresql"
        and not (filters.customer or filters.customer_id or filters.staff_id)
    )
    plan = KeywordPlan.INDEX if indexed_keyword else KeywordPlan.NAIVE
    qs = consultation_search(filters, plan=plan)
    if position:
        qs = _after(qs, *position, ascending=filters.ascending)
    if walk_first:
        ids = _walk_then_index(filters, qs, position, size + 1)
    else:
        ids = list(qs.order_by(*order).values_list("id", flat=True)[: size + 1])
    by_id = Consultation.objects.select_related(*_RELATED).in_bulk(ids)
    rows = [by_id[pk] for pk in ids]
    next_cursor = encode_cursor(rows[size - 1].occurred_at, rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor


def _walk_then_index(
    filters: ConsultationFilters,
    indexed: QuerySet[Consultation],
    position: tuple[dt.datetime, int] | None,
    wanted: int,
) -> list[int]:
    """The first `wanted` ids of `indexed` (a keyword search from `position` on): matches among
    the next walk_rows() rows of the time index; if those are too few but the walk's own rate says
    the page fills within a little more walking (WALK_ON), that much more; then, if still too few,
    the bigram index's matches older than the walked rows. Exactly the rows of `indexed`, in its
    order."""
    using = indexed.db  # the standby, when heavy reads go there
    order = _order(filters.ascending)
    span = consultation_search(ConsultationFilters(date_from=filters.date_from, date_to=filters.date_to))
    if position:
        span = _after(span, *position, ascending=filters.ascending)
    span = span.using(using)
    walk = consultation_search(filters, plan=KeywordPlan.SCAN).using(using)
    if position:
        walk = _after(walk, *position, ascending=filters.ascending)

    def walked(begin: tuple[dt.datetime, int] | None, rows: int) -> tuple[list[int], tuple | None]:
        """Matches among the `rows` rows of the time index after `begin`, and the last of those rows."""
        # The last row of the stretch, by the time index alone (an index-only scan of its entries).
        stretch = _after(span, *begin, ascending=filters.ascending) if begin else span
        last = next(iter(stretch.order_by(*order).values_list("occurred_at", "id")[rows - 1 : rows]), None)
        matches = _after(walk, *begin, ascending=filters.ascending) if begin else walk
        if last:
            matches = _through(matches, *last, ascending=filters.ascending)
        # In the time index's order, reading row by row: no bitmap to collect, nothing to sort.
        with transaction.atomic(using=using), connections[using].cursor() as pg:
            pg.execute("SET LOCAL enable_sort = off; SET LOCAL enable_bitmapscan = off")
            found = list(matches.order_by(*order).values_list("id", flat=True)[: wanted - len(ids)])
        return found, last

    reach = walk_rows(using)
    ids: list[int] = []
    found, last = walked(None, reach)
    ids += found
    if ids and len(ids) < wanted and last:
        # The walk saw len(ids) matches in `reach` rows: at that rate the rest of the page is
        # `more` rows further on. Walk them when that is cheaper than the bitmap would be.
        more = math.ceil(WALK_MARGIN * (wanted - len(ids)) * reach / len(ids))
        if more <= WALK_ON * reach:
            found, last = walked(last, more)
            ids += found
    if len(ids) < wanted and last:
        rest = _after(indexed, *last, ascending=filters.ascending)
        ids += rest.order_by(*order).values_list("id", flat=True)[: wanted - len(ids)]
    return ids


def consultation_export_rows(filters: ConsultationFilters):
    """Every matching row, in order, streamed from the database in chunks (for CSV / Excel)."""
    return (
        consultation_search(filters)
        .select_related(
            "customer__customer_profile",
            "staff__staff_profile",
            "channel",
            "main_category",
            "middle_category",
        )
        .order_by(*_order(filters.ascending))
        .iterator(chunk_size=2000)
    )
