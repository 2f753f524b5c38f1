"""Tests for dxtasks.directives.deadlines: plain pytest + hypothesis, no Django needed."""

from __future__ import annotations

import calendar
import contextlib
import signal
import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dxtasks.directives.deadlines import PRECISIONS, Deadline, DeadlineError, parse_deadline

D = date


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def without_diacritics(text: str) -> str:
    """How staff type Vietnamese in a hurry: no marks, đ as d."""
    stripped = "".join(c for c in nfd(text) if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D")


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# --- Examples: what must be read --------------------------------------------------------

READ = [
    # quarter
    ("hoàn thành trong quý II/2024", D(2024, 6, 30), "quarter"),
    ("quý I/2024", D(2024, 3, 31), "quarter"),
    ("quý 2/2024", D(2024, 6, 30), "quarter"),
    ("quý II năm 2024", D(2024, 6, 30), "quarter"),
    ("Quý IV/2023", D(2023, 12, 31), "quarter"),
    ("quý III/2025", D(2025, 9, 30), "quarter"),
    ("quý II / 2024", D(2024, 6, 30), "quarter"),
    ("Thời hạn: quý II/2024", D(2024, 6, 30), "quarter"),
    ("Q2/2024", D(2024, 6, 30), "quarter"),
    ("Q2 2024", D(2024, 6, 30), "quarter"),
    ("q4 2030", D(2030, 12, 31), "quarter"),
    ("in Q1 2024", D(2024, 3, 31), "quarter"),
    ("second quarter of 2024", D(2024, 6, 30), "quarter"),
    # year
    ("trong năm 2024", D(2024, 12, 31), "year"),
    ("hoàn thành trong năm 2024", D(2024, 12, 31), "year"),
    ("năm 2024", D(2024, 12, 31), "year"),
    ("đến hết năm 2024", D(2024, 12, 31), "year"),
    ("cuối năm 2024", D(2024, 12, 31), "year"),
    ("in 2024", D(2024, 12, 31), "year"),
    ("by 2024", D(2024, 12, 31), "year"),
    ("by the end of 2024", D(2024, 12, 31), "year"),
    ("năm 1990", D(1990, 12, 31), "year"),
    ("năm 2100", D(2100, 12, 31), "year"),
    # month
    ("tháng 6/2024", D(2024, 6, 30), "month"),
    ("trong tháng 02/2025", D(2025, 2, 28), "month"),
    ("trong tháng 8 năm 2021", D(2021, 8, 31), "month"),
    ("tháng 2/2024", D(2024, 2, 29), "month"),
    ("tháng 2/2100", D(2100, 2, 28), "month"),  # 2100 is not a leap year
    ("tháng 2/2000", D(2000, 2, 29), "month"),  # 2000 is
    ("tháng 12/2024", D(2024, 12, 31), "month"),
    ("06/2024", D(2024, 6, 30), "month"),
    ("June 2024", D(2024, 6, 30), "month"),
    ("by June 2024", D(2024, 6, 30), "month"),
    ("Sept 2024", D(2024, 9, 30), "month"),
    ("by the end of February 2024", D(2024, 2, 29), "month"),
    # day; "trước ngày 15" counts as due on the 15th
    ("trước ngày 15/3/2024", D(2024, 3, 15), "day"),
    ("chậm nhất ngày 15/3/2024", D(2024, 3, 15), "day"),
    ("chậm nhất là ngày 15/3/2024", D(2024, 3, 15), "day"),
    ("ngày 15/3/2024", D(2024, 3, 15), "day"),
    ("15/03/2024", D(2024, 3, 15), "day"),
    ("15.03.2024", D(2024, 3, 15), "day"),
    ("15-03-2024", D(2024, 3, 15), "day"),
    ("ngày 15 tháng 3 năm 2024", D(2024, 3, 15), "day"),
    ("29/2/2024", D(2024, 2, 29), "day"),
    ("2024-06-30", D(2024, 6, 30), "day"),
    ("by 15 March 2024", D(2024, 3, 15), "day"),
    ("15 March 2024", D(2024, 3, 15), "day"),
    ("before 15 March 2024", D(2024, 3, 15), "day"),
    ("March 15, 2024", D(2024, 3, 15), "day"),
    ("the 1st of July 2024", D(2024, 7, 1), "day"),
    # half
    ("6 tháng đầu năm 2024", D(2024, 6, 30), "half"),
    ("6 tháng cuối năm 2024", D(2024, 12, 31), "half"),
    ("nửa đầu năm 2024", D(2024, 6, 30), "half"),
    ("H1 2024", D(2024, 6, 30), "half"),
    ("H2/2024", D(2024, 12, 31), "half"),
    ("first half of 2024", D(2024, 6, 30), "half"),
    ("second half of 2024", D(2024, 12, 31), "half"),
    # ongoing / asap
    ("thường xuyên", None, "ongoing"),
    ("thường xuyên, liên tục", None, "ongoing"),
    ("ongoing", None, "ongoing"),
    ("sớm", None, "asap"),
    ("khẩn trương", None, "asap"),
    ("ngay", None, "asap"),
    ("thực hiện ngay", None, "asap"),
    ("trong thời gian sớm nhất", None, "asap"),
    ("as soon as possible", None, "asap"),
    ("asap", None, "asap"),
    ("ASAP.", None, "asap"),
    # without diacritics
    ("quy II/2024", D(2024, 6, 30), "quarter"),
    ("hoan thanh trong quy II/2024", D(2024, 6, 30), "quarter"),
    ("trong nam 2024", D(2024, 12, 31), "year"),
    ("thang 6/2024", D(2024, 6, 30), "month"),
    ("truoc ngay 15/3/2024", D(2024, 3, 15), "day"),
    ("6 thang dau nam 2024", D(2024, 6, 30), "half"),
    ("thuong xuyen", None, "ongoing"),
    ("som", None, "asap"),
    ("khan truong", None, "asap"),
    # case, spacing, punctuation, Unicode form
    ("HOÀN THÀNH TRONG QUÝ II/2024", D(2024, 6, 30), "quarter"),
    ("  hoàn   thành  trong\tquý II/2024 ;", D(2024, 6, 30), "quarter"),
    ("trong năm 2024.", D(2024, 12, 31), "year"),
    ("tháng\u00a06/2024", D(2024, 6, 30), "month"),  # no-break space from Word
    (nfd("hoàn thành trong quý II/2024"), D(2024, 6, 30), "quarter"),
    (nfd("Thường xuyên"), None, "ongoing"),
    (nfd("6 tháng cuối năm 2024"), D(2024, 12, 31), "half"),
]


@pytest.mark.parametrize(("text", "due", "precision"), READ)
def test_reads(text: str, due: date | None, precision: str) -> None:
    assert parse_deadline(text) == Deadline(due, precision)


# --- Examples: what must be refused, and what the message says --------------------------

REFUSED = [
    ("31/2/2024", "no such day: 31/2/2024"),
    ("29/2/2023", "no such day: 29/2/2023"),
    ("2024-02-30", "no such day: 2024-02-30"),
    ("ngày 31 tháng 4 năm 2024", "no such day: 31 tháng 4 năm 2024"),
    ("3/15/2024", "no such day: 3/15/2024"),  # month-first is not guessed
    ("31 February 2024", "no such day: 31 February 2024"),
    ("quý V/2024", "no quarter V (quarters are I–IV)"),
    ("quý 0/2024", "no quarter 0 (quarters are I–IV)"),
    ("Q5/2024", "no quarter 5 (quarters are I–IV)"),
    ("tháng 13/2024", "no month 13"),
    ("tháng 0/2024", "no month 0"),
    ("H3 2024", "no half H3"),
    ("", "empty"),
    ("   ", "empty"),
    ("soon-ish", 'could not read a deadline in "soon-ish"'),
    ("ngày", 'could not read a deadline in "ngày"'),  # "ngày" (day) is not "ngay" (at once)
    ("trước ngày", 'could not read a deadline in "trước ngày"'),
    ("quý II", 'could not read a deadline in "quý II"'),
    ("15/3", 'could not read a deadline in "15/3"'),
    ("năm 24", 'could not read a deadline in "năm 24"'),
    ("đầu quý II/2024", "could not read a deadline"),
    ("hoàn thành", "could not read a deadline"),
    ("năm 1989", "year 1989 is outside 1990–2100"),
    ("năm 2101", "year 2101 is outside 1990–2100"),
    ("quý I/1800", "year 1800 is outside"),
    ("15/3/0000", "year 0000 is outside"),
    ("quý I hoặc đầu quý II năm 2021", "ambiguous"),
    ("quý I/2024, quý II/2024", "ambiguous"),
    ("Q1 or Q2 2024", "ambiguous"),
    ("từ tháng 3 đến tháng 6/2024", "ambiguous"),
    ("15/3/2024 hoặc 30/3/2024", "ambiguous"),
    ("năm 2024-2025", "ambiguous"),
    ("x" * 201, "too long"),
]


@pytest.mark.parametrize(("text", "message"), REFUSED)
def test_refuses(text: str, message: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert message in str(caught.value)


def test_deadline_error_is_a_value_error() -> None:
    assert issubclass(DeadlineError, ValueError)


def test_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        parse_deadline(None)  # type: ignore[arg-type]


# --- Deadline itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "start"),
    [
        (Deadline(D(2024, 3, 15), "day"), D(2024, 3, 15)),
        (Deadline(D(2024, 2, 29), "month"), D(2024, 2, 1)),
        (Deadline(D(2024, 6, 30), "quarter"), D(2024, 4, 1)),
        (Deadline(D(2024, 12, 31), "half"), D(2024, 7, 1)),
        (Deadline(D(2024, 12, 31), "year"), D(2024, 1, 1)),
        (Deadline(None, "ongoing"), None),
        (Deadline(None, "asap"), None),
    ],
)
def test_period_start(deadline: Deadline, start: date | None) -> None:
    assert deadline.period_start() == start


@pytest.mark.parametrize(
    ("due", "precision"),
    [
        (D(2024, 6, 15), "month"),  # not the end of its month
        (D(2024, 5, 31), "quarter"),
        (D(2024, 3, 31), "half"),
        (D(2024, 6, 30), "year"),
        (None, "day"),
        (D(2024, 6, 30), "ongoing"),
        (D(2024, 6, 30), "weekly"),
    ],
)
def test_deadline_refuses_inconsistent_values(due: date | None, precision: str) -> None:
    with pytest.raises(ValueError):
        Deadline(due, precision)


@contextlib.contextmanager
def _hang_guard(text: str, seconds: int = 30):
    """Fail if parsing never ends (catastrophic backtracking), with no speed threshold to flake on.

    A regular expression that backtracks exponentially on 200 characters runs for hours, not seconds, so a
    bound this generous tells a hang from a loaded machine; how fast the parser is, is a benchmark's business.
    """

    def hung(signum, frame):
        raise AssertionError(f"the parser did not return within {seconds} s on {text[:40]!r}…")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_long_hostile_input_is_refused_without_hanging() -> None:
    hostile = [
        "1" * 200,
        "quý " * 50,
        "ngày 1/" * 28,
        "thường xuyên, " * 14,
        "hoàn thành trong " * 11,
        "q" + "i" * 199,
        "2024-" * 40,
        "a" * 199 + "!",
    ]
    for text in hostile:
        with _hang_guard(text), pytest.raises(DeadlineError):
            parse_deadline(text)
    # Longer than any deadline: refused on its length, before any pattern sees it.
    with pytest.raises(DeadlineError, match="too long"):
        parse_deadline("x" * 1_000_000)


# --- Properties -------------------------------------------------------------------------

EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ORDINAL = {1: "first", 2: "second", 3: "third", 4: "fourth"}

years = st.integers(min_value=1990, max_value=2100)


@st.composite
def periods(draw: st.DrawFn) -> tuple[str, int, int, int]:
    """(precision, year, number, day): number is the quarter/half/month; day only for 'day'."""
    precision = draw(st.sampled_from(["day", "month", "quarter", "half", "year"]))
    year = draw(years)
    top = {"day": 12, "month": 12, "quarter": 4, "half": 2}.get(precision)
    number = draw(st.integers(1, top)) if top else 0
    day = draw(st.integers(1, calendar.monthrange(year, number)[1])) if precision == "day" else 0
    return precision, year, number, day


def vietnamese(precision: str, y: int, n: int, d: int) -> list[str]:
    if precision == "day":
        return [f"ngày {d}/{n}/{y}", f"{d:02d}/{n:02d}/{y}", f"ngày {d} tháng {n} năm {y}"]
    if precision == "month":
        return [f"tháng {n}/{y}", f"tháng {n:02d}/{y}", f"tháng {n} năm {y}"]
    if precision == "quarter":
        return [f"quý {ROMAN[n]}/{y}", f"quý {n}/{y}", f"quý {ROMAN[n]} năm {y}"]
    if precision == "half":
        return [f"6 tháng {'đầu' if n == 1 else 'cuối'} năm {y}"]
    return [f"năm {y}"]


def english(precision: str, y: int, n: int, d: int) -> list[str]:
    if precision == "day":
        month = EN_MONTHS[n - 1]
        return [f"{d} {month} {y}", f"{month} {d}, {y}", f"{y}-{n:02d}-{d:02d}"]
    if precision == "month":
        return [f"{EN_MONTHS[n - 1]} {y}", f"{EN_MONTHS[n - 1][:3]} {y}"]
    if precision == "quarter":
        return [f"Q{n}/{y}", f"Q{n} {y}", f"{ORDINAL[n]} quarter of {y}"]
    if precision == "half":
        return [f"H{n} {y}", f"{ORDINAL[n]} half of {y}"]
    return [f"{y}"]


VN_LEADS = ["", "hoàn thành ", "trong ", "hoàn thành trong ", "chậm nhất ", "xong trước ", "Thời hạn: "]
EN_LEADS = ["", "by ", "in ", "before ", "complete by ", "completed in "]


def expected_due(precision: str, y: int, n: int, d: int) -> date:
    """Computed independently of the parser: the last day of the period."""
    last_month = {"day": n, "month": n, "quarter": 3 * n, "half": 6 * n, "year": 12}[precision]
    if precision == "day":
        return date(y, n, d)
    return date(y, last_month, calendar.monthrange(y, last_month)[1])


@st.composite
def written(draw: st.DrawFn) -> tuple[str, tuple[str, int, int, int]]:
    """A valid period written the way a person might: either language, any case,
    with or without diacritics, NFC or NFD, a leading verb, sloppy spacing."""
    period = draw(periods())
    if draw(st.booleans()):
        text = draw(st.sampled_from(VN_LEADS)) + draw(st.sampled_from(vietnamese(*period)))
        if draw(st.booleans()):
            text = without_diacritics(text)
    else:
        text = draw(st.sampled_from(EN_LEADS)) + draw(st.sampled_from(english(*period)))
    text = draw(st.sampled_from([str.lower, str.upper, str.title, str]))(text)
    if draw(st.booleans()):
        text = nfd(text)
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["  ", " \t", "\u00a0"])))
    text = draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", ".", ";", " ."]))
    return text, period


