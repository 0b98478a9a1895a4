"""Searching all consultations: filters, an exact Korean keyword, keyset pages, exports."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from core.dates import day_end, day_start
from core.keyset import decode_cursor, encode_cursor
from core.soft_cache import cache_get, cache_set

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


def keyword_condition(term: str, *, indexed: bool = True) -> Q:
    """Title or notes contain `term`, exactly (case-insensitive).

    On PostgreSQL the bigram index narrows the rows first (consultations migration 0004); the
    ILIKE-style recheck keeps the result identical to the plain `icontains` search.
    """
    exact = Q(title__icontains=term) | Q(notes__icontains=term)
    if not indexed or connection.vendor != "postgresql" or len(term) < 2:
        return exact
    # Unqualified columns: inside a subquery Django renames the table, and a qualified name would
    # point at the outer query's row instead.
    bigrams = RawSQL(_BIGRAMS_MATCH, [term], output_field=BooleanField())  # noqa: S611 - constant SQL, term is a parameter
    return Q(bigrams) & exact


def consultation_search(
    filters: ConsultationFilters, *, indexed_keyword: bool = True
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
        qs = qs.filter(keyword_condition(filters.keyword.strip(), indexed=indexed_keyword))
    return qs


def _order(ascending: bool) -> list[str]:
    return ["occurred_at", "id"] if ascending else ["-occurred_at", "-id"]


COMMON_TERM_ROWS = 2000  # a keyword in fewer rows than this is never "common"
_RELATED = (
    "customer__customer_profile",
    "staff__staff_profile",
    "channel",
    "main_category",
    "middle_category",
)


# From how many matching rows on a keyword is "common" (walk the time index newest-first) rather
# than rare (collect its matches through the bigram index and sort them). Walking N rows for a page
# of P matches of a word in R rows reads about P·N/R rows; the bitmap reads about R. They cost the
# same at R = √(P·N): 7,100 rows at a million consultations, 22,600 at ten million. (A fixed 2,000
# sent '신용카드 한도', in 611 rows of a million but 6,332 by its bigrams, on the walk: 700 ms
# instead of 67.) N is the planner's row count of the table (-1 before its first ANALYZE).
WALK_PAGE = PAGE_SIZE + 1  # P: the rows a page reads (one more tells whether a next page exists)
_THRESHOLD_SQL = (
    "SELECT greatest(%s, floor(sqrt(%s * greatest(reltuples, 0))))::bigint AS n "
    "FROM pg_class WHERE oid = 'consultations_consultation'::regclass"
)


def common_term_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_THRESHOLD_SQL, [COMMON_TERM_ROWS, WALK_PAGE])
        return int(cursor.fetchone()[0])


def keyword_is_common(term: str) -> bool:
    """Does `term` occur in at least common_term_rows() rows? Decides the plan (see
    consultation_page); cached for 10 minutes.

    PostgreSQL's estimate for `bigrams @> ...` assumes the bigrams of a word are independent, so
    it takes a common word for a rare one; and a phrase's bigrams can all be common while the
    phrase is rare. So the exact matches are counted, up to the threshold, through the bigram
    index — in one round trip, with enough work_mem that the bitmap stays exact (a lossy one
    rechecks every row of its pages: 750 ms instead of 60 for a common 2-syllable word).
    """
    key = "consult-term-common:" + hashlib.sha256(term.lower().encode()).hexdigest()[:32]
    cached = cache_get(key)
    if cached is not None:
        return bool(cached)
    hits = Consultation.objects.filter(keyword_condition(term)).values("pk")
    matches, params = hits.query.sql_with_params()
    # Read where the search reads: the standby, when heavy reads go there.
    with connections[hits.db].cursor() as cursor:
        # One simple query is one transaction: outside a transaction SET LOCAL holds for the count
        # alone; inside one, until that one ends.
        cursor.execute(
            f"SET LOCAL work_mem = '32MB'; WITH threshold AS ({_THRESHOLD_SQL}) "  # noqa: S608 - Django's own SQL
            f"SELECT count(*) >= (SELECT n FROM threshold) FROM ({matches} LIMIT (SELECT n FROM threshold)) AS hits",
            [COMMON_TERM_ROWS, WALK_PAGE, *params],
        )
        common = bool(cursor.fetchone()[0])
    cache_set(key, common, 600)
    return common


def consultation_page(
    filters: ConsultationFilters, *, cursor: str = "", size: int = PAGE_SIZE, indexed_keyword: bool = True
) -> tuple[list[Consultation], str | None]:
    """One page by keyset on (occurred_at, id): as fast on page 1,000 as on page 1.

    The page's ids are chosen on the consultation table alone; only those rows are then joined to
    customers, staff and categories (joining every match before the LIMIT costs more than the search).
    """
    term = filters.keyword.strip()
    # A common word, with no narrow filter: walking the time index newest-first meets a page of
    # matches within a few hundred rows, whereas the bigram bitmap collects and sorts all of them.
    # The planner cannot know the word is common (see keyword_is_common), so it is told.
    walk_time_index = (
        indexed_keyword
        and bool(term)
        and connection.vendor == "postgresql"
        and not (filters.customer or filters.customer_id or filters.staff_id)
        and keyword_is_common(term)
    )
    qs = consultation_search(filters, indexed_keyword=indexed_keyword and not walk_time_index)
    position = decode_cursor(cursor) if cursor else None
    if position:
        moment, pk = position
        if filters.ascending:
            qs = qs.filter(Q(occurred_at__gt=moment) | Q(occurred_at=moment, id__gt=pk))
        else:
            qs = qs.filter(Q(occurred_at__lt=moment) | Q(occurred_at=moment, id__lt=pk))
    page_ids = qs.order_by(*_order(filters.ascending)).values_list("id", flat=True)[: size + 1]
    if walk_time_index:
        with transaction.atomic(), connection.cursor() as pg:
            pg.execute("SET LOCAL enable_sort = off")
            pg.execute("SET LOCAL enable_bitmapscan = off")
            ids = list(page_ids)
    else:
        ids = list(page_ids)
    by_id = Consultation.objects.select_related(*_RELATED).in_bulk(ids)
    rows = [by_id[pk] for pk in ids]
    next_cursor = encode_cursor(rows[size - 1].occurred_at, rows[size - 1].pk) if len(rows) > size else None
    return rows[:size], next_cursor


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
