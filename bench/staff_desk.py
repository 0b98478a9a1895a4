"""Staff desk on the benchmark bank (1,000,000 consultations over 200,000 customers): the
customer page, and the consultation search with Korean keywords — the bigram-indexed search
beside the naive `icontains` one (what django-helpdesk does), on the same cases in the same run,
with a check that both return the same rows.

    ./scripts/bench.sh staff_desk [--samples 200] [--naive-seconds 60]

The naive variants run on the first cases of each set until they have used --naive-seconds (at
least 3 cases): at 10,000,000 consultations one naive "found nowhere" search reads the whole table
for about a minute, and 200 of each would take hours. Their row says how many cases they ran.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from bench.common import percentile, print_table, setup_django, summary

T = TypeVar("T")
TWO_SYLLABLES = ["대출", "예금", "적금", "환전", "카드", "송금", "펀드", "해지"]
LONGER = [
    "정기예금",
    "전세자금대출",
    "해외송금",
    "신용카드 한도",
    "리틀빅정기예금",
    "청년도약적금",
    "가입완료",
]
ABSENT = ["방카슈랑스", "퇴직연금 이전"]  # in no row: the naive search must read the whole table


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def within_budget(items: list[T], seconds: float, fn: Callable[[T], object]) -> list[float]:
    """fn on items in order until `seconds` of it have been spent (at least 3): the times in ms."""
    times: list[float] = []
    for item in items:
        if len(times) >= 3 and sum(times) >= seconds * 1000:
            break
        times.append(timed(partial(fn, item))[0])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=200, help="requests per measured case")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--naive-seconds", type=float, default=60, help="time for each naive variant (at least 3 cases)"
    )
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from consultations.models import Consultation
    from consultations.search import ConsultationFilters, consultation_page
    from customers.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    total = Consultation.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consultations_consultation")
    if total < 100_000:
        print(
            f"note: only {total:,} consultations; build the benchmark bank with "
            "`python manage.py seed_demo --consultations 1000000` for the numbers in docs/performance.md"
        )
    client = Client()
    client.force_login(User.objects.get(username="hnv2004"))

    rows = []

    # Customer page: profile + merged timeline + audit entry, through the real view and template,
    # for customers with a web login and for walk-ins without one (about a third of the bank).
    def page_times(with_login: bool) -> list[float]:
        ids = list(
            User.objects.filter(username__startswith="cust", has_web_login=with_login)
            .order_by("?")
            .values_list("id", flat=True)[: args.samples]
        )
        client.get(f"/staff/customers/{ids[0]}/")  # warm-up
        return [timed(partial(client.get, f"/staff/customers/{pk}/"))[0] for pk in ids]

    walk_in_share = User.objects.filter(role="customer", has_web_login=False).count() / max(
        1, User.objects.filter(role="customer").count()
    )
    logins, walk_ins = page_times(True), page_times(False)
    for label, times in (("web login", logins), ("walk-in, no login", walk_ins)):
        rows.append(
            [
                f"customer page (view), {label}",
                len(times),
                percentile(times, 50),
                percentile(times, 95),
                50,
                "—",
            ]
        )
    worst = max(percentile(logins, 95), percentile(walk_ins, 95))
    summary(
        "staff customer page (profile + timeline + audit)",
        f"p95 {worst:.1f} ms (login {percentile(logins, 95):.1f} / walk-in {percentile(walk_ins, 95):.1f})",
        "p95 ≤ 50 ms",
        met=worst <= 50,
        variant=f"{walk_in_share:.0%} of customers have no web login",
    )

    # Customer search page (form, query, template): a name prefix, a phone-number part, a customer number.
    profiles = list(
        User.objects.filter(username__startswith="cust")
        .order_by("?")
        .values_list("name", "customer_profile__phone", "customer_profile__pk")[: args.samples]
    )
    queries = []
    for name, phone, profile_pk in profiles:
        queries += [name[:2], phone[-4:], f"C{profile_pk:08d}"]
    client.get("/staff/customers/", {"q": queries[0]})  # warm-up
    search_ms = [timed(partial(client.get, "/staff/customers/", {"q": q}))[0] for q in queries]

    def naive_customer_search(q: str) -> list:
        return list(
            User.objects.filter(role="customer")
            .filter(Q(name__icontains=q) | Q(customer_profile__phone__icontains=q))
            .order_by("name", "id")[:20]
        )

    naive_ms = within_budget(queries[:60], args.naive_seconds, naive_customer_search)
    rows.append(
        ["customer search page (view): name / phone part / number", len(search_ms), percentile(search_ms, 50),
         percentile(search_ms, 95), 100, "—"]
    )  # fmt: skip
    rows.append(
        ["customer search: naive icontains, query only", len(naive_ms), percentile(naive_ms, 50),
         percentile(naive_ms, 95), "—", "(reference)"]
    )  # fmt: skip
    summary(
        "staff customer search page (name / phone part / customer number)",
        f"p95 {percentile(search_ms, 95):.1f} ms",
        "p95 ≤ 100 ms",
        met=percentile(search_ms, 95) <= 100,
        variant=f"naive icontains query alone p95 {percentile(naive_ms, 95):.1f} ms",
    )

    latest = Consultation.objects.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    last_day = (latest or dt.datetime.now(dt.UTC)).date()

    def window() -> tuple[dt.date, dt.date]:
        end = last_day - dt.timedelta(days=rng.randrange(0, 3 * 365 - 92))
        return end - dt.timedelta(days=91), end

    def measure(label: str, cases: list[ConsultationFilters], target: float) -> None:
        indexed_ms: list[float] = []
        naive_ms: list[float] = []
        equal = True
        for filters in cases:
            t1, (rows_indexed, _) = timed(partial(consultation_page, filters, indexed_keyword=True))
            indexed_ms.append(t1)
            if len(naive_ms) < 3 or sum(naive_ms) < args.naive_seconds * 1000:
                t2, (rows_naive, _) = timed(partial(consultation_page, filters, indexed_keyword=False))
                naive_ms.append(t2)
                equal &= [c.pk for c in rows_indexed] == [c.pk for c in rows_naive]
        rows.append(
            [
                f"{label}: bigram index",
                len(cases),
                percentile(indexed_ms, 50),
                percentile(indexed_ms, 95),
                target,
                "yes" if equal else "NO",
            ]
        )
        p95, naive_p95 = percentile(indexed_ms, 95), percentile(naive_ms, 95)
        summary(
            f"staff search: {label}",
            f"p95 {p95:.1f} ms" + ("" if equal else " (ROWS DIFFER)"),
            f"p95 ≤ {target:.0f} ms",
            met=p95 <= target and equal,
            variant=f"naive icontains p95 {naive_p95:,.1f} ms",
        )
        rows.append(
            [
                f"{label}: naive icontains",
                len(naive_ms),
                percentile(naive_ms, 50),
                percentile(naive_ms, 95),
                "—",
                "(reference)",
            ]
        )

    two = []
    for _ in range(args.samples):
        start, end = window()
        two.append(ConsultationFilters(keyword=rng.choice(TWO_SYLLABLES), date_from=start, date_to=end))
    measure("2-syllable keyword + 3 months, first page", two, 100)
    measure(
        "3+-syllable keyword, full history, first page",
        [ConsultationFilters(keyword=rng.choice(LONGER)) for _ in range(args.samples)],
        150,
    )
    # The most common real query: the 2-syllable word in ~40 % of the bank, over the whole history.
    measure(
        "2-syllable keyword 대출, full history, first page",
        [ConsultationFilters(keyword="대출") for _ in range(min(args.samples, 50))],
        150,
    )
    measure("keyword found nowhere, full history", [ConsultationFilters(keyword=t) for t in ABSENT * 5], 150)

    # The search page itself (form, query, template) for the 2-syllable case.
    page_ms = []
    for filters in two[: min(100, len(two))]:
        query = {
            "keyword": filters.keyword,
            "date_from": str(filters.date_from),
            "date_to": str(filters.date_to),
        }
        page_ms.append(timed(partial(client.get, "/staff/consultations/", query))[0])
    rows.append(
        [
            "search page (view), 2-syllable + 3 months",
            len(page_ms),
            percentile(page_ms, 50),
            percentile(page_ms, 95),
            100,
            "—",
        ]
    )

    summary(
        "staff search page (view), 2-syllable + 3 months",
        f"p95 {percentile(page_ms, 95):.1f} ms",
        "p95 ≤ 100 ms",
        met=percentile(page_ms, 95) <= 100,
    )
    print_table(
        f"staff desk on {total:,} consultations (PostgreSQL, in-process Django client; ms)",
        ["case", "n", "p50 ms", "p95 ms", "target p95 ms", "same rows as naive"],
        rows,
    )


if __name__ == "__main__":
    main()
