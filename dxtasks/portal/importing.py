"""Bulk import of a meeting's directives from CSV or XLSX: validate all, then save all or none.

The secretariat types a meeting's conclusions into Excel. An upload is read
into rows, every row is checked (unknown agency code, unreadable deadline,
missing title, duplicate reference …) and the preview lists every problem
of every row. Only a file without problems can be committed, and the commit
creates every row through `services.create_directive` in one transaction:
if anything fails then, nothing is saved.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxtasks.directives import groups, services
from dxtasks.directives.deadlines import Deadline
from dxtasks.directives.folding import fold
from dxtasks.directives.models import Agency, Directive, Meeting, Pillar, Precision
from dxtasks.formats import short_date

from .forms import DATE_INPUT_FORMATS, read_deadline

# Bounds checked before or while reading, so no upload can hold a worker: the file's size,
# the rows, the columns and cells read, a cell's length (Excel's own limit), and for XLSX (a zip)
# the decompressed size its directory declares, checked before any XML is parsed.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
MAX_COLUMNS = 30
MAX_CELLS = (MAX_ROWS + 1) * MAX_COLUMNS
MAX_CELL_CHARS = 32767
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ZIP_MEMBERS = 100
# C0 control characters other than whitespace (which is collapsed): invisible, meaningless in a
# title, refused by XLSX and (NUL) by PostgreSQL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

# Column key, required, what it holds (shown on the import page and in the template file).
COLUMNS: list[tuple[str, bool, str]] = [
    ("reference", True, gettext_lazy("Số hiệu nhiệm vụ, duy nhất, ví dụ UBQG-7/03")),
    ("title_vi", True, gettext_lazy("Tên nhiệm vụ (tiếng Việt)")),
    ("title_en", False, gettext_lazy("Tên tiếng Anh")),
    (
        "lead_agency",
        True,
        gettext_lazy(
            "Mã cơ quan chủ trì, ví dụ MPS, SBV, HA-NOI; hoặc mã nhóm ALL (các bộ, ngành, địa phương), "
            "ALL-MINISTRIES (các bộ, ngành), ALL-PROVINCES (các tỉnh, thành phố); hoặc danh sách mã cách nhau "
            "bằng dấu chấm phẩy, mỗi cơ quan một phần việc (MPS; MOJ; MOH)"
        ),
    ),
    ("co_agencies", False, gettext_lazy("Mã các cơ quan phối hợp, cách nhau bằng dấu chấm phẩy")),
    ("deadline", True, gettext_lazy("Thời hạn ghi như trong văn bản, ví dụ “trong quý II/2024”, “thường xuyên”")),
    ("assigned_on", False, gettext_lazy("Ngày giao dd/mm/yyyy; bỏ trống thì lấy ngày họp")),
    ("meeting", False, gettext_lazy("Số phiên họp; bỏ trống thì lấy phiên họp chọn khi tải lên")),
    ("pillar", False, gettext_lazy("government, economy, society hoặc cross (hoặc tên tiếng Việt)")),
    ("owner", False, gettext_lazy("Tên đăng nhập người phụ trách")),
    ("source_ref", False, gettext_lazy("Văn bản giao, ví dụ Thông báo 203/TB-VPCP")),
    ("source_url", False, gettext_lazy("Đường dẫn văn bản")),
    ("full_text", False, gettext_lazy("Nội dung đầy đủ")),
]
COLUMN_KEYS = [key for key, _required, _help in COLUMNS]
EXAMPLE_ROW = [
    "UBQG-9/01",
    "Ban hành kế hoạch chuyển đổi số năm 2026",
    "Issue the 2026 digital transformation plan",
    "MOST",
    "MPS; SBV",
    "trong quý I/2026",
    "",
    "",
    "government",
    "",
    "",
    "",
    "",
]


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, size, header)."""


@dataclass
class ImportRow:
    line: int  # the spreadsheet's row number, header = 1
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    due_label: str = ""


@dataclass
class ImportResult:
    rows: list[ImportRow]

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.bad_rows


# --- Reading ---------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(CONTROL_CHARACTERS.sub("", str(value)).split())


