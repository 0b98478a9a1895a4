"""The consultation table partitioned by month (docs/operations.md, "Past 10⁸ rows"), measured
beside the one table it is copied from: build, search and insert figures from one run.

    ./scripts/bench.sh partitioned [--samples 100] [--inserts 200] [--workers 2] [--rebuild]
    BENCH_DATABASE_URL=.../omnihana_bench_10m ./scripts/bench.sh partitioned      # at 10M

Builds once (reused while it holds as many rows as the real table; `--rebuild` starts again) a
schema `partitioned` in the benchmark database with its own `consultations_consultation`,
`PARTITION BY RANGE (occurred_at)`: one partition per Seoul calendar month of the bank, three
months ahead and a DEFAULT one. It is filled from the real table month by month, gets every
secondary index of the real table (the bigram GIN included) built partition by partition,
`--workers` at a time, then declared on the parent (which attaches them, building nothing), the
primary key (id, occurred_at) (a partitioned table's keys hold the partition key; the unique
(source client, external id) moves to a table of its own in the design and is left out), the
foreign keys (validated once) and the day-counter triggers on the parent.

Then the application's own search code, unchanged, runs against both: the copy is read with
`search_path = partitioned, public` (every other table is still the real one), the one table with
the default path, case by case in turn, and both must return the same rows. The insert figure is
`consultation_record` (the service a teller's note goes through: validation, insert, the
day-counter trigger, audit entry), each its own transaction, into each table; the rows inserted
are deleted at the end (the audit entries stay, as the staff-desk bench's do).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import threading
import time
from functools import partial

from bench.common import percentile, print_table, setup_django
from bench.staff_desk import ABSENT, LONGER, TWO_SYLLABLES, timed  # the same cases as the staff desk

SCHEMA = "partitioned"
TABLE = "consultations_consultation"
SEOUL = dt.timezone(dt.timedelta(hours=9))


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from first's month to three months after last's."""
    months, day = [], first.replace(day=1)
    end = (last.replace(day=1) + dt.timedelta(days=31 * 3 + 1)).replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def run_parallel(tasks: list[tuple[str, str]], workers: int) -> dict[str, float]:
    """Each (label, SQL) on one of `workers` connections of its own; seconds per label."""
    from django.db import connection

    from consultations.bulk import build_memory

    pending = list(tasks)
    lock = threading.Lock()
    seconds: dict[str, float] = {}
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            while True:
                with lock:
                    if not pending or errors:
                        return
                    label, sql = pending.pop(0)
                began = time.monotonic()
                with connection.cursor() as cursor:
                    cursor.execute(f"SET maintenance_work_mem = '{build_memory(sql)}'")
                    cursor.execute(sql)
                seconds[label] = time.monotonic() - began
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return seconds