@given(st.text())
def test_any_text_gives_a_deadline_or_a_deadline_error(text: str) -> None:
    try:
        result = parse_deadline(text)
    except DeadlineError:
        return
    assert isinstance(result, Deadline)


# Text from the parser's own vocabulary reaches far deeper than random Unicode.
VOCABULARY = st.lists(
    st.sampled_from(
        [
            "quý",
            "quy",
            "Q",
            "H",
            "tháng",
            "năm",
            "ngày",
            "ngay",
            "đầu",
            "cuối",
            "6",
            "/",
            "-",
            ".",
            ",",
            " ",
            "I",
            "V",
            "X",
            "0",
            "1",
            "2",
            "3",
            "9",
            "13",
            "31",
            "2024",
            "1989",
            "2100",
            "9999",
            "hoặc",
            "trong",
            "trước",
            "by",
            "in",
            "of",
            "half",
            "quarter",
            "first",
            "March",
            "Feb",
            "sớm",
            "thường xuyên",
            "asap",
            "\u0301",
            "\u00a0",
        ]
    ),
    max_size=40,
).map("".join)


@given(st.one_of(st.text(max_size=250), VOCABULARY))
def test_vocabulary_soup_gives_a_deadline_or_a_deadline_error(text: str) -> None:
    try:
        result = parse_deadline(text)
    except DeadlineError:
        return
    assert isinstance(result, Deadline)


