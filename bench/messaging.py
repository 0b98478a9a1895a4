"""Reminders through the whole pipeline: outbox rows → Celery on Redis → worker → real twilio
client → the local fake Twilio. Prints throughput, enqueue→sent latency, and sent / duplicate /
missing counts; then the same with faults: workers SIGKILLed every few seconds and Redis
killed and restarted during the run. Everything runs on loopback.

    ./scripts/bench.sh messaging                      # 10,000 messages
    ./scripts/bench.sh messaging --messages 100000
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.common import (
    PYTHON,
    Child,
    PrivateRedis,
    free_port,
    percentile,
    print_table,
    setup_django,
    summary,
    wait_for,
)

TARGET_RATE = 1000.0  # messages/s to the fake provider, no rate limit (issue #3)


def _phone(i: int) -> str:
    return f"+8210{70000000 + i % 20000000:08d}"


class Pipeline:
    def __init__(self, *, workers: int, concurrency: int, pool: str, logdir: Path, fake_url: str):
        self.redis = PrivateRedis(logdir, dict(os.environ)).start()
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "omnihana.settings",
            "REDIS_URL": self.redis.url,
            "CELERY_QUEUE": self.queue,
            "SMS_BACKEND": "twilio",
            "TWILIO_API_BASE": fake_url,
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": "bench-token",
            "TWILIO_FROM_NUMBER": "+15005550006",
            # Never called (the fake does not call back); it carries each message's id to the fake,
            # which counts copies per id: that is how duplicates are measured.
            "TWILIO_STATUS_CALLBACK_BASE": "http://127.0.0.1:9",
            "SMS_SEND_TIMEOUT": "5",
            "SMS_SWEEP_SECONDS": "2",
            "SMS_SWEEP_IDLE_SECONDS": "3",
            "SMS_STUCK_AFTER_SECONDS": "8",
            "LOG_LEVEL": "WARNING",
        }
        self.logdir = logdir
        self.concurrency = concurrency
        self.pool = pool
        self.spawned = 0
        self.workers = [self._worker() for _ in range(workers)]
        self.beat = Child(
            f"beat-{self.queue}",
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "omnihana",
                "beat",
                "--loglevel=WARNING",
                f"--schedule={logdir / (self.queue + '-beat')}",
            ],
            self.env,
            logdir,
        )

    def _worker(self) -> Child:
        self.spawned += 1
        name = f"worker-{self.queue}-{self.spawned}"
        return Child(
            name,
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "omnihana",
                "worker",
                f"--pool={self.pool}",
                f"--concurrency={self.concurrency}",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
            ],
            self.env,
            self.logdir,
        )

    def start(self) -> None:
        for worker in self.workers:
            worker.start()
        for worker in self.workers:
            if not wait_for(lambda w=worker: _ready(w), 60):  # type: ignore[misc]
                raise RuntimeError(f"{worker.name} did not start:\n{worker.log.read_text()[-2000:]}")
        self.beat.start()

    def replace_a_worker(self) -> None:
        victim = random.choice(self.workers)  # noqa: S311
        victim.kill()
        self.workers.remove(victim)
        fresh = self._worker().start()
        self.workers.append(fresh)

    def stop(self) -> None:
        for child in [*self.workers, self.beat]:
            child.stop()
        self.redis.stop()


def _ready(worker: Child) -> bool:
    return worker.log.exists() and b" ready." in worker.log.read_bytes()


def use_broker(url: str, queue: str) -> None:
    """Point this process's Celery producer at the pipeline's Redis and queue."""
    from omnihana.celery import app

    app.conf.broker_url = url
    app.conf.task_default_queue = queue
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    app._pool = None
    app.amqp._producer_pool = None


def run_variant(
    name: str,
    *,
    messages: int,
    workers: int,
    concurrency: int,
    pool: str,
    fault: bool,
    fake_url: str,
    logdir: Path,
    timeout: float,
) -> dict[str, object]:
    import requests
    from django.db import transaction
    from django.db.models import Max, Min

    from messaging.models import Message, Purpose
    from messaging.services import Outgoing, message_enqueue_many

    requests.post(f"{fake_url}/_reset", timeout=5)
    pipeline = Pipeline(workers=workers, concurrency=concurrency, pool=pool, logdir=logdir, fake_url=fake_url)
    use_broker(pipeline.redis.url, pipeline.queue)
    pipeline.start()
    run = f"bench:{name}:{uuid.uuid4().hex[:8]}:"
    stop_faults = threading.Event()
    events = {"worker_kills": 0, "redis_restarts": 0}

    def faults() -> None:
        started = time.monotonic()
        restarted = False
        while not stop_faults.wait(3.0):
            pipeline.replace_a_worker()
            events["worker_kills"] += 1
            if not restarted and time.monotonic() - started > 4:
                pipeline.redis.kill()  # a crash: queued tasks are gone
                time.sleep(1.0)
                pipeline.redis.start()
                events["redis_restarts"] += 1
                restarted = True

    faulter = threading.Thread(target=faults, daemon=True)
    when = datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    t0 = time.time()
    if fault:
        faulter.start()
    for start in range(0, messages, 1000):
        items = [
            Outgoing(
                key=f"{run}{i}",
                customer=None,
                to_phone=_phone(i),
                context={
                    "name": "손님",
                    "starts_at": when,
                    "channel": "영업점 창구",
                    "branch": "을지로 본점",
                },
            )
            for i in range(start, min(start + 1000, messages))
        ]
        with transaction.atomic():
            message_enqueue_many(purpose=Purpose.BOOKING_REMINDER, items=items)
    enqueued_s = time.time() - t0
    rows = Message.objects.filter(idempotency_key__startswith=run)
    done = wait_for(
        lambda: rows.filter(status__in=["sent", "failed"]).count() >= messages, timeout, every=0.5
    )
    stop_faults.set()
    if fault:
        faulter.join()
    pipeline.stop()

    span = rows.aggregate(first=Min("created_at"), last=Max("sent_at"))
    latencies = [
        (sent - created).total_seconds() * 1000
        for created, sent in rows.filter(sent_at__isnull=False).values_list("created_at", "sent_at")
        if sent is not None
    ]
    ids = {str(pk) for pk in rows.values_list("pk", flat=True)}
    stats = requests.get(f"{fake_url}/_stats", timeout=5).json()
    refs = {ref: n for ref, n in stats["refs"].items() if ref in ids}
    sent = rows.filter(status="sent").count()
    seconds = (span["last"] - span["first"]).total_seconds() if span["last"] else float("nan")
    result = {
        "variant": name,
        "messages": messages,
        "enqueue_s": enqueued_s,
        "seconds": seconds,
        "rate": sent / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "sent": sent,
        "failed": rows.filter(status="failed").count(),
        "duplicates": sum(n - 1 for n in refs.values() if n > 1),
        "missing": messages - len(refs),
        "finished": done,
        **events,
    }
    Message.objects.filter(idempotency_key__startswith=run).delete()
    return result


def parse_variant(text: str) -> tuple[str, int, int]:
    """'prefork:2x3' -> ('prefork', 2 worker processes, concurrency 3 each)."""
    pool, _, shape = text.partition(":")
    workers, _, concurrency = shape.partition("x")
    return pool, int(workers), int(concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument(
        "--variants",
        default="prefork:1x4,threads:2x8",
        help="worker set-ups to compare, pool:PROCESSESxCONCURRENCY; the first also runs with faults",
    )
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--no-fault", action="store_true", help="skip the fault run")
    args = parser.parse_args()
    setup_django()

    logdir = Path(tempfile.mkdtemp(prefix="omnihana-bench-msg-"))
    fake_port = free_port()
    fake = Child(
        "fake-twilio",
        [PYTHON, "-m", "messaging.fake_twilio", "--port", str(fake_port)],
        dict(os.environ),
        logdir,
    ).start()
    fake_url = f"http://127.0.0.1:{fake_port}"
    import requests

    wait_for(lambda: _up(requests, fake_url), 10)
    variants = [parse_variant(v) for v in args.variants.split(",")]
    plan = [(v, False) for v in variants] + ([] if args.no_fault else [(variants[0], True)])
    results = []
    try:
        for (pool, workers, concurrency), fault in plan:
            label = f"{pool} {workers}×{concurrency}" + (" + faults" if fault else "")
            result = run_variant(
                label,
                messages=args.messages,
                workers=workers,
                concurrency=concurrency,
                pool=pool,
                fault=fault,
                fake_url=fake_url,
                logdir=logdir,
                timeout=args.timeout,
            )
            results.append(result)
    finally:
        fake.stop()
    print_table(
        f"messaging: {args.messages:,} reminders to the fake Twilio, no rate limit "
        f"(target ≥ {TARGET_RATE:,.0f} msg/s; 0 duplicates and 0 missing, with faults too)",
        [
            "workers",
            "msg/s",
            "p50 ms",
            "p95 ms",
            "sent",
            "failed",
            "duplicates",
            "missing",
            "worker kills",
            "redis restarts",
            "finished",
        ],
        [
            [
                r["variant"],
                r["rate"],
                r["p50_ms"],
                r["p95_ms"],
                r["sent"],
                r["failed"],
                r["duplicates"],
                r["missing"],
                r["worker_kills"],
                r["redis_restarts"],
                "yes" if r["finished"] else "NO (timeout)",
            ]
            for r in results
        ],
    )
    print(f"(logs: {logdir})")
    normal = [r for r in results if "faults" not in str(r["variant"])]
    for r in results:
        clean = r["duplicates"] == 0 and r["missing"] == 0 and bool(r["finished"])
        if "faults" in str(r["variant"]):
            measured = (
                f"{r['rate']:,.0f} msg/s; {r['duplicates']} dup, {r['missing']} missing after "
                f"{r['worker_kills']} worker kills and {r['redis_restarts']} Redis crash"
            )
            summary(f"SMS under faults, {r['variant']}", measured, "0 dup, 0 missing", met=clean)
            continue
        peers = "; ".join(f"{p['variant']}: {p['rate']:,.0f} msg/s" for p in normal if p is not r) or "—"
        summary(
            f"SMS pipeline, {args.messages:,} reminders, {r['variant']}",
            f"{r['rate']:,.0f} msg/s; {r['duplicates']} dup, {r['missing']} missing",
            f"≥ {TARGET_RATE:,.0f} msg/s, 0 dup, 0 missing",
            met=clean and float(r["rate"]) >= TARGET_RATE,  # type: ignore[arg-type]
            variant=peers,
        )


def _up(requests, url: str) -> bool:
    try:
        return requests.get(f"{url}/_stats", timeout=0.5).ok
    except requests.RequestException:
        return False


if __name__ == "__main__":
    main()