def build(workers: int, rebuild: bool) -> list[list[object]]:
    """The partitioned copy; the rows of the build table (step, wall s, summed s)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), min(occurred_at), max(occurred_at), max(id) FROM public.{TABLE}")  # noqa: S608
        total, first, last, max_id = cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [SCHEMA])
        if cursor.fetchone() and not rebuild:
            cursor.execute(f"SELECT count(*) FROM {SCHEMA}.{TABLE}")  # noqa: S608
            if cursor.fetchone()[0] == total:
                print(f"reusing schema {SCHEMA}: {total:,} rows")
                return []
        print(f"building schema {SCHEMA} from {total:,} rows with {workers} workers", flush=True)
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"CREATE SEQUENCE {SCHEMA}.consultation_id START {max_id + 1}")
        cursor.execute(
            f"CREATE TABLE {SCHEMA}.{TABLE} (LIKE public.{TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) "
            "PARTITION BY RANGE (occurred_at)"
        )
        cursor.execute(
            f"ALTER TABLE {SCHEMA}.{TABLE} ALTER COLUMN id SET DEFAULT nextval('{SCHEMA}.consultation_id')"
        )
        starts = month_starts(first.astimezone(SEOUL).date(), last.astimezone(SEOUL).date())
        partitions = []
        for begin, end in zip(starts, starts[1:], strict=False):
            name = f"consultation_{begin:%Y_%m}"
            partitions.append((name, begin, end))
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{name} PARTITION OF {SCHEMA}.{TABLE} "
                f"FOR VALUES FROM ('{begin} 00:00+09') TO ('{end} 00:00+09')"
            )
        cursor.execute(f"CREATE TABLE {SCHEMA}.consultation_default PARTITION OF {SCHEMA}.{TABLE} DEFAULT")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s "
            "AND indexdef NOT LIKE 'CREATE UNIQUE%%' ORDER BY indexdef LIKE '%%USING gin%%' DESC, indexname",
            [TABLE],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [f"public.{TABLE}"],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass "
            "AND NOT tgisinternal ORDER BY tgname",
            [f"public.{TABLE}"],
        )
        triggers = cursor.fetchall()

    steps: list[list[object]] = []

    def step(label: str, tasks: list[tuple[str, str]], n_workers: int) -> None:
        began = time.monotonic()
        seconds = run_parallel(tasks, n_workers)
        steps.append([label, len(tasks), n_workers, time.monotonic() - began, sum(seconds.values())])
        print(f"  {label}: {time.monotonic() - began:.1f} s", flush=True)

    def month_rows(begin: dt.date, end: dt.date) -> str:
        return (
            f"INSERT INTO {SCHEMA}.{TABLE} SELECT * FROM public.{TABLE} "  # noqa: S608 - our own names
            f"WHERE occurred_at >= '{begin} 00:00+09' AND occurred_at < '{end} 00:00+09'"
        )

    step("rows copied, month by month", [(name, month_rows(b, e)) for name, b, e in partitions], workers)
    on_real = f" ON public.{TABLE} "
    step(
        "primary key (id, occurred_at), per partition",
        [(f"pk {name}", f"ALTER TABLE {SCHEMA}.{name} ADD CONSTRAINT {name}_pkey PRIMARY KEY (id, occurred_at)")
         for name, _b, _e in partitions],
        workers,
    )  # fmt: skip
    for kind, is_gin in (("b-tree", False), ("bigram GIN", True)):
        tasks = []
        for index_name, definition in indexes:
            if ("USING gin" in definition) != is_gin:
                continue
            rest = definition.split(on_real, 1)[1]
            for name, _b, _e in partitions:
                tasks.append((f"{index_name} {name}", f"CREATE INDEX ON {SCHEMA}.{name} {rest}"))
        label = f"{kind} indexes ({len(tasks) // max(1, len(partitions))} per partition)"
        step(label, tasks, workers)
    began = time.monotonic()
    with connection.cursor() as cursor:
        # Declared on the parent: each partition's equal index is attached, none is built again.
        for index_name, definition in indexes:
            cursor.execute(f"CREATE INDEX {index_name} ON {SCHEMA}.{TABLE} {definition.split(on_real, 1)[1]}")
        cursor.execute(f"ALTER TABLE {SCHEMA}.{TABLE} ADD PRIMARY KEY (id, occurred_at)")
    steps.append(
        ["indexes declared on the parent (attached)", len(indexes) + 1, 1, time.monotonic() - began, None]
    )
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {SCHEMA}.{TABLE} ADD CONSTRAINT {name} {definition}")
        for _name, definition in triggers:
            cursor.execute(definition.replace(f" ON public.{TABLE} ", f" ON {SCHEMA}.{TABLE} "))
    steps.append([f"{len(foreign_keys)} foreign keys validated, triggers", len(foreign_keys), 1,
                  time.monotonic() - began, None])  # fmt: skip
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SCHEMA}.{TABLE}")
    steps.append(["ANALYZE", 1, 1, time.monotonic() - began, None])
    return steps


def use(schema: str | None) -> None:
    """Read the copy (`schema`) or the real table (None) from here on, on this connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SET search_path = {schema}, public" if schema else "SET search_path = public")


