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
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dxtasks.directives import labels, selectors
from dxtasks.directives.models import Directive, Share
from dxtasks.directives.status import Status
from dxtasks.formats import short_date

CHUNK = 2000
DATE_FORMAT = "DD/MM/YYYY"  # Excel's number format: the cell holds a date, shown as Vietnamese documents write it


def columns() -> list[str]:
    return [
        _("Số hiệu"),
        _("Tên nhiệm vụ"),
        _("Tên tiếng Anh"),
        _("Phiên họp"),
        _("Đơn vị chủ trì"),
        _("Đơn vị phối hợp"),
        _("Trụ cột"),
        _("Người phụ trách"),
        _("Ngày giao"),
        _("Thời hạn (nguyên văn)"),
        _("Hạn"),
        _("Trạng thái xử lý"),
        _("Tình trạng"),
        _("Số ngày quá hạn"),
        _("Ngày hoàn thành"),
        _("Kết quả"),
        _("Tiến độ gần nhất (phần trăm)"),
        _("Báo cáo tiến độ gần nhất"),
        _("Đường dẫn"),
    ]


# Column widths in characters, in the order above (then the share columns).
WIDTHS = [14, 60, 40, 9, 16, 22, 16, 16, 12, 30, 12, 18, 22, 10, 12, 40, 10, 50, 40]
SHARE_WIDTHS = [16, 18, 12, 18, 22, 12]
DATE_COLUMNS = {8, 10, 14}  # Ngày giao, Hạn, Ngày hoàn thành (0-based)


def share_columns() -> list[str]:
    return [
        _("Cơ quan thực hiện"),
        _("Người phụ trách phần việc"),
        _("Hạn của cơ quan"),
        _("Trạng thái phần việc"),
        _("Tình trạng phần việc"),
        _("Ngày hoàn thành phần việc"),
    ]


def _dmy(day: datetime.date | None) -> str:
    return short_date(day) if day else ""


# What XML 1.0 refuses (openpyxl raises IllegalCharacterError on it); vertical tab and form feed
# become spaces, the rest (NUL, ESC, …) carry nothing a reader could see.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARTS = re.compile(r"(?<=[,;\t])")  # split after each separator a spreadsheet may use
_FORMULA_START = ("=", "+", "-", "@")


def _safe(value: str) -> str:
    value = _UNWRITABLE.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", value)
    return "".join("'" + part if part.lstrip()[:1] in _FORMULA_START else part for part in _PARTS.split(value))


def _cell(value):
    """Dates and numbers stay typed (XLSX writes them as such); text is made safe."""
    if value is None:
        return ""
    if isinstance(value, (datetime.date, int)):
        return value
    return _safe(str(value))


def as_text(value) -> str:
    """The CSV form of a cell: dates dd/mm/yyyy."""
    if isinstance(value, datetime.date):
        return _dmy(value)
    return "" if value is None else str(value)


def _agency(agency, language: str) -> str:
    return labels.short_label(agency, language)


def _directive_cells(d, site_url: str, as_of: datetime.date, progress: dict, language: str) -> list:
    percent, note = progress.get(d.pk, (None, ""))
    overdue = (as_of - d.due_as_of).days if d.status == Status.OVERDUE and d.due_as_of else None
    return [
        d.reference,
        d.title_vi,
        d.title_en,
        d.meeting.number if d.meeting else "",
        _agency(d.lead_agency, language),
        "; ".join(_agency(a, language) for a in d.co_agencies.all()),
        d.get_pillar_display(),
        d.owner.username if d.owner else "",
        d.assigned_on,
        d.deadline_text_as_of,
        d.due_as_of,
        d.get_state_display(),
        Status(d.status).label,
        overdue,
        d.completed_on if d.completed_on and d.completed_on <= as_of else None,
        d.outcome,
        percent,
        note,
        f"{site_url}{d.get_absolute_url()}",
    ]


