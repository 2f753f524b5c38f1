"""Addressee groups: the groups a conclusion notice gives a directive to, and their members on a day.

A notice addresses "các bộ, ngành, địa phương", "Ủy ban nhân dân các tỉnh, thành phố trực thuộc
Trung ương", "các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", or a list of agencies "each".
Such a directive is collective: one `Share` per member agency. Members are resolved on the day the
directive is assigned, from the agencies' validity dates (`established_on`, `succeeded_on`): the
63 provinces before 01/07/2025, the 34 after it; the ministries of the 2021 Government before
01/03/2025, those of Resolution 176/2025/QH15 after it.

Each group has a pseudo-agency row with the group's code (in fixtures/agencies.json), which stands
as the collective directive's `lead_agency`, so that lists, imports and exports name the group.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Agency, AgencyKind

CENTRAL_KINDS = (AgencyKind.MINISTRY, AgencyKind.MINISTERIAL, AgencyKind.GOVERNMENT)
PROVINCE_KINDS = (AgencyKind.PROVINCE,)


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    name_en: str
    kinds: tuple[str, ...]  # empty for EACH: the members are listed, not derived


ALL = "ALL"
ALL_MINISTRIES = "ALL-MINISTRIES"
ALL_PROVINCES = "ALL-PROVINCES"
EACH = "EACH"

GROUPS: dict[str, Group] = {
    ALL: Group(
        ALL,
        "Các bộ, ngành, địa phương",
        "All ministries, agencies and provinces",
        tuple(CENTRAL_KINDS) + tuple(PROVINCE_KINDS),
    ),
    ALL_MINISTRIES: Group(
        ALL_MINISTRIES,
        "Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
        "All ministries and government agencies",
        tuple(CENTRAL_KINDS),
    ),
    ALL_PROVINCES: Group(
        ALL_PROVINCES,
        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
        "All provinces and centrally-run cities",
        tuple(PROVINCE_KINDS),
    ),
    EACH: Group(EACH, "Các cơ quan được giao", "Each of the listed agencies", ()),
}

# Codes the import's lead_agency column accepts for a group (EACH is written as a ';' list instead).
IMPORT_GROUP_CODES = (ALL, ALL_MINISTRIES, ALL_PROVINCES)

GROUP_LABELS = {
    ALL: _("Các bộ, ngành, địa phương"),
    ALL_MINISTRIES: _("Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ"),
    ALL_PROVINCES: _("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"),
    EACH: _("Các cơ quan được giao"),
}


def is_group_code(code: str) -> bool:
    return code in GROUPS


def valid_on(day: datetime.date) -> Q:
    """Agencies that existed on `day`: established by then and not yet succeeded."""
    return (Q(established_on__isnull=True) | Q(established_on__lte=day)) & (
        Q(succeeded_on__isnull=True) | Q(succeeded_on__gt=day)
    )


def members(code: str, day: datetime.date, *, agencies: QuerySet | None = None) -> QuerySet:
    """The member agencies of group `code` on `day` (not for EACH, whose members are listed).

    `agencies` lets a data migration pass its historical Agency manager.
    """
    group = GROUPS[code]
    if not group.kinds:
        raise ValueError(f"group {code} has listed members, not derived ones")
    agencies = Agency.objects.all() if agencies is None else agencies
    return agencies.filter(valid_on(day), kind__in=group.kinds).exclude(code__in=list(GROUPS))


def label(code: str, count: int | None = None) -> str:
    """The group's name as lists show it, e.g. "Các bộ, ngành, địa phương (97)"."""
    name = str(GROUP_LABELS.get(code, code))
    return f"{name} ({count})" if count is not None else name