def plan_partitions(sql: str, params: list) -> int:
    """How many of the copy's partitions the plan of `sql` reads (pruning leaves the rest out)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return len(set(re.findall(r"\bon (consultation_(?:\d{4}_\d{2}|default))\b", plan)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=100, help="searches per case")
    parser.add_argument("--inserts", type=int, default=200, help="notes recorded into each table")
    parser.add_argument("--workers", type=int, default=2, help="connections building the copy")
    parser.add_argument("--rebuild", action="store_true", help="build the copy again")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    setup_django()

    from django.db import connection, transaction

    from consultations.models import Channel, Consultation, MiddleCategory, Progress
    from consultations.search import ConsultationFilters, consultation_page
    from consultations.services import consultation_record
    from customers.models import User

    began = time.monotonic()
    steps = build(args.workers, args.rebuild)
    built_in = time.monotonic() - began
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = %s::regclass", [f"{SCHEMA}.{TABLE}"]
        )
        n_partitions = cursor.fetchone()[0]
    total = Consultation.objects.count()
    if steps:
        print_table(
            f"partitioned copy of {total:,} consultations built in {built_in:.0f} s "
            f"({n_partitions} partitions, {args.workers} workers)",
            ["step", "statements", "workers", "wall s", "summed s"],
            steps,
        )

    rng = random.Random(args.seed)
    latest = Consultation.objects.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
    if latest is None:
        raise SystemExit("the benchmark bank is empty: run seed_demo first")
    last_day = latest.astimezone(SEOUL).date()

    def window() -> tuple[dt.date, dt.date]:
        end = last_day - dt.timedelta(days=rng.randrange(0, 3 * 365 - 92))
        return end - dt.timedelta(days=91), end

    customers = list(
        User.objects.filter(username__startswith="cust")
        .order_by("?")
        .values_list("id", flat=True)[: args.samples]
    )
    cases: dict[str, tuple[list[ConsultationFilters], float]] = {
        "2-syllable keyword + 3 months, first page": (
            [
                ConsultationFilters(keyword=rng.choice(TWO_SYLLABLES), date_from=a, date_to=b)
                for a, b in (window() for _ in range(args.samples))
            ],
            100,
        ),  # fmt: skip
        "3+-syllable keyword, full history, first page": (
            [ConsultationFilters(keyword=rng.choice(LONGER)) for _ in range(args.samples)],
            150,
        ),
        "2-syllable keyword 대출, full history, first page": (
            [ConsultationFilters(keyword="대출") for _ in range(min(50, args.samples))],
            150,
        ),
        "keyword found nowhere, full history": ([ConsultationFilters(keyword=t) for t in ABSENT * 5], 150),
        "no keyword, 3 months, first page": (
            [ConsultationFilters(date_from=a, date_to=b) for a, b in (window() for _ in range(args.samples))],
            100,
        ),  # fmt: skip
        "one customer's consultations, first page": (
            [ConsultationFilters(customer_id=pk) for pk in customers],
            50,
        ),
    }
    rows = []
    for label, (filters_list, target) in cases.items():
        times: dict[str | None, list[float]] = {None: [], SCHEMA: []}
        same = True
        for filters in [filters_list[0], *filters_list]:  # the first one warms both up
            answers = {}
            for schema in (None, SCHEMA) if rng.random() < 0.5 else (SCHEMA, None):
                use(schema)
                ms, (page, _more) = timed(partial(consultation_page, filters))
                times[schema].append(ms)
                answers[schema] = [c.pk for c in page]
            same &= answers[None] == answers[SCHEMA]
        one, part = times[None][1:], times[SCHEMA][1:]
        rows.append([label, len(one), percentile(one, 50), percentile(one, 95), percentile(part, 50),
                     percentile(part, 95), target, "yes" if same else "NO"])  # fmt: skip

    # Pruning: how many partitions a 3-month search's plan reads.
    use(SCHEMA)
    a, b = window()
    bounded = Consultation.objects.filter(
        occurred_at__gte=dt.datetime.combine(a, dt.time(), SEOUL),
        occurred_at__lt=dt.datetime.combine(b, dt.time(), SEOUL),
    ).order_by("-occurred_at", "-id")[:51]
    bounded_sql, bounded_params = bounded.query.sql_with_params()
    pruned = plan_partitions(bounded_sql, list(bounded_params))
    use(None)

    # Inserts: a teller's note through the service, each in its own transaction, into each table.
    staff = list(User.objects.filter(role__in=["teller", "agent"]).order_by("id")[:20])
    middle = MiddleCategory.objects.select_related("main").order_by("id").first()
    if middle is None:
        raise SystemExit("no consultation categories: run seed_demo first")
    main_category = middle.main
    channel = Channel.objects.order_by("id").first()
    customer_users = list(User.objects.filter(pk__in=customers))
    inserted: dict[str | None, list[int]] = {None: [], SCHEMA: []}
    insert_ms: dict[str | None, list[float]] = {None: [], SCHEMA: []}

    def record(data: dict) -> Consultation:
        with transaction.atomic():
            return consultation_record(
                customer=rng.choice(customer_users), staff=rng.choice(staff), data=data, actor=None
            )

    for i in range(args.inserts * 2):
        schema = (None, SCHEMA)[i % 2]
        use(schema)
        data = {
            "occurred_at": dt.datetime.now(SEOUL) - dt.timedelta(minutes=rng.randrange(1, 600)),
            "channel": channel,
            "main_category": main_category,
            "middle_category": middle,
            "title": "벤치마크 상담 기록 정기예금 만기 안내",
            "notes": "분할 테이블 입력 측정용 기록입니다. 고객님께 만기 해지 절차와 재예치 금리를 안내했습니다.",
            "progress": Progress.DONE,
            "follow_up_needed": False,
        }
        ms, consultation = timed(partial(record, data))
        insert_ms[schema].append(ms)
        inserted[schema].append(consultation.pk)
    for schema, ids in inserted.items():
        use(schema)
        Consultation.objects.filter(pk__in=ids).delete()
    use(None)
    rows.append(["record a consultation (service, own transaction)", len(insert_ms[None]),
                 percentile(insert_ms[None], 50), percentile(insert_ms[None], 95),
                 percentile(insert_ms[SCHEMA], 50), percentile(insert_ms[SCHEMA], 95), "—", "—"])  # fmt: skip
    print_table(
        f"search and insert: one table vs {n_partitions} monthly partitions, {total:,} consultations (ms); "
        f"a 3-month search's plan reads {pruned} of {n_partitions} partitions",
        [
            "case",
            "n",
            "one table p50",
            "one table p95",
            "partitioned p50",
            "partitioned p95",
            "target p95",
            "same rows",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