@settings(max_examples=500, deadline=None)
@given(written())
def test_valid_periods_read_to_their_last_day(case: tuple[str, tuple[str, int, int, int]]) -> None:
    text, period = case
    precision = period[0]
    assert parse_deadline(text) == Deadline(expected_due(*period), precision)


def assert_end_of_its_period(deadline: Deadline) -> None:
    assert deadline.precision in PRECISIONS
    due = deadline.due
    if deadline.precision in ("ongoing", "asap"):
        assert due is None
        return
    assert due is not None and 1990 <= due.year <= 2100
    if deadline.precision == "day":
        return
    assert due.day == calendar.monthrange(due.year, due.month)[1]
    if deadline.precision == "quarter":
        assert due.month in (3, 6, 9, 12)
    elif deadline.precision == "half":
        assert due.month in (6, 12)
    elif deadline.precision == "year":
        assert due.month == 12


@settings(max_examples=500, deadline=None)
@given(st.one_of(written().map(lambda case: case[0]), VOCABULARY, st.text(max_size=50)))
def test_every_due_date_ends_its_period(text: str) -> None:
    try:
        deadline = parse_deadline(text)
    except DeadlineError:
        return
    assert_end_of_its_period(deadline)
    start = deadline.period_start()
    if start is not None:
        assert start <= deadline.due  # type: ignore[operator]
        assert start.day == 1 or deadline.precision == "day"


