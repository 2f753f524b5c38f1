"""Dates go through the format modules (dxtasks/formats): no page, mail or export writes dd/mm/yyyy by hand."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.utils import formats, translation

from dxtasks.formats import DATE_INPUT_FORMATS, short_date, short_datetime

from .conftest import client_for

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"%d/%m/%Y|%d/%m\b|\bd/m/Y|%d-%m-%Y|%d\.%m\.%Y")
# Where a fixed dd/mm/yyyy stays, and why: text that is parsed back, whatever the language, or data.
PARSED_OR_DATA = {
    "dxtasks/formats/vi/formats.py": "the format module itself",
    "dxtasks/settings.py": "BRIEFINGS_DATE_FORMATS, the printed editions' own styles",
    "dxtasks/directives/services.py": "a new due date written as the deadline text, which parse_deadline reads back",
    "dxtasks/directives/scopes.py": "a scope's URL parameters, which the forms parse",
    "dxtasks/briefings/views.py": "a briefing's URL parameters, which its form parses",
    "dxtasks/briefings/content.py": "does the deadline as written say just its due date?",
    "dxtasks/portal/importing.py": "a spreadsheet's date cell as the text the row checks parse",
    "dxtasks/directives/demo.py": "demo deadline texts",
    "dxtasks/reminders/benchdata.py": "benchmark deadline texts",
    "dxtasks/briefings/management/commands/benchmark_briefing.py": "benchmark deadline texts",
    "dxtasks/calendars/management/commands/benchmark_feeds.py": "benchmark deadline texts",
    "dxtasks/directives/management/commands/benchmark_search.py": "benchmark deadline texts",
    "dxtasks/portal/management/commands/benchmark_portal.py": "benchmark deadline texts",
}
MOMENT = datetime.datetime(2023, 12, 28, 7, 5, tzinfo=datetime.UTC)  # 14:05 in Hà Nội


@pytest.fixture
def iso_formats(settings):
    """A format module unlike the real one, for the run of one test."""
    settings.FORMAT_MODULE_PATH = ["tests.portal.iso_formats"]
    formats.reset_format_cache()  # FORMAT_MODULE_PATH is not one of the settings Django resets it for
    yield
    settings.FORMAT_MODULE_PATH = ["dxtasks.formats"]
    formats.reset_format_cache()


def test_no_page_mail_or_export_writes_a_date_format_by_hand():
    found = {}
    for path in sorted((ROOT / "dxtasks").rglob("*")) + sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".py", ".html", ".txt") and LITERAL.search(path.read_text()):
            found.setdefault(str(path.relative_to(ROOT)), []).extend(
                n for n, line in enumerate(path.read_text().splitlines(), 1) if LITERAL.search(line)
            )
    assert "dxtasks/formats/vi/formats.py" in found  # the scan sees a literal where one is
    by_hand = {path: lines for path, lines in found.items() if path not in PARSED_OR_DATA}
    assert not by_hand, f"dates written by hand (use dxtasks.formats or the date filter): {by_hand}"


@pytest.mark.parametrize("language", ["vi", "en", None])
def test_both_editions_write_the_day_first_and_a_process_without_a_language_too(language):
    with translation.override(language):
        assert short_date(datetime.date(2023, 12, 28)) == "28/12/2023"
        assert short_datetime(MOMENT) == "28/12/2023 14:05"
        assert short_date(MOMENT) == "28/12/2023"
        assert list(DATE_INPUT_FORMATS) == ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_page_and_the_csv_export_follow_the_format_module(world, iso_formats, language):
    client = client_for(world.users["secretariat"])
    client.cookies["django_language"] = language
    page = client.get(world.directive.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert "2030-12-31" in page and "31/12/2030" not in page
    export = b"".join(client.get("/directives/export.csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff"))))
    assert any("2030-12-31" in row for row in rows) and "31/12/2030" not in export


def test_typed_days_are_read_as_they_were(world):
    """The forms parse what they parsed before the format module held the list (dd/mm/yyyy and the rest)."""
    from dxtasks.portal.forms import DayField

    field = DayField()
    for typed in ("31/12/2030", "31-12-2030", "31.12.2030", "2030-12-31"):
        assert field.clean(typed) == datetime.date(2030, 12, 31), typed
    with translation.override("en"):
        assert field.clean("31/12/2030") == datetime.date(2030, 12, 31)
        assert field.widget.format_value(datetime.date(2030, 12, 31)) == "31/12/2030"
