from django.db import migrations

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_initial")]

    operations = [
        PostgresOnlySQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS btree_gist",
                # Two active bookings of one staff member may not share a single instant.
                # Half-open ranges, so 10:00-10:30 and 10:30-11:00 are both allowed.
                """
                ALTER TABLE consultations_booking ADD CONSTRAINT booking_no_overlap
                EXCLUDE USING gist (staff_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
                WHERE (status = 'booked')
                """,
            ],
            reverse_sql=["ALTER TABLE consultations_booking DROP CONSTRAINT booking_no_overlap"],
        ),
    ]
