from django.db import migrations

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    """Korean keyword search (see shared/STACK-NOTES.md): most Korean search words are two
    syllables, too short for pg_trgm. Index every 2-character substring of title and notes; a
    query asks for rows holding all of the term's bigrams, then an ILIKE recheck keeps it exact."""

    dependencies = [("consultations", "0003_booking_no_overlap")]

    operations = [
        PostgresOnlySQL(
            sql=[
                """
                CREATE FUNCTION omnihana_bigrams(t text) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
                    FROM generate_series(1, char_length(t) - 1) AS i
                $$
                """,
                """
                CREATE INDEX consult_keyword_bigrams ON consultations_consultation
                USING gin (omnihana_bigrams(title || ' ' || notes))
                """,
            ],
            reverse_sql=[
                "DROP INDEX consult_keyword_bigrams",
                "DROP FUNCTION omnihana_bigrams(text)",
            ],
        ),
    ]
