from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "salesdesk.org"
    label = "org"

    def ready(self):
        from salesdesk.audit import registry as audit

        from . import models, scope_rules  # noqa: F401

        for model in (models.Company, models.Department, models.Territory, models.Position, models.Duty,
                      models.PositionScope, models.Employee, models.Assignment):
            audit.register(model)
