from django.db import migrations

from core.db import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]

    operations = [
        PostgresOnlySQL(
            sql=[
                """
                CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'audit entries are append-only (% refused)', TG_OP;
                END
                $$
                """,
                """
                CREATE TRIGGER audit_auditentry_append_only
                BEFORE UPDATE OR DELETE ON audit_auditentry
                FOR EACH ROW EXECUTE FUNCTION audit_append_only()
                """,
            ],
            reverse_sql=[
                "DROP TRIGGER audit_auditentry_append_only ON audit_auditentry",
                "DROP FUNCTION audit_append_only()",
            ],
        ),
    ]