# --- Notice wording: year left out, periodic tasks, Tết (issue 11) -------------------------

NOTICE_DAY = D(2025, 9, 20)  # a notice dated 20/09/2025

WITH_REFERENCE = [
    # a year-less phrase is the next such period ending on or after the notice's date
    ("trong tháng 10", D(2025, 10, 31), "month"),
    ("trong tháng 9", D(2025, 9, 30), "month"),  # the notice's own month still counts
    ("trong tháng 8", D(2026, 8, 31), "month"),  # already over: next year's
    ("tháng 12", D(2025, 12, 31), "month"),
    ("trước ngày 15/10", D(2025, 10, 15), "day"),
    ("trước ngày 20/9", D(2025, 9, 20), "day"),  # the notice's own day
    ("trước ngày 15/9", D(2026, 9, 15), "day"),
    ("chậm nhất ngày 15 tháng 10", D(2025, 10, 15), "day"),
    ("ngày 29/2", D(2028, 2, 29), "day"),  # the next 29 February
    ("hoàn thành trong quý IV", D(2025, 12, 31), "quarter"),
    ("quý III", D(2025, 9, 30), "quarter"),
    ("quý I", D(2026, 3, 31), "quarter"),
    ("6 tháng cuối năm", D(2025, 12, 31), "half"),
    ("6 tháng đầu năm", D(2026, 6, 30), "half"),
    ("trong năm nay", D(2025, 12, 31), "year"),
    ("cuối năm", D(2025, 12, 31), "year"),
    ("trước Tết Nguyên đán", D(2026, 2, 13), "day"),
    # a written year is never changed by the reference
    ("trong tháng 8/2025", D(2025, 8, 31), "month"),
    ("quý II/2024", D(2024, 6, 30), "quarter"),
]


