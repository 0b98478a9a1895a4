"""Reminders through the whole pipeline: outbox rows → Celery on Redis → worker → real twilio
client → the local fake Twilio. Prints throughput, enqueue→sent latency, and sent / duplicate /
missing counts; then the same with faults: workers SIGKILLed every few seconds and Redis
killed and restarted during the run. Everything runs on loopback.

    ./scripts/bench.sh messaging                      # 10,000 messages
    ./scripts/bench.sh messaging --messages 100000

The mixed run (issue 21): --bulk marketing messages queued in batches of 1,000 and handed to the
bulk lane in tasks of SMS_TASK_BATCH (--bulk-path campaign: one message_enqueue per recipient,
the slice handed over in the same batch tasks, the pacer's path before it wrote by COPY), then --tx OTP/booking
messages arriving one by one at --tx-rate while the bulk lane drains. One worker per lane as
docker-compose starts them (transactional prefork ×4, notice prefork ×2 also on the default queue
of the periodic jobs, bulk threads ×8), each a separate
process on its own queue, one beat, a private Redis, the fake Twilio over loopback. Variants in
the same run: the lanes; the single queue (the same workers, every purpose on one queue); the
lanes with the bulk worker SIGKILLed mid-drain and restarted, then Redis crashed and restarted
(the sweep finds what the lost tasks carried). A worker that exits on its own is started again,
as `restart: unless-stopped` does. The ceiling row: the raw Twilio client alone, no database, no
queue, one client per thread with as many threads as the lanes' workers have slots.

    ./scripts/bench.sh messaging --mixed                          # 50,000 bulk + 1,000 OTP/booking
    ./scripts/bench.sh messaging --mixed --bulk 2000 --tx 200     # a few minutes

Quiet hours: advertising may not leave 21:00–08:00 KST without the customer's separate night
consent, checked at enqueue and in the claim query. The bench does not freeze the clock (the
workers are other processes): its marketing goes to bench customers who have both consents
(marketing_consent and marketing_night_consent), so the law lets it leave at any hour and the
run measures the same thing at noon and at midnight. OTP/booking messages are not advertising.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import os
import random
import signal
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

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


def celery_child(name: str, command: list[str], env: dict[str, str], logdir: Path, *, nice: int = 0) -> Child:
    """`celery -A omnihana <command>` as a child process with its own log; `nice` > 0 gives it a
    lower CPU priority (nice execs the command, so the PID is the worker's own)."""
    prefix = ["nice", "-n", str(nice)] if nice else []
    return Child(name, [*prefix, PYTHON, "-m", "celery", "-A", "omnihana", *command], env, logdir)


def worker_child(
    name: str,
    *,
    pool: str,
    concurrency: int,
    env: dict[str, str],
    logdir: Path,
    queues: list[str] | None = None,
    nice: int = 0,
) -> Child:
    """One Celery worker as the deployment starts it, without the cluster chatter a bench does not
    need (heartbeat, mingle, gossip); `queues` None: the default queue of its environment."""
    return celery_child(
        name,
        [
            "worker",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            *(["-Q", ",".join(queues)] if queues else []),
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
        ],
        env,
        logdir,
        nice=nice,
    )


def beat_child(name: str, *, env: dict[str, str], logdir: Path) -> Child:
    return celery_child(
        name, ["beat", "--loglevel=WARNING", f"--schedule={logdir / (name + '-schedule')}"], env, logdir
    )


def start_all(workers: list[Child], beat: Child, *, timeout: float) -> None:
    """Start the workers, wait until each says it is ready, then the beat."""
    for worker in workers:
        worker.start()
    for worker in workers:
        if not wait_for(lambda w=worker: _ready(w), timeout):  # type: ignore[misc]
            raise RuntimeError(f"{worker.name} did not start:\n{worker.log.read_text()[-2000:]}")
    beat.start()


class Pipeline:
    def __init__(self, *, workers: int, concurrency: int, pool: str, logdir: Path, fake_url: str):
        self.redis = PrivateRedis(logdir, dict(os.environ)).start()
        self.queue = f"bench-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "omnihana.settings",
            "REDIS_URL": self.redis.url,
            "CELERY_QUEUE": self.queue,
            # The single-queue variant: every lane on the one private queue.
            "SMS_QUEUE_TRANSACTIONAL": self.queue,
            "SMS_QUEUE_NOTICE": self.queue,
            "SMS_QUEUE_BULK": self.queue,
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
        self.beat = beat_child(f"beat-{self.queue}", env=self.env, logdir=logdir)

    def _worker(self) -> Child:
        self.spawned += 1
        name = f"worker-{self.queue}-{self.spawned}"
        return worker_child(
            name, pool=self.pool, concurrency=self.concurrency, env=self.env, logdir=self.logdir
        )

    def start(self) -> None:
        start_all(self.workers, self.beat, timeout=60)

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
    from django.conf import settings

    from omnihana.celery import app

    app.conf.broker_url = url
    app.conf.task_default_queue = queue
    settings.SMS_LANE_QUEUES = dict.fromkeys(settings.SMS_LANE_QUEUES, queue)
    app.conf.task_routes = {name: {"queue": queue} for name in settings.CELERY_TASK_ROUTES}
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
    from messaging.outbox import Outgoing, message_enqueue_many

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
    parser.add_argument(
        "--mixed", action="store_true", help="the mixed run: bulk marketing and OTP/booking lanes"
    )
    parser.add_argument("--bulk", type=int, default=50_000, help="mixed run: bulk marketing messages")
    parser.add_argument("--tx", type=int, default=1_000, help="mixed run: OTP/booking messages")
    parser.add_argument(
        "--bulk-path",
        choices=["batch", "campaign"],
        default="batch",
        help="mixed run: bulk rows in batches of 1,000 (tasks of SMS_TASK_BATCH), or one message_enqueue each",
    )
    parser.add_argument(
        "--tx-rate", type=float, default=20.0, help="mixed run: OTP/booking arrivals per second"
    )
    args = parser.parse_args()
    setup_django()
    if args.mixed:
        main_mixed(args)
        return

    logdir = Path(tempfile.mkdtemp(prefix="omnihana-bench-msg-"))
    fake_port = free_port()
    fake = Child(
        "fake-twilio",
        [PYTHON, "-m", "tests.fakes.twilio", "--port", str(fake_port)],
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


# --- The mixed run (issue 21): bulk marketing draining while OTP/booking messages arrive. ------

# The lanes as docker-compose starts them: (lane, pool, concurrency, extra queues).
# The last field is the CPU priority: on a contended machine an OTP's send is mostly waiting for a
# core, so the bulk lane yields (nice 10 here; docker-compose gives worker-bulk a lower cpu_shares).
LANE_WORKERS = [
    ("transactional", "prefork", 4, [], 0),
    ("notice", "prefork", 2, ["default"], 0),  # the periodic jobs (sweep, board check) beside the notices
    ("bulk", "threads", 8, [], 10),
]
TX_TARGET_P95_MS = 2000.0
CEILING_GOAL = 0.5
_PIPELINES: list[LanePipeline] = []


class LanePipeline:
    """One Redis, one beat and one worker per lane, each a separate process with its own queue and
    concurrency; with `single_queue` the same workers all consume one queue (every purpose on it)."""

    def __init__(self, *, single_queue: bool, logdir: Path, fake_url: str):
        _PIPELINES.append(self)  # stopped in main_mixed's finally too, if a variant fails half-way
        self.redis = PrivateRedis(logdir, dict(os.environ)).start()
        tag = uuid.uuid4().hex[:8]
        if single_queue:
            self.queues = dict.fromkeys(["transactional", "notice", "bulk", "default"], f"bench-{tag}")
        else:
            self.queues = {
                lane: f"bench-{tag}-{lane}" for lane in ["transactional", "notice", "bulk", "default"]
            }
        self.env = {
            **os.environ,
            **_fake_twilio_env(fake_url),
            "DJANGO_SETTINGS_MODULE": "omnihana.settings",
            "REDIS_URL": self.redis.url,
            "CELERY_QUEUE": self.queues["default"],
            "SMS_QUEUE_TRANSACTIONAL": self.queues["transactional"],
            "SMS_QUEUE_NOTICE": self.queues["notice"],
            "SMS_QUEUE_BULK": self.queues["bulk"],
            # Nearer production (30 s / 30 s / 120 s) than the reminder run's 2 / 3 / 8 s: with a
            # bulk backlog a batch's last row can wait 8 s in 'sending' on a loaded machine, and
            # every such row's lookup (messaging.reconcile) runs on the transactional lane.
            "SMS_SWEEP_SECONDS": "5",
            "SMS_SWEEP_IDLE_SECONDS": "30",
            "SMS_STUCK_AFTER_SECONDS": "60",
        }
        self.logdir = logdir
        self.spawned = 0
        self.workers = {lane: self._worker(lane) for lane, *_ in LANE_WORKERS}
        self.beat = beat_child(f"beat-{tag}", env=self.env, logdir=logdir)

    def _worker(self, lane: str) -> Child:
        _, pool, concurrency, extra, nice = next(w for w in LANE_WORKERS if w[0] == lane)
        queues = sorted({self.queues[lane], *(self.queues[q] for q in extra)})
        self.spawned += 1
        name = f"{lane}-{self.spawned}-{self.queues[lane]}"
        return worker_child(
            name,
            pool=pool,
            concurrency=concurrency,
            queues=queues,
            env=self.env,
            logdir=self.logdir,
            nice=nice,
        )

    def start(self) -> None:
        start_all(list(self.workers.values()), self.beat, timeout=90)

    def kill_and_restart(self, lane: str) -> None:
        self.workers[lane].kill()  # SIGKILL: its claimed rows are left 'sending' for the sweep
        self.workers[lane] = self._worker(lane).start()

    def revive(self) -> int:
        """Start again any worker that exited on its own, as docker-compose's `restart:
        unless-stopped` does (a prefork worker can exit on a Redis restart: kombu's
        'Unrecoverable error'). Returns how many were started."""
        revived = 0
        for lane, worker in list(self.workers.items()):
            if worker.proc is not None and not worker.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.proc.pid, signal.SIGKILL)  # its pool children, if any are left
                self.workers[lane] = self._worker(lane).start()
                revived += 1
        return revived

    def stop(self) -> None:
        for child in [*self.workers.values(), self.beat]:
            child.stop()
        self.redis.stop()


def _fake_twilio_env(fake_url: str) -> dict[str, str]:
    return {
        "SMS_BACKEND": "twilio",
        "TWILIO_API_BASE": fake_url,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "bench-token",
        "TWILIO_FROM_NUMBER": "+15005550006",
        # Never called: it carries each message's id to the fake, which counts copies per id.
        "TWILIO_STATUS_CALLBACK_BASE": "http://127.0.0.1:9",
        "SMS_SEND_TIMEOUT": "5",
        "SMS_SWEEP_SECONDS": "2",
        "SMS_SWEEP_IDLE_SECONDS": "3",
        "SMS_STUCK_AFTER_SECONDS": "8",
        "LOG_LEVEL": "WARNING",
    }


def use_lanes(url: str, queues: dict[str, str]) -> None:
    """Point this process's producer at the pipeline's Redis and its lane queues."""
    from django.conf import settings

    from omnihana.celery import app

    app.conf.broker_url = url
    app.conf.task_default_queue = queues["default"]
    settings.SMS_LANE_QUEUES = {lane: queues[lane] for lane in ["transactional", "notice", "bulk"]}
    app.conf.task_routes = {
        "messaging.send": {"queue": queues["notice"]},
        "messaging.send_batch": {"queue": queues["notice"]},
        "messaging.reconcile": {"queue": queues["notice"]},
        "campaigns.pace": {"queue": queues["bulk"]},
    }
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    app._pool = None
    app.amqp._producer_pool = None


def bench_customers(count: int) -> list:
    """Customers who consent to advertising, also at night (정보통신망법 §50's separate consent):
    the law lets their marketing leave at any hour, so the run does not depend on the wall clock."""
    from customers.models import CustomerProfile
    from customers.services import CustomerExists, customer_by_phone, customer_create_without_login

    people: list[Any] = []
    for i in range(count):
        phone = f"+82106999{i:04d}"
        person: Any
        try:
            person = customer_create_without_login(
                name=f"벤치{i}", birth_date=datetime.date(1990, 1, 1), phone=phone, marketing_consent=True
            )
        except CustomerExists:
            person = customer_by_phone(phone)
        people.append(person)
    CustomerProfile.objects.filter(user__in=people).update(
        marketing_consent=True, marketing_night_consent=True
    )
    return people


def _lane_stats(rows, fake_refs: dict[str, int]) -> dict[str, Any]:
    from django.db.models import Max, Min

    count = rows.count()
    span = rows.aggregate(first=Min("created_at"), last=Max("sent_at"))
    latencies = [
        (sent - created).total_seconds() * 1000
        for created, sent in rows.filter(sent_at__isnull=False).values_list("created_at", "sent_at")
    ]
    ids = {str(pk) for pk in rows.values_list("pk", flat=True)}
    refs = {ref: n for ref, n in fake_refs.items() if ref in ids}
    sent = rows.filter(status="sent").count()
    seconds = (span["last"] - span["first"]).total_seconds() if span["last"] else float("nan")
    return {
        "messages": count,
        "sent": sent,
        "seconds": seconds,
        "rate": sent / seconds if seconds else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "duplicates": sum(n - 1 for n in refs.values() if n > 1),
        "missing": count - len(refs),
    }


def _warm_up(run: str, people: list[Any]) -> None:
    """One message through each worker slot first, so the table does not count each process's
    first send (imports, connections) as lane latency. Not counted in any row."""
    from django.conf import settings

    from messaging.models import Message, Purpose
    from messaging.outbox import message_enqueue

    slots = sum(w[2] for w in LANE_WORKERS)
    for i in range(slots):
        if i % 2:
            message_enqueue(
                purpose=Purpose.OTP, key=f"{run}warm:{i}", context={"code": "000000"}, to_phone=_phone(i)
            )
        else:
            message_enqueue(
                purpose=Purpose.MARKETING,
                key=f"{run}warm:{i}",
                context={},
                customer=people[0],
                to_phone=_phone(i),
                body=f"(광고)[하나은행] 안내\n무료수신거부 {settings.MARKETING_OPT_OUT_NUMBER}",
            )
    warm = Message.objects.filter(idempotency_key__startswith=f"{run}warm:")
    wait_for(lambda: warm.filter(status="sent").count() >= slots, 60, every=0.2)


def run_mixed_variant(
    name: str,
    *,
    bulk: int,
    tx: int,
    tx_rate: float,
    bulk_path: str,
    single_queue: bool,
    fault: bool,
    people: list,
    fake_url: str,
    logdir: Path,
    timeout: float,
) -> dict[str, Any]:
    import requests
    from django.conf import settings
    from django.db import transaction

    from messaging.body import message_kind
    from messaging.lanes import BULK
    from messaging.models import Message, Purpose
    from messaging.outbox import message_enqueue, message_hand_over
    from messaging.tasks import message_deliveries_enqueue

    requests.post(f"{fake_url}/_reset", timeout=5)
    pipeline = LanePipeline(single_queue=single_queue, logdir=logdir, fake_url=fake_url)
    use_lanes(pipeline.redis.url, pipeline.queues)
    pipeline.start()
    run = f"bench:{name}:{uuid.uuid4().hex[:8]}:"
    _warm_up(run, people)
    bulk_rows = Message.objects.filter(idempotency_key__startswith=f"{run}bulk:")
    tx_rows = Message.objects.filter(idempotency_key__startswith=f"{run}tx:")
    events = {"worker_kills": 0, "redis_restarts": 0, "revived": 0}
    stop = threading.Event()

    def supervise() -> None:
        while not stop.wait(1.0):
            events["revived"] += pipeline.revive()

    supervisor = threading.Thread(target=supervise, daemon=True)
    supervisor.start()

    def faults() -> None:
        # Mid-drain: the bulk worker SIGKILLed and restarted, then Redis crashed and restarted.
        if not wait_for(lambda: bulk_rows.filter(status="sent").count() >= bulk // 3, timeout, every=0.2):
            return
        pipeline.kill_and_restart("bulk")
        events["worker_kills"] += 1
        if stop.wait(3.0):
            return
        pipeline.redis.kill()  # a crash: every queued task is gone, the sweep must find the rows
        time.sleep(1.0)
        pipeline.redis.start()
        events["redis_restarts"] += 1

    faulter = threading.Thread(target=faults, daemon=True)
    if fault:
        faulter.start()
    advert = f"(광고)[하나은행] 12월 적금 특판 안내\n무료수신거부 {settings.MARKETING_OPT_OUT_NUMBER}"
    t0 = time.time()
    for start in range(0, bulk, 1000):
        numbers = range(start, min(start + 1000, bulk))
        if bulk_path == "campaign":
            # The campaign pacer's earlier path: one message_enqueue per recipient (consent checked
            # for each), the slice handed to the bulk lane in tasks of SMS_TASK_BATCH.
            with transaction.atomic():
                message_hand_over(
                    [
                        message_enqueue(
                            purpose=Purpose.MARKETING,
                            key=f"{run}bulk:{i}",
                            context={},
                            customer=people[i % len(people)],
                            to_phone=_phone(i),
                            body=advert,
                            hand_over=False,
                        ).pk
                        for i in numbers
                    ]
                )
            continue
        # The batch path (message_enqueue_many's shape, which refuses marketing only because it does
        # not look at consent): rows in one INSERT, handed to the bulk lane in tasks of
        # SMS_TASK_BATCH. Every recipient consents, also at night; the claim query checks it again.
        with transaction.atomic():
            Message.objects.bulk_create(
                [
                    Message(
                        idempotency_key=f"{run}bulk:{i}",
                        purpose=Purpose.MARKETING,
                        customer=people[i % len(people)],
                        to_phone=_phone(i),
                        body=advert,
                        kind=message_kind(advert),
                    )
                    for i in numbers
                ]
            )
            due = list(
                Message.objects.filter(idempotency_key__in=[f"{run}bulk:{i}" for i in numbers]).values_list(
                    "pk", flat=True
                )
            )
            transaction.on_commit(functools.partial(message_deliveries_enqueue, due, lane=BULK), robust=True)
    bulk_enqueue_s = time.time() - t0
    backlog_at_tx_start = bulk_rows.exclude(status="sent").count()
    when = datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    t1 = time.monotonic()
    for i in range(tx):
        # OTPs and booking confirmations arrive one by one, as customers ask for them.
        if i % 2 == 0:
            message_enqueue(
                purpose=Purpose.OTP,
                key=f"{run}tx:{i}",
                context={"code": f"{i % 1000000:06d}"},
                to_phone=_phone(i),
            )
        else:
            message_enqueue(
                purpose=Purpose.BOOKING_CONFIRMED,
                key=f"{run}tx:{i}",
                context={
                    "name": "손님",
                    "starts_at": when,
                    "channel": "영업점 창구",
                    "branch": "을지로 본점",
                },
                to_phone=_phone(i),
            )
        pause = t1 + (i + 1) / tx_rate - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    backlog_at_tx_end = bulk_rows.exclude(status="sent").count()
    done = wait_for(
        lambda: (
            bulk_rows.filter(status__in=["sent", "failed"]).count() >= bulk
            and tx_rows.filter(status__in=["sent", "failed"]).count() >= tx
        ),
        timeout,
        every=0.5,
    )
    stop.set()
    supervisor.join()
    if fault:
        faulter.join()
    pipeline.stop()
    refs = requests.get(f"{fake_url}/_stats", timeout=5).json()["refs"]
    everything = Message.objects.filter(idempotency_key__startswith=run)
    measured = bulk_rows | tx_rows  # not the warm-up
    result = {
        "variant": name,
        "bulk": _lane_stats(bulk_rows, refs),
        "tx": _lane_stats(tx_rows, refs),
        "all": _lane_stats(measured, refs),
        "bulk_enqueue_s": bulk_enqueue_s,
        "backlog": (backlog_at_tx_start, backlog_at_tx_end),
        "finished": done,
        **events,
    }
    everything.delete()
    return result


def run_ceiling(*, messages: int, concurrency: int, fake_url: str) -> dict[str, Any]:
    """The raw provider client alone: no database, no queue, the same fake, the same concurrency."""
    import requests
    from django.conf import settings

    from messaging.providers.base import OutgoingSms
    from messaging.providers.twilio import TwilioProvider

    for key, value in _fake_twilio_env(fake_url).items():
        if key.startswith("TWILIO_"):
            setattr(settings, key, value)
    requests.post(f"{fake_url}/_reset", timeout=5)
    base = 10**12  # ids no outbox row has
    body = f"(광고)[하나은행] 12월 적금 특판 안내\n무료수신거부 {settings.MARKETING_OPT_OUT_NUMBER}"
    counter = iter(range(messages))
    lock = threading.Lock()
    errors = [0]

    def sender() -> None:
        provider = TwilioProvider()  # one client per worker thread, as each worker process has
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            try:
                provider.send(OutgoingSms(message_id=base + i, to=_phone(i), body=body, kind="sms"))
            except Exception:  # noqa: BLE001 - counted, shown in the table
                errors[0] += 1

    threads = [threading.Thread(target=sender) for _ in range(concurrency)]
    t0 = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - t0
    refs = requests.get(f"{fake_url}/_stats", timeout=5).json()["refs"]
    sent = messages - errors[0]
    return {
        "messages": messages,
        "sent": sent,
        "rate": sent / seconds,
        "duplicates": sum(n - 1 for n in refs.values() if n > 1),
        "missing": messages - len(refs),
    }


def main_mixed(args: argparse.Namespace) -> None:
    logdir = Path(tempfile.mkdtemp(prefix="omnihana-bench-mixed-"))
    fake_port = free_port()
    fake = Child(
        "fake-twilio",
        [PYTHON, "-m", "tests.fakes.twilio", "--port", str(fake_port)],
        dict(os.environ),
        logdir,
    ).start()
    fake_url = f"http://127.0.0.1:{fake_port}"
    import requests

    wait_for(lambda: _up(requests, fake_url), 10)
    people = bench_customers(200)
    plan = [("lanes", False, False), ("single queue", True, False)]
    if not args.no_fault:
        plan.append(("lanes + faults", False, True))
    concurrency = sum(w[2] for w in LANE_WORKERS)
    results = []
    started = time.monotonic()
    try:
        ceiling = run_ceiling(messages=args.bulk + args.tx, concurrency=concurrency, fake_url=fake_url)
        for name, single, fault in plan:
            results.append(
                run_mixed_variant(
                    name,
                    bulk=args.bulk,
                    tx=args.tx,
                    tx_rate=args.tx_rate,
                    bulk_path=args.bulk_path,
                    single_queue=single,
                    fault=fault,
                    people=people,
                    fake_url=fake_url,
                    logdir=logdir,
                    timeout=args.timeout,
                )
            )
    finally:
        for pipeline in _PIPELINES:
            pipeline.stop()  # a no-op for those already stopped
        fake.stop()
    wall = time.monotonic() - started
    lanes = results[0]
    fraction = float(lanes["all"]["rate"]) / float(ceiling["rate"])
    rows: list[list[Any]] = []
    for r in results:
        for lane in ["tx", "bulk"]:
            s = r[lane]
            rows.append(
                [
                    r["variant"],
                    "transactional" if lane == "tx" else "bulk",
                    s["messages"],
                    s["rate"],
                    s["p50_ms"],
                    s["p95_ms"],
                    s["duplicates"],
                    s["missing"],
                    f"{r['worker_kills']} kill, {r['redis_restarts']} redis, {r['revived']} revived"
                    if r["worker_kills"] or r["redis_restarts"] or r["revived"]
                    else "—",
                    "yes" if r["finished"] else "NO (timeout)",
                ]
            )
        rows.append(
            [
                r["variant"],
                "all",
                r["all"]["messages"],
                r["all"]["rate"],
                "",
                "",
                r["all"]["duplicates"],
                r["all"]["missing"],
                "",
                "",
            ]
        )
    rows.append(
        [
            "ceiling",
            f"raw client, {concurrency} threads",
            ceiling["messages"],
            ceiling["rate"],
            "",
            "",
            ceiling["duplicates"],
            ceiling["missing"],
            "",
            "",
        ]
    )
    print_table(
        f"messaging, mixed: {args.bulk:,} bulk marketing ({args.bulk_path} path), then {args.tx:,} OTP/booking at {args.tx_rate:,.0f}/s "
        f"while bulk drains; fake Twilio over loopback (transactional p95 < {TX_TARGET_P95_MS:,.0f} ms; "
        f"0 duplicates, 0 missing; pipeline ≥ {CEILING_GOAL:.0%} of the ceiling)",
        [
            "variant",
            "lane",
            "messages",
            "msg/s",
            "p50 ms",
            "p95 ms",
            "duplicates",
            "missing",
            "faults",
            "finished",
        ],
        rows,
    )
    for r in results:
        start, end = r["backlog"]
        print(
            f"{r['variant']}: bulk enqueue {r['bulk_enqueue_s']:.1f} s; bulk not yet sent when the first "
            f"transactional message came: {start:,}, when the last came: {end:,}"
        )
    print(
        f"pipeline (lanes) {lanes['all']['rate']:,.0f} msg/s = {fraction:.0%} of the ceiling {ceiling['rate']:,.0f} msg/s"
    )
    print(f"wall time {wall:,.0f} s (logs: {logdir})")
    for r in results:
        tx_s = r["tx"]
        clean = all(r[k]["duplicates"] == 0 and r[k]["missing"] == 0 for k in ["tx", "bulk"]) and bool(
            r["finished"]
        )
        if r["variant"] == "lanes + faults":
            summary(
                "SMS mixed run under faults",
                f"{tx_s['duplicates'] + r['bulk']['duplicates']} dup, {tx_s['missing'] + r['bulk']['missing']} missing "
                f"after {r['worker_kills']} bulk-worker SIGKILL and {r['redis_restarts']} Redis restart",
                "0 dup, 0 missing",
                met=clean,
            )
            continue
        summary(
            f"transactional p95 while {args.bulk:,} bulk drain, {r['variant']}",
            f"{tx_s['p95_ms']:,.0f} ms; {tx_s['duplicates']} dup, {tx_s['missing']} missing",
            f"< {TX_TARGET_P95_MS:,.0f} ms, 0 dup, 0 missing",
            met=clean and float(tx_s["p95_ms"]) < TX_TARGET_P95_MS if r["variant"] == "lanes" else None,
        )
    summary(
        "SMS pipeline vs raw provider client",
        f"{fraction:.0%} ({lanes['all']['rate']:,.0f} of {ceiling['rate']:,.0f} msg/s)",
        f"≥ {CEILING_GOAL:.0%}",
        met=fraction >= CEILING_GOAL,
    )


def _up(requests, url: str) -> bool:
    try:
        return requests.get(f"{url}/_stats", timeout=0.5).ok
    except requests.RequestException:
        return False


if __name__ == "__main__":
    main()
