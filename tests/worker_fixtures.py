"""A real Celery worker on a real, private Redis, sending through the real twilio client to a local
fake Twilio: the fixtures the messaging tests and the browser scenario share.

The worker is a separate process on the test database. The test process (and the live server it
runs) publishes tasks to the private Redis instead of running them eagerly.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from bench.common import Child, PrivateRedis, wait_for
from omnihana.celery import app as celery_app
from tests.fakes.twilio import FakeTwilio

TWILIO_TEST_TOKEN = "test-auth-token"  # noqa: S105 - a made-up token for the local fake


@pytest.fixture
def fake_twilio(settings):
    """The real twilio client talking to a local fake Twilio on loopback."""
    with FakeTwilio() as server:
        settings.SMS_BACKEND = "twilio"
        settings.TWILIO_API_BASE = server.url
        settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
        settings.TWILIO_AUTH_TOKEN = TWILIO_TEST_TOKEN
        settings.TWILIO_FROM_NUMBER = "+15005550006"
        settings.SMS_SEND_TIMEOUT = 0.5
        settings.SMS_RETRY_BASE_SECONDS = 0.01
        yield server


ALL_QUEUES = ["celery", "sms-transactional", "sms-notice", "sms-bulk"]


class Worker(Child):
    """A Celery worker process of its own (thread pool) on the test database; by default it
    consumes every lane, or only `queues`."""

    def __init__(
        self, env: dict[str, str], logdir: Path, *, queues: list[str] | None = None, concurrency: int = 4
    ):
        super().__init__(
            f"worker-{time.monotonic_ns()}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "omnihana",
                "worker",
                "--pool=threads",
                f"--concurrency={concurrency}",
                f"--queues={','.join(queues or ALL_QUEUES)}",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{time.monotonic_ns()}@%h",
            ],
            env,
            logdir,
        )

    def start(self) -> Worker:
        super().start()
        assert wait_for(lambda: b" ready." in self.log.read_bytes(), 30), self.log.read_text()[-3000:]
        return self


def worker_database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path, dict(os.environ)).start()
    yield server
    server.kill()


@pytest.fixture
def publish_to(private_redis) -> Iterator[None]:
    """Make this test process publish real tasks to the private Redis instead of running them eagerly."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.broker_transport_options)
    conf.broker_url = private_redis.url
    conf.task_always_eager = False
    conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 2}
    celery_app._pool = None  # connections are pooled per broker URL: drop the old pool
    celery_app.amqp._producer_pool = None
    yield
    conf.broker_url, conf.task_always_eager, conf.broker_transport_options = saved
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_env(private_redis: PrivateRedis, fake_twilio: FakeTwilio) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "omnihana.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": private_redis.url,
        "SMS_BACKEND": "twilio",
        "TWILIO_API_BASE": fake_twilio.url,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TEST_TOKEN,
        "TWILIO_FROM_NUMBER": "+15005550006",
        "SMS_SEND_TIMEOUT": "5",
        "SMS_RETRY_BASE_SECONDS": "0.2",
    }


@pytest.fixture
def worker(private_redis, fake_twilio, publish_to, tmp_path) -> Iterator[Worker]:
    process = Worker(worker_env(private_redis, fake_twilio), tmp_path).start()
    yield process
    process.stop()


@pytest.fixture
def lane_workers(private_redis, fake_twilio, publish_to, tmp_path) -> Iterator[dict[str, Worker]]:
    """One worker per lane group, as deployed: the bulk lane's worker consumes nothing else."""
    env = worker_env(private_redis, fake_twilio)
    workers = {
        "bulk": Worker(env, tmp_path, queues=["sms-bulk"], concurrency=1).start(),
        "transactional": Worker(env, tmp_path, queues=["celery", "sms-transactional", "sms-notice"]).start(),
    }
    yield workers
    for process in workers.values():
        process.stop()
