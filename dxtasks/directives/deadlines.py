"""Read a directive's deadline as conclusion notices write it.

Notices of the National Committee on Digital Transformation name deadlines in
many shapes ("hoàn thành trong quý II/2024", "trước ngày 15/3/2024",
"6 tháng đầu năm 2024", "thường xuyên"), and staff re-type them, in English or
without diacritics. parse_deadline() turns one such text into a Deadline: the
last day the task may be done and how precisely the notice named it.

It refuses what it cannot read with certainty: a wrong due date on a tracked
directive is worse than asking the user to retype it.

A notice often leaves the year out, meaning its own ("trong tháng 10",
"trước ngày 15/10"): given the notice's date as `reference`, such a phrase is
the next such period ending on or after that date; without a reference it
stays an error. Periodic tasks ("định kỳ hằng quý", "báo cáo 6 tháng một
lần") are ongoing, with a `recurrence` the reminders ask for progress by.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .folding import fold_char

PRECISIONS = ("day", "month", "quarter", "half", "year", "ongoing", "asap")

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_LENGTH = 200  # longer text is not a deadline; also bounds the parser's work

# How many months each period spans; a period ends on the last day of its last month.
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}

# How often an ongoing task reports, in months.
RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}


class DeadlineError(ValueError):
    """The deadline text could not be read; the message says what and why."""


@dataclass(frozen=True)
class Deadline:
    due: date | None  # last day of the period; None for "ongoing" and "asap"
    precision: str  # one of PRECISIONS
    recurrence: str | None = None  # for a periodic ongoing task: one of RECURRENCE_MONTHS

    def __post_init__(self) -> None:
        # Guard the invariant the rest of the app relies on: due is the end of its period.
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
        if self.recurrence is not None and (self.precision != "ongoing" or self.recurrence not in RECURRENCE_MONTHS):
            raise ValueError(f"a recurrence {self.recurrence!r} needs a known period and precision ongoing")
        if self.precision in ("ongoing", "asap"):
            if self.due is not None:
                raise ValueError(f"a {self.precision} deadline has no due date")
        elif not isinstance(self.due, date):
            raise ValueError(f"a {self.precision} deadline needs a due date")
        elif self.precision != "day" and self.due != _period_end(self.due, self.precision):
            raise ValueError(f"{self.due} is not the last day of its {self.precision}")

    def period_start(self) -> date | None:
        """First day of the named period (the due date itself for a day)."""
        if self.due is None:
            return None
        if self.precision == "day":
            return self.due
        first_month = self.due.month - _PERIOD_MONTHS[self.precision] + 1
        return date(self.due.year, first_month, 1)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period_end(day: date, precision: str) -> date:
    """Last day of the period of the given precision that contains `day`."""
    span = _PERIOD_MONTHS[precision]
    return _last_day(day.year, (day.month - 1) // span * span + span)


# --- Normalising the text -------------------------------------------------------------
#
# Matching happens on a "key": lower case, Vietnamese diacritics removed, so that
# "Quý II", "quy ii" and "QUÝ II" read the same. The key keeps the text's length,
# character for character, so a span found in the key quotes the user's own words.


def _fold(text: str) -> str:
    return "".join(fold_char(ch) for ch in text)  # `text` is NFC already: positions stay aligned


# Leading words that say "finish by"; they do not change the date.
# "trước"/"before" is among them: the Government Office counts "trước ngày 15/3"
# as due on the 15th, and we do the same for every form.
_FILLERS = tuple(
    sorted(
        {
            # Vietnamese, folded
            "hoan thanh",
            "hoan tat",
            "xong",
            "trong",
            "truoc",
            "cham nhat",
            "la",
            "muon nhat",
            "thuc hien",
            "trien khai",
            "thoi han",
            "han",
            "han chot",
            "vao",
            "cuoi",
            "den",
            "het",
            "ngay trong",
            "tu nay",
            "tu bay gio",
            "khan truong",
            # English
            "by",
            "in",
            "before",
            "complete",
            "completed",
            "finish",
            "finished",
            "done",
            "due",
            "deadline",
            "no later than",
            "not later than",
            "within",
            "during",
            "until",
            "till",
            "on",
            "at",
            "the",
            "end of",
            "to be",
        },
        key=len,
        reverse=True,
    )
)


def _filler_stops(key: str) -> list[int]:
    """0 and the index after each leading filler word, furthest last.

    The forms are tried from the furthest stop back, so "khẩn trương" reads
    as asap alone and as a mere lead-in before "trong tháng 10/2025".
    """
    stops = [0]
    pos = 0
    while True:
        for word in _FILLERS:
            end = pos + len(word)
            if key.startswith(word, pos) and (end == len(key) or key[end] in " :"):
                pos = end
                while pos < len(key) and key[pos] in " :":
                    pos += 1
                stops.append(pos)
                break
        else:
            return stops


# --- The forms ------------------------------------------------------------------------
#
# Each form is a regex matched against the whole key (after the fillers) and a
# function building the Deadline. YEAR and MONTHNAME are placeholders. No pattern
# puts a quantifier inside a repeated group, so matching stays linear.

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_HALVES = {"dau": 1, "cuoi": 2, "1": 1, "2": 2, "first": 1, "1st": 1, "second": 2, "2nd": 2}

_ONGOING = ("thuong xuyen", "lien tuc", "dinh ky", "ongoing", "continuous", "continuously", "regularly", "periodically")
_ASAP = (
    "som",
    "som nhat",
    "cang som cang tot",
    "thoi gian som nhat",
    "khan truong",
    "ngay",
    "ngay lap tuc",
    "asap",
    "a.s.a.p",
    "as soon as possible",
    "immediately",
    "urgently",
    "urgent",
)


def _alternatives(words: tuple[str, ...] | list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _pattern(source: str) -> re.Pattern[str]:
    source = source.replace("YEAR", r"(?P<y>[0-9]{4})")
    return re.compile(source.replace("MONTHNAME", f"(?P<mn>{_alternatives(list(_MONTH_NAMES))})"))


def _text(m: re.Match[str], original: str, group: str) -> str:
    """The user's own spelling of a matched group."""
    return original[m.start(group) : m.end(group)]


