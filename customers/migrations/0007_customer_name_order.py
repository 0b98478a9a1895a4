"""The staff customer search walks customers in name order (issue 23).

One b-tree on (name in the "C" collation, id) answers both a name prefix (in the "C" collation a
plain b-tree serves LIKE 'x%') and the order of the results, so a page of a common surname's
customers is read from the index in order instead of collecting and sorting all of them (tens of
thousands at two million customers). In "C" order Hangul syllables sort as in a dictionary
(가, 각, …, 힣). It replaces the prefix-only index of 0004.
"""

from django.db import migrations

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("customers", "0006_login_limits")]

    operations = [
        PostgresOnlySQL(
            sql=[
                'CREATE INDEX customer_name_order ON customers_user ((name COLLATE "C"), id) '
                "WHERE role = 'customer'",
                "DROP INDEX IF EXISTS customer_name_prefix",
            ],
            reverse_sql=[
                "CREATE INDEX customer_name_prefix ON customers_user (name varchar_pattern_ops) "
                "WHERE role = 'customer'",
                "DROP INDEX IF EXISTS customer_name_order",
            ],
        )
    ]
