"""The monthly figures of the documents already booked (what `manage.py rebuild_report_figures` does),
so that the reports for a year are right from the upgrade on."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from salesdesk.reports.summaries import rebuild as rebuild_figures

    rebuild_figures()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("sales", "0011_order_entered_by"),
        ("finance", "0010_credit_override_bound"),
    ]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
