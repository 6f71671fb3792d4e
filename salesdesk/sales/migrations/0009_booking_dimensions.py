"""Booking-time dimensions: contracts, orders and shipments record the department and territory they
were booked in (booked_department: the owner's department, booked_territory: the customer's
territory), so that past figures stay where they were when people move or the organisation changes.

Existing booked documents are backfilled from the organisation as it is when the migration runs
(migrations/_booking.py): one set-based UPDATE per table, for any number of rows. Drafts,
documents in review and rejected ones are left empty: they are filled in when they are booked."""

import django.db.models.deletion
from django.db import migrations, models

from ._booking import backfiller

# What counts as booked, per table: (table, condition).
BOOKED = [
    ("sales_contract", "status IN ('active', 'completed', 'terminated')"),
    # Confirmed at some time: sold (confirmed … closed), or cancelled after confirmation.
    ("sales_salesorder", "(status IN ('confirmed', 'partly_shipped', 'shipped', 'closed') OR confirmed_at IS NOT NULL)"),
    ("sales_shipment", "status IN ('released', 'delivered')"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0008_customer_channel"),
        ("org", "0004_employee_preferences"),
        ("sales", "0008_order_period_statistics"),
    ]

    operations = [
        migrations.AddField(
            model_name="contract",
            name="booked_department",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.department", verbose_name="department when booked"),
        ),
        migrations.AddField(
            model_name="contract",
            name="booked_territory",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.territory", verbose_name="territory when booked"),
        ),
        migrations.AddField(
            model_name="salesorder",
            name="booked_department",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.department", verbose_name="department when booked"),
        ),
        migrations.AddField(
            model_name="salesorder",
            name="booked_territory",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.territory", verbose_name="territory when booked"),
        ),
        migrations.AddField(
            model_name="shipment",
            name="booked_department",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.department", verbose_name="department when booked"),
        ),
        migrations.AddField(
            model_name="shipment",
            name="booked_territory",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.territory", verbose_name="territory when booked"),
        ),
        migrations.RunPython(backfiller(BOOKED), migrations.RunPython.noop, elidable=False),
    ]
