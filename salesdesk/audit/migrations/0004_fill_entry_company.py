"""Entries written before they had a company get the company of the record they are about (see
salesdesk/audit/backfill.py); the rest (user accounts, records that left no trace) stay for system
administrators. Depends on the latest migration of every app whose records the log holds, so that
their tables are as the lookups expect."""

from django.db import migrations


def forward(apps, schema_editor):
    from salesdesk.audit.backfill import fill_companies

    fill_companies(apps, schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_entry_company"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0006_position_scope_read_only"),
        ("customers", "0011_visitor_register_per_team_leader"),
        ("approvals", "0002_review_organising"),
        ("sales", "0011_order_entered_by"),
        ("finance", "0010_credit_override_bound"),
    ]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
