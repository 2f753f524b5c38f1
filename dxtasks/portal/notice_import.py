"""A conclusion notice into directives: read, review, then save through the bulk import's path.

The reader (`directives.notices`) proposes; the secretariat reviews and
edits; `save` turns the reviewed rows into the CSV import's rows and hands
them to `importing.check_rows` and `importing.commit` — the same checks, the
same services, one transaction, all or nothing. The notice's file is kept
with the meeting in that transaction.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from dxtasks.directives import services
from dxtasks.directives.models import Directive, Meeting
from dxtasks.directives.notices import Gazetteer, NoticeHeader, NoticeReading, read_notice

from . import importing
from .forms import NOTICE_FILE_TYPES


def find_meeting(header: NoticeHeader) -> Meeting | None:
    """The registered meeting a notice's header names: by notice number, else committee and date/session."""
    if header.number:
        found = Meeting.objects.filter(notice_ref__iexact=header.number).first()
        if found:
            return found
    if header.committee and header.meeting_date:
        found = Meeting.objects.filter(committee=header.committee, date=header.meeting_date).first()
        if found:
            return found
    if header.committee and header.meeting_number:
        found = Meeting.objects.filter(committee=header.committee, session_number=header.meeting_number).first()
        if found and (header.meeting_date is None or found.date == header.meeting_date):
            return found
    return None


def read(text: str, *, meeting: Meeting | None = None) -> tuple[NoticeReading, Meeting | None]:
    """Read a notice against the reference data; the meeting given, else the one its header names.

    Year-less deadlines are read against the notice's date (else the meeting's);
    agency names are resolved as of the meeting's date.
    """
    gazetteer = Gazetteer.from_database()
    first = read_notice(text, gazetteer=gazetteer, require_tasks=True)
    if meeting is None:
        meeting = find_meeting(first.header)
    if meeting is None:
        return first, None
    reference = first.header.date or meeting.notice_date or meeting.date
    reading = read_notice(text, gazetteer=gazetteer, reference=reference, meeting_date=meeting.date, require_tasks=True)
    return reading, meeting


def meeting_json(reading: NoticeReading, meeting: Meeting | None) -> dict:
    header = reading.header
    date = meeting.date if meeting else header.meeting_date
    return {
        "number": meeting.number if meeting else None,
        "session": header.meeting_number,
        "date": date.isoformat() if date else None,
        "committee": meeting.committee if meeting else header.committee,
        "notice_ref": header.number or (meeting.notice_ref if meeting else None) or None,
        "notice_date": header.date.isoformat() if header.date else None,
        "existing": meeting is not None,
    }


def as_json(reading: NoticeReading, meeting: Meeting | None) -> dict:
    return {"meeting": meeting_json(reading, meeting), "directives": [d.as_json() for d in reading.directives]}


@dataclass
class ReviewedRow:
    """One row as the secretariat left it in the review table."""

    title_vi: str
    lead_agency: str
    co_agencies: str  # codes separated by ';'
    deadline: str
    item: str = ""
    excerpt: str = ""
    index: int = -1  # the draft row it came from


