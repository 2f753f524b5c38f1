"""Read a conclusion notice file and print the directives it gives; --commit saves them.

    python manage.py read_notice notice.docx --format json
    python manage.py read_notice notice.txt --meeting 8 --commit

Without --commit nothing is saved. With it, every drafted directive goes
through the bulk import's checks and is saved in one transaction, or none is.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dxtasks.directives.models import Meeting
from dxtasks.directives.notice_input import text_from_file
from dxtasks.directives.notices import NoticeError

from ... import importing, notice_import


class Command(BaseCommand):
    help = "Draft the directives of a conclusion notice (.txt, .docx, text .pdf); --commit saves them."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the notice: .txt, .docx or a PDF with text; '-' reads text from stdin")
        parser.add_argument("--meeting", type=int, help="register number of the meeting (default: from the header)")
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument("--commit", action="store_true", help="save the drafted directives (all or none)")
        parser.add_argument("--by", help="username recorded as having saved them (with --commit)")

    def handle(self, *args, file, meeting, format, commit, by, **options):
        try:
            if file == "-":
                name, content = "stdin.txt", sys.stdin.buffer.read()
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"no such file: {file}")
                name, content = path.name, path.read_bytes()
            chosen = None
            if meeting is not None:
                chosen = Meeting.objects.filter(number=meeting).first()
                if chosen is None:
                    raise CommandError(f"no meeting with register number {meeting}")
            text = text_from_file(name, content)
            reading, found = notice_import.read(text, meeting=chosen)
        except NoticeError as error:
            raise CommandError(str(error)) from None
        if format == "json":
            self.stdout.write(json.dumps(notice_import.as_json(reading, found), ensure_ascii=False, indent=2))
        else:
            self._table(reading, found)
        if not commit:
            return
        if found is None:
            raise CommandError("--commit needs the meeting: pass --meeting N (register it first if it is new)")
        user = None
        if by:
            user = get_user_model().objects.filter(username=by).first()
            if user is None:
                raise CommandError(f"no user {by!r}")
        rows = [
            notice_import.ReviewedRow(
                title_vi=d.title_vi,
                lead_agency=d.lead_agency or "",
                co_agencies="; ".join(d.co_agencies),
                deadline=d.saved_deadline_text,
                item=d.item or "",
                excerpt=d.excerpt,
            )
            for d in reading.directives
        ]
        try:
            created = notice_import.save(
                rows,
                meeting=found,
                by=user,
                notice_ref=reading.header.number or "",
                notice_date=reading.header.date,
                notice_file=(name, content),
            )
        except importing.ImportRefused as refused:
            for row in refused.result.bad_rows:
                self.stderr.write(
                    f"directive {row.line} ({row.values.get('title_vi', '')[:60]}): " + "; ".join(row.errors)
                )
            raise CommandError(
                f"nothing saved: {len(refused.result.bad_rows)} of {len(rows)} directives refused; "
                "correct them (e.g. in the portal's /import/notice/ page) and try again"
            ) from None
        self.stderr.write(self.style.SUCCESS(f"saved {len(created)} directives to meeting {found.number}"))

    def _table(self, reading, meeting):
        header = reading.header
        self.stdout.write(
            f"notice {header.number or '?'} of {header.date or '?'}; meeting "
            f"{meeting.number if meeting else '(not registered)'} (session {header.meeting_number or '?'}, "
            f"{header.meeting_date or (meeting.date if meeting else '?')}, {header.committee or '?'})"
        )
        self.stdout.write(f"{'item':<8} {'lead':<16} {'co-ordinating':<18} {'due':<10} {'precision':<9} title")
        for d in reading.directives:
            due = d.due_date.isoformat() if d.due_date else "-"
            self.stdout.write(
                f"{d.item or '-':<8} {d.lead_agency or '?':<16} {','.join(d.co_agencies) or '-':<18} "
                f"{due:<10} {d.precision or '-':<9} {d.title_vi[:70]}"
            )
            for flag in d.flags:
                self.stdout.write(f"{'':<8} ! {flag}")
        self.stdout.write(f"{len(reading.directives)} directives drafted")
