"""Shipping, confirming payments and checking invoices were allowed to whoever had their work queue;
they are capabilities now. Duties that carry one of those queues and no capability get the matching
one, so nobody loses what they could do."""

from django.db import migrations

CAPABILITY_OF_QUEUE = {"to_ship": "ship_goods", "payments_to_confirm": "confirm_payments",
                       "invoices_to_check": "check_invoices"}


def forwards(apps, schema_editor):
    Duty = apps.get_model("org", "Duty")
    for queue, capability in CAPABILITY_OF_QUEUE.items():
        Duty.objects.filter(queue=queue, capability="").update(capability=capability)


def backwards(apps, schema_editor):
    Duty = apps.get_model("org", "Duty")
    for queue, capability in CAPABILITY_OF_QUEUE.items():
        Duty.objects.filter(queue=queue, capability=capability).update(capability="")


class Migration(migrations.Migration):
    dependencies = [("org", "0004_employee_preferences")]
    operations = [migrations.RunPython(forwards, backwards)]
