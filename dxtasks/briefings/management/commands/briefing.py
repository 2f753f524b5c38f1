"""manage.py briefing [--meeting N | --agency CODE] [--as-of YYYY-MM-DD] [--lang vi|en] --out FILE.pdf"""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dxtasks.briefings.content import BriefingError, Kind, make_spec
from dxtasks.briefings.rendering import render
from dxtasks.formats import short_date


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date in the form YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Write a status briefing PDF: overall (default), one meeting's, or one agency's."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--meeting", type=int, metavar="N", help="the meeting's number (7 for the 7th meeting)")
        scope.add_argument("--agency", metavar="CODE", help="the lead agency's code (MPS, SBV, …)")
        parser.add_argument(
            "--role",
            choices=["lead", "involved"],
            default="",
            help="with --agency: lead (default; what it leads, its shares included) or involved (also co-ordinates)",
        )
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="status as it was on this day (default today)")
        parser.add_argument(
            "--from",
            dest="period_start",
            metavar="YYYY-MM-DD",
            help="start of the period (overall briefing: default 1 January of the as-of year)",
        )
        parser.add_argument("--to", dest="period_end", metavar="YYYY-MM-DD", help="end of the period")
        parser.add_argument("--lang", default="vi", help="vi (default) or en")
        parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")

    def handle(self, *args, meeting, agency, role, as_of, period_start, period_end, lang, out, **options):
        if meeting is not None:
            kind, scope = Kind.MEETING, str(meeting)
        elif agency:
            kind, scope = Kind.AGENCY, agency
        else:
            kind, scope = Kind.OVERALL, ""
        try:
            spec = make_spec(
                kind=kind,
                scope=scope,
                language=lang,
                as_of=iso_date(as_of) if as_of else None,
                period_start=iso_date(period_start) if period_start else None,
                period_end=iso_date(period_end) if period_end else None,
                role=role if kind == Kind.AGENCY else "",
            )
        except BriefingError as error:
            raise CommandError(str(error)) from error
        out_path = Path(out)
        if not out_path.parent.is_dir():
            raise CommandError(f"The folder {out_path.parent} does not exist")
        rendered = render(spec)
        out_path.write_bytes(rendered.pdf)
        self.stdout.write(
            f"Wrote {out_path}: {rendered.page_count} pages, {rendered.directive_count} directives, "
            f"as of {short_date(spec.as_of)}, {spec.language} ({rendered.total_seconds:.1f} s)"
        )
