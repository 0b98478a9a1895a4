"""Manager analytics over a year of a 1,000,000-consultation bank, and the branch finder over 1,000
branches. Each chart endpoint is timed through the real view (in-process Django client); the
consultation charts are also computed straight from the raw rows (the "naive" variant) in the
same run, and the two must give the same numbers.

    ./scripts/bench.sh analytics [--samples 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from bench.common import percentile, print_table, setup_django, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30, help="requests per chart endpoint")
    parser.add_argument("--branches", type=int, default=1000)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from analytics.tables import BUILDERS, Scope, consultation_days
    from branches.models import Branch
    from consultations.counts import Period, counts_by, counts_over_time
    from consultations.models import Consultation
    from customers.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    total = Consultation.objects.count()
    if total < 100_000:
        print(
            f"note: only {total:,} consultations; `python manage.py seed_demo --consultations 1000000` first"
        )
    today = timezone.localdate()
    first = today - dt.timedelta(days=364)
    client = Client()
    client.force_login(User.objects.get(username="hnv9001"))

    def timed_get(url: str, params: dict) -> float:
        start = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code)
        return elapsed

    rows: list[list] = []
    cases = [(name, "month") for name in BUILDERS] + [("timeline", "day"), ("timeline", "week")]
    for name, granularity in cases:
        params = {"date_from": first.isoformat(), "date_to": today.isoformat(), "granularity": granularity}
        url = f"/staff/analytics/charts/{name}.json"
        timed_get(url, params)  # warm-up
        times = [timed_get(url, params) for _ in range(args.samples)]
        rows.append(
            [
                f"chart {name} ({granularity}), day table",
                len(times),
                percentile(times, 50),
                percentile(times, 95),
                300,
                "",
            ]
        )

    # the same consultation numbers from raw rows, no pre-aggregation
    period = Period(first, today, "month")
    scope = Scope(period=period)
    raw = Consultation.objects.all()
    naive_cases = {
        "timeline": lambda qs: counts_over_time(qs, period, split="channel")[1],
        "channel": lambda qs: counts_by(qs, "channel"),
        "staff": lambda qs: counts_by(qs, "staff"),
        "branch": lambda qs: counts_by(qs, "branch"),
    }
    from consultations.counts import in_period

    for name, compute in naive_cases.items():
        times = []
        for _ in range(max(3, args.samples // 5)):
            start = time.perf_counter()
            naive = compute(in_period(raw, period))
            times.append((time.perf_counter() - start) * 1000)
        same = compute(consultation_days(scope)) == naive
        rows.append(
            [
                f"chart {name} (month), raw rows (naive)",
                len(times),
                percentile(times, 50),
                percentile(times, 95),
                "—",
                "yes" if same else "NO",
            ]
        )

    # branch finder over N branches (bench database only)
    have = Branch.objects.count()
    if have < args.branches:
        rng = random.Random(3)
        areas = [("서울특별시 강남구", 37.50, 127.04), ("서울특별시 중구", 37.56, 126.99), ("부산광역시 해운대구", 35.16, 129.16),
                 ("대전광역시 서구", 36.35, 127.38), ("경기도 성남시 분당구", 37.38, 127.12), ("광주광역시 북구", 35.17, 126.91)]  # fmt: skip
        Branch.objects.bulk_create(
            Branch(
                code=f"B{n:05d}",
                name=f"벤치 {n} 지점",
                phone1="02-0000-0000",
                postcode="00000",
                address=f"{area} 벤치로 {n}",
                latitude=Decimal(f"{lat + rng.uniform(-0.05, 0.05):.6f}"),
                longitude=Decimal(f"{lng + rng.uniform(-0.05, 0.05):.6f}"),
                services=rng.sample(["예금", "대출", "외환", "카드", "자산관리"], 3),
            )
            for n in range(have, args.branches)
            for area, lat, lng in [rng.choice(areas)]
        )
    count = Branch.objects.filter(is_active=True).count()
    anonymous = Client()
    finder_cases = [
        ("all, nearest to a position", {"lat": "37.4995", "lng": "127.0310"}),
        ("typed area, nearest first", {"near": "강남구"}),
        ("name + service + open now", {"q": "지점", "service": "외환", "open_now": "on"}),
    ]
    for label, params in finder_cases:
        anonymous.get("/branches/", params)
        times = []
        for _ in range(args.samples * 3):
            start = time.perf_counter()
            response = anonymous.get("/branches/", params)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        rows.append(
            [f"branch finder page: {label}", len(times), percentile(times, 50), percentile(times, 95), 30, ""]
        )

    by_label = {row[0]: row for row in rows}
    for name, granularity in cases:
        chart = by_label[f"chart {name} ({granularity}), day table"]
        naive = by_label.get(f"chart {name} (month), raw rows (naive)")
        summary(
            f"analytics chart {name} by {granularity}, a year of data",
            f"p95 {chart[3]:.1f} ms",
            "p95 ≤ 300 ms",
            met=float(chart[3]) <= 300,
            variant=f"from raw rows (by month) p95 {naive[3]:.1f} ms, same numbers: {naive[5]}"
            if naive
            else "—",
        )
    for label, _params in finder_cases:
        row = by_label[f"branch finder page: {label}"]
        summary(f"branch finder over {count:,} branches: {label}", f"p95 {row[3]:.1f} ms", "p95 ≤ 30 ms",
                met=float(row[3]) <= 30)  # fmt: skip
    print_table(
        f"analytics: one year of {total:,} consultations; branch finder over {count:,} branches "
        "(PostgreSQL, in-process Django client; ms)",
        ["case", "n", "p50 ms", "p95 ms", "target p95 ms", "same numbers"],
        rows,
    )


if __name__ == "__main__":
    main()
