"""The register's current filter as CSV or XLSX, for the staff who work in Excel.

Rows are streamed from the database in chunks (`iterator`), so exporting the
whole register does not hold it in memory.

Every cell is made safe for a spreadsheet (`_safe`): characters XML 1.0 and so
XLSX cannot hold (control characters other than tab and newlines) are
dropped, and any part that a spreadsheet would run as a formula gets an
apostrophe in front. "Part", because Excel splits a CSV on the list
separator of the user's locale — `;` with Vietnamese settings, `,` or tab
elsewhere — so `a;=cmd|' /C calc'!A0;b` is three cells there; each part
after `,`, `;` or a tab is checked, not only the cell's start. CSV fields are
all quoted as well. One row per directive; with
`per_share` ("?per=share"), a collective directive gives one row per share
instead (the share's agency, owner, deadline, state, status and completion in
the last columns), and a single-lead directive one row for its lead agency.
"""
import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dxtasks.directives import selectors
from dxtasks.directives.models import Share
from dxtasks.directives.status import Status

CHUNK = 2000


def columns() -> list[str]:
    return [
        _("Số hiệu"), _("Tên nhiệm vụ"), _("Tên tiếng Anh"), _("Phiên họp"), _("Đơn vị chủ trì"),
        _("Đơn vị phối hợp"), _("Trụ cột"), _("Người phụ trách"), _("Ngày giao"), _("Thời hạn (nguyên văn)"),
        _("Hạn"), _("Trạng thái xử lý"), _("Tình trạng"), _("Ngày hoàn thành"), _("Kết quả"), _("Đường dẫn"),
    ]


def share_columns() -> list[str]:
    return [
        _("Cơ quan thực hiện"), _("Người phụ trách phần việc"), _("Hạn của cơ quan"), _("Trạng thái phần việc"),
        _("Tình trạng phần việc"), _("Ngày hoàn thành phần việc"),
    ]


def _dmy(day: datetime.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


# What XML 1.0 refuses (openpyxl raises IllegalCharacterError on it); vertical tab and form feed
# become spaces, the rest (NUL, ESC, …) carry nothing a reader could see.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARTS = re.compile(r"(?<=[,;\t])")  # split after each separator a spreadsheet may use
_FORMULA_START = ("=", "+", "-", "@")


def _safe(value: str) -> str:
    value = _UNWRITABLE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", value)
    return "".join("'" + part if part.lstrip()[:1] in _FORMULA_START else part for part in _PARTS.split(value))


def _directive_cells(d, site_url: str) -> list:
    return [
        d.reference, d.title_vi, d.title_en, d.meeting.number if d.meeting else "",
        d.lead_agency.code, "; ".join(a.code for a in d.co_agencies.all()), d.get_pillar_display(),
        d.owner.username if d.owner else "", _dmy(d.assigned_on), d.deadline_text, _dmy(d.due_date),
        d.get_state_display(), Status(d.status).label, _dmy(d.completed_on), d.outcome,
        f"{site_url}{d.get_absolute_url()}",
    ]


def rows(queryset: QuerySet, site_url: str, *, per_share: bool = False) -> Iterator[list[str]]:
    queryset = queryset.select_related("lead_agency", "meeting", "owner").prefetch_related("co_agencies")
    if per_share:
        yield from _share_rows(queryset, site_url)
        return
    for d in queryset.iterator(chunk_size=CHUNK):
        yield [_safe(str(v)) for v in _directive_cells(d, site_url)]


def _share_rows(queryset: QuerySet, site_url: str) -> Iterator[list[str]]:
    """A chunk of directives at a time, and their shares (with status as of today) in one query per chunk."""
    chunk: list = []
    for d in queryset.iterator(chunk_size=CHUNK):
        chunk.append(d)
        if len(chunk) == CHUNK:
            yield from _share_chunk(chunk, site_url)
            chunk = []
    if chunk:
        yield from _share_chunk(chunk, site_url)


def _share_chunk(directives: list, site_url: str) -> Iterator[list[str]]:
    shares: dict[int, list] = {}
    collective = [d.pk for d in directives if d.is_collective]
    if collective:
        found = selectors.shares_as_of(queryset=Share.objects.filter(directive_id__in=collective))
        for share in found.select_related("agency", "owner").order_by("agency__kind", "agency__name_vi"):
            shares.setdefault(share.directive_id, []).append(share)
    for d in directives:
        cells = _directive_cells(d, site_url)
        if not d.is_collective:
            extra = [d.lead_agency.code, d.owner.username if d.owner else "", _dmy(d.due_date),
                     d.get_state_display(), Status(d.status).label, _dmy(d.completed_on)]
            yield [_safe(str(v)) for v in cells + extra]
            continue
        for share in shares.get(d.pk, []):
            extra = [share.agency.code, share.owner.username if share.owner else "", _dmy(share.due_date),
                     share.get_state_display(), Status(share.status).label, _dmy(share.completed_on)]
            yield [_safe(str(v)) for v in cells + extra]


def _filename(extension: str, per_share: bool = False) -> str:
    kind = "phan-viec" if per_share else "nhiem-vu"
    return f"dxtasks-{kind}-{timezone.localdate():%Y%m%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _header(per_share: bool) -> list[str]:
    return columns() + (share_columns() if per_share else [])


def csv_response(queryset: QuerySet, site_url: str, *, per_share: bool = False) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)  # a quoted field stays one cell whatever the separator
    header = _header(per_share)  # translated now, while the request's language is active

    def lines() -> Iterable[str]:
        yield "\ufeff"  # BOM: Excel then reads the Vietnamese as UTF-8
        yield writer.writerow(header)
        for row in rows(queryset, site_url, per_share=per_share):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv", per_share)}"'
    return response


def xlsx_response(queryset: QuerySet, site_url: str, *, per_share: bool = False) -> HttpResponse:
    from openpyxl import Workbook  # here, not at module level: 0.3 s the URLconf needn't pay

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Nhiệm vụ"))
    sheet.append(_header(per_share))
    for row in rows(queryset, site_url, per_share=per_share):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx", per_share)}"'
    return response
