"""`make bench`: the 1,000,000-consultation bank, every benchmark in bench/, and one table.

Builds the bank with seed_demo when the benchmark database has fewer than --consultations (a
database that already has them is reused: seeding again would add more), runs each benchmark as
a child process (their own detailed tables scroll past), and prints one table at the end: each
figure beside its target, whether it was met, and the naive or peer variant measured in the same
run. The table also goes to var/bench/summary-<time>.md with the machine description.

    ./scripts/bench.sh all [--quick] [--only messaging,api]
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


def build_bank(wanted: int) -> str:
    from consultations.models import Consultation

    have = Consultation.objects.count()
    if have >= wanted:
        return f"reused: {have:,} consultations already in the benchmark database"
    began = time.monotonic()
    subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", "seed_demo", "--consultations", str(wanted - have)], cwd=ROOT, check=True
    )
    return f"built with seed_demo in {time.monotonic() - began:.0f} s: {Consultation.objects.count():,} consultations"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--consultations", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="fewer samples (a smoke run, not for the docs)")
    parser.add_argument("--only", default="", help="comma-separated subset of: " + ", ".join(BENCHES))
    args = parser.parse_args()
    setup_django()
    names = [n for n in args.only.split(",") if n] or list(BENCHES)
    unknown = set(names) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    started = dt.datetime.now().astimezone()
    bank = build_bank(args.consultations)
    print(f"==> bank {bank}", flush=True)
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    summary_file = out_dir / f"summary-{started:%Y%m%d-%H%M%S}.jsonl"
    failed_runs = []
    for name in names:
        print(f"\n==> bench.{name}", flush=True)
        began = time.monotonic()
        result = subprocess.run(  # noqa: S603 - our own benchmark modules
            [PYTHON, "-m", f"bench.{name}", *(QUICK[name] if args.quick else [])],
            cwd=ROOT,
            env={**os.environ, "BENCH_SUMMARY": str(summary_file)},
            check=False,
        )
        print(
            f"==> bench.{name}: exit {result.returncode} after {time.monotonic() - began:.0f} s", flush=True
        )
        if result.returncode != 0:
            failed_runs.append(name)

    lines = (
        [json.loads(line) for line in summary_file.read_text().splitlines()] if summary_file.exists() else []
    )
    rows = [
        [
            line["bench"],
            line["figure"],
            line["measured"],
            line["target"],
            {True: "yes", False: "NO", None: "—"}[line["met"]],
            line["variant"],
        ]
        for line in lines
    ]
    print()
    description = machine()
    title = f"make bench, {started:%Y-%m-%d %H:%M %Z}{' (--quick)' if args.quick else ''}: {bank}. Machine: {description}"
    table = print_table(
        title, ["bench", "figure", "measured", "target", "met", "naive / peer variant, same run"], rows
    )
    report = out_dir / f"summary-{started:%Y%m%d-%H%M%S}.md"
    report.write_text(table + "\n")
    print(f"\n(table saved to {report.relative_to(ROOT)})")
    missed = [row for row in rows if row[4] == "NO"]
    if failed_runs:
        print(f"benchmarks that did not finish: {', '.join(failed_runs)}")
    if missed:
        print(f"{len(missed)} figure(s) missed the target")
    raise SystemExit(1 if failed_runs else 0)


if __name__ == "__main__":
    main()