def next_references(meeting: Meeting, count: int) -> list[str]:
    """UBQG-<meeting>/<nn>, continuing after the meeting's highest."""
    prefix = f"UBQG-{meeting.number}/"
    taken = Directive.objects.filter(reference__startswith=prefix).values_list("reference", flat=True)
    numbers = [int(m.group(1)) for r in taken if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", r))]
    start = max(numbers, default=0) + 1
    return [f"{prefix}{n:02d}" for n in range(start, start + count)]


def check(rows: list[ReviewedRow], *, meeting: Meeting, notice_ref: str = "") -> importing.ImportResult:
    """The import's own checks on the reviewed rows (row numbers count from 1)."""
    references = next_references(meeting, len(rows))
    table = [
        (
            line,
            {
                "reference": reference,
                "title_vi": " ".join(row.title_vi.split()),
                "lead_agency": row.lead_agency.strip(),
                "co_agencies": row.co_agencies,
                "deadline": row.deadline.strip(),
                "meeting": str(meeting.number),
                "source_ref": notice_ref and _("Thông báo %(ref)s") % {"ref": notice_ref},
                "full_text": row.excerpt,
            },
        )
        for line, (reference, row) in enumerate(zip(references, rows, strict=True), start=1)
    ]
    return importing.check_rows(table, default_meeting=meeting)


def save(
    rows: list[ReviewedRow],
    *,
    meeting: Meeting,
    by,
    notice_ref: str = "",
    notice_date: datetime.date | None = None,
    notice_file: tuple[str, bytes] | None = None,
) -> list[Directive]:
    """All rows or none, and the notice file with the meeting, in one transaction.

    Raises importing.ImportRefused (with every row's problems) when any row is refused.
    """
    with transaction.atomic():
        result = check(rows, meeting=meeting, notice_ref=notice_ref)
        created = importing.commit(result, by=by)
        keep_notice(meeting=meeting, by=by, notice_ref=notice_ref, notice_date=notice_date, notice_file=notice_file)
    return created


def keep_notice(
    *, meeting: Meeting, by, notice_ref: str, notice_date: datetime.date | None, notice_file: tuple[str, bytes] | None
) -> None:
    """Fill the meeting's notice number, date and file (a .pdf or .docx; not a paste) where it has none yet."""
    changes: dict = {}
    if notice_ref and not meeting.notice_ref:
        changes["notice_ref"] = notice_ref
    if notice_date and not meeting.notice_date and notice_date >= meeting.date:
        changes["notice_date"] = notice_date
    if notice_file and not meeting.notice_file:
        name, content = notice_file
        if name.rsplit(".", 1)[-1].lower() in NOTICE_FILE_TYPES:  # the documents the meeting form keeps
            changes["notice_file"] = ContentFile(content, name=name)
    if changes:
        services.update_meeting(meeting=meeting, by=by, **changes)


# --- The review page's draft: what is kept between reading and saving ----------------------


def _marked(excerpt: str, phrase: str) -> list[str]:
    """The excerpt as [before, deadline phrase, after], so the page can highlight the phrase."""
    at = excerpt.rfind(phrase) if phrase else -1
    if at < 0:
        return [excerpt, "", ""]
    return [excerpt[:at], phrase, excerpt[at + len(phrase) :]]


def draft(reading: NoticeReading, meeting: Meeting | None, *, file_name: str = "", content: bytes = b"") -> dict:
    """A JSON-able draft for the session: the header, each proposal and the uploaded file."""
    import base64

    header = reading.header
    return {
        "header": {
            "number": header.number or "",
            "date": header.date.isoformat() if header.date else "",
            "meeting_number": header.meeting_number,
            "meeting_date": header.meeting_date.isoformat() if header.meeting_date else "",
            "committee": header.committee or "",
        },
        "meeting": meeting.pk if meeting else None,
        "file_name": file_name,
        "file": base64.b64encode(content).decode() if content else "",
        "rows": [
            {
                "title_vi": d.title_vi,
                "lead_agency": d.lead_column,
                "co_agencies": "; ".join(d.co_agencies),
                "deadline": d.saved_deadline_text or d.deadline_text,
                "item": d.item or "",
                "excerpt": d.excerpt,
                "marked": _marked(d.excerpt, d.deadline_text),
                "flags": d.flags,
                "due": d.due_date.isoformat() if d.due_date else "",
                "precision": d.precision or "",
                "collective": d.collective,
            }
            for d in reading.directives
        ],
    }


def reviewed_rows(stored: dict, edited: list[dict]) -> list[ReviewedRow]:
    """The rows to save: edited fields over the draft; dropped rows left out, merged rows folded into the one above,
    split rows one per title line.

    `edited` is one dict per draft row (keep, merge, split, title_vi, lead_agency, co_agencies, deadline);
    a split row gives one directive per line of its title.
    """
    rows: list[ReviewedRow] = []
    for index, (original, values) in enumerate(zip(stored["rows"], edited, strict=False)):
        if not values.get("keep"):
            continue
        if values.get("merge") and rows:
            above = rows[-1]
            above.excerpt = f"{above.excerpt}\n{original['excerpt']}"
            above.item = ", ".join(p for p in (above.item, original["item"]) if p)
            continue
        title = values.get("title_vi", "")
        # split: each line of the title becomes a directive of its own, with the row's other fields
        titles = [line.strip() for line in title.splitlines() if line.strip()] if values.get("split") else [title]
        for part in titles or [title]:
            rows.append(
                ReviewedRow(
                    title_vi=part,
                    lead_agency=(values.get("lead_agency") or "").upper(),
                    co_agencies=values.get("co_agencies", ""),
                    deadline=values.get("deadline", ""),
                    item=original["item"],
                    excerpt=original["excerpt"],
                    index=index,
                )
            )
    return rows


def stored_file(stored: dict) -> tuple[str, bytes] | None:
    import base64

    if not stored.get("file"):
        return None
    return stored["file_name"], base64.b64decode(stored["file"])


def stored_notice_date(stored: dict) -> datetime.date | None:
    value = stored["header"].get("date")
    return datetime.date.fromisoformat(value) if value else None
