"""Print a user's feed URL, issuing the token if the user has none for that feed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dxtasks.calendars import tokens
from dxtasks.calendars.links import feed_url, webcal
from dxtasks.calendars.models import FeedKind
from dxtasks.directives.models import Agency, Meeting


class Command(BaseCommand):
    help = (
        "Print USERNAME's calendar feed URL (default: their own directives), issuing a token if needed. "
        "Tokens are stored hashed: an existing one can't be shown again, so --regenerate replaces it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--agency", metavar="CODE", help="the feed of one agency (e.g. MPS)")
        scope.add_argument("--meeting", metavar="N", type=int, help="the feed of one meeting, by its number")
        scope.add_argument("--all", action="store_true", help="every directive (secretariat only)")
        parser.add_argument(
            "--format", choices=["event", "todo"], default="event", help="todo: VTODO items for task programs"
        )
        parser.add_argument(
            "--regenerate", action="store_true", help="replace an existing token (the old URL stops working)"
        )
        parser.add_argument("--webcal", action="store_true", help="print the webcal:// form")

    def handle(
        self,
        *args,
        username,
        agency=None,
        meeting=None,
        all=False,
        format="event",
        regenerate=False,
        webcal=False,
        **options,
    ):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        kind, agency_obj, meeting_obj = FeedKind.MINE, None, None
        if agency:
            kind, agency_obj = FeedKind.AGENCY, Agency.objects.filter(code=agency.upper()).first()
            if agency_obj is None:
                raise CommandError(f"no agency with code {agency!r}")
        elif meeting is not None:
            kind, meeting_obj = FeedKind.MEETING, Meeting.objects.filter(number=meeting).first()
            if meeting_obj is None:
                raise CommandError(f"no meeting number {meeting}")
        elif all:
            kind = FeedKind.ALL
        existing = tokens.active_token(user, kind, agency_obj, meeting_obj)
        if existing and not regenerate:
            raise CommandError(
                f"{username} already has this feed (…{existing.hint}, created {existing.created_at:%Y-%m-%d}). "
                "Its token is stored hashed and can't be shown again; "
                "use --regenerate to replace it (the old URL stops working)."
            )
        try:
            issued = tokens.issue_token(owner=user, kind=kind, agency=agency_obj, meeting=meeting_obj)
        except tokens.FeedTokenError as exc:
            raise CommandError(str(exc)) from exc
        url = feed_url(issued.secret, format)
        self.stdout.write(self._webcal(url) if webcal else url)
        # The other forms of the same token, for the person reading: shown once, like the URL.
        other = feed_url(issued.secret, "event" if format == "todo" else "todo")
        self.stderr.write(
            f"Also: {other} (the {'events' if format == 'todo' else 'tasks'} form), "
            f"{self._webcal(url)} (opens the calendar program)."
        )

    @staticmethod
    def _webcal(url: str) -> str:
        return webcal(url)
