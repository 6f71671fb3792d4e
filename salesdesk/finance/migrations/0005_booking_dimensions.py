"""Booking-time dimensions of invoices (issued) and payments (confirmed), as sales 0009 does for
contracts, orders and shipments: the fields, then the existing booked rows backfilled from the
organisation as it is when the migration runs, one set-based UPDATE per table
(sales/migrations/_booking.py). The partial index of open invoices also holds the booked
department, by which the aging per department groups."""

import django.db.models.deletion
import django.db.models.expressions
import django.db.models.lookups
from django.db import migrations, models

from salesdesk.sales.migrations._booking import backfiller

BOOKED = [
    ("finance_invoice", "status IN ('issued', 'mailed', 'received')"),
    ("finance_payment", "status = 'confirmed'"),
]


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0008_customer_channel"),
        ("finance", "0004_period_indexes"),
        ("org", "0004_employee_preferences"),
        ("sales", "0009_booking_dimensions"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="booked_department",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.department", verbose_name="department when booked"),
        ),
        migrations.AddField(
            model_name="invoice",
            name="booked_territory",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.territory", verbose_name="territory when booked"),
        ),
        migrations.AddField(
            model_name="payment",
            name="booked_department",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.department", verbose_name="department when booked"),
        ),
        migrations.AddField(
            model_name="payment",
            name="booked_territory",
            field=models.ForeignKey(blank=True, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="org.territory", verbose_name="territory when booked"),
        ),
        migrations.RunPython(backfiller(BOOKED), migrations.RunPython.noop, elidable=False),
        migrations.RemoveIndex(
            model_name="invoice",
            name="invoice_open_receivable",
        ),
        migrations.AddIndex(
            model_name="invoice",
            index=models.Index(condition=models.Q(django.db.models.lookups.GreaterThan(django.db.models.expressions.CombinedExpression(django.db.models.expressions.CombinedExpression(models.F('amount'), '-', models.F('paid_amount')), '-', models.F('written_off_amount')), 0)), fields=['company', 'due_on'], include=('status', 'customer', 'owner', 'booked_department', 'amount', 'paid_amount', 'written_off_amount'), name='invoice_open_receivable'),
        ),
    ]
