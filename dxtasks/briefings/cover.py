"""The cover of a printed briefing, laid out as an administrative document (Decree 30/2020/NĐ-CP).

Top left the issuing body (settings.BRIEFINGS_ISSUER, in capitals, bold, and
the line beneath it, BRIEFINGS_ISSUER_UNIT), top right the national motto
("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc"), each
with a short rule under it; then the number line ("Số: …/BC-BKHCN", the
number left for the clerk unless BRIEFINGS_NUMBER) and the place and date
line ("Hà Nội, ngày 02 tháng 12 năm 2026": days below 10 and months below 3
with a leading zero, as the decree asks; the English edition writes it in its one date style,
"Ha Noi, 2 Dec 2026"); then the document kind ("BÁO CÁO")
and its subject, which never leaves a lone word on its last line; and a
short narrative of the figures that reads as a sentence.
"""

import datetime
import unicodedata

from django.conf import settings
from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from dxtasks.directives.status import Status

NBSP = "\u00a0"
LONG_OVERDUE_DAYS = 90
NAMES_IN_SUMMARY = 5


def no_orphan(text: str) -> str:
    """Bind the last two words with a no-break space, so the last line never holds one word alone."""
    words = text.split()
    if len(words) < 3:
        return text
    return " ".join(words[:-2] + [words[-2] + NBSP + words[-1]])


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def edition_day(day: datetime.date, language: str) -> str:
    """A date in the edition's one style (settings.BRIEFINGS_DATE_FORMATS): 02/12/2026 in Vietnamese, 2 Dec 2026
    in English — the cover, the scope line, the summary and the tables alike."""
    formats = settings.BRIEFINGS_DATE_FORMATS
    with override(language):  # month names in the edition's language, whatever the caller's
        return dateformat.format(day, formats.get(language) or formats["vi"])


def date_line(day: datetime.date, language: str) -> str:
    place = settings.BRIEFINGS_PLACE
    if language == "en":
        return f"{_ascii(place)}, {edition_day(day, language)}"  # the edition's one date style
    dd = f"{day.day:02d}" if day.day < 10 else str(day.day)
    mm = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {dd} tháng {mm} năm {day.year}"


def number_line() -> str:
    number = settings.BRIEFINGS_NUMBER or "\u2026\u2026"
    return _("Số: %(number)s/%(symbol)s") % {"number": number, "symbol": settings.BRIEFINGS_SYMBOL}


def _percent(part: int, whole: int, language: str) -> str:
    text = f"{part * 100 / whole:.1f}"
    return (text.replace(".", ",") if language == "vi" else text) + "%"


def narrative(figures: dict, scorecards: list[dict], as_of: datetime.date, language: str) -> list[str]:
    """Two or three sentences: what is overdue of what is due, which agencies are long overdue, what is done."""
    day = edition_day(as_of, language)
    counted = figures["counted"]
    if not counted:
        return [_("Tính đến %(day)s, không có nhiệm vụ nào trong phạm vi báo cáo.") % {"day": day}]
    overdue = figures[Status.OVERDUE]
    due = figures["completed"] + overdue
    sentences = []
    if due:
        sentences.append(
            ngettext(
                "Tính đến %(day)s, %(overdue)s/%(due)s nhiệm vụ đã đến hạn bị quá hạn (%(rate)s).",
                "Tính đến %(day)s, %(overdue)s/%(due)s nhiệm vụ đã đến hạn bị quá hạn (%(rate)s).",
                due,
            )
            % {"day": day, "overdue": overdue, "due": due, "rate": _percent(overdue, due, language)}
        )
    else:
        sentences.append(_("Tính đến %(day)s, chưa nhiệm vụ nào đến hạn.") % {"day": day})
    late = [card for card in scorecards if (card.get("oldest_overdue_days") or 0) > LONG_OVERDUE_DAYS]
    if late:
        names = ", ".join(card["short"] for card in late[:NAMES_IN_SUMMARY])
        if len(late) > NAMES_IN_SUMMARY:
            names += " " + _("và %(n)s cơ quan khác") % {"n": len(late) - NAMES_IN_SUMMARY}
        sentences.append(
            ngettext(
                "%(n)s cơ quan có nhiệm vụ quá hạn trên %(days)s ngày: %(names)s.",
                "%(n)s cơ quan có nhiệm vụ quá hạn trên %(days)s ngày: %(names)s.",
                len(late),
            )
            % {"n": len(late), "days": LONG_OVERDUE_DAYS, "names": names}
        )
    completed = figures["completed"]
    if completed:
        sentences.append(
            ngettext(
                "Đã hoàn thành %(done)s/%(total)s nhiệm vụ (%(rate)s), trong đó %(on_time)s đúng hạn.",
                "Đã hoàn thành %(done)s/%(total)s nhiệm vụ (%(rate)s), trong đó %(on_time)s đúng hạn.",
                completed,
            )
            % {
                "done": completed,
                "total": counted,
                "rate": _percent(completed, counted, language),
                "on_time": figures[Status.COMPLETED_ON_TIME],
            }
        )
    else:
        sentences.append(_("Chưa nhiệm vụ nào hoàn thành trong %(total)s nhiệm vụ.") % {"total": counted})
    return sentences


def cover(
    title: str,
    subject: str,
    figures: dict,
    scorecards: list[dict],
    as_of: datetime.date,
    day: datetime.date,
    language: str,
) -> dict:
    english = language == "en"
    issuer = settings.BRIEFINGS_ISSUER_EN if english else settings.BRIEFINGS_ISSUER
    return {
        "issuer": issuer.upper(),
        "issuer_unit": settings.BRIEFINGS_ISSUER_UNIT_EN if english else settings.BRIEFINGS_ISSUER_UNIT,
        "motto_country": _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        "motto": _("Độc lập - Tự do - Hạnh phúc"),
        "number_line": number_line(),
        "date_line": date_line(day, language),
        "kind": _("BÁO CÁO"),
        "title": no_orphan(title),
        "subject": no_orphan(subject),
        "narrative": [no_orphan(sentence) for sentence in narrative(figures, scorecards, as_of, language)],
    }
