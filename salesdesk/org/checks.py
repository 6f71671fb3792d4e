"""System checks: every capability a duty names is declared by some app (core.capabilities)."""

import json
from pathlib import Path

from django.core import checks

from salesdesk.core import capabilities

TEMPLATES = Path(__file__).resolve().parent / "org_templates"


def template_capabilities() -> dict[str, set[str]]:
    """{template file: the capabilities its duties name}."""
    found = {}
    for path in sorted(TEMPLATES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[path.name] = {duty.get("capability", "") for position in data.get("positions", [])
                            for duty in position.get("duties", [])} - {""}
    return found


@checks.register()
def capabilities_of_the_templates_are_declared(app_configs=None, **kwargs):
    return [checks.Error(f"The organisation template {name} grants the unknown capability {key!r}.",
                         hint="Declare it in the app's capabilities.py or correct the template.", id="salesdesk.E001")
            for name, keys in template_capabilities().items() for key in capabilities.unknown(keys)]


@checks.register(checks.Tags.database)
def capabilities_of_the_duties_are_declared(app_configs=None, databases=None, **kwargs):
    """Duties saved before a capability was renamed or removed (run by `migrate` and `check --database`)."""
    if not databases:
        return []
    from django.db import DatabaseError

    from .models import Duty

    try:
        named = set(Duty.objects.exclude(capability="").values_list("capability", flat=True).distinct())
    except DatabaseError:  # not migrated yet
        return []
    return [checks.Error(f"Duties grant the unknown capability {key!r}.", hint="Correct the duties in org "
                         "maintenance or declare the capability.", id="salesdesk.E002")
            for key in capabilities.unknown(named)]
