"""Read a directive's deadline as conclusion notices write it.

Notices of the National Committee on Digital Transformation name deadlines in
many shapes ("hoàn thành trong quý II/2024", "trước ngày 15/3/2024",
"6 tháng đầu năm 2024", "thường xuyên"), and staff re-type them, in English or
without diacritics. parse_deadline() turns one such text into a Deadline: the
last day the task may be done and how precisely the notice named it.

It refuses what it cannot read with certainty: a wrong due date on a tracked
directive is worse than asking the user to retype it.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .folding import fold_char

PRECISIONS = ("day", "month", "quarter", "half", "year", "ongoing", "asap")

MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_LENGTH = 200  # longer text is not a deadline; also bounds the parser's work

# How many months each period spans; a period ends on the last day of its last month.
_PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}


class DeadlineError(ValueError):
    """The deadline text could not be read; the message says what and why."""


@dataclass(frozen=True)
class Deadline:
    due: date | None  # last day of the period; None for "ongoing" and "asap"
    precision: str  # one of PRECISIONS

    def __post_init__(self) -> None:
        # Guard the invariant the rest of the app relies on: due is the end of its period.
        if self.precision not in PRECISIONS:
            raise ValueError(f"unknown precision {self.precision!r}")
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
            "hoan thanh", "hoan tat", "xong", "trong", "truoc", "cham nhat", "la",
            "muon nhat", "thuc hien", "trien khai", "thoi han", "han", "han chot",
            "vao", "cuoi", "den", "het",
            # English
            "by", "in", "before", "complete", "completed", "finish", "finished",
            "done", "due", "deadline", "no later than", "not later than", "within",
            "during", "until", "till", "on", "at", "the", "end of", "to be",
        },
        key=len,
        reverse=True,
    )
)


def _skip_fillers(key: str) -> int:
    """Index of the first character after the leading filler words."""
    pos = 0
    while True:
        for word in _FILLERS:
            end = pos + len(word)
            if key.startswith(word, pos) and (end == len(key) or key[end] in " :"):
                pos = end
                while pos < len(key) and key[pos] in " :":
                    pos += 1
                break
        else:
            return pos


# --- The forms ------------------------------------------------------------------------
#
# Each form is a regex matched against the whole key (after the fillers) and a
# function building the Deadline. YEAR and MONTHNAME are placeholders. No pattern
# puts a quantifier inside a repeated group, so matching stays linear.

_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sept", "sep"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
             "fourth": 4, "4th": 4}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_HALVES = {"dau": 1, "cuoi": 2, "1": 1, "2": 2, "first": 1, "1st": 1, "second": 2, "2nd": 2}

_ONGOING = ("thuong xuyen", "lien tuc", "ongoing", "continuous", "continuously", "regularly")
_ASAP = ("som", "som nhat", "cang som cang tot", "thoi gian som nhat", "khan truong",
         "ngay", "ngay lap tuc", "asap", "a.s.a.p", "as soon as possible", "immediately",
         "urgently", "urgent")


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


def _month(m: re.Match[str], original: str) -> int:
    if m.groupdict().get("mn"):
        return _MONTH_NAMES[m["mn"]]
    month = int(m["m"])
    if not 1 <= month <= 12:
        raise DeadlineError(f"no month {_text(m, original, 'm')}")
    return month


def _quarter(m: re.Match[str], original: str) -> Deadline:
    year = _year(m)
    q = m["q"]
    number = _ROMAN.get(q) or _ORDINALS.get(q) or (int(q) if q.isdigit() else 0)
    if not 1 <= number <= 4:
        raise DeadlineError(f"no quarter {_text(m, original, 'q').upper()} (quarters are I–IV)")
    return Deadline(_last_day(year, 3 * number), "quarter")


def _half(m: re.Match[str], original: str) -> Deadline:
    year = _year(m)
    number = _HALVES.get(m["h"], 0)
    if not number:
        raise DeadlineError(f"no half H{_text(m, original, 'h')} (halves are H1 and H2)")
    return Deadline(_last_day(year, 6 * number), "half")


def _month_deadline(m: re.Match[str], original: str) -> Deadline:
    year = _year(m)
    return Deadline(_last_day(year, _month(m, original)), "month")


def _day(m: re.Match[str], original: str) -> Deadline:
    year = _year(m)
    names = [g for g in ("d", "m", "mn", "y") if m.groupdict().get(g)]
    written = original[min(m.start(g) for g in names) : max(m.end(g) for g in names)]
    month = _MONTH_NAMES[m["mn"]] if m.groupdict().get("mn") else int(m["m"])
    try:
        return Deadline(date(year, month, int(m["d"])), "day")
    except ValueError:
        raise DeadlineError(f"no such day: {written}") from None


def _year_deadline(m: re.Match[str], original: str) -> Deadline:
    return Deadline(date(_year(m), 12, 31), "year")


def _standing(precision: str) -> Callable[[re.Match[str], str], Deadline | None]:
    def build(m: re.Match[str], original: str) -> Deadline | None:
        # "ngay" (at once) and "ngày" (day) fold alike; only the unaccented word means asap.
        for group in ("a", "b"):
            if m[group] == "ngay" and _text(m, original, group).lower() != "ngay":
                return None
        return Deadline(None, precision)

    return build


def _standing_pattern(words: tuple[str, ...]) -> str:
    # one word, or two joined as in "thường xuyên, liên tục"
    alt = _alternatives(words)
    return f"(?P<a>{alt})(?:(?:, |,| va | and )(?P<b>{alt}))?"


_SEP = "(?:/|-| - | |, )"  # between a period number and its year: "Q2/2024", "Q2 2024"

_FORMS: list[tuple[re.Pattern[str], Callable[[re.Match[str], str], Deadline | None]]] = [
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
    # thường xuyên; sớm, khẩn trương, ngay, asap
    (re.compile(_standing_pattern(_ONGOING)), _standing("ongoing")),
    (re.compile(_standing_pattern(_ASAP)), _standing("asap")),
]

# When no form fits: words joining two deadlines, and words hinting at a deadline.
_JOINERS = re.compile(r"\b(?:hoac|hay|or|and|va|den|to|toi|tu|from)\b|[,;&]")
_HINTS = re.compile(r"[0-9]|\b(?:quy|thang|nam|ngay|quarter|half|year|q[0-9]|h[0-9])\b")
_YEARS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")


def parse_deadline(text: str) -> Deadline:
    """Read one deadline; raise DeadlineError (and nothing else) if it cannot be read."""
    if not isinstance(text, str):
        raise TypeError(f"deadline text must be str, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise DeadlineError(f"deadline text is too long ({len(text)} characters, at most {MAX_LENGTH})")
    shown = " ".join(unicodedata.normalize("NFC", text).split())
    if not shown:
        raise DeadlineError("no deadline given: the text is empty")

    original = re.sub(r" ?/ ?", "/", shown).rstrip(" .;,:!?")
    key = _fold(original)
    start = _skip_fillers(key)
    original, key = original[start:], key[start:]

    for pattern, build in _FORMS:
        m = pattern.fullmatch(key)
        if m:
            deadline = build(m, original)
            if deadline is not None:
                return deadline

    if len(_YEARS.findall(key)) > 1 or (_JOINERS.search(key) and _HINTS.search(key)):
        raise DeadlineError(f'ambiguous: "{shown}" names more than one deadline')
    raise DeadlineError(f'could not read a deadline in "{shown}"')
