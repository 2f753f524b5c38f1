"""How agencies are named in lists: unambiguous labels and one order, in the reader's language.

The names and abbreviations are reference data on the Agency rows
(`short_name_vi`/`name_vi`, `short_name_en`/`name_en`, from fixtures/); this
module only adds what tells two rows apart and marks merged agencies:

- a province of before the July 2025 merger and the unit of the same name
  after it: "An Giang (đến 30/06/2025)" / "An Giang (từ 01/07/2025)";
- a merged ministry or agency: "BTTTT (đã hợp nhất vào BKHCN 01/03/2025)";
- lists are ordered ministries → ministerial-level agencies → government
  agencies → provinces (then groups), alphabetically within each kind by the
  name in the reader's language, accents folded (Đ sorts with D).
"""

import datetime
from collections.abc import Callable

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import override

from dxtasks.formats import short_date

from .folding import fold
from .models import Agency, AgencyKind

KIND_ORDER = [AgencyKind.MINISTRY, AgencyKind.MINISTERIAL, AgencyKind.GOVERNMENT, AgencyKind.PROVINCE, AgencyKind.OTHER]
KIND_RANK = {kind.value: rank for rank, kind in enumerate(KIND_ORDER)}


def kind_rank():
    """An ORDER BY expression for the kinds in the order above (the codes' alphabet is not it)."""
    return Case(
        *[When(kind=kind.value, then=Value(rank)) for rank, kind in enumerate(KIND_ORDER)],
        default=Value(len(KIND_ORDER)),
        output_field=IntegerField(),
    )


def sort_key(agency: Agency, language: str = "vi") -> tuple:
    return (
        KIND_RANK.get(agency.kind, len(KIND_ORDER)),
        fold(agency.name(language)),
        agency.established_on or datetime.date.min,
        agency.code,
    )


def ordered(agencies, language: str = "vi") -> list[Agency]:
    return sorted(agencies, key=lambda a: sort_key(a, language))


def _day(day: datetime.date) -> str:
    return short_date(day)


# Every label takes `day`, the reader's date style: dd/mm/yyyy on the pages; a printed edition passes its own
# (the English briefing writes "1 Mar 2025" everywhere, briefings.cover.edition_day).
DayFormat = Callable[[datetime.date], str]


def note(agency: Agency, language: str = "vi", day: DayFormat = _day) -> str:
    """What tells this row apart from another of the same name, or marks it merged ("" when nothing)."""
    with override(language):
        if agency.successor_id and agency.succeeded_on:
            if agency.kind == AgencyKind.PROVINCE:
                return _("đến %(day)s") % {"day": day(agency.succeeded_on - datetime.timedelta(days=1))}
            return _("đã hợp nhất vào %(successor)s %(day)s") % {
                "successor": agency.successor.short_name(language),  # type: ignore[union-attr]  # successor_id is set
                "day": day(agency.succeeded_on),
            }
        if agency.established_on and agency.kind == AgencyKind.PROVINCE:
            return _("từ %(day)s") % {"day": day(agency.established_on)}
    return ""


def short_label(agency: Agency, language: str = "vi", day: DayFormat = _day) -> str:
    """ "BCA", "An Giang (từ 01/07/2025)", "BTTTT (đã hợp nhất vào BKHCN 01/03/2025)"."""
    extra = note(agency, language, day)
    short = agency.short_name(language)
    return f"{short} ({extra})" if extra else short


def agency_label(agency: Agency, language: str = "vi") -> str:
    """ "BCA — Bộ Công an", "An Giang (đến 30/06/2025) — Tỉnh An Giang": the choice lists' label."""
    return f"{short_label(agency, language)} — {agency.name(language)}"


def name_label(agency: Agency, language: str = "vi", day: DayFormat = _day) -> str:
    """The full name with the same note: "Bộ Thông tin và Truyền thông (đã hợp nhất vào BKHCN 01/03/2025)"."""
    extra = note(agency, language, day)
    return f"{agency.name(language)} ({extra})" if extra else agency.name(language)


def chart_label(agency: Agency, language: str = "vi", day: DayFormat = _day) -> str:
    """A chart's short label: "BTTTT (hợp nhất vào BKHCN)", "An Giang (đến 30/06/2025)" (no merger date: no room)."""
    if agency.successor_id and agency.succeeded_on and agency.kind != AgencyKind.PROVINCE:
        with override(language):
            successor = agency.successor.short_name(language)  # type: ignore[union-attr]  # successor_id is set
            extra = _("hợp nhất vào %(successor)s") % {"successor": successor}
        return f"{agency.short_name(language)} ({extra})"
    return short_label(agency, language, day)


def label_scorecards(scorecards: list[dict], language: str = "vi", day: DayFormat = _day) -> list[dict]:
    """Add each scorecard line's `name`, `short` and `chart` label (merged agencies marked), in one query."""
    agencies = Agency.objects.select_related("successor").in_bulk([card["lead_agency_id"] for card in scorecards])
    for card in scorecards:
        agency = agencies[card["lead_agency_id"]]
        card["name"] = name_label(agency, language, day)
        card["short"] = short_label(agency, language, day)
        card["chart"] = chart_label(agency, language, day)
    return scorecards
