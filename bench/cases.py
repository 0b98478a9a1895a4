"""The case queues on a bank with 200,000 cases: every tab of /staff/cases/ (my cases, my team's,
unassigned in my team, overdue), a filter, the second keyset page, and the managers' team list,
through the real views and templates (in-process Django client, logged in as a card-team member).

Beside each, the naive variant in the same run: the same page with OFFSET pagination and exact
tab counts over every matching row (what a ListView with a Paginator does).

    ./scripts/bench.sh cases [--cases 200000] [--samples 200]

The benchmark cases are seeded once (COPY; marked by external_id "bench-N") and topped up if
fewer; the demo bank (seed_demo) must be there for its teams, staff and customers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import percentile, print_table, setup_django, summary

TARGET_MS = 50.0


def seed(total: int, rng: random.Random) -> int:
    """Top the bench cases up to `total`; returns how many were added."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, CaseEntry, Team
    from consultations.models import MainCategory
    from core.bulk import insert_rows
    from core.business_hours import business_deadline
    from customers.models import User

    have = Case.objects.filter(external_id__startswith="bench-").count()
    if have >= total:
        return 0
    teams = {t.code: t for t in Team.objects.prefetch_related("members")}
    if "card" not in teams:
        raise SystemExit("no demo teams: run `python manage.py seed_demo` on the benchmark database first")
    members = {code: [u.pk for u in t.members.all()] for code, t in teams.items()}
    agents = members["contact"]
    customers = list(User.objects.filter(role=User.Role.CUSTOMER).values_list("pk", flat=True))
    mains = list(MainCategory.objects.values_list("pk", flat=True))
    kinds = [k.value for k in Case.Kind]
    priorities = [p.value for p in Case.Priority]
    codes = list(teams)
    now = timezone.now()
    deadlines = settings.CASE_DEADLINE_BUSINESS_HOURS
    case_rows: list[list[Any]] = []
    next_id = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    plans = []
    for i in range(have, total):
        code = rng.choice(codes)
        kind = rng.choices(kinds, weights=[55, 35, 5, 5])[0]
        priority = rng.choices(priorities, weights=[10, 70, 15, 5])[0]
        # 15 % still open (opened in the last 20 days), the rest answered or closed over two years.
        is_open = rng.random() < 0.15
        age = dt.timedelta(minutes=rng.randrange(10, 20 * 24 * 60 if is_open else 730 * 24 * 60))
        opened = now - age
        due = business_deadline(opened, float(deadlines[kind][priority]))
        if is_open:
            status = rng.choices(
                ["received", "in_progress", "returned", "answered"], weights=[30, 55, 5, 10]
            )[0]
        else:
            status = rng.choices(["closed", "answered"], weights=[90, 10])[0]
        agent = rng.choice(agents)
        assignee = None if status == "received" else rng.choice(members[code] or agents)
        if status == "returned":
            assignee = agent
        resolved = None
        if status in ("answered", "closed"):
            resolved = min(now - dt.timedelta(minutes=1), opened + dt.timedelta(hours=rng.uniform(1, 120)))
        transferred = rng.random() < 0.1
        pk = next_id + i - have
        case_rows.append(
            [
                pk,
                rng.choice(customers),
                kind,
                priority,
                f"카드 결제 민원 {i}" if code == "card" else f"사건 {i}",
                "벤치마크용 사건",
                rng.choice(mains),
                status,
                teams[code].pk,
                assignee,
                teams["contact"].pk if transferred else None,
                agent,
                agent,
                teams["contact"].pk,
                f"bench-{i}",
                opened,
                due,
                resolved,
                resolved if status == "closed" else None,
                resolved,
                round((resolved - opened).total_seconds() / 3600, 2) if resolved else None,
            ]
        )
        plans.append((pk, agent, opened, code, transferred, status))
    columns = [
        "id", "customer_id", "kind", "priority", "title", "description", "main_category_id", "status",
        "team_id", "assignee_id", "sent_from_team_id", "sent_by_id", "opened_by_id", "opened_team_id",
        "external_id", "opened_at", "due_at", "answered_at", "closed_at", "resolved_at", "resolution_hours",
    ]  # fmt: skip
    entry_rows: list[list[Any]] = []
    for pk, agent, opened, code, transferred, status in plans:
        entry_rows.append(
            [pk, "opened", agent, "", False, teams["contact"].pk, teams[code].pk, "received", opened]
        )
        if transferred:
            at = opened + dt.timedelta(minutes=30)
            entry_rows.append(
                [pk, "transferred", agent, "이관", False, teams["contact"].pk, teams[code].pk, status, at]
            )
    with transaction.atomic():
        insert_rows(Case._meta.db_table, columns, case_rows)
        insert_rows(
            CaseEntry._meta.db_table,
            ["case_id", "kind", "author_id", "body", "is_public", "from_team_id", "to_team_id", "status_after",
             "created_at"],
            entry_rows,
        )  # fmt: skip
        with connection.cursor() as cursor:
            last = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [Case._meta.db_table, last])
    return len(case_rows)


def vacuum() -> None:
    """After a COPY the visibility map is empty and every index-only scan reads the heap too."""
    from django.db import connection

    from cases.models import Case, CaseEntry

    with connection.cursor() as cursor:
        for model in (Case, CaseEntry):
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")