def _bounded(rows) -> list[list[str]]:
    """Read rows until a bound is passed: more rows than allowed (header and one over, to tell), columns or cells."""
    table, cells, filled = [], 0, 0
    for row in rows:
        row = list(row)
        while row and row[-1] in (None, ""):  # Excel's formatted but empty cells at the end of a row
            row.pop()
        filled += bool(row)
        if filled > MAX_ROWS + 2 or len(table) > 10 * MAX_ROWS:
            raise ImportFileError(_("Quá nhiều dòng (tối đa %(max)s).") % {"max": MAX_ROWS})
        if len(row) > MAX_COLUMNS:
            raise ImportFileError(
                _("Dòng %(line)s có quá nhiều cột (tối đa %(max)s).") % {"line": len(table) + 1, "max": MAX_COLUMNS}
            )
        cells += len(row)
        if cells > MAX_CELLS:
            raise ImportFileError(_("Tệp có quá nhiều ô (tối đa %(max)s).") % {"max": f"{MAX_CELLS:,}"})
        table.append([_cell(v) for v in row])
    return table


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("Tệp CSV phải lưu với bảng mã UTF-8 (trong Excel: “CSV UTF-8”).")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # Excel with Vietnamese settings writes ";"
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return _bounded(reader)
    except csv.Error:  # e.g. a cell over the csv module's 128 KiB field limit
        raise ImportFileError(
            _("Không đọc được dòng %(line)s của tệp CSV: có ô quá dài hoặc dấu ngoặc kép không đóng.")
            % {"line": reader.line_num}
        ) from None


def _check_archive(content: bytes) -> None:
    """An XLSX is a zip: refuse one that would unpack to more than the bound, before parsing anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportFileError(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from None
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            _("Tệp Excel khi giải nén quá lớn (tối đa %(max)s MB).") % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # here, not at module level: 0.3 s the URLconf needn't pay

    _check_archive(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from None
    try:
        sheet = workbook.worksheets[0]
        # max_col: read-only sheets pad every row to the declared <dimension>, which a file can set
        # to 16,384 columns; one more than allowed, so _bounded can tell a too-wide row.
        return _bounded(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS + 1))
    except ImportFileError:
        raise
    except Exception as exc:  # a damaged sheet found while reading it
        raise ImportFileError(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from None
    finally:
        workbook.close()


def read_table(name: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) per row of the file; blank lines dropped."""
    table = _read_cells(name, content)
    return _data_rows(table[1:], _header(table[0]))


def _read_cells(name: str, content: bytes) -> list[list[str]]:
    """The file's cells, row by row, within the bounds; a .csv or an .xlsx only."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Tệp quá lớn (tối đa 2 MB)."))
    lower = name.lower()
    if lower.endswith(".csv"):
        table = _read_csv(content)
    elif lower.endswith(".xlsx"):
        table = _read_xlsx(content)
    else:
        raise ImportFileError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
    if not table:
        raise ImportFileError(_("Tệp trống."))
    return table


def _header(cells: list[str]) -> list[str]:
    """The column keys of the first row (folded, spaces as underscores): every required one, no unknown one."""
    header = [fold(h).strip().replace(" ", "_") for h in cells]
    missing = [key for key, required, _help in COLUMNS if required and key not in header]
    if missing:
        raise ImportFileError(
            _("Thiếu cột: %(columns)s. Dòng đầu tiên phải là tên cột như trong tệp mẫu.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [h for h in header if h and h not in COLUMN_KEYS]
    if unknown:
        raise ImportFileError(_("Cột không biết: %(columns)s.") % {"columns": ", ".join(unknown)})
    return header


def _data_rows(table: list[list[str]], header: list[str]) -> list[tuple[int, dict[str, str]]]:
    """The rows under the header as {column: text}, numbered as the spreadsheet numbers them (header = 1)."""
    rows = []
    for number, cells in enumerate(table, start=2):
        if not any(cells):
            continue
        rows.append((number, {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(header) if key}))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("Quá nhiều dòng (tối đa %(max)s).") % {"max": MAX_ROWS})
    if not rows:
        raise ImportFileError(_("Tệp không có dòng nhiệm vụ nào."))
    return rows


# --- Checking ----------------------------------------------------------------------------


def _parse_day(text: str) -> datetime.date | None:
    for fmt in DATE_INPUT_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _pillar(text: str) -> str:
    """A pillar's value from its value or its Vietnamese name (any case, with or without accents); the text as
    written when it is neither, for the model's own check to refuse."""
    if not text:
        return Pillar.CROSS_CUTTING
    folded = fold(text)
    for value, label in Pillar.choices:
        if folded in (value, fold(str(label))):
            return value
    return text