def _year(m: re.Match[str]) -> int:
    year = int(m["y"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DeadlineError(f"year {m['y']} is outside {MIN_YEAR}–{MAX_YEAR}")
    return year


def _year_for(m: re.Match[str], reference: date | None, end: Callable[[int], date]) -> int | None:
    """The written year; or, for a year-less phrase, the first year whose period ends on or after
    the reference (None without a reference: the phrase is then not read)."""
    if m.groupdict().get("y"):
        return _year(m)
    if reference is None:
        return None
    year = reference.year
    if end(year) < reference:
        year += 1
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DeadlineError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    return year


def _month(m: re.Match[str], original: str) -> int:
    if m.groupdict().get("mn"):
        return _MONTH_NAMES[m["mn"]]
    month = int(m["m"])
    if not 1 <= month <= 12:
        raise DeadlineError(f"no month {_text(m, original, 'm')}")
    return month


Builder = Callable[[re.Match[str], str, "date | None"], "Deadline | None"]


def _quarter(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    q = m["q"]
    number = _ROMAN.get(q) or _ORDINALS.get(q) or (int(q) if q.isdigit() else 0)
    if not 1 <= number <= 4:
        raise DeadlineError(f"no quarter {_text(m, original, 'q').upper()} (quarters are I–IV)")
    year = _year_for(m, reference, lambda y: _last_day(y, 3 * number))
    return None if year is None else Deadline(_last_day(year, 3 * number), "quarter")


def _half(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    number = _HALVES.get(m["h"], 0)
    if not number:
        raise DeadlineError(f"no half H{_text(m, original, 'h')} (halves are H1 and H2)")
    year = _year_for(m, reference, lambda y: _last_day(y, 6 * number))
    return None if year is None else Deadline(_last_day(year, 6 * number), "half")


def _month_deadline(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    month = _month(m, original)
    year = _year_for(m, reference, lambda y: _last_day(y, month))
    return None if year is None else Deadline(_last_day(year, month), "month")


def _day(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    names = [g for g in ("d", "m", "mn", "y") if m.groupdict().get(g)]
    written = original[min(m.start(g) for g in names) : max(m.end(g) for g in names)]
    month = _MONTH_NAMES[m["mn"]] if m.groupdict().get("mn") else int(m["m"])
    day = int(m["d"])
    if not m.groupdict().get("y"):
        if reference is None:
            return None
        if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
            raise DeadlineError(f"no such day: {written}")
        year = reference.year
        # 29/2 waits for the next leap year; every other day is at most a year away.
        while year <= MAX_YEAR and (not _valid(year, month, day) or date(year, month, day) < reference):
            year += 1
        if year > MAX_YEAR:
            raise DeadlineError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
    else:
        year = _year(m)
    try:
        return Deadline(date(year, month, day), "day")
    except ValueError:
        raise DeadlineError(f"no such day: {written}") from None


def _valid(year: int, month: int, day: int) -> bool:
    return day <= calendar.monthrange(year, month)[1]


def _year_deadline(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    year = _year_for(m, reference, lambda y: date(y, 12, 31))
    return None if year is None else Deadline(date(year, 12, 31), "year")


@lru_cache(maxsize=256)
def before_tet(year: int) -> date:
    """The last working day before the Tết (lunar new year) holiday of `year`, from `holidays`.

    The holiday's days off come from the package's Vietnamese calendar; the
    weekend before them is off too, unless the package lists it as a swapped
    working day.
    """
    import holidays  # imported here: the parser stays quick to import for everything else

    days_off = holidays.country_holidays("VN", years=year, language="en_US")
    workdays = set(getattr(days_off, "weekend_workdays", ()))
    new_year = next((d for d, name in days_off.items() if name == "Lunar New Year"), None)
    if new_year is None:
        raise DeadlineError(f"no Tết holiday known for {year}")
    day = new_year - timedelta(days=1)
    while day in days_off or (day.weekday() >= 5 and day not in workdays):
        day -= timedelta(days=1)
    return day


def _tet(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
    year = _year_for(m, reference, before_tet)
    return None if year is None else Deadline(before_tet(year), "day")


def _standing(precision: str) -> Builder:
    def build(m: re.Match[str], original: str, reference: date | None) -> Deadline | None:
        # "ngay" (at once) and "ngày" (day) fold alike; only the unaccented word means asap.
        for group in ("a", "b"):
            if m[group] == "ngay" and _text(m, original, group).lower() != "ngay":
                return None
        return Deadline(None, precision)

    return build


_UNITS = {
    "thang": "monthly",
    "month": "monthly",
    "quy": "quarterly",
    "quarter": "quarterly",
    "nua nam": "half-yearly",
    "6 thang": "half-yearly",
    "sau thang": "half-yearly",
    "nam": "yearly",
    "year": "yearly",
    "1": "monthly",
    "mot": "monthly",
    "3": "quarterly",
    "ba": "quarterly",
    "6": "half-yearly",
    "sau": "half-yearly",
    "12": "yearly",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "half-yearly": "half-yearly",
    "semi-annually": "half-yearly",
    "semiannually": "half-yearly",
    "biannually": "half-yearly",
    "yearly": "yearly",
    "annually": "yearly",
    "annual": "yearly",
    "six months": "half-yearly",
}


def _standing_pattern(words: tuple[str, ...], then: str = "") -> str:
    # one word, or two joined as in "thường xuyên, liên tục"; `then`: words that may follow
    alt = _alternatives(words)
    return f"(?P<a>{alt})(?:(?:, |,| va | and )(?P<b>{alt}))?{then}"


# "sớm hoàn thành", "khẩn trương triển khai": the verb after an asap word changes nothing.
_ASAP_VERBS = r"(?: (?:hoan thanh|hoan thien|thuc hien|trien khai|xay dung|ban hanh|xu ly|bao cao))?"

# định kỳ hằng quý, hằng năm, hàng tháng, báo cáo 6 tháng một lần, định kỳ 6 tháng, quarterly, every year
_PERIODIC = re.compile(
    r"(?:bao cao |gui bao cao )?(?:dinh ky,? |dinh ky )?(?:bao cao )?"
    r"(?:"
    r"(?:hang|moi) (?P<u>thang|quy|nua nam|6 thang|sau thang|nam)"
    r"|(?P<n>1|mot|3|ba|6|sau|12) thang (?:mot|1) lan|(?P<n2>1|mot|3|ba|6|sau|12) thang/lan"
    r"|(?P<w>quy|nua nam|nam) (?:mot|1) lan"
    r"|(?:every|each) (?P<e>month|quarter|year|six months)"
    r")"
    r"(?: (?:mot|1) lan)?"
    r"|(?P<x>monthly|quarterly|half-yearly|semi-annually|semiannually|biannually|yearly|annually)"
)
_PERIODIC_DINH_KY = re.compile(r"dinh ky (?P<n>1|mot|3|ba|6|sau|12) thang(?: (?:mot|1) lan| mot lan)?")


def _periodic_match(key: str) -> Deadline | None:
    m = _PERIODIC.fullmatch(key) or _PERIODIC_DINH_KY.fullmatch(key)
    if not m:
        return None
    groups = m.groupdict()
    unit = next(groups[g] for g in ("u", "n", "n2", "w", "e", "x") if groups.get(g))
    return Deadline(None, "ongoing", recurrence=_UNITS[unit])


_SEP = "(?:/|-| - | |, )"  # between a period number and its year: "Q2/2024", "Q2 2024"

_FORMS: list[tuple[re.Pattern[str], Builder]] = [
    # quý II/2024, quý 2/2024, quý II năm 2024, Q2/2024, Q2 2024, quarter 2 of 2024
    (_pattern(r"(?:quy|quarter|q\.|q) ?(?P<q>[ivx]{1,6}|[0-9]{1,2})(?:/|-| - | |, | nam | of )YEAR"), _quarter),
    (_pattern(r"(?P<q>first|second|third|fourth|1st|2nd|3rd|4th) quarter(?: of|,)? YEAR"), _quarter),
    # 6 tháng đầu/cuối năm 2024, nửa đầu năm 2024, H1 2024, first half of 2024
    (_pattern(r"(?:6 thang|06 thang|sau thang|nua) (?P<h>dau|cuoi) (?:nam |nam)YEAR"), _half),
    (_pattern(r"h(?P<h>[0-9])" + _SEP + "YEAR"), _half),
    (_pattern(r"(?P<h>first|second|1st|2nd) half(?: of|,)? YEAR"), _half),
    # ngày 15/3/2024, 15/03/2024, 15.03.2024, ngày 15 tháng 3 năm 2024, 2024-06-30
    (_pattern(r"(?:ngay |ngay)?(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})(?P=sep)YEAR"), _day),
    (_pattern(r"(?:ngay )?(?P<d>[0-9]{1,2}) thang (?P<m>[0-9]{1,2})(?: nam |, nam |/)YEAR"), _day),
    (_pattern(r"YEAR-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"), _day),
    # 15 March 2024, 15th of March 2024, March 15, 2024
    (_pattern(r"(?P<d>[0-9]{1,2})(?:st|nd|rd|th)? (?:of )?MONTHNAME\.?,? YEAR"), _day),
    (_pattern(r"MONTHNAME\.? (?P<d>[0-9]{1,2})(?:st|nd|rd|th)?,? YEAR"), _day),
    # tháng 6/2024, tháng 8 năm 2021, 06/2024, June 2024
    (_pattern(r"(?:thang |thang)(?P<m>[0-9]{1,2})(?:/|-| - |\.| |, | nam )YEAR"), _month_deadline),
    (_pattern(r"(?P<m>[0-9]{1,2})/YEAR"), _month_deadline),
    (_pattern(r"MONTHNAME\.?,? YEAR"), _month_deadline),
    # năm 2024, 2024 (after "in"/"by")
    (_pattern(r"(?:nam |nam|year )?YEAR"), _year_deadline),
    # trước Tết Nguyên đán 2026: the last working day before the holiday
    (_pattern(r"tet(?: nguyen dan| am lich| co truyen)?(?: nam | |/)?(?:YEAR)?"), _tet),
    # Year-less, read only with a reference: quý IV, 6 tháng cuối năm, ngày 15/10, tháng 10, năm nay
    (re.compile(r"(?:quy|quarter|q\.|q) ?(?P<q>[ivx]{1,6}|[0-9]{1,2})(?: nam nay)?"), _quarter),
    (re.compile(r"(?:6 thang|06 thang|sau thang|nua) (?P<h>dau|cuoi) nam(?: nay)?"), _half),
    (re.compile(r"(?:ngay |ngay)?(?P<d>[0-9]{1,2})(?P<sep>[/.-])(?P<m>[0-9]{1,2})"), _day),
    (re.compile(r"(?:ngay )?(?P<d>[0-9]{1,2}) thang (?P<m>[0-9]{1,2})(?: nam nay)?"), _day),
    (re.compile(r"(?:thang |thang)(?P<m>[0-9]{1,2})(?: nam nay)?"), _month_deadline),
    (re.compile(r"nam nay|nam"), _year_deadline),
    # thường xuyên; sớm, khẩn trương, ngay, asap
    (re.compile(_standing_pattern(_ONGOING)), _standing("ongoing")),
    (re.compile(_standing_pattern(_ASAP, _ASAP_VERBS)), _standing("asap")),
]

# When no form fits: words joining two deadlines, and words hinting at a deadline.
_JOINERS = re.compile(r"\b(?:hoac|hay|or|and|va|den|to|toi|tu|from)\b|[,;&]")
_HINTS = re.compile(r"[0-9]|\b(?:quy|thang|nam|ngay|quarter|half|year|q[0-9]|h[0-9])\b")
_YEARS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def parse_deadline(text: str, *, reference: date | None = None) -> Deadline:
    """Read one deadline; raise DeadlineError (and nothing else) if it cannot be read.

    `reference` (the notice's date) lets a phrase without a year mean the
    next such period ending on or after it.
    """
    if not isinstance(text, str):
        raise TypeError(f"deadline text must be str, not {type(text).__name__}")
    if reference is not None and not isinstance(reference, date):
        raise TypeError(f"reference must be a date, not {type(reference).__name__}")
    if len(text) > MAX_LENGTH:
        raise DeadlineError(f"deadline text is too long ({len(text)} characters, at most {MAX_LENGTH})")
    shown = " ".join(unicodedata.normalize("NFC", text).split())
    if not shown:
        raise DeadlineError("no deadline given: the text is empty")

    original = re.sub(r" ?/ ?", "/", shown).rstrip(" .;,:!?")
    whole = _fold(original)
    for start in reversed(_filler_stops(whole)):
        key, rest = whole[start:], original[start:]
        periodic = _periodic_match(key)
        if periodic is not None:
            return periodic
        for pattern, build in _FORMS:
            m = pattern.fullmatch(key)
            if m:
                deadline = build(m, rest, reference)
                if deadline is not None:
                    return deadline
    key = whole[_filler_stops(whole)[-1] :]

    if len(_YEARS.findall(key)) > 1 or (_JOINERS.search(key) and _HINTS.search(key)):
        raise DeadlineError(f'ambiguous: "{shown}" names more than one deadline')
    raise DeadlineError(f'could not read a deadline in "{shown}"')


@lru_cache(maxsize=4096)
def recurrence_of(text: str) -> str | None:
    """The recurrence a deadline text names ("quarterly" …), None if none or unreadable.

    Memoised: it depends on the text alone, and the sweep asks it for every ongoing directive, whose texts
    repeat ("định kỳ hằng quý"); parsing each one was a sixth of a second sweep at 100,000 directives.
    """
    try:
        return parse_deadline(text).recurrence
    except DeadlineError:
        return None


_ROMAN_OF = {1: "I", 2: "II", 3: "III", 4: "IV"}


def written_with_year(deadline: Deadline) -> str:
    """A Vietnamese phrase that reads back to `deadline` without a reference.

    Saved in place of a year-less notice phrase ("trong tháng 10"), so the
    stored text stays readable on its own.
    """
    due = deadline.due
    if deadline.recurrence:
        return {
            "monthly": "định kỳ hằng tháng",
            "quarterly": "định kỳ hằng quý",
            "half-yearly": "định kỳ 6 tháng một lần",
            "yearly": "định kỳ hằng năm",
        }[deadline.recurrence]
    if due is None:
        return {"ongoing": "thường xuyên", "asap": "sớm"}[deadline.precision]
    if deadline.precision == "day":
        return f"trước ngày {due.day:02d}/{due.month:02d}/{due.year}"
    if deadline.precision == "month":
        return f"trong tháng {due.month:02d}/{due.year}"
    if deadline.precision == "quarter":
        return f"trong quý {_ROMAN_OF[due.month // 3]}/{due.year}"
    if deadline.precision == "half":
        return f"6 tháng {'đầu' if due.month == 6 else 'cuối'} năm {due.year}"
    return f"trong năm {due.year}"
