from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from salesdesk.accounts.services import create_api_token
from salesdesk.core.contextvars import Actor, acting_as


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        with acting_as(Actor.command("create_api_token")):
            _token, raw = create_api_token(user=user, name=name)
        self.stdout.write(raw)
