"""`make bench`: the 1,000,000-consultation bank, every benchmark in bench/, and one table.

Builds the bank with seed_demo when the benchmark database has fewer consultations than the scale
asks (1,000,000; a database that already has them is reused), runs each benchmark as
a child process (their own detailed tables scroll past), and prints one table at the end: each
figure beside its target, whether it was met, and the naive or peer variant measured in the same
run. The table also goes to var/bench/summary-<time>.md with the machine description.

    ./scripts/bench.sh all [--quick] [--only messaging,api]
    ./scripts/bench.sh all --scale 10m [--quick]     # the staff-desk, API and analytics figures at
                                                      # 10,000,000 consultations beside 1,000,000

With `--scale 10m` the bank-size benchmarks (staff desk, API, analytics; not messaging, which
does not read the bank) run twice, on the 1M database (omnihana_bench) and on a 10M one
(omnihana_bench_10m, 2,000,000 customers, built by seed_demo when it has fewer), and the table
puts each figure at 1M beside the same figure at 10M; target, met and the naive variant are the
10M run's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, print_table, setup_django

BENCHES = ("messaging", "staff_desk", "api", "analytics")  # each with its default options
BANK_SIZED = ("staff_desk", "api", "analytics")
SCALES = {  # consultations, customers, database
    "1m": (1_000_000, 200_000, "omnihana_bench"),
    "10m": (10_000_000, 2_000_000, "omnihana_bench_10m"),
}
QUICK = {  # a smoke run of the whole chain: minutes instead of a quarter of an hour
    "messaging": ["--messages", "2000"],
    "staff_desk": ["--samples", "30"],
    "api": ["--seconds", "3", "--bulk-batches", "3"],
    "analytics": ["--samples", "5"],
}


def machine() -> str:
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        cpu = names[0] if names else ""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu or platform.machine()}), {memory} RAM, {platform.platform()}, "
        f"Python {platform.python_version()}, PostgreSQL {postgres}"
    )


def database_url(name: str) -> str:
    """DATABASE_URL with its database name replaced; the database is created and migrated if new."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    parts = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit(parts._replace(path=f"/{name}"))
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
        check=True,
    )
    return url


def build_bank(url: str, consultations: int, customers: int) -> str:
    """seed_demo on the database at `url` when it holds fewer consultations than asked."""
    env = {**os.environ, "DATABASE_URL": url}
    count = [PYTHON, "-c", _COUNT]
    have = int(subprocess.run(count, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)  # noqa: S603
    if have >= consultations:
        return f"reused: {have:,} consultations"
    began = time.monotonic()
    subprocess.run(  # noqa: S603 - our own manage.py
        [
            PYTHON,
            "manage.py",
            "seed_demo",
            "--consultations",
            str(consultations),
            "--customers",
            str(customers),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    have = int(subprocess.run(count, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout)  # noqa: S603
    return f"built with seed_demo in {time.monotonic() - began:.0f} s: {have:,} consultations"


_COUNT = (
    "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'omnihana.settings'); django.setup();"
    "from consultations.models import Consultation; print(Consultation.objects.count())"
)


def redis_database(url: str, number: int) -> str:
    """The Redis URL with its database number replaced: each bank gets a Redis database of its
    own, so what one bank's run cached (which keywords are common, the threshold of which depends
    on the table's size) never answers for the other."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(url)._replace(path=f"/{number}")) if url else url


def run_benches(names: list[str], quick: bool, url: str, summary_file: Path, redis_db: int = 0) -> list[str]:
    failed = []
    env = {**os.environ, "DATABASE_URL": url, "BENCH_SUMMARY": str(summary_file)}
    env["REDIS_URL"] = redis_database(os.environ.get("REDIS_URL", ""), redis_db)
    for name in names:
        print(f"\n==> bench.{name} on {url.rsplit('/', 1)[-1]}", flush=True)
        began = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own benchmark modules
            [PYTHON, "-m", f"bench.{name}", *(QUICK[name] if quick else [])],
            cwd=ROOT,
            env=env,
            check=False,
        )
        print(
            f"==> bench.{name}: exit {result.returncode} after {time.monotonic() - began:.0f} s", flush=True
        )
        if result.returncode != 0:
            failed.append(name)
    return failed


def read_summary(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


MET = {True: "yes", False: "NO", None: "—"}


def side_by_side(small: list[dict], big: list[dict], label: str) -> tuple[list[str], list[list[object]]]:
    """One row per figure: measured at 1M beside the bigger bank; target, met, variant of the bigger."""
    at_1m = {(line["bench"], line["figure"]): line for line in small}
    header = [
        "bench",
        "figure",
        "at 1M",
        f"at {label}",
        "target",
        f"met at {label}",
        f"naive / peer variant at {label}",
    ]
    rows: list[list[object]] = []
    for line in big:
        before = at_1m.pop((line["bench"], line["figure"]), None)
        rows.append(
            [line["bench"], line["figure"], before["measured"] if before else "—", line["measured"],
             line["target"], MET[line["met"]], line["variant"]]
        )  # fmt: skip
    for line in at_1m.values():  # measured at 1M only (messaging)
        rows.append(
            [line["bench"], line["figure"], line["measured"], "—", line["target"], MET[line["met"]],
             line["variant"]]
        )  # fmt: skip
    return header, rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="1m", help="bank size (10m: beside 1m)")
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run, not for the docs)")
    parser.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(BENCHES))
    args = parser.parse_args()
    setup_django()
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = set(names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    started = dt.datetime.now().astimezone()
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"summary-{started:%Y%m%d-%H%M%S}"
    scales = ["1m"] if args.scale == "1m" else ["1m", args.scale]
    banks, results, failed_runs = [], {}, []
    for scale in scales:
        consultations, customers, database = SCALES[scale]
        url = database_url(database)
        bank = build_bank(url, consultations, customers)
        banks.append(f"{scale.upper()} bank ({database}) {bank}")
        print(f"==> {banks[-1]}", flush=True)
        # Messaging does not read the bank: measured once, on the first.
        here = [n for n in names if scale == scales[0] or n in BANK_SIZED]
        summary_file = out_dir / f"{stem}-{scale}.jsonl"
        redis_db = scales.index(scale)
        failed_runs += [f"{n} ({scale})" for n in run_benches(here, args.quick, url, summary_file, redis_db)]
        results[scale] = read_summary(summary_file)

    description = machine()
    quick = " (--quick)" if args.quick else ""
    if len(scales) == 1:
        header = ["bench", "figure", "measured", "target", "met", "naive / peer variant, same run"]
        rows = [
            [
                line["bench"],
                line["figure"],
                line["measured"],
                line["target"],
                MET[line["met"]],
                line["variant"],
            ]
            for line in results["1m"]
        ]
    else:
        header, rows = side_by_side(results[scales[0]], results[scales[1]], scales[1].upper())
    print()
    title = f"make bench, {started:%Y-%m-%d %H:%M %Z}{quick}: {'; '.join(banks)}. Machine: {description}"
    table = print_table(title, header, rows)
    report = out_dir / f"{stem}.md"
    report.write_text(table + "\n")
    print(f"\n(table saved to {report.relative_to(ROOT)})")
    missed = [row for row in rows if row[-2] == "NO"]
    if failed_runs:
        print(f"benchmarks that did not finish: {', '.join(failed_runs)}")
    if missed:
        print(f"{len(missed)} figure(s) missed the target")
    raise SystemExit(1 if failed_runs else 0)


if __name__ == "__main__":
    main()
