"""Heavy reads on a PostgreSQL hot standby, everything else on the primary.

With DATABASE_REPLICA_URL set (a `replica` alias) and REPLICA_READS on, the code that reads a
lot — the consultation search, analytics, CSV exports, the API's history — runs inside
`heavy_reads()`, and `ReplicaRouter` sends its queries to the standby. It does not when:
- the request's user (or API key) wrote something in the last REPLICA_READ_YOUR_WRITES_SECONDS:
  they must see their own write, which the standby may not have replayed yet;
- the standby is down, or has not replayed what the primary sent for more than
  REPLICA_MAX_LAG_SECONDS. Its state is looked up at most every REPLICA_CHECK_SECONDS per process.
Writes always go to the primary. Nothing here imports an app: views and selectors above use it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
_heavy: ContextVar[bool] = ContextVar("omnihana_heavy_reads", default=False)
_pinned: ContextVar[bool] = ContextVar("omnihana_pinned_to_primary", default=False)

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class ReplicaState:
    configured: bool
    ok: bool
    lag_seconds: float | None
    error: str = ""
    checked_at: float = 0.0


_state: ReplicaState | None = None

# Zero when the standby has replayed all it received (an idle primary is not "lag"); otherwise
# how old the last replayed transaction is.
_LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_state(*, fresh: bool = False) -> ReplicaState:
    """The standby's health, cached for REPLICA_CHECK_SECONDS."""
    global _state
    now = time.monotonic()
    if not replica_configured():
        return ReplicaState(configured=False, ok=False, lag_seconds=None)
    if not fresh and _state is not None and now - _state.checked_at < settings.REPLICA_CHECK_SECONDS:
        return _state
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            in_recovery, lag = cursor.fetchone()
        lag = float(lag)
        ok = bool(in_recovery) and lag <= settings.REPLICA_MAX_LAG_SECONDS
        _state = ReplicaState(True, ok, lag, "" if in_recovery else "not a standby", now)
    except DatabaseError as exc:
        connections[REPLICA].close()  # a broken connection is not reused on the next check
        _state = ReplicaState(True, False, None, type(exc).__name__, now)
    return _state


@contextmanager
def heavy_reads() -> Iterator[None]:
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


def heavy_read_view(view: F) -> F:
    """Run a view's reads on the standby when that is safe (see the module's rules)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with heavy_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def pinned_to_primary(pinned: bool = True) -> Iterator[None]:
    token = _pinned.set(pinned)
    try:
        yield
    finally:
        _pinned.reset(token)


def reads_go_to_replica() -> bool:
    return (
        _heavy.get()
        and not _pinned.get()
        and getattr(settings, "REPLICA_READS", False)
        and replica_configured()
        and replica_state().ok
    )


class ReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if reads_go_to_replica() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"


def heavy_stream(items: Any) -> Iterator[Any]:
    """A streamed response's rows are read after its view returned: each step re-enters
    heavy_reads(), so the export's query runs where the view's would have."""
    iterator = iter(items)
    while True:
        with heavy_reads():
            try:
                item = next(iterator)
            except StopIteration:
                return
        yield item
