"""On PostgreSQL, a trigram index on customer names, so that a search for any part of a name over
a million customers needs no full scan. Needs the pg_trgm extension; where the database user may
not create it, the index is left out (searches still work, only slower)."""

from django.db import migrations, transaction

INDEX = "customers_customer_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception:  # no permission to create extensions: keep the plain indexes
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON customers_customer USING gin (name gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("customers", "0004_visitor_registration")]
    operations = [migrations.RunPython(create, drop)]
