"""Shared by the org commands: run under an audit actor named after the command."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from salesdesk.core.contextvars import Actor, acting_as


class OrgCommand(BaseCommand):
    actor_name = ""

    def execute(self, *args, **options):
        name = self.actor_name or type(self).__module__.rsplit(".", 1)[-1]
        with acting_as(Actor.command(name)):
            try:
                return super().execute(*args, **options)
            except ValidationError as error:
                raise CommandError("\n".join(error.messages))
