"""Dates written as the format modules say (FORMAT_MODULE_PATH: vi/formats.py, en/formats.py).

Templates use the `date` filter with a format's name (`{{ day|date:"SHORT_DATE_FORMAT" }}`); Python
code calls `short_date(day)` and `short_datetime(moment)`. Both editions write 28/12/2023 and
28/12/2023 14:05 (local time). No module writes a reader's date format by hand
(tests/portal/test_date_formats.py); text that is parsed back (a deadline as written, a URL's dates) keeps
its own fixed form, since the parsers accept it in every language.
"""

import datetime

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation
from django.utils.functional import lazy


def _format(name: str) -> str:
    # A worker with translations deactivated (get_language() None) writes the default language's dates,
    # not Django's global m/d/Y.
    return formats.get_format(name, lang=translation.get_language() or settings.LANGUAGE_CODE)


def short_date(day: datetime.date | None) -> str:
    """SHORT_DATE_FORMAT in the active language: 28/12/2023. A datetime gives its local day; None, ""."""
    if day is None:
        return ""
    if isinstance(day, datetime.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return dateformat.format(day, _format("SHORT_DATE_FORMAT"))


def short_datetime(moment: datetime.datetime) -> str:
    """SHORT_DATETIME_FORMAT in the active language, in local time: 28/12/2023 14:05."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return dateformat.format(moment, _format("SHORT_DATETIME_FORMAT"))


def _date_input_formats() -> list[str]:
    return list(_format("DATE_INPUT_FORMATS"))


# What a typed day may look like, read when used (the forms' fields and the importer parse with it):
# dd/mm/yyyy first, then dd-mm-yyyy, dd.mm.yyyy and yyyy-mm-dd, the same in both languages.
DATE_INPUT_FORMATS = lazy(_date_input_formats, list)()
