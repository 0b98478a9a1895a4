"""Migration operations for what only PostgreSQL can enforce.

The embedded run uses SQLite, which has no exclusion constraints or triggers of this
kind; there the services' own checks (under SQLite's single writer) stand alone.
"""

from django.db.migrations.operations.special import RunSQL


class PostgresOnlySQL(RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