@pytest.mark.parametrize(("text", "due", "precision"), WITH_REFERENCE)
def test_reads_year_less_phrases_against_the_notice_date(text: str, due: date, precision: str) -> None:
    assert parse_deadline(text, reference=NOTICE_DAY) == Deadline(due, precision)


@pytest.mark.parametrize("text", [text for text, _due, _precision in WITH_REFERENCE[:-2]])
def test_year_less_phrases_stay_an_error_without_a_reference(text: str) -> None:
    with pytest.raises(DeadlineError, match="could not read a deadline"):
        parse_deadline(text)


PERIODIC = [
    ("định kỳ hằng quý", "quarterly"),
    ("hằng quý", "quarterly"),
    ("hàng quý", "quarterly"),
    ("báo cáo định kỳ hằng quý", "quarterly"),
    ("3 tháng một lần", "quarterly"),
    ("báo cáo 6 tháng một lần", "half-yearly"),
    ("định kỳ 6 tháng", "half-yearly"),
    ("6 tháng 1 lần", "half-yearly"),
    ("hằng năm", "yearly"),
    ("định kỳ hằng năm", "yearly"),
    ("mỗi năm một lần", "yearly"),
    ("hằng tháng", "monthly"),
    ("hàng tháng", "monthly"),
    ("thực hiện hằng tháng", "monthly"),
    ("quarterly", "quarterly"),
    ("every year", "yearly"),
    ("dinh ky hang quy", "quarterly"),
    ("HẰNG NĂM", "yearly"),
]


