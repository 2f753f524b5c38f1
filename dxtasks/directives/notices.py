"""Read a conclusion notice ("Thông báo kết luận") into proposed directives, by rule.

After each meeting the Government Office issues a notice whose tasks follow a
few formulas: numbered items and lettered sub-items; "Bộ X chủ trì, phối hợp
với Bộ Y, Bộ Z …"; an agency heading over a list of tasks ("2. Bộ Tài chính:
a) … b) …"); the deadline at the end ("…; hoàn thành trong quý IV/2025") or at
the start ("Chậm nhất ngày 30/9/2025, …"); abbreviations (BCA, NHNN, Bộ
KH&CN); collective addressees ("Các bộ, cơ quan ngang bộ, …"). News articles
that summarise a notice run the same sentences in paragraphs.

`read_notice(text, gazetteer=...)` returns a `NoticeReading`: the header
(notice number and date, meeting number and date, committee) and the
proposed directives, each with the source span it came from and flags for
what the reader was unsure of. Nothing is guessed silently: an agency name the
gazetteer does not know is flagged, an agency that has since merged is
flagged with its successor, a task without a deadline is flagged.

No network, no model: rules, the `Gazetteer` (built from the Agency
reference data, resolved as of the meeting date) and `parse_deadline`.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dxtasks.formats import short_date

from . import groups
from .deadlines import DeadlineError, parse_deadline, written_with_year
from .folding import fold_char

MAX_CHARS = 200_000  # a long notice is ~30,000 characters; beyond this it is not a notice

# The addressee groups are the shares' (directives.groups): a group the reader recognises is one the import takes.
GROUP_ALL, GROUP_MINISTRIES, GROUP_PROVINCES = groups.ALL, groups.ALL_MINISTRIES, groups.ALL_PROVINCES
GROUP_CODES = groups.IMPORT_GROUP_CODES
EACH = groups.EACH


class NoticeError(ValueError):
    """The text as a whole cannot be read as a notice; the message says why (in Vietnamese)."""


# --- Text keys ----------------------------------------------------------------------------
#
# Matching happens on a key of the same length as the text: lower case, no diacritics,
# dashes unified. A span found in the key quotes the text.

_DASHES = {"–": "-", "—": "-", "‑": "-", "−": "-"}


def _key_char(ch: str) -> str:
    if ch in _DASHES:
        return "-"
    if ch in "\u00a0\u2007\u202f\t":
        return " "
    return fold_char(ch)


def make_key(text: str) -> str:
    return "".join(_key_char(ch) for ch in text)


def normalise(text: str) -> str:
    """NFC, one space between words, lines kept, no blank-line runs: the text spans refer to."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- The gazetteer ------------------------------------------------------------------------

# Short forms notices and the press use, beyond each agency's name and official abbreviation.
ALIASES: dict[str, tuple[str, ...]] = {
    "MPS": ("BCA", "Bộ CA"),
    "MND": ("BQP",),
    "MOFA": ("BNG",),
    "MOHA": ("BNV",),
    "MOJ": ("BTP",),
    "MOF": ("BTC",),
    "MOIT": ("BCT", "Bộ CT"),
    "MOC": ("BXD",),
    "MOH": ("BYT",),
    "SBV": ("NHNN", "NHNN Việt Nam", "NHNNVN", "Ngân hàng Nhà nước"),
    "GO": ("VPCP",),
    "GI": ("TTCP",),
    "MIC": ("Bộ TT&TT", "Bộ TT-TT", "Bộ TTTT", "BTTTT", "Bộ TT và TT", "Bộ Thông tin - Truyền thông"),
    "MOST": ("Bộ KH&CN", "Bộ KH-CN", "Bộ KHCN", "BKHCN", "Bộ Khoa học - Công nghệ"),
    "MPI": ("Bộ KH&ĐT", "Bộ KH-ĐT", "Bộ KHĐT", "BKHĐT", "Bộ Kế hoạch - Đầu tư"),
    "MOET": ("Bộ GD&ĐT", "Bộ GD-ĐT", "Bộ GDĐT", "BGDĐT", "Bộ Giáo dục - Đào tạo"),
    "MONRE": ("Bộ TN&MT", "Bộ TN-MT", "Bộ TNMT", "BTNMT", "Bộ Tài nguyên - Môi trường"),
    "MARD": ("Bộ NN&PTNT", "Bộ NN-PTNT", "Bộ NNPTNT", "BNNPTNT"),
    "MAE": ("Bộ NN&MT", "Bộ NN-MT", "Bộ NNMT", "BNNMT"),
    "MOLISA": ("Bộ LĐ-TB&XH", "Bộ LĐTB&XH", "Bộ LĐTBXH", "BLĐTBXH", "Bộ Lao động - Thương binh - Xã hội"),
    "MCST": ("Bộ VH-TT&DL", "Bộ VHTT&DL", "Bộ VHTTDL", "BVHTTDL", "Bộ Văn hóa - Thể thao - Du lịch"),
    "MOT": ("Bộ GTVT", "BGTVT", "Bộ GT-VT"),
    "MEMR": ("Bộ DT&TG", "Bộ DTTG", "BDTTG"),
    "CEMA": ("UBDT", "Ủy ban Dân tộc", "Uỷ ban Dân tộc"),
    "VSS": ("BHXH Việt Nam", "BHXH VN", "BHXHVN", "Bảo hiểm Xã hội Việt Nam"),
}
_CITY_ALIASES = {"Hồ Chí Minh": ("TP.HCM", "TP. HCM", "TP HCM", "TPHCM", "Thành phố HCM")}


