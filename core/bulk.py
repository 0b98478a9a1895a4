"""Many rows in one statement stream: COPY on PostgreSQL, batched INSERTs elsewhere.

Django's bulk_create builds a model instance and prepares every value of every row in Python
(about 0.15 ms a row for the outbox's 20 columns); COPY takes the rows as text. Used by the seed
and the benchmarks for generated data, and by the campaign pacer for its slices.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, connections, models, router
from django.db.models import F, Lookup
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

M = TypeVar("M", bound=models.Model)

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]")


class AnyOf(Lookup):
    """`field = ANY(%s)` with the values as one array parameter: for the thousands of ids or keys
    of a slice, one parameter instead of one per value (Django's `__in` prepares and binds each,
    and the server parses each). Values go as they are (ints or strings of the field's type).
    SQLite: `IN (SELECT value FROM json_each(%s))`, with no limit on the number of values.

        Message.objects.filter(AnyOf("pk", ids))
    """

    prepare_rhs = False

    def __init__(self, lhs: Any, rhs: Sequence[Any]) -> None:
        super().__init__(F(lhs) if isinstance(lhs, str) else lhs, list(rhs))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # (lhs is the compiled column; the values are one bound parameter)
        condition, values = any_of_sql(connection, lhs, self.rhs)
        return condition, [*lhs_params, values]


def any_of_sql(connection: Any, column: str, values: Iterable[Any]) -> tuple[str, Any]:
    """`column` is one of `values`, as SQL and its one parameter, for hand-written queries (AnyOf's
    condition): `= ANY(%s)` with an array on PostgreSQL, json_each on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", list(values)
    return f"{column} IN (SELECT value FROM json_each(%s))", json.dumps(list(values))  # noqa: S608


def copy_text(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if _NEEDS_ESCAPE.search(value) is None:
            return value
        # (four replace() calls: several times faster than translate() on Korean text)
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.translate(_ESCAPES)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert rows into `table` in one statement stream; returns how many were written."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(copy_text(v) for v in row))
                buffer.write("\n")
                count += 1
            buffer.seek(0)
            with connection.wrap_database_errors:  # (copy_expert bypasses Django's cursor wrapper)
                cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)  # type: ignore[attr-defined]
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            batch = [[sqlite_value(v) for v in row] for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", batch)  # noqa: S608
            count = len(batch)
    return count


class _Lines(io.TextIOBase):
    """A file COPY reads while the lines are still being made: the server stores one chunk while
    Python formats the next (two cores at work instead of one after the other)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        want = size if size is not None and size >= 0 else 1 << 62
        parts, length = [], 0
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if length >= want:
                break
        return "".join(parts)


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> None:
    """COPY already-formatted text lines (tab-separated, escaped as copy_text does) into `table`."""
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", _Lines(lines), 1 << 16)  # type: ignore[attr-defined]


def sqlite_value(value: Any) -> Any:
    # Django keeps SQLite datetimes as naive UTC text; raw INSERTs must match.
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def new_ids(model: type[models.Model], count: int) -> list[int] | None:
    """`count` primary keys drawn from the table's own sequence in one statement, for rows that
    insert_new writes with their ids given (so the caller knows them without reading the rows
    back). None on SQLite: there the caller reads them back."""
    if connection.vendor != "postgresql":
        return None
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [value for (value,) in cursor.fetchall()]


def insert_new(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """New rows of `model`, each a dict of field attnames (the same keys in every row). A field not
    given takes what Django would give it: its default ("" for text), the current time for
    auto_now(_add), the database default, or NULL; a required field without any of these, or one
    whose default is not a plain string or number (a callable, a dict), is an error. No signals, no conflict handling: the caller knows the rows are new (a unique violation
    raises)."""
    if not rows:
        return 0
    given = list(rows[0])
    now = timezone.now()
    constants: dict[str, Any] = {}
    by_attname = {field.attname: field.column for field in model._meta.concrete_fields}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in given or getattr(field, "generated", False):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants[field.column] = now
        elif field.db_default is not NOT_PROVIDED:
            continue
        elif field.has_default() and (callable(field.default) or not isinstance(field.default, str | int)):
            # One value for every row would be wrong for uuid4 and the like, and a JSON or binary
            # default needs its own formatting: such fields are the caller's to give.
            raise ValueError(f"{model.__name__}.{field.name}: give its value (its default is not a constant)")
        elif field.has_default() or (field.empty_strings_allowed and not field.null):
            constants[field.column] = field.get_default()  # ("" for a text field without one)
        elif field.null:
            continue
        else:
            raise ValueError(f"{model.__name__}.{field.name} needs a value")
    json_fields = {f.attname for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}
    columns: list[str] = [by_attname[name] for name in given] + list(constants)
    table = model._meta.db_table

    def value(row: dict[str, Any], name: str) -> Any:
        v = row[name]
        return json.dumps(v, ensure_ascii=False) if name in json_fields and v is not None else v

    if connection.vendor != "postgresql":
        fixed = list(constants.values())
        return insert_rows(table, columns, ([value(row, name) for name in given] + fixed for row in rows))
    # The constant columns are formatted once, not once a row.
    tail = "".join("\t" + copy_text(v) for v in constants.values()) + "\n"
    copy_lines(
        table, columns, ("\t".join(copy_text(value(row, name)) for name in given) + tail for row in rows)
    )
    return len(rows)


def loaded(model: type[M], db: str, **values: Any) -> M:
    """A model instance read by a hand-written query: the given fields (attnames) set, the others
    deferred (read on first use), as the ORM builds one from a row (`Model.from_db`)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    if len(names) != len(values):
        raise ValueError(f"{model.__name__}: not fields: {sorted(set(values) - set(names))}")
    return model.from_db(db, names, [values[name] for name in names])


def insert_one(instance: M) -> M:
    """Save a new row with one hand-written INSERT … RETURNING id, its values prepared by the
    model's fields as save() prepares them (auto_now stamped on the instance). For rows written
    on every request (the audit log): Model.save's statement compiler costs more than the insert.
    No signals, no save() override: the caller's model has neither to honour."""
    model = type(instance)
    if instance.pk is not None:
        raise ValueError(f"{model.__name__}: insert_one writes new rows")
    db = router.db_for_write(model)
    conn = connections[db]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    values = [f.get_db_prep_save(f.pre_save(instance, True), conn) for f in fields]
    quote = conn.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    with conn.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(pk.column)}",
            values,
        )
        (instance.pk,) = cursor.fetchone()
    instance._state.adding, instance._state.db = False, db
    return instance