@pytest.mark.parametrize(("text", "recurrence"), PERIODIC)
def test_periodic_tasks_are_ongoing_with_their_recurrence(text: str, recurrence: str) -> None:
    assert parse_deadline(text) == Deadline(None, "ongoing", recurrence)
    assert parse_deadline(nfd(text), reference=NOTICE_DAY).recurrence == recurrence


@pytest.mark.parametrize("text", ["thường xuyên", "định kỳ", "sớm", "trong năm 2024"])
def test_plain_deadlines_have_no_recurrence(text: str) -> None:
    assert parse_deadline(text).recurrence is None


NEW_PHRASES = [
    ("ngay trong tháng 11/2025", D(2025, 11, 30), "month"),
    ("khẩn trương hoàn thành", None, "asap"),
    ("Khẩn trương triển khai", None, "asap"),
    ("sớm hoàn thành", None, "asap"),
    ("khẩn trương hoàn thành trong tháng 10/2025", D(2025, 10, 31), "month"),  # a lead-in there
    ("từ nay đến cuối năm 2025", D(2025, 12, 31), "year"),
    ("từ nay đến hết năm 2025", D(2025, 12, 31), "year"),
    # Tết 2026 is off from Mon 16/02 (the package's calendar); the weekend before too
    ("trước Tết Nguyên đán 2026", D(2026, 2, 13), "day"),
    # Tết 2024: off from Thu 08/02 ("29 Tết")
    ("trước Tết Nguyên đán năm 2024", D(2024, 2, 7), "day"),
    ("truoc Tet Nguyen dan 2025", D(2025, 1, 24), "day"),
]


@pytest.mark.parametrize(("text", "due", "precision"), NEW_PHRASES)
def test_reads_notice_phrases(text: str, due: date | None, precision: str) -> None:
    assert parse_deadline(text) == Deadline(due, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ngày 31/4", "no such day: 31/4"),
        ("tháng 13", "no month 13"),
        ("quý V", "no quarter V"),
        ("6 tháng 3 lần", "could not read"),
    ],
)
def test_refuses_bad_year_less_phrases_even_with_a_reference(text: str, message: str) -> None:
    with pytest.raises(DeadlineError, match=message):
        parse_deadline(text, reference=NOTICE_DAY)


def test_reference_must_be_a_date() -> None:
    with pytest.raises(TypeError):
        parse_deadline("tháng 10", reference="2025-09-20")  # type: ignore[arg-type]


def test_recurrence_needs_an_ongoing_precision() -> None:
    with pytest.raises(ValueError):
        Deadline(D(2025, 12, 31), "year", "yearly")
    with pytest.raises(ValueError):
        Deadline(None, "ongoing", "weekly")


