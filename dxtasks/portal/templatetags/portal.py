"""Template helpers: dd/mm/yyyy dates, status labels, names in the page's language, links kept."""

import datetime

from django import template
from django.urls import reverse
from django.utils.translation import get_language, ngettext

from dxtasks.directives.status import Status
from dxtasks.formats import short_date, short_datetime
from dxtasks.layout.templatetags import layout

register = template.Library()
# The frame's helpers too, so a portal template needs one {% load portal %}.
register.filter("abbr", layout.abbr)
register.simple_tag(layout.optional_url, name="optional_url")


@register.filter
def dmy(value: datetime.date | datetime.datetime | None) -> str:
    """A date as the format module writes it, 28/12/2023 (a datetime in local time with the hour: 28/12/2023 14:05)."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        return short_datetime(value)
    return short_date(value)


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def localized(obj) -> str:
    """An agency's name, a meeting's or directive's title, in the page's language."""
    language = (get_language() or "vi")[:2]
    for method in ("name", "title"):
        if hasattr(obj, method):
            return getattr(obj, method)(language)
    return str(obj)


@register.filter
def short_label(agency) -> str:
    """The abbreviation with what tells it apart: "An Giang (từ 01/07/2025)", "BTTTT (đã hợp nhất vào BKHCN …)"."""
    from dxtasks.directives import labels

    return labels.short_label(agency, (get_language() or "vi")[:2]) if agency else ""


@register.filter
def name_label(agency) -> str:
    """The full name with the same mark."""
    from dxtasks.directives import labels

    return labels.name_label(agency, (get_language() or "vi")[:2]) if agency else ""


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def register_link(scope_params: dict | None = None, **extra) -> str:
    """The register filtered to a scope (its GET parameters) and more: the list a count was counted from."""
    from django.utils.http import urlencode

    params = dict(scope_params or {})
    params.update({key: value for key, value in extra.items() if value not in (None, "")})
    url = reverse("portal:register")
    return f"{url}?{urlencode(params)}" if params else url


@register.simple_tag(takes_context=True)
def lateness(context, directive) -> str:
    """ "quá hạn 12 ngày" for an overdue row, "giao 640 ngày trước" for an open one without a date, else ""."""
    from django.utils import timezone
    from django.utils.translation import ngettext

    as_of = context.get("as_of") or timezone.localdate()
    status = getattr(directive, "status", "")
    due = getattr(directive, "due_as_of", None)
    if status == Status.OVERDUE and due:
        n = (as_of - due).days
        return ngettext("quá hạn %(n)s ngày", "quá hạn %(n)s ngày", n) % {"n": n}
    if status == Status.NO_DEADLINE and directive.assigned_on:
        n = (as_of - directive.assigned_on).days
        return ngettext("giao %(n)s ngày trước", "giao %(n)s ngày trước", n) % {"n": n}
    return ""


@register.filter
def days_phrase(age: int | None) -> str:
    """A worklist row's age in days: "12 ngày" since it happened, "còn 3 ngày" to a deadline still ahead."""
    if age is None:
        return ""
    if age < 0:
        return ngettext("còn %(n)s ngày", "còn %(n)s ngày", -age) % {"n": -age}
    return ngettext("%(n)s ngày", "%(n)s ngày", age) % {"n": age}
