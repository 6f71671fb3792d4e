"""Migration operations the apps share."""

from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(AddIndex):
    """An index added to a table that may be large and busy: CREATE INDEX CONCURRENTLY on PostgreSQL,
    so orders, invoices … keep being written while it is built (a plain CREATE INDEX blocks writes
    for as long as it reads a million rows); a plain CREATE INDEX on SQLite, which has no concurrent
    build (Django's own AddIndexConcurrently refuses any database but PostgreSQL). The migration
    needs `atomic = False`: PostgreSQL builds concurrently only outside a transaction."""

    atomic = False

    def _concurrent(self):
        from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently

        return PostgresAddIndexConcurrently(self.model_name, self.index)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._concurrent().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            self._concurrent().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


__all__ = ["AddIndexConcurrently"]