@pytest.mark.parametrize("year", [1990, 2000, 2024, 2025, 2026, 2050, 2100])
def test_before_tet_is_a_working_day_just_before_the_holiday(year: int) -> None:
    import holidays

    from dxtasks.directives.deadlines import before_tet

    day = before_tet(year)
    off = holidays.country_holidays("VN", years=year, language="en_US")
    new_year = next(d for d, name in off.items() if name == "Lunar New Year")
    assert day < new_year and (new_year - day).days <= 12
    assert day not in off and day.weekday() < 5
    between = [day + timedelta(days=n) for n in range(1, (new_year - day).days)]
    assert all(d in off or d.weekday() >= 5 for d in between)


# Properties: a year-less phrase read against a reference


def year_less(precision: str, n: int, d: int) -> list[str]:
    if precision == "day":
        return [f"ngày {d}/{n}", f"trước ngày {d:02d}/{n:02d}", f"ngày {d} tháng {n}"]
    if precision == "month":
        return [f"tháng {n}", f"trong tháng {n:02d}"]
    if precision == "quarter":
        return [f"quý {ROMAN[n]}", f"quý {n}"]
    if precision == "half":
        return [f"6 tháng {'đầu' if n == 1 else 'cuối'} năm"]
    return ["trong năm nay"]


@st.composite
def year_less_cases(draw: st.DrawFn) -> tuple[str, str, int, int, date]:
    precision = draw(st.sampled_from(["day", "month", "quarter", "half", "year"]))
    top = {"day": 12, "month": 12, "quarter": 4, "half": 2}.get(precision)
    number = draw(st.integers(1, top)) if top else 0
    day = draw(st.integers(1, 28)) if precision == "day" else 0
    reference = draw(st.dates(min_value=D(1990, 1, 1), max_value=D(2098, 12, 31)))
    text = draw(st.sampled_from(year_less(precision, number, day)))
    if draw(st.booleans()):
        text = without_diacritics(text)
    return text, precision, number, day, reference


@settings(max_examples=400, deadline=None)
@given(year_less_cases())
def test_year_less_phrase_is_the_first_such_period_ending_on_or_after_the_reference(case) -> None:
    text, precision, number, day, reference = case
    deadline = parse_deadline(text, reference=reference)
    assert deadline.precision == precision
    assert deadline.due is not None and deadline.due >= reference
    # the same period a year earlier would already be over
    year = deadline.due.year
    if precision != "year":
        earlier = expected_due(precision, year - 1, number, day)
        assert earlier < reference
    # and it is exactly what the phrase with that year written out means
    assert deadline == Deadline(expected_due(precision, year, number, day), precision)


@settings(max_examples=300, deadline=None)
@given(written(), st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_a_written_year_ignores_the_reference(case, reference: date) -> None:
    text, _period = case
    assert parse_deadline(text, reference=reference) == parse_deadline(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(VOCABULARY, st.text(max_size=60)), st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)))
def test_any_text_with_a_reference_gives_a_deadline_or_a_deadline_error(text: str, reference: date) -> None:
    try:
        deadline = parse_deadline(text, reference=reference)
    except DeadlineError:
        return
    assert_end_of_its_period(deadline)
    assert deadline.recurrence is None or deadline.precision == "ongoing"


@pytest.mark.parametrize(
    "deadline",
    [
        Deadline(D(2025, 10, 15), "day"),
        Deadline(D(2025, 10, 31), "month"),
        Deadline(D(2025, 12, 31), "quarter"),
        Deadline(D(2026, 6, 30), "half"),
        Deadline(D(2025, 12, 31), "half"),
        Deadline(D(2025, 12, 31), "year"),
        Deadline(None, "ongoing"),
        Deadline(None, "asap"),
        Deadline(None, "ongoing", "half-yearly"),
    ],
)
def test_written_with_year_reads_back_without_a_reference(deadline: Deadline) -> None:
    from dxtasks.directives.deadlines import written_with_year

    assert parse_deadline(written_with_year(deadline)) == deadline
