"""The demo bank's text is shaped like a real bank's (issue 23), so search figures are not flattered.

Every draw is seeded, so these figures are the same on every run; the bounds are still set several
standard deviations wide so that a change of seed or phrase list does not make them flap.
"""

from __future__ import annotations

import random
import statistics

from django.db import connection

from consultations.day_counts import TABLE as DAY_TABLE
from consultations.models import Consultation
from demo import data as D
from demo.management.commands import seed_demo
from demo.text import CATEGORY_WEIGHTS, text_pool
from tests.conftest import seed_demo_bank

PRODUCT_NAMES = sorted({name for names in D.PRODUCTS.values() for name in names})


def drawn_like_seed_demo(rows: int, seed: int = 20200916) -> list[tuple[str, str]]:
    """Rows drawn as seed_demo draws them: a middle category by its weight, then a pool entry."""
    pools = {code: text_pool(seed, code, 2000) for code in CATEGORY_WEIGHTS}
    codes = list(pools)
    weights = [CATEGORY_WEIGHTS[c] for c in codes]
    rng = random.Random(seed)
    return [rng.choice(pools[code]) for code in rng.choices(codes, weights, k=rows)]


def test_titles_and_notes_have_a_real_banks_lengths():
    rows = drawn_like_seed_demo(20_000)
    titles, notes = [len(t) for t, _ in rows], [len(n) for _, n in rows]
    assert min(titles) >= 10 and max(titles) <= 60
    assert 26 <= statistics.mean(titles) <= 34
    assert min(notes) >= 50 and max(notes) <= 400
    assert 195 <= statistics.mean(notes) <= 245
    # Varied, not one template: thousands of different notes, and long ones are common.
    assert len({n for _, n in rows}) > 10_000
    assert sum(n >= 300 for n in notes) / len(notes) > 0.1


def test_keyword_shares_are_realistic():
    rows = drawn_like_seed_demo(20_000)
    texts = [f"{t} {n}" for t, n in rows]

    def share(word: str) -> float:
        return sum(word in text for text in texts) / len(texts)

    assert 0.35 <= share("대출") <= 0.45  # the most common subject: about 40 % of consultations
    for name in PRODUCT_NAMES:  # a single product name: well under 1 %
        assert share(name) < 0.01, name
    assert share("리틀빅정기예금") > 0.001
    # The staff-desk bench's words found nowhere really are in no row.
    assert share("방카슈랑스") == share("퇴직연금") == 0


def test_the_seeded_bank_holds_that_text(db):
    generated = Consultation.objects.filter(customer__username__startswith="cust")
    titles = list(generated.values_list("title", "notes"))
    assert len(titles) >= 200
    assert all(10 <= len(t) <= 60 and 50 <= len(n) <= 400 for t, n in titles)
    loans = sum("대출" in f"{t} {n}" for t, n in titles) / len(titles)
    assert 0.25 <= loans <= 0.55


def bank_shape() -> tuple[set[str], set[str], set[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'consultations_consultation'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) || convalidated::text FROM pg_constraint"
            " WHERE conrelid = 'consultations_consultation'::regclass"
        )
        constraints = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT tgname::text || tgenabled::text FROM pg_trigger"
            " WHERE tgrelid = 'consultations_consultation'::regclass AND NOT tgisinternal"
        )
        triggers = {row[0] for row in cursor.fetchall()}
    return indexes, constraints, triggers


def day_counts() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT day, staff_id, channel_id, main_category_id, n FROM {DAY_TABLE} ORDER BY 1, 2, 3, 4"  # noqa: S608
        )
        return cursor.fetchall()


def test_a_large_seed_loads_in_bulk_and_leaves_the_table_as_it_was(db, monkeypatch):
    """The bulk-load mode of a large seed (drop indexes and foreign keys, COPY, build them again,
    validate once, recount the day counters) leaves the same indexes, validated constraints,
    enabled triggers and correct day counts, and the keyword search still finds the new rows."""
    before = bank_shape()
    counted_before = day_counts()
    monkeypatch.setattr(seed_demo, "BULK_ROWS", 1)
    total = Consultation.objects.filter(customer__username__startswith="cust").count()
    seed_demo_bank(consultations=total + 300)
    assert Consultation.objects.filter(customer__username__startswith="cust").count() == total + 300
    assert bank_shape() == before
    counted = day_counts()
    assert sum(row[4] for row in counted) == sum(row[4] for row in counted_before) + 300
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT (occurred_at AT TIME ZONE 'Asia/Seoul')::date, staff_id,"  # noqa: S608
            f" channel_id, main_category_id, count(*) FROM consultations_consultation GROUP BY 1, 2, 3, 4"
            f" EXCEPT SELECT day, staff_id, channel_id, main_category_id, n FROM {DAY_TABLE}) AS missing"
        )
        assert cursor.fetchone()[0] == 0
    from consultations.search import ConsultationFilters, consultation_page

    found, _ = consultation_page(ConsultationFilters(keyword="대출"), indexed_keyword=True)
    naive, _ = consultation_page(ConsultationFilters(keyword="대출"), indexed_keyword=False)
    assert found and [c.pk for c in found] == [c.pk for c in naive]
