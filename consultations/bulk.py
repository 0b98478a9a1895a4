"""Fast inserts for large generated data: COPY on PostgreSQL, batched INSERTs elsewhere, and the
bulk-load mode of a large seed (indexes built after the load, constraints validated once)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows into `table` in one statement stream; returns how many were written."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(v) for v in row))
                buffer.write("\n")
                count += 1
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)  # type: ignore[attr-defined]
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch = [[_sqlite_value(v) for v in row] for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", batch)  # noqa: S608
            count = len(batch)
    return count


def _sqlite_value(value: Any) -> Any:
    # Django keeps SQLite datetimes as naive UTC text; raw INSERTs must match.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY already-formatted text lines (tab-separated, escaped as `_copy_text` does) into `table`."""
    buffer = io.StringIO()
    buffer.writelines(lines)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)  # type: ignore[attr-defined]


@contextmanager
def bulk_load(table: str, *, enabled: bool = True, bar: Any = None) -> Iterator[None]:
    """A large load into `table` the way PostgreSQL loads fastest, in one transaction: the
    table's secondary indexes and foreign keys are dropped, its statement triggers disabled,
    the body COPYs, then each index is built once over the whole table (sorted, with a large
    maintenance_work_mem), each foreign key added back and so validated once in a single pass,
    and the per-day counts the disabled trigger would have kept are recounted. Constraint
    indexes (primary key, unique constraints) stay. Anything failing rolls all of it back.
    Not for a live table: the load holds an exclusive lock until it commits."""
    if not enabled or connection.vendor != "postgresql":
        yield
        return
    from consultations import day_counts

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
            " AND tgenabled <> 'D'",
            [table],
        )
        triggers = [name for (name,) in cursor.fetchall()]
        for name, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for name in triggers:
            cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
        yield
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        steps = [(f"index {name}", definition) for name, definition in indexes] + [
            (f"foreign key {name}", f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in foreign_keys
        ]
        for label, statement in steps:
            if bar is not None:
                bar.set_postfix_str(label, refresh=True)
            cursor.execute(statement)
        for name in triggers:
            cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
        if table == day_counts.SOURCE:
            if bar is not None:
                bar.set_postfix_str("day counts", refresh=True)
            day_counts.rebuild(connection)
        if bar is not None:
            bar.set_postfix_str("", refresh=True)
