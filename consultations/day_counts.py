"""The per-day consultation counts behind the analytics (ConsultationDay), kept by triggers.

PostgreSQL: statement-level triggers with transition tables, so a COPY of 100,000 rows or a bulk
API insert costs one grouped upsert per statement, taken in key order (no deadlock between two
bulk inserts). SQLite (the embedded run): row-level triggers with the same upsert.
Seoul has no daylight saving time, so the Seoul day of a UTC instant is its date at +9 hours.
"""

from __future__ import annotations

from django.db import connection

TABLE = "consultations_consultationday"
SOURCE = "consultations_consultation"
KEY = "day, staff_id, channel_id, main_category_id"

_PG_DAY = "(({t}.occurred_at AT TIME ZONE 'Asia/Seoul')::date)"


def _pg_apply(source: str, sign: str) -> str:
    day = _PG_DAY.format(t=source)
    # Fixed names from this module only; no outside input reaches these statements.
    return f"""
        INSERT INTO {TABLE} ({KEY}, n)
        SELECT {day}, staff_id, channel_id, main_category_id, {sign}count(*)
          FROM {source} GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ({KEY}) DO UPDATE SET n = {TABLE}.n + EXCLUDED.n;"""  # noqa: S608


POSTGRES_INSTALL = f"""
CREATE OR REPLACE FUNCTION consultation_day_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_pg_apply("new_rows", "")} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION consultation_day_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_pg_apply("old_rows", "-")} RETURN NULL; END $$;
CREATE OR REPLACE FUNCTION consultation_day_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN {_pg_apply("old_rows", "-")} {_pg_apply("new_rows", "")} RETURN NULL; END $$;
DROP TRIGGER IF EXISTS consultation_day_insert ON consultations_consultation;
DROP TRIGGER IF EXISTS consultation_day_delete ON consultations_consultation;
DROP TRIGGER IF EXISTS consultation_day_update ON consultations_consultation;
CREATE TRIGGER consultation_day_insert AFTER INSERT ON consultations_consultation
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION consultation_day_on_insert();
CREATE TRIGGER consultation_day_delete AFTER DELETE ON consultations_consultation
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION consultation_day_on_delete();
CREATE TRIGGER consultation_day_update AFTER UPDATE ON consultations_consultation
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION consultation_day_on_update();
"""
POSTGRES_REMOVE = """
DROP TRIGGER IF EXISTS consultation_day_insert ON consultations_consultation;
DROP TRIGGER IF EXISTS consultation_day_delete ON consultations_consultation;
DROP TRIGGER IF EXISTS consultation_day_update ON consultations_consultation;
DROP FUNCTION IF EXISTS consultation_day_on_insert();
DROP FUNCTION IF EXISTS consultation_day_on_delete();
DROP FUNCTION IF EXISTS consultation_day_on_update();
"""

_SQLITE_DAY = "date({t}.occurred_at, '+9 hours')"


def _sqlite_upsert(row: str, delta: str) -> str:
    return (  # fixed names from this module only
        f"INSERT INTO {TABLE} ({KEY}, n) VALUES ({_SQLITE_DAY.format(t=row)}, {row}.staff_id, "  # noqa: S608
        f"{row}.channel_id, {row}.main_category_id, {delta}) "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + excluded.n;"
    )


SQLITE_INSTALL = [
    "DROP TRIGGER IF EXISTS consultation_day_insert",
    "DROP TRIGGER IF EXISTS consultation_day_delete",
    "DROP TRIGGER IF EXISTS consultation_day_update",
    f"CREATE TRIGGER consultation_day_insert AFTER INSERT ON consultations_consultation "
    f"BEGIN {_sqlite_upsert('NEW', '1')} END",
    f"CREATE TRIGGER consultation_day_delete AFTER DELETE ON consultations_consultation "
    f"BEGIN {_sqlite_upsert('OLD', '-1')} END",
    f"CREATE TRIGGER consultation_day_update AFTER UPDATE OF occurred_at, staff_id, channel_id, "
    f"main_category_id ON consultations_consultation "
    f"BEGIN {_sqlite_upsert('OLD', '-1')} {_sqlite_upsert('NEW', '1')} END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS consultation_day_insert",
    "DROP TRIGGER IF EXISTS consultation_day_delete",
    "DROP TRIGGER IF EXISTS consultation_day_update",
]


def install(conn=connection) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(POSTGRES_INSTALL)
        else:
            for statement in SQLITE_INSTALL:
                cursor.execute(statement)


def remove(conn=connection) -> None:
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(POSTGRES_REMOVE)
        else:
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)


def rebuild(conn=connection) -> int:
    """Recount everything from the consultation table (after a restore, or to check the triggers)."""
    day = _PG_DAY.format(t="c") if conn.vendor == "postgresql" else _SQLITE_DAY.format(t="c")
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {TABLE} ({KEY}, n) SELECT {day}, c.staff_id, c.channel_id, "  # noqa: S608
            f"c.main_category_id, count(*) FROM consultations_consultation c GROUP BY 1, 2, 3, 4"
        )
        return cursor.rowcount
