"""Heavy reads on a real streaming standby (scripts/test.sh starts one beside the private cluster)."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache, caches
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Consultation
from core.replica import REPLICA, replica_state
from customers.models import User
from tests.conftest import seed_demo_bank

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

SEARCH = "/staff/consultations/?keyword=%EC%98%88%EA%B8%88"  # 예금


def wait_until_replayed(timeout: float = 20.0) -> None:
    with connection.cursor() as cursor:
        # synchronous_commit is off on the test cluster: a commit may be inserted but not yet written.
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    raise AssertionError("the standby did not replay the primary's WAL in time")


def consultation_reads(captured: CaptureQueriesContext) -> int:
    return sum('FROM "consultations_consultation"' in q["sql"] for q in captured.captured_queries)


@pytest.fixture
def bank(settings):
    assert REPLICA in settings.DATABASES, "run the suite with ./scripts/test.sh: it starts the standby"
    seed_demo_bank()
    settings.REPLICA_READS = True
    cache.clear()
    wait_until_replayed()
    assert replica_state(fresh=True).ok
    yield
    cache.clear()


@pytest.fixture
def teller_client(client, bank):
    client.force_login(User.objects.get(username="hnv2004"))
    return client


def search(client) -> tuple[int, int]:
    """(reads of consultations on the standby, on the primary) for one search page."""
    with CaptureQueriesContext(connections[REPLICA]) as standby, CaptureQueriesContext(connection) as primary:
        assert client.get(SEARCH).status_code == 200
    return consultation_reads(standby), consultation_reads(primary)


def test_the_standby_streams_what_the_primary_commits(bank):
    customer = User.objects.get(username="hanauser1")
    row = Consultation.objects.filter(customer=customer).first()
    Consultation.objects.filter(pk=row.pk).update(title="복제 확인")
    wait_until_replayed()
    assert Consultation.objects.using(REPLICA).get(pk=row.pk).title == "복제 확인"


def test_the_consultation_search_reads_from_the_standby(teller_client):
    on_standby, on_primary = search(teller_client)
    assert on_standby > 0 and on_primary == 0


def test_pages_that_are_not_heavy_stay_on_the_primary(teller_client):
    customer = User.objects.get(username="hanauser1")
    with CaptureQueriesContext(connections[REPLICA]) as standby:
        assert teller_client.get(reverse("staff:customer_detail", args=[customer.pk])).status_code == 200
    assert standby.captured_queries == []


def test_whoever_just_wrote_reads_their_write_from_the_primary(teller_client, settings):
    customer = User.objects.get(username="hanauser1")
    assert teller_client.post(reverse("staff:favourite_toggle", args=[customer.pk])).status_code == 302
    on_standby, on_primary = search(teller_client)
    assert on_standby == 0 and on_primary > 0
    cache.clear()  # the read-your-writes window (REPLICA_READ_YOUR_WRITES_SECONDS) has passed
    on_standby, on_primary = search(teller_client)
    assert on_standby > 0 and on_primary == 0


def test_a_standby_that_lags_is_left_out_and_healthz_says_so(teller_client, settings):
    settings.REPLICA_MAX_LAG_SECONDS = -1  # any lag, even none, is too much
    assert not replica_state(fresh=True).ok
    on_standby, on_primary = search(teller_client)
    assert on_standby == 0 and on_primary > 0
    health = teller_client.get("/healthz")
    assert health.status_code == 200
    assert health.json()["replica"]["ok"] is False and health.json()["replica"]["lag_seconds"] == 0


def test_a_standby_that_is_down_is_left_out_and_the_page_still_answers(teller_client):
    replica = connections[REPLICA]
    port = replica.settings_dict["PORT"]
    replica.close()
    replica.settings_dict["PORT"] = 9  # nothing listens there (discard)
    try:
        state = replica_state(fresh=True)
        assert not state.ok and state.error
        with CaptureQueriesContext(connection) as primary:
            assert teller_client.get(SEARCH).status_code == 200
        assert consultation_reads(primary) > 0
        health = teller_client.get("/healthz").json()
        assert health["status"] == "ok" and health["replica"]["ok"] is False
    finally:
        replica.close()
        replica.settings_dict["PORT"] = port
        replica_state(fresh=True)


def test_with_redis_unreachable_the_search_answers_from_the_primary(teller_client, monkeypatch):
    """The read-your-writes mark lives in Redis: without it nobody can say who just wrote, so every
    read goes to the primary (never a stale page) and the page is still served."""
    cache_class = type(caches["default"])

    def down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache_class, "get", down)
    monkeypatch.setattr(cache_class, "set", down)
    on_standby, on_primary = search(teller_client)
    assert on_standby == 0 and on_primary > 0
    monkeypatch.undo()
    on_standby, on_primary = search(teller_client)
    assert on_standby > 0 and on_primary == 0