def rows(
    queryset: QuerySet, site_url: str, *, per_share: bool = False, as_of: datetime.date | None = None
) -> Iterator[list]:
    """The export's rows, a chunk of directives at a time (their progress and shares: one query per chunk)."""
    as_of = as_of or timezone.localdate()
    language = (get_language() or "vi")[:2]
    queryset = queryset.select_related("lead_agency__successor", "meeting", "owner").prefetch_related(
        "co_agencies__successor"
    )
    chunk: list = []
    for d in queryset.iterator(chunk_size=CHUNK):
        chunk.append(d)
        if len(chunk) == CHUNK:
            yield from _chunk(chunk, site_url, per_share, as_of, language)
            chunk = []
    if chunk:
        yield from _chunk(chunk, site_url, per_share, as_of, language)


def _chunk(directives: list, site_url: str, per_share: bool, as_of: datetime.date, language: str) -> Iterator[list]:
    progress = selectors.latest_progress_by_directive(
        Directive.objects.filter(pk__in=[d.pk for d in directives]), as_of=as_of
    )
    shares: dict[int, list] = {}
    collective = [d.pk for d in directives if d.is_collective]
    if per_share and collective:
        found = selectors.shares_as_of(as_of, queryset=Share.objects.filter(directive_id__in=collective))
        for share in found.select_related("agency__successor", "owner").order_by("agency__kind", "agency__name_vi"):
            shares.setdefault(share.directive_id, []).append(share)
    for d in directives:
        cells = _directive_cells(d, site_url, as_of, progress, language)
        if not per_share:
            yield [_cell(v) for v in cells]
        elif not d.is_collective:
            extra = [
                _agency(d.lead_agency, language),
                d.owner.username if d.owner else "",
                d.due_as_of,
                d.get_state_display(),
                Status(d.status).label,
                cells[14],
            ]
            yield [_cell(v) for v in cells + extra]
        else:
            for share in shares.get(d.pk, []):
                extra = [
                    _agency(share.agency, language),
                    share.owner.username if share.owner else "",
                    share.due_as_of,
                    share.get_state_display(),
                    Status(share.status).label,
                    share.completed_on if share.completed_on and share.completed_on <= as_of else None,
                ]
                yield [_cell(v) for v in cells + extra]


def _filename(extension: str, per_share: bool = False) -> str:
    kind = "phan-viec" if per_share else "nhiem-vu"
    return f"dxtasks-{kind}-{timezone.localdate():%Y%m%d}.{extension}"


class _Echo:
    def write(self, value: str) -> str:
        return value


def _header(per_share: bool) -> list[str]:
    return columns() + (share_columns() if per_share else [])


def csv_response(
    queryset: QuerySet, site_url: str, *, per_share: bool = False, as_of: datetime.date | None = None
) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)  # a quoted field stays one cell whatever the separator
    header = _header(per_share)  # translated now, while the request's language is active
    all_rows = rows(queryset, site_url, per_share=per_share, as_of=as_of)  # the language read now, too

    def lines() -> Iterable[str]:
        yield "\ufeff"  # BOM: Excel then reads the Vietnamese as UTF-8
        yield writer.writerow(header)
        for row in all_rows:
            yield writer.writerow([as_text(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv", per_share)}"'
    return response


def xlsx_response(
    queryset: QuerySet, site_url: str, *, per_share: bool = False, as_of: datetime.date | None = None
) -> HttpResponse:
    """A sheet Excel users expect: real date cells (dd/mm/yyyy), frozen header, autofilter, column widths."""
    from openpyxl import Workbook  # here, not at module level: 0.3 s the URLconf needn't pay
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Nhiệm vụ"))
    header = _header(per_share)
    widths = WIDTHS + (SHARE_WIDTHS if per_share else [])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    heading = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.alignment = bold, wrap
        heading.append(cell)
    sheet.append(heading)
    dates = DATE_COLUMNS | ({len(WIDTHS) + 2, len(WIDTHS) + 5} if per_share else set())
    count = 0
    for row in rows(queryset, site_url, per_share=per_share, as_of=as_of):
        cells = []
        for index, value in enumerate(row):
            if index in dates and isinstance(value, datetime.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = DATE_FORMAT
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx", per_share)}"'
    return response