def _lead_or_list(lead_code: str, agencies: dict, errors: list) -> tuple[Agency | None, list[Agency]]:
    """The lead_agency column: one agency's code, a group code (ALL, ALL-MINISTRIES, ALL-PROVINCES: one
    share per member agency of the assigned day), or a ';'-separated list (each listed agency a share)."""
    codes = [c.strip() for c in lead_code.replace(",", ";").split(";") if c.strip()]
    if not codes:
        errors.append(_("Thiếu mã cơ quan chủ trì."))
        return None, []
    if len(codes) == 1:
        code = codes[0]
        lead = agencies.get(code)
        if lead is None:
            errors.append(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
        elif code == groups.EACH:
            errors.append(_("Cột lead_agency: ghi danh sách mã cơ quan cách nhau bằng dấu chấm phẩy thay cho EACH."))
        return lead, []
    each = []
    for code in dict.fromkeys(codes):
        agency = agencies.get(code)
        if agency is None:
            errors.append(_("Cột lead_agency: không có cơ quan mã “%(code)s” trong danh sách.") % {"code": code})
        elif groups.is_group_code(code):
            errors.append(
                _("Cột lead_agency: mã nhóm %(code)s không ghi chung với danh sách cơ quan.") % {"code": code}
            )
        else:
            each.append(agency)
    return None, each


def _co_agencies(text: str, agencies: dict, errors: list) -> list[Agency]:
    """The co_agencies column: codes separated by ';' (or ',')."""
    co = []
    for code in filter(None, (c.strip().upper() for c in text.replace(",", ";").split(";"))):
        if code not in agencies:
            errors.append(_("Không có cơ quan phối hợp mã “%(code)s”.") % {"code": code})
        else:
            co.append(agencies[code])
    return co


def _meeting(number: str, meetings: dict, default: Meeting | None, errors: list) -> Meeting | None:
    """The meeting column: a register number; empty, the meeting chosen on upload."""
    if not number:
        return default
    # isdecimal() and ASCII: "²".isdigit() is true and int("²") fails.
    meeting = meetings.get(int(number)) if number.isascii() and number.isdecimal() else None
    if meeting is None:
        errors.append(_("Không có phiên họp số “%(number)s”.") % {"number": number})
    return meeting


def _assigned_on(values: dict[str, str], meeting: Meeting | None, errors: list) -> datetime.date | None:
    """The assigned_on column (dd/mm/yyyy, as the entry form reads dates); empty, the meeting's day."""
    text = values.get("assigned_on", "")
    if text:
        assigned_on = _parse_day(text)
        if assigned_on is None:
            errors.append(_("Ngày giao “%(value)s” không đúng dạng dd/mm/yyyy.") % {"value": text})
        return assigned_on
    if meeting is not None:
        return meeting.date
    if not values.get("meeting"):  # an unknown meeting number is reported already
        errors.append(_("Thiếu ngày giao (hoặc số phiên họp để lấy ngày họp)."))
    return None


def _owner(username: str, users: dict, errors: list):
    """The owner column: an active user's username."""
    if not username:
        return None
    owner = users.get(username)
    if owner is None:
        errors.append(_("Không có người dùng “%(value)s”.") % {"value": username})
    return owner


def _deadline(text: str, errors: list) -> Deadline | None:
    """The deadline column, read as the entry form reads it (the same message when it can't be)."""
    try:
        return read_deadline(text)
    except ValidationError as error:
        errors.extend(error.messages)
        return None


@dataclass
class _Known:
    """What rows refer to, read once for the whole file: agencies, meetings, active users by their
    codes, numbers and usernames; the references already taken; the references seen in earlier rows."""

    agencies: dict[str, Agency]
    meetings: dict[int, Meeting]
    users: dict
    taken: set[str]
    seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, rows: list[tuple[int, dict[str, str]]]) -> "_Known":
        references = [values.get("reference", "") for _n, values in rows]
        return cls(
            agencies={a.code: a for a in Agency.objects.all()},
            meetings={m.number: m for m in Meeting.objects.all()},
            users={u.username: u for u in get_user_model().objects.filter(is_active=True)},
            taken=set(Directive.objects.filter(reference__in=references).values_list("reference", flat=True)),
        )

    def check_reference(self, reference: str, line: int, errors: list) -> None:
        """Uniqueness, for the whole file in one query (the service's check leaves it to its caller)."""
        if reference in self.taken:
            errors.append(_("Số hiệu %(ref)s đã có trong hệ thống.") % {"ref": reference})
        elif reference in self.seen:
            errors.append(
                _("Số hiệu %(ref)s trùng với dòng %(line)s.") % {"ref": reference, "line": self.seen[reference]}
            )
        if reference:
            self.seen.setdefault(reference, line)


