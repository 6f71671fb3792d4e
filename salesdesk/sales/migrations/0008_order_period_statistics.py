"""Statistics on the periods of the order date (PostgreSQL 14 and later), for the sales reports.

Reports group orders by EXTRACT(YEAR | QUARTER | MONTH FROM ordered_on) (reports.selectors). Without
statistics on those expressions PostgreSQL guesses hundreds of values for each, expects far more
groups than there are (a year's orders per month and owner: 196,000 instead of 24,000) and sorts the
year's orders instead of adding them up in a hash table: a monthly report of 650,000 orders took
twice as long. The statistics object costs no storage and changes no result; other databases (and
PostgreSQL 13, which has no statistics on expressions) go without."""

from django.db import migrations

NAME = "sales_order_period_statistics"


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    schema_editor.execute(
        f'CREATE STATISTICS IF NOT EXISTS "{NAME}" ON (EXTRACT(YEAR FROM "ordered_on")), '
        '(EXTRACT(QUARTER FROM "ordered_on")), (EXTRACT(MONTH FROM "ordered_on")) FROM "sales_salesorder"')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP STATISTICS IF EXISTS "{NAME}"')


class Migration(migrations.Migration):

    dependencies = [
        ("sales", "0007_contract_contract_ledger_order_and_more"),
    ]

    operations = [
        migrations.RunPython(create, drop, elidable=False),
    ]