@contextmanager
def naive_selectors() -> Iterator[None]:
    """The list view with OFFSET pages and exact counts, in place of keyset pages and capped counts."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from cases import views
    from cases.models import Case
    from cases.selectors import PAGE_SIZE, case_queue, my_team_ids

    def offset_page(*, user, filters, cursor="", size=PAGE_SIZE, teams=None):
        page = int(cursor) if cursor.isdigit() else 0
        qs = case_queue(user=user, filters=filters).select_related(
            "customer", "team", "assignee", "main_category"
        )
        total = qs.count()
        rows = list(qs.order_by("due_at", "id")[page * size : (page + 1) * size])
        return rows, (str(page + 1) if (page + 1) * size < total else None)

    def exact_counts(*, user, teams=None):
        teams = my_team_ids(user)
        open_ = Q(status__in=Case.OPEN)
        from cases.access import staff_case_condition

        return Case.objects.filter(staff_case_condition(user)).aggregate(
            mine=Count("id", filter=open_ & Q(assignee=user)),
            team=Count("id", filter=open_ & Q(team_id__in=teams)),
            unassigned=Count("id", filter=open_ & Q(team_id__in=teams, assignee__isnull=True)),
            overdue=Count("id", filter=open_ & Q(due_at__lt=timezone.now())),
        )

    saved = views.case_page, views.case_queue_counts
    views.case_page, views.case_queue_counts = offset_page, exact_counts  # type: ignore[assignment]
    try:
        yield
    finally:
        views.case_page, views.case_queue_counts = saved  # type: ignore[assignment]


CPU: list[float] = []  # this process's CPU time per request (Python: view, ORM, template), ms


def count_queries(client: Any, url: str, params: dict[str, str]) -> list[str]:
    """The SQL statements one request runs."""
    from django.db import connection

    seen: list[str] = []

    def record(execute: Any, sql: str, *rest: Any) -> Any:
        seen.append(sql)
        return execute(sql, *rest)

    with connection.execute_wrapper(record):
        client.get(url, params)
    return seen


def timed_get(client: Any, url: str, params: dict[str, str]) -> float:
    """Wall-clock ms of one request; its CPU time in this process goes to CPU (on a shared machine
    the wall clock also counts the time spent waiting for a core)."""
    start, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url, params)
    elapsed = (time.perf_counter() - start) * 1000
    CPU.append((time.thread_time() - cpu) * 1000)
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200_000, help="benchmark cases on the bank")
    parser.add_argument("--samples", type=int, default=200, help="requests per measured page")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.test import Client

    from cases.models import Case, Team
    from cases.selectors import CaseFilters, case_page
    from customers.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(args.seed)
    started = time.perf_counter()
    added = seed(args.cases, rng)
    if added:
        vacuum()
        print(f"seeded {added:,} benchmark cases in {time.perf_counter() - started:.1f} s")
    total = Case.objects.count()
    member = Team.objects.get(code="card").members.order_by("username").first()
    manager = User.objects.get(username="hnv9001")
    assert member is not None
    client, managers = Client(), Client()
    client.force_login(member)
    managers.force_login(manager)
    _rows, cursor = case_page(user=member, filters=CaseFilters(view="team"))
    pages: list[tuple[str, Client, str, dict[str, str], dict[str, str] | None]] = [
        # label, client, url, params, params of the naive variant (None: no naive variant)
        ("my cases (내 담당)", client, "/staff/cases/", {"view": "mine"}, {"view": "mine"}),
        ("my team's (우리 팀)", client, "/staff/cases/", {"view": "team"}, {"view": "team"}),
        ("unassigned in my team (팀 미배정)", client, "/staff/cases/", {"view": "unassigned"}, {"view": "unassigned"}),
        ("overdue (기한 초과)", client, "/staff/cases/", {"view": "overdue"}, {"view": "overdue"}),
        ("filter: team + 민원 + 높음", client, "/staff/cases/",
         {"view": "team", "kind": "complaint", "priority": "high"},
         {"view": "team", "kind": "complaint", "priority": "high"}),
        ("filter: search 제목 '결제'", client, "/staff/cases/", {"view": "team", "q": "결제"},
         {"view": "team", "q": "결제"}),
        ("second page (keyset) of my team's", client, "/staff/cases/", {"view": "team", "after": cursor or ""},
         {"view": "team", "after": "1"}),
        ("team list (/staff/teams/, manager)", managers, "/staff/teams/", {}, None),
    ]  # fmt: skip

    rows = []
    for label, who, url, params, naive_params in pages:
        who.get(url, params)  # warm-up
        queries = count_queries(who, url, params)
        CPU.clear()
        times = [timed_get(who, url, params) for _ in range(args.samples)]
        cpu = percentile(CPU, 95)
        naive_times: list[float] = []
        if naive_params is not None:
            with naive_selectors():
                who.get(url, naive_params)
                naive_times = [timed_get(who, url, naive_params) for _ in range(max(20, args.samples // 4))]
        p95 = percentile(times, 95)
        naive_p95 = percentile(naive_times, 95) if naive_times else None
        rows.append(
            [
                label,
                len(times),
                len(queries),
                percentile(times, 50),
                p95,
                cpu,
                "yes" if p95 <= TARGET_MS else "NO",
                f"{percentile(naive_times, 50):.1f} / {naive_p95:.1f}" if naive_p95 is not None else "—",
            ]
        )
        summary(
            f"case queue: {label}",
            f"p95 {p95:.1f} ms",
            f"p95 ≤ {TARGET_MS:.0f} ms",
            met=p95 <= TARGET_MS,
            variant=f"OFFSET + exact counts p95 {naive_p95:.1f} ms" if naive_p95 is not None else "—",
        )
    open_cases = Case.objects.filter(status__in=Case.OPEN).count()
    print_table(
        f"case queues on {total:,} cases ({open_cases:,} open), as {member.username} "
        "(PostgreSQL, in-process Django client; ms)",
        [
            "page",
            "n",
            "queries",
            "p50 ms",
            "p95 ms",
            "p95 Python CPU ms",
            f"p95 ≤ {TARGET_MS:.0f}",
            "naive: OFFSET + exact counts p50 / p95",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
