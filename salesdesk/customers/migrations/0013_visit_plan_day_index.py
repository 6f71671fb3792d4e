from django.db import migrations, models

from salesdesk.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # Built concurrently on PostgreSQL (core.migration_operations): a year of plans is a million rows.
    atomic = False

    dependencies = [
        ("customers", "0012_list_order_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="visitplan",
            index=models.Index(fields=["planned_on"], name="visitplan_day"),
        ),
    ]