def _bounded_cells(values: dict[str, str], errors: list) -> None:
    for column, value in values.items():
        if len(value) > MAX_CELL_CHARS:
            errors.append(_("Cột %(column)s dài quá %(max)s ký tự.") % {"column": column, "max": f"{MAX_CELL_CHARS:,}"})
            values[column] = value[:200] + "…"  # the preview shows the row, not 32 KB of it


def check_rows(rows: list[tuple[int, dict[str, str]]], default_meeting: Meeting | None = None) -> ImportResult:
    """Check every row against the database and each other; nothing is written."""
    known = _Known.read(rows)
    return ImportResult(rows=[_check_row(line, values, known, default_meeting) for line, values in rows])


def _check_row(line: int, values: dict[str, str], known: _Known, default_meeting: Meeting | None) -> ImportRow:
    """One row: its columns read here (codes, group codes and lists, meeting numbers, usernames, dates),
    then every rule of a new directive checked by the service the entry form calls too."""
    row = ImportRow(line=line, values=values)
    errors = row.errors
    _bounded_cells(values, errors)
    reference = values.get("reference", "")
    known.check_reference(reference, line, errors)
    lead, each = _lead_or_list(values.get("lead_agency", "").upper(), known.agencies, errors)
    co = _co_agencies(values.get("co_agencies", ""), known.agencies, errors)
    deadline = _deadline(" ".join(values.get("deadline", "").split()), errors)
    meeting = _meeting(values.get("meeting", ""), known.meetings, default_meeting, errors)
    assigned_on = _assigned_on(values, meeting, errors)
    kwargs = {
        "reference": reference,
        "title_vi": values.get("title_vi", ""),
        "title_en": values.get("title_en", ""),
        "lead_agency": lead,
        "co_agencies": co,
        **({"share_agencies": each} if each else {}),
        "deadline_text": " ".join(values.get("deadline", "").split()),
        "assigned_on": assigned_on,
        "meeting": meeting,
        "pillar": _pillar(values.get("pillar", "")),
        "owner": _owner(values.get("owner", ""), known.users, errors),
        "source_ref": values.get("source_ref", ""),
        "source_url": values.get("source_url", ""),
        "full_text": values.get("full_text", ""),
    }
    if lead is not None or each:  # with no agency read there is no directive to check
        # Every rule of a new directive at once (lengths, choices, URL schemes, a merged lead or addressee,
        # constraints), so the commit can't refuse what the preview accepted; the columns refused above are
        # left out, their message said.
        unread = {name for name, value in (("deadline_text", deadline), ("assigned_on", assigned_on)) if value is None}
        try:
            services.check_new_directive(**kwargs, exclude=unread)
        except services.DirectiveError as exc:
            errors.extend(_model_messages(exc))
    if not errors:
        row.kwargs = kwargs
        # "→ thường xuyên" / "→ ongoing": the precision's label in the reader's language, not its code.
        row.due_label = short_date(deadline.due) if deadline.due else str(Precision(deadline.precision).label)
    return row


def _model_messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    messages = []
    for name, field_errors in error.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else str(Directive._meta.get_field(name).verbose_name)
        messages.extend(f"{label[:1].upper()}{label[1:]}: {message}" if label else message for message in field_errors)
    return messages


# --- Saving --------------------------------------------------------------------------------


class ImportRefused(Exception):
    def __init__(self, result: ImportResult):
        super().__init__(f"{len(result.bad_rows)} bad rows")
        self.result = result


@transaction.atomic
def commit(result: ImportResult, *, by) -> list[Directive]:
    """Create every row, or nothing: a refusal by the service (all of them are DirectiveError, the model's own
    validation included) is listed on its row and rolls the whole import back."""
    if not result.ok:
        raise ImportRefused(result)
    created = []
    for row in result.rows:
        try:
            created.append(services.create_directive(by=by, **row.kwargs))
        except services.DirectiveError as exc:
            row.errors.extend(_model_messages(exc))
    if result.bad_rows:
        transaction.set_rollback(True)
        raise ImportRefused(result)
    return created


def template_workbook() -> bytes:
    from openpyxl import Workbook  # here, not at module level: 0.3 s the URLconf needn't pay

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "directives"
    sheet.append(COLUMN_KEYS)
    sheet.append(EXAMPLE_ROW)
    for column, width in zip("ABCDEFGHIJKLM", [14, 50, 40, 12, 16, 28, 12, 10, 12, 14, 24, 24, 40], strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_KEYS)
    writer.writerow(EXAMPLE_ROW)
    return "\ufeff" + buffer.getvalue()