@dataclass(frozen=True)
class AgencyRecord:
    code: str
    name_vi: str
    short_name_vi: str
    kind: str
    established_on: datetime.date | None = None
    succeeded_on: datetime.date | None = None
    successor: str | None = None  # successor's code

    def valid_on(self, day: datetime.date) -> bool:
        return (self.established_on is None or self.established_on <= day) and (
            self.succeeded_on is None or day < self.succeeded_on
        )


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    codes: tuple[str, ...] = ()  # candidate agencies; empty for an unknown name
    group: str | None = None  # a collective addressee's group code
    related: bool = False  # "các bộ, ngành liên quan": not an addressee

    @property
    def unknown(self) -> bool:
        return not self.codes and self.group is None


def _is_acronym(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and " " not in surface


def _prefix_stripped(name: str) -> str | None:
    for prefix in ("Tỉnh ", "Thành phố ", "TP. ", "TP "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return None


class Gazetteer:
    """Agency names, abbreviations, short and historical forms → agency codes, resolved on a day."""

    def __init__(self, records: Iterable[AgencyRecord], aliases: dict[str, tuple[str, ...]] | None = None):
        self.records = {r.code: r for r in records if r.code not in GROUP_CODES and r.code != EACH}
        aliases = ALIASES if aliases is None else aliases
        surfaces: dict[str, set[str]] = {}
        acronyms: set[str] = set()

        def add(surface: str, code: str) -> None:
            surface = " ".join(surface.split())
            if len(surface) < 3:
                return
            key = make_key(surface)
            surfaces.setdefault(key, set()).add(code)
            if _is_acronym(surface):
                acronyms.add(key)

        for record in self.records.values():
            add(record.name_vi, record.code)
            if record.kind == "province":
                base = _prefix_stripped(record.name_vi) or record.short_name_vi
                kind_words = ("tỉnh",) if record.name_vi.startswith("Tỉnh") else ("thành phố", "TP.", "TP", "thủ đô")
                for word in kind_words:
                    for council in ("", "Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND "):
                        add(f"{council}{word} {base}", record.code)
                for alias in _CITY_ALIASES.get(base, ()):
                    for council in ("", "Ủy ban nhân dân ", "UBND "):
                        add(f"{council}{alias}", record.code)
            else:
                add(record.short_name_vi, record.code)
                if record.name_vi.endswith(" Việt Nam"):
                    add(record.name_vi[: -len(" Việt Nam")], record.code)
                for alias in aliases.get(record.code, ()):
                    add(alias, record.code)
                    if "&" in alias:
                        add(alias.replace("&", " & "), record.code)
        self._surfaces = surfaces
        self._acronyms = acronyms
        alternatives = "|".join(re.escape(s) for s in sorted(surfaces, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w&])(?:{alternatives})(?![\w&])") if surfaces else None

    @classmethod
    def from_database(cls) -> Gazetteer:
        from .models import Agency

        rows = Agency.objects.values_list(
            "code", "name_vi", "short_name_vi", "kind", "established_on", "succeeded_on", "successor__code"
        )
        return cls(AgencyRecord(*row) for row in rows)

    def find(self, text: str, key: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Known agency names in text[start:end], longest first, not overlapping."""
        if self._pattern is None:
            return []
        found = []
        for m in self._pattern.finditer(key, start, len(key) if end is None else end):
            surface = m.group()
            if surface in self._acronyms and any(c.islower() for c in text[m.start() : m.end()]):
                continue  # "btc" inside ordinary words is not the Ministry of Finance
            found.append(Mention(m.start(), m.end(), text[m.start() : m.end()], tuple(sorted(self._surfaces[surface]))))
        return found

    def resolve(self, mention: Mention, on: datetime.date | None) -> tuple[str | None, list[str]]:
        """The agency a mention means on `on`, and flags about it (merged, unknown, ambiguous)."""
        if mention.group:
            return mention.group, []
        if not mention.codes:
            return None, [f"agency name unknown: '{mention.text}'"]
        candidates = [self.records[c] for c in mention.codes]
        if len(candidates) > 1:
            if on is not None:
                valid = [r for r in candidates if r.valid_on(on)]
                candidates = valid or candidates
            if len(candidates) > 1:
                current = [r for r in candidates if r.successor is None]
                candidates = current if len(current) == 1 else candidates
        if len(candidates) > 1:
            codes = ", ".join(r.code for r in candidates)
            return None, [f"agency name ambiguous: '{mention.text}' ({codes})"]
        record = candidates[0]
        flags = []
        if record.successor:
            flags.append(f"agency merged on {short_date(record.succeeded_on)} → {record.successor}: '{mention.text}'")
        elif on is not None and record.established_on and on < record.established_on:
            flags.append(f"agency established only on {short_date(record.established_on)}: '{mention.text}'")
        return record.code, flags


# Collective addressees. Patterns on the key; the longest match wins.
_MIN_LONG = (
    r"(?:cac )?(?:bo|bo truong),? (?:thu truong )?(?:cac )?co quan ngang bo,? (?:va )?"
    r"(?:thu truong )?(?:cac )?co quan thuoc chinh phu"
)
_MIN_SHORT = r"cac bo,? (?:nganh|co quan)(?: trung uong)?"
_PROV = (
    r"(?:(?:chu tich )?(?:uy ban nhan dan|ubnd) )?(?:cac )?tinh,? (?:va )?thanh pho(?: truc thuoc trung uong)?"
    r"|(?:uy ban nhan dan|ubnd) cac tinh|cac dia phuong|dia phuong"
)
_GROUPS = [
    (GROUP_ALL, re.compile(rf"(?<![\w])(?:{_MIN_LONG}|{_MIN_SHORT}),? (?:va )?(?:cac )?(?:{_PROV})(?![\w])")),
    (
        GROUP_ALL,
        re.compile(r"(?<![\w])(?:cac )?bo,? (?:ban,? )?nganh,? (?:va )?(?:cac )?(?:co quan,? )?dia phuong(?![\w])"),
    ),
    (GROUP_ALL, re.compile(r"(?<![\w])cac co quan,? dia phuong(?![\w])")),
    (GROUP_MINISTRIES, re.compile(rf"(?<![\w])(?:{_MIN_LONG}|{_MIN_SHORT})(?![\w])")),
    (
        GROUP_PROVINCES,
        re.compile(
            r"(?<![\w])(?:(?:uy ban nhan dan|ubnd) )?(?:cac )?tinh,? (?:va )?thanh pho"
            r"(?: truc thuoc trung uong)?(?![\w])|(?<![\w])(?:uy ban nhan dan|ubnd) cac tinh(?![\w])"
            r"|(?<![\w])cac dia phuong(?![\w])"
        ),
    ),
]
_RELATED = re.compile(r"\s*(?:,\s*)?(?:co )?lien quan")

# Organisation names the gazetteer may not know: flagged where an addressee is expected.
_UPPER = "A-ZĐÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĨŨƠƯẠ-Ỹ"
_UNKNOWN_ORG = re.compile(
    r"(?<![\w])(?:Tập đoàn|Tổng công ty|Công ty|Hiệp hội|Tổng cục|Cục|Viện|Học viện|Đại học|Đài|Thông tấn xã|"
    r"Sở|Bộ|Ủy ban|Uỷ ban|Ngân hàng|Bảo hiểm)"
    rf"(?: [{_UPPER}][\w&.-]*)+"
)


def _groups(key: str, start: int, end: int, text: str) -> list[Mention]:
    found: list[Mention] = []
    for code, pattern in _GROUPS:
        for m in pattern.finditer(key, start, end):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            related = bool(_RELATED.match(key, m.end()))
            found.append(Mention(m.start(), m.end(), text[m.start() : m.end()], group=code, related=related))
    return found


def _mentions(text: str, key: str, start: int, end: int, gazetteer: Gazetteer) -> list[Mention]:
    groups = _groups(key, start, end, text)
    known = [
        m for m in gazetteer.find(text, key, start, end) if not any(m.start < g.end and g.start < m.end for g in groups)
    ]
    taken = groups + known
    unknown = []
    for m in _UNKNOWN_ORG.finditer(text, start, end):
        if any(m.start() < t.end and t.start < m.end() for t in taken):
            continue
        name = m.group().rstrip(".")
        if name.split(" ")[-1] in ("và",):
            continue
        unknown.append(Mention(m.start(), m.start() + len(name), name))
    return sorted(taken + unknown, key=lambda m: m.start)


# --- The header ---------------------------------------------------------------------------

_VI_ORDINALS = {
    "nhat": 1,
    "hai": 2,
    "ba": 3,
    "tu": 4,
    "bon": 4,
    "nam": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
    "muoi": 10,
    "dau tien": 1,
}


@dataclass
class NoticeHeader:
    number: str | None = None  # "412/TB-VPCP"
    date: datetime.date | None = None  # the notice's own date
    meeting_number: int | None = None  # the session as the notice numbers it
    meeting_date: datetime.date | None = None
    committee: str | None = None  # ncdt, egov, steering

    @property
    def reference(self) -> datetime.date | None:
        """The day year-less deadlines and agency names are read against."""
        return self.date or self.meeting_date


def _date(day: str, month: str, year: str | None, fallback_year: int | None) -> datetime.date | None:
    try:
        y = int(year) if year else fallback_year
        return datetime.date(y, int(month), int(day)) if y else None
    except ValueError:
        return None


_DAY = r"(?P<d>\d{1,2})(?: thang |/|-|\.)(?P<m>\d{1,2})(?:(?: nam |/|-|\.)(?P<y>\d{4}))?"


def read_header(text: str, key: str) -> NoticeHeader:
    header = NoticeHeader()
    head = key[:4000]
    m = re.search(r"so:? ?(\d{1,5}/tb-[a-z0-9-]+)", head) or re.search(
        r"thong bao (?:ket luan )?(?:so )?(\d{1,5}/tb-[a-z0-9-]+)", key
    )
    if m:
        header.number = text[m.start(1) : m.end(1)].upper()
    m = re.search(r"(?:ha noi|tp\. ho chi minh),? ngay (?P<d>\d{1,2}) thang (?P<m>\d{1,2}) nam (?P<y>\d{4})", head)
    if not m and header.number:
        m = re.search(re.escape(header.number.lower()) + r",? ngay " + _DAY, key)
    if m:
        header.date = _date(m["d"], m["m"], m["y"], None)
    sessions = list(
        re.finditer(
            r"phien hop (?:lan )?thu (\d{1,3}|nhat|hai|ba|tu|bon|nam|sau|bay|tam|chin|muoi)(?![\w])"
            r"|phien hop (dau tien)",
            key,
        )
    )
    for m in sessions:
        word = m.group(1) or m.group(2)
        if header.meeting_number is None:
            header.meeting_number = int(word) if word.isdigit() else _VI_ORDINALS[word]
        # the meeting's date: "Ngày 12 tháng 9 năm 2025, … chủ trì Phiên họp", "Chiều 28/12, …", "diễn ra ngày …"
        sentence_start = max(key.rfind("\n", 0, m.start()), key.rfind(". ", 0, m.start())) + 1
        before = key[sentence_start : m.start()]
        d = re.search(r"^[^\n]{0,200}?(?:dien ra|to chuc|hop) (?:vao )?(?:ngay )?" + _DAY, key[m.end() :])
        d = d or re.search(
            r"(?:^|[\s,])(?:ngay|sang|chieu|toi|trua) " + _DAY + r"(?![\s\S]*(?:ngay|sang|chieu) \d)", before
        )
        if d:
            fallback = header.date.year if header.date else None
            meeting_date = _date(d["d"], d["m"], d["y"], fallback)
            if meeting_date and header.date and not d["y"] and meeting_date > header.date:
                meeting_date = meeting_date.replace(year=meeting_date.year - 1)
            header.meeting_date = meeting_date
            break
    first = len(key) + 1
    for pattern, committee in (
        (r"ban chi dao cua chinh phu ve phat trien khoa hoc|truong ban chi dao", "steering"),
        (r"uy ban quoc gia ve chuyen doi so", "ncdt"),
        (r"uy ban quoc gia ve chinh phu dien tu", "egov"),
    ):
        found = re.search(pattern, key)
        if found and found.start() < first:  # the committee named first in the text
            header.committee, first = committee, found.start()
    return header


# --- Directives ---------------------------------------------------------------------------


@dataclass
class ProposedDirective:
    title_vi: str
    lead_agency: str | None
    collective: bool
    addressees: str | None
    co_agencies: list[str]
    deadline_text: str
    due_date: datetime.date | None
    precision: str | None
    item: str | None
    start: int
    end: int
    flags: list[str] = field(default_factory=list)
    recurrence: str | None = None
    saved_deadline_text: str = ""  # readable without the notice's date ("" when there is none)
    excerpt: str = ""
    members: list[str] = field(default_factory=list)  # the listed agencies when addressees is EACH

    @property
    def lead_column(self) -> str:
        """What the import's lead_agency column takes: a code, a group code, or "A; B; C" (a share each)."""
        return "; ".join(self.members) if self.addressees == EACH else (self.lead_agency or "")

    def as_json(self) -> dict:
        return {
            "title_vi": self.title_vi,
            "lead_agency": self.lead_agency,
            "collective": self.collective,
            "addressees": self.addressees,
            "members": list(self.members),
            "co_agencies": list(self.co_agencies),
            "deadline_text": self.deadline_text,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "precision": self.precision,
            "item": self.item,
            "excerpt": self.excerpt,
            "flags": list(self.flags),
        }


@dataclass
class NoticeReading:
    text: str
    header: NoticeHeader
    directives: list[ProposedDirective]
    reference: datetime.date | None


# Sentences that report, praise or describe rather than direct.
_NOT_DIRECTIVE = re.compile(
    r"(?<![\w])(?:bieu duong|danh gia cao|ghi nhan|hoan nghenh|sau khi nghe|theo bao cao|cho biet|cho rang|"
    r"tham du|phat bieu|tham luan|trinh bay|nhan manh|thong bao de|thong bao ket luan|bao cao de dan|"
    r"chu tri phien hop|chu tri hoi nghi|ket luan nhu sau|ket luan:|noi nhan)(?![\w])"
)
# What may stand before the subject of a directive sentence.
_LEAD_IN = re.compile(
    r"(?:^|(?<=[\s,:]))(?:giao(?: cho)?|de nghi|yeu cau|chi dao|doi voi|dong thoi|ngoai ra|ben canh do|"
    r"cung voi do|mat khac|tiep tuc giao)[\s,:]*$"
)
_SPEAKERS = re.compile(r"(?:bo truong|thu truong|lanh dao|dai dien|chu tich|giam doc|pho thu tuong)\s*$")
# Words after the subject that mean the sentence is not an instruction to it.
_NOT_A_TASK = re.compile(
    r"(?:da|vua|dang|la|co|cho biet|cho rang|nhan manh|de nghi|kien nghi|neu|phat bieu|trinh bay|"
    r"thong bao|cung da|tung|duoc danh gia|dat)(?![\w])"
)
_JOINT = re.compile(r"[\s,]*(?:cung )?(?:phoi hop|phoi hop chat che|cung nhau)(?![\w])")
_CHU_TRI = re.compile(r"[\s,]*(?:(?:duoc|da duoc) giao )?(?:la co quan )?chu tri(?![\w])[\s,]*")
_CO_CUE = re.compile(
    r"(?<![\w])(?:phoi hop (?:chat che )?(?:voi|cung)|cung voi|voi su phoi hop cua|phoi hop)(?![\w])\s*"
)
_LIST_JOIN = re.compile(r"\s*(?:,\s*(?:va\s+)?|va\s+|\s+)$")

# Deadlines: a cue word, then a period. Dates without a cue (a decision's date, "Kế hoạch năm 2026") are not deadlines.
_PERIOD = (
    r"(?:ngay )?\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{4})?"
    r"|(?:ngay )?\d{1,2} thang \d{1,2}(?: nam \d{4})?"
    r"|thang \d{1,2}(?:[/.-]\d{4}| nam \d{4})?"
    r"|quy (?:iv|iii|ii|i|[1-4])(?:[/.-]\d{4}| nam \d{4})?"
    r"|(?:6|sau) thang (?:dau|cuoi) nam(?: \d{4})?|nua (?:dau|cuoi) nam(?: \d{4})?"
    r"|nam \d{4}|nam nay|cuoi nam(?: \d{4})?"
    r"|tet nguyen dan(?: (?:nam )?\d{4})?|tet(?: (?:nam )?\d{4})?"
)
_DATED = re.compile(
    r"(?<![\w])(?P<cue>(?:(?:hoan thanh|xong|khan truong hoan thanh) )?"
    r"(?:trong|truoc|cham nhat(?: la)?|muon nhat|tu nay den(?: het| cuoi)?|den het|ngay trong|han chot:?|thoi han:?)"
    r" )(?P<period>" + _PERIOD + r")(?![\w/])"
)
_PERIODIC = re.compile(
    r"(?<![\w])(?:(?:dinh ky )?(?:hang|moi) (?:thang|quy|nua nam|nam)|(?:dinh ky )?(?:3|6|sau|ba) thang (?:mot|1) lan"
    r"|dinh ky (?:1|3|6|12|sau|ba) thang)(?![\w])"
)
_ONGOING = re.compile(r"(?<![\w])(?<!chi )thuong xuyen(?:,? lien tuc)?(?![\w])|(?<![\w])lien tuc(?![\w])")
_ASAP = re.compile(r"(?<![\w])(?:trong thoi gian som nhat|khan truong|som|ngay lap tuc)(?![\w])")

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[" + _UPPER + r"0-9])")
_ROMAN_LINE = re.compile(r"^(?P<label>[IVX]{1,5})\.\s+(?P<rest>.*)$")
_NUMBER_LINE = re.compile(r"^(?P<label>\d{1,2})[.)]\s+(?P<rest>.*)$")
_LETTER_LINE = re.compile(r"^(?P<label>[a-zđ])\)\s+(?P<rest>.*)$")
_BULLET_LINE = re.compile(r"^[-–•+*]\s*(?P<rest>.+)$")
_INLINE_LETTER = re.compile(r"(?:(?<=[:;.])\s+|^)(?P<label>[a-zđ])\)\s+")
_END_OF_BODY = re.compile(r"^(?:noi nhan|kt\. |tm\. |nguoi ky)", re.MULTILINE)


@dataclass
class _Unit:
    start: int
    end: int
    label: str | None
    heading: tuple[str | None, list[str], list[str]] | None = None  # inherited (lead, co, flags)


@dataclass
class _Analysis:
    subject: list[Mention]
    co: list[Mention]
    deadline_span: tuple[int, int] | None
    deadline_source: str  # "dated", "periodic", "ongoing", "asap", ""
    body_start: int  # where the task's own words start (after subject and co-agencies)
    directive: bool
    lead_named: bool = False  # "Bộ A, Bộ B chủ trì …": the first of several addressees leads


class _Reader:
    def __init__(self, text: str, gazetteer: Gazetteer, reference: datetime.date | None, resolve_on):
        self.text = text
        self.key = make_key(text)
        self.gazetteer = gazetteer
        self.reference = reference
        self.resolve_on = resolve_on

    # -- segmentation --

    def units(self) -> list[_Unit]:
        text, key = self.text, self.key
        end_of_body = _END_OF_BODY.search(key)
        limit = end_of_body.start() if end_of_body else len(text)
        section = number = letter = None
        bullet = 0
        units: list[_Unit] = []
        pos = 0
        for line in text[:limit].split("\n"):
            line_start, pos = pos, pos + len(line) + 1
            if not line.strip():
                continue
            rest_start = line_start
            if m := _ROMAN_LINE.match(line):
                section, number, letter, bullet = m["label"], None, None, 0
                rest_start += m.start("rest")
            elif m := _NUMBER_LINE.match(line):
                number, letter, bullet = m["label"], None, 0
                rest_start += m.start("rest")
            elif m := _LETTER_LINE.match(line):
                letter = m["label"]
                rest_start += m.start("rest")
            elif m := _BULLET_LINE.match(line):
                bullet += 1
                letter = None
                rest_start += m.start("rest")
            else:
                letter = None if not units or units[-1].label is None else letter
            label_parts = [section, number, letter]
            if _BULLET_LINE.match(line):
                label_parts.append(str(bullet))
            label = ".".join(p for p in label_parts if p) or None
            line_end = line_start + len(line)
            # "4. Bộ Tài chính: a) … b) …" on one line
            inline = list(_INLINE_LETTER.finditer(text, rest_start, line_end))
            inline = [m for m in inline if m.start() > rest_start or m.start("label") == rest_start]
            if inline and not _LETTER_LINE.match(line):
                head_end = inline[0].start()
                if head_end > rest_start:
                    units.append(_Unit(rest_start, head_end, label))
                for i, m in enumerate(inline):
                    sub_end = inline[i + 1].start() if i + 1 < len(inline) else line_end
                    units.append(_Unit(m.end(), sub_end, ".".join(p for p in (label, m["label"]) if p)))
            else:
                units.append(_Unit(rest_start, line_end, label))
        return units

    def sentences(self, start: int, end: int) -> list[tuple[int, int]]:
        spans = []
        pos = start
        for m in _SENTENCE_END.finditer(self.text, start, end):
            before = self.text[pos : m.start()].rstrip()
            last_word = before.split(" ")[-1] if before else ""
            if len(last_word) <= 4 and last_word[:-1].isupper():  # "TP. Hồ Chí Minh", "KT. Bộ trưởng"
                continue
            spans.append((pos, m.start()))
            pos = m.end()
        spans.append((pos, end))
        return [(s, e) for s, e in spans if self.text[s:e].strip()]

    # -- one sentence --

    def analyse(self, start: int, end: int, *, in_heading: bool) -> _Analysis:
        key = self.key
        sentence_key = key[start:end]
        everything = _mentions(self.text, key, start, end, self.gazetteer)
        mentions = [m for m in everything if not m.related]
        related = [m for m in everything if m.related]
        excluded = bool(_NOT_DIRECTIVE.search(sentence_key))
        subject: list[Mention] = []
        body_start = start
        if mentions:
            first = mentions[0]
            prefix = key[start : first.start].strip(" ,:;-")
            if (not prefix or _LEAD_IN.search(prefix)) and not _SPEAKERS.search(prefix):
                subject = [first]
                cursor = first.end
                for nxt in mentions[1:]:
                    between = key[cursor : nxt.start]
                    if _LIST_JOIN.fullmatch(between) or between in (", ", " va ", ", va "):
                        subject.append(nxt)
                        cursor = nxt.end
                    else:
                        break
                body_start = cursor
        co: list[Mention] = []
        m = _CHU_TRI.match(key, body_start)
        lead_named = bool(m and subject)
        if m and (subject or m.start() == start):
            body_start = m.end()
        # co-ordinating agencies: the list after "phối hợp với"
        co_cue = _CO_CUE.search(key, body_start if subject else start, end)
        if co_cue:
            cursor = co_cue.end()
            for nxt in mentions:
                if nxt.start < cursor:
                    continue
                between = key[cursor : nxt.start]
                if (
                    nxt.start == co_cue.end()
                    or between in (", ", " va ", ", va ", ",", " ")
                    or _LIST_JOIN.fullmatch(between)
                ):
                    co.append(nxt)
                    cursor = nxt.end
                else:
                    break
            for r in related:  # "phối hợp với các bộ, ngành có liên quan": not named, but not the task either
                if r.start == cursor or key[cursor : r.start] in (", ", " va ", ", va ", " "):
                    words = _RELATED.match(key, r.end)
                    assert words is not None  # r.related: the words follow r
                    cursor = words.end()
            if co_cue.start() <= body_start + 2:
                body_start = cursor
        # deadline: the last cued period; else periodic, ongoing, asap words
        deadline_span, source = None, ""
        dated = list(_DATED.finditer(key, start, end))
        if dated:
            last = dated[-1]
            deadline_span, source = (last.start(), last.end()), "dated"
        else:
            for name, pattern in (("periodic", _PERIODIC), ("ongoing", _ONGOING), ("asap", _ASAP)):
                found = pattern.search(key, start, end)
                if found:
                    deadline_span, source = (found.start(), found.end()), name
                    break
        after_subject = key[body_start:end].lstrip(" ,:")
        task = not _NOT_A_TASK.match(after_subject) and len(after_subject.split()) >= 3
        directive = not excluded and (bool(subject) and task or in_heading)
        if subject and not task:
            directive = False
        return _Analysis(subject, co, deadline_span, source, body_start, directive, lead_named)

    # -- assembling --

    def read(self) -> list[ProposedDirective]:
        proposals: list[ProposedDirective] = []
        heading: dict[str, tuple[list[Mention], int]] = {}  # item label → the agency heading over its sub-items
        for unit in self.units():
            parent = unit.label.rsplit(".", 1)[0] if unit.label and "." in unit.label else None
            inherited = heading.get(parent) if parent else None
            unit_text = self.key[unit.start : unit.end].rstrip()
            if unit_text.endswith(":"):
                mentions = [
                    m for m in _mentions(self.text, self.key, unit.start, unit.end, self.gazetteer) if not m.related
                ]
                if mentions and unit.label:
                    first = mentions[0]
                    if not self.key[unit.start : first.start].strip(" ,:;-"):
                        subject = [first]
                        cursor = first.end
                        for nxt in mentions[1:]:
                            between = self.key[cursor : nxt.start]
                            if between in (", ", " va ", ", va "):
                                subject.append(nxt)
                                cursor = nxt.end
                        heading[unit.label] = (subject, unit.start)
                continue
            previous: ProposedDirective | None = None
            for s_start, s_end in self.sentences(unit.start, unit.end):
                analysis = self.analyse(s_start, s_end, in_heading=inherited is not None and previous is None)
                if not analysis.subject and previous is not None:
                    if (
                        analysis.deadline_span
                        and analysis.deadline_source == "dated"
                        and not _NOT_DIRECTIVE.search(self.key[s_start:s_end])
                    ):
                        proposal = self.propose(analysis, s_start, s_end, unit, inherited_subject=previous)
                        proposals.append(proposal)
                        previous = proposal
                    else:
                        previous.end = s_end  # the task's explanation continues
                    continue
                if not analysis.directive:
                    continue
                proposal = self.propose(
                    analysis,
                    s_start,
                    s_end,
                    unit,
                    inherited_subject=inherited[0] if inherited and not analysis.subject else None,
                )
                proposals.append(proposal)
                previous = proposal
        for proposal in proposals:
            proposal.excerpt = self.text[proposal.start : proposal.end].strip()
        return proposals

    def propose(self, analysis: _Analysis, start: int, end: int, unit: _Unit, inherited_subject) -> ProposedDirective:
        flags: list[str] = []
        if isinstance(inherited_subject, ProposedDirective):
            lead, collective, addressees = (
                inherited_subject.lead_agency,
                inherited_subject.collective,
                inherited_subject.addressees,
            )
            members = list(inherited_subject.members)
            co_codes = list(inherited_subject.co_agencies) if not analysis.co else []
            subject_codes: list[str] = []
        else:
            subject = analysis.subject or inherited_subject or []
            lead = addressees = None
            collective = False
            subject_codes = []
            members = []
            for i, mention in enumerate(subject):
                code, mention_flags = self.gazetteer.resolve(mention, self.resolve_on)
                flags += mention_flags
                if i == 0:
                    lead = code
                    if mention.group:
                        collective, addressees = True, mention.group
                elif code:
                    subject_codes.append(code)
            if not subject:
                flags.append("no lead agency found")
            co_codes = []
        for mention in analysis.co:
            code, mention_flags = self.gazetteer.resolve(mention, self.resolve_on)
            flags += mention_flags
            if code and not mention.group:
                co_codes.append(code)
        if (
            subject_codes
            and lead
            and not collective
            and not analysis.lead_named
            and not _JOINT.match(self.key, analysis.subject[-1].end)
        ):
            # "Bộ Công an, Bộ Tư pháp, Bộ Y tế (mỗi bộ) xây dựng …": each addressed agency answers for its own
            # share. "Bộ A, Bộ B chủ trì …" and joint work ("Bộ Y tế, BHXH phối hợp triển khai …") keep the
            # first as the lead of the others.
            members = list(dict.fromkeys([lead, *subject_codes]))
            collective, addressees, subject_codes = True, EACH, []
            flags.append("several agencies addressed: a share each")
        co_codes = list(dict.fromkeys(c for c in subject_codes + co_codes if c != lead and c not in members))
        if subject_codes:
            flags.append("several agencies addressed: the first leads, the others co-ordinate")

        deadline_text, deadline, saved = "", None, ""
        if analysis.deadline_span:
            d_start, d_end = analysis.deadline_span
            deadline_text = self.text[d_start:d_end]
            try:
                deadline = parse_deadline(deadline_text, reference=self.reference)
            except DeadlineError as exc:
                try:
                    parse_deadline(deadline_text, reference=datetime.date(2000, 1, 1))
                except DeadlineError:
                    flags.append(f"deadline not read: {exc}")
                else:
                    flags.append(f"deadline without a year: '{deadline_text}' needs the notice's date")
            else:
                try:
                    parse_deadline(deadline_text)
                    saved = deadline_text
                except DeadlineError:
                    saved = written_with_year(deadline)
                    flags.append(f"year taken from the notice date: {saved}")
        else:
            flags.append("no deadline found")
        title = self.title(start, end, analysis)
        if len(title) > 300:
            title = title[:299].rsplit(" ", 1)[0] + "…"
            flags.append("title shortened to 300 characters")
        return ProposedDirective(
            title_vi=title,
            lead_agency=lead,
            collective=collective,
            addressees=addressees,
            co_agencies=co_codes,
            deadline_text=deadline_text,
            due_date=deadline.due if deadline else None,
            precision=deadline.precision if deadline else None,
            item=unit.label,
            start=start,
            end=end,
            flags=list(dict.fromkeys(flags)),
            recurrence=deadline.recurrence if deadline else None,
            saved_deadline_text=saved,
            members=members,
        )

    def title(self, start: int, end: int, analysis: _Analysis) -> str:
        """The task's words: without the addressees, "chủ trì, phối hợp với …" and the deadline phrase."""
        key = self.key
        t_start, t_end = analysis.body_start, end
        if analysis.deadline_span:
            d_start, d_end = analysis.deadline_span
            tail = key[d_end:end].strip(" .;,")
            if not tail:
                t_end = d_start
            elif d_start <= t_start + 3:
                t_start = d_end
        body = self.text[t_start:t_end]
        m = re.match(
            r"[\s,:;-]*(?:(?:duoc giao |da duoc giao )?chu tri,? (?:va )?)?"
            r"(?:(?:thu tuong|pho thu tuong)(?: chinh phu)? (?:de nghi|yeu cau|giao|chi dao)\s*)?",
            key[t_start:t_end],
        )
        assert m is not None  # every part of the pattern is optional
        body = body[m.end() :]
        body = re.sub(
            r"[\s,;:.]*(?:(?:hoan thanh|xong|thoi han|han chot|hoan thanh xong)[\s:]*)?$", "", body, flags=re.IGNORECASE
        )
        body = re.sub(r"(?i)[\s,;:]*(?:hoàn thành|thời hạn|hạn chót|ban hành)[\s:]*$", "", body)
        body = body.strip(" ,;:.-")
        if not body:
            body = self.text[start:end].strip(" ,;:.-")
        return body[:1].upper() + body[1:]


def read_notice(
    text: str,
    *,
    gazetteer: Gazetteer,
    reference: datetime.date | None = None,
    meeting_date: datetime.date | None = None,
    require_tasks: bool = False,
) -> NoticeReading:
    """Read a notice's text. `reference` overrides the header's date for year-less deadlines;
    `meeting_date` overrides the day agency names are resolved on. With `require_tasks`, a text
    in which no task is found is refused (NoticeError) instead of read as empty."""
    if not isinstance(text, str):
        raise TypeError("notice text must be str")
    if len(text) > MAX_CHARS:
        raise NoticeError(
            _("Văn bản quá dài (%(count)s ký tự, tối đa %(max)s).")
            % {"count": f"{len(text):,}", "max": f"{MAX_CHARS:,}"}
        )
    text = normalise(text)
    if not text:
        raise NoticeError(_("Chưa có nội dung: hãy dán văn bản thông báo hoặc chọn tệp."))
    controls = sum(1 for c in text[:5000] if unicodedata.category(c) in ("Cc", "Co", "Cn", "Cs") and c != "\n")
    if "\x00" in text or controls > 20 or "\ufffd" * 3 in text:
        raise NoticeError(_("Nội dung không phải văn bản đọc được."))
    key = make_key(text)
    header = read_header(text, key)
    reference = reference or header.reference
    resolve_on = meeting_date or header.meeting_date or reference
    reader = _Reader(text, gazetteer, reference, resolve_on)
    directives = reader.read()
    if require_tasks and not directives:
        raise NoticeError(
            _(
                "Không tìm thấy nhiệm vụ nào trong văn bản: cần các câu giao việc như “Bộ Công an chủ trì, "
                "phối hợp với … ; hoàn thành trong quý IV/2025”."
            )
        )
    return NoticeReading(text=text, header=header, directives=directives, reference=reference)


__all__ = [
    "Gazetteer",
    "AgencyRecord",
    "Mention",
    "NoticeError",
    "NoticeHeader",
    "NoticeReading",
    "ProposedDirective",
    "read_notice",
    "make_key",
    "normalise",
]
