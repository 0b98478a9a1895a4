"""Indexes for the staff customer search at a bank's size (200,000+ customers).

A name or login-id prefix is a btree range scan with pattern operators (the cluster's C.UTF-8
collation does not let a plain btree answer LIKE 'x%'); any part of a phone number is a pg_trgm
GIN scan (three or more digits make at least one trigram).
"""

from django.db import migrations

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_walk_in_customers")]

    operations = [
        PostgresOnlySQL(
            sql=[
                "CREATE EXTENSION IF NOT EXISTS pg_trgm",
                "CREATE INDEX customer_name_prefix ON customers_user (name varchar_pattern_ops) "
                "WHERE role = 'customer'",
                "CREATE INDEX customer_login_prefix ON customers_user (UPPER(username) text_pattern_ops) "
                "WHERE role = 'customer'",
                "CREATE INDEX customer_phone_trigram ON customers_customerprofile USING gin (phone gin_trgm_ops)",
            ],
            reverse_sql=[
                "DROP INDEX IF EXISTS customer_phone_trigram",
                "DROP INDEX IF EXISTS customer_login_prefix",
                "DROP INDEX IF EXISTS customer_name_prefix",
            ],
        )
    ]
