"""Large generated data: the row inserts of core/bulk.py (COPY on PostgreSQL), and the
bulk-load mode of a large seed (indexes built after the load, constraints validated once)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction


def build_memory(statement: str) -> str:
    """maintenance_work_mem for building one index or validating one foreign key.

    A b-tree sorts its keys, and sorts fastest in one pass in memory: 1 GB. A GIN index gathers
    each key's row list in a search tree and writes it out whenever that memory is full; a tree
    larger than the processor's caches is slower to add to than the extra write-outs cost. The
    bigram index over 100,000 rows of the realistic text (docs/performance.md): 16 MB 27.7 s,
    64 MB 29.3 s, 256 MB 32.6 s, 1 GB 35.0 s. 64 MB keeps a margin for a real bank's many more
    distinct bigrams (each write-out visits every key gathered)."""
    return "64MB" if " USING gin " in statement else "1GB"


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
        steps = [(f"index {name}", definition) for name, definition in indexes] + [
            (f"foreign key {name}", f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in foreign_keys
        ]
        for label, statement in steps:
            if bar is not None:
                bar.set_postfix_str(label, refresh=True)
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{build_memory(statement)}'")
            cursor.execute(statement)
        for name in triggers:
            cursor.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
        if table == day_counts.SOURCE:
            if bar is not None:
                bar.set_postfix_str("day counts", refresh=True)
            day_counts.rebuild(connection)
        if bar is not None:
            bar.set_postfix_str("", refresh=True)
