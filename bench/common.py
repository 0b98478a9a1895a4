"""Shared pieces of the benchmarks: Django set-up, child processes on loopback, tables."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omnihana.settings")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("benchmarks run on PostgreSQL: use ./scripts/bench.sh (it starts one)")
    import django

    django.setup()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(
    condition: Callable[[], bool], timeout: float, every: float = 0.1, tick: Callable[[], None] | None = None
) -> bool:
    """Poll `condition` until true or `timeout` seconds pass; `tick` runs between polls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return condition()


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Child:
    """A child process with its output in a log file; stopped by its own PID only."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], logdir: Path):
        self.name = name
        self.args = args
        self.env = env
        self.log = logdir / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Child:
        with self.log.open("ab") as out:
            # A session of its own, so kill() takes the child's own children (a prefork pool) too.
            self.proc = subprocess.Popen(  # noqa: S603
                self.args,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGKILL)  # type: ignore[union-attr]
            self.proc.wait(10)  # type: ignore[union-attr]

    def stop(self, timeout: float = 15) -> None:
        if self.alive():
            self.proc.terminate()  # type: ignore[union-attr]
            try:
                self.proc.wait(timeout)  # type: ignore[union-attr]
            except subprocess.TimeoutExpired:
                self.kill()


class PrivateRedis(Child):
    def __init__(self, logdir: Path, env: dict[str, str]):
        self.port = free_port()
        super().__init__(
            f"redis-{self.port}",
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(logdir),
            ],
            env,
            logdir,
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        super().start()
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def pings() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        if not wait_for(pings, 10):
            raise RuntimeError("redis did not start")
        return self


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [f"## {title}", ""]
    lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(cells[0], widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 100 else f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def summary(figure: str, measured: str, target: str, *, met: bool | None = None, variant: str = "—") -> None:
    """One line of the combined table that `make bench` (bench/all.py) prints at the end.

    Appended as JSON to the file named by $BENCH_SUMMARY; a benchmark run on its own has no such
    file and this does nothing. `variant` is the naive or peer variant measured in the same run.
    """
    path = os.environ.get("BENCH_SUMMARY")
    if not path:
        return
    import json

    line: dict[str, object] = {"bench": Path(sys.argv[0]).stem, "figure": figure, "measured": measured}
    line |= {"target": target, "met": met, "variant": variant}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
