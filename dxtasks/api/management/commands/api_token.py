"""Issue an API token for a user; the token is the last line printed (shown once)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dxtasks.api import tokens
from dxtasks.api.models import Scope


class Command(BaseCommand):
    help = "Issue a personal API token for USERNAME and print it (last line). Read-write unless --read-only."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--read-only", action="store_true", help="a token that can only read")
        parser.add_argument("--name", default="manage.py api_token", help="what the token is for")

    def handle(self, *args, username, read_only, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            issued = tokens.issue_token(owner=user, name=name, scope=Scope.READ if read_only else Scope.WRITE)
        except tokens.ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
        scope = "read-only" if read_only else "read-write"
        self.stderr.write(
            f"{scope} API token #{issued.token.pk} for {user.username} ({user.get_role_display()}); "
            "it is shown only now:"
        )
        self.stdout.write(issued.secret)
